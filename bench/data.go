package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/internal/mnistsrc"
)

// The valuation benchmarks use the engine's own datasets: the shipped iris and digits
// (testdata/), split as `make demo` splits them (a quarter held out, seed 1), and MNIST
// (the first rows of its training and test sets).
const (
	splitNum, splitDen = 1, 4
	splitSeed          = 1
	noiseNum, noiseDen = 1, 10 // the fraction of training labels flipped for the quality runs
	noiseSeed          = 1
	knnK               = model.DefaultK
)

// loadSplit loads a shipped dataset and splits it into training and test parts.
func loadSplit(path string) (train, test *dataset.Dataset, err error) {
	l, err := dataset.Load(path, dataset.LoadOptions{ScaleExp: dataset.AutoScale})
	if err != nil {
		return nil, nil, err
	}
	return dataset.Split(l.Data, splitNum, splitDen, splitSeed)
}

var mnistOnce struct {
	sync.Once
	train, test *dataset.Dataset
	err         error
}

// loadMNIST returns the MNIST training and test sets (loaded once per process; the files
// come with a Go module, which mnistsrc downloads if needed).
func loadMNIST() (train, test *dataset.Dataset, err error) {
	o := &mnistOnce
	o.Do(func() {
		dir, err := mnistsrc.Dir()
		if err != nil {
			o.err = err
			return
		}
		if o.train, err = dataset.LoadMNIST(filepath.Join(dir, mnistsrc.TrainImages), filepath.Join(dir, mnistsrc.TrainLabels)); err != nil {
			o.err = err
			return
		}
		o.test, o.err = dataset.LoadMNIST(filepath.Join(dir, mnistsrc.TestImages), filepath.Join(dir, mnistsrc.TestLabels))
	})
	return o.train, o.test, o.err
}

// firstRows returns the first n rows of d (all of them if it has fewer).
func firstRows(d *dataset.Dataset, n int) *dataset.Dataset {
	if n >= d.Len() {
		return d
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	s, err := d.Subset(idx)
	if err != nil {
		panic(err) // indices in range of a valid dataset
	}
	return s
}

// strideColumns returns d (dense) restricted to dims features taken evenly across its
// columns (feature ⌊j·Dims/dims⌋ for j = 0..dims−1): real data at a lower dimension.
func strideColumns(d *dataset.Dataset, dims int) *dataset.Dataset {
	if dims >= d.Dims {
		return d
	}
	out := &dataset.Dataset{Kind: dataset.Dense, Dims: dims, Classes: d.Classes, ScaleExp: d.ScaleExp,
		Y: append([]int32(nil), d.Y...), X: make([]int32, d.Len()*dims)}
	for i := range d.Len() {
		row := d.X[i*d.Dims : (i+1)*d.Dims]
		for j := range dims {
			out.X[i*dims+j] = row[j*d.Dims/dims]
		}
	}
	if err := out.Validate(); err != nil {
		panic(err)
	}
	return out
}

// knnConfig is the KNN classifier (K = knnK) whose test accuracy is the utility of the
// model-based methods, for this training and test set.
func knnConfig(train, test *dataset.Dataset) (model.Config, error) {
	c := model.Config{Family: model.KNN, Dims: train.Dims, Classes: max(train.Classes, test.Classes, 2),
		ScaleExp: train.ScaleExp, K: knnK, Bound: max(train.MaxAbs(), test.MaxAbs(), 1)}
	return c.Normalize()
}

// shape describes a training and test set for people: "N × T, D dims".
func shape(train, test *dataset.Dataset) string {
	return fmt.Sprintf("%s × %s, %d dims", thousands(train.Len()), thousands(test.Len()), train.Dims)
}

// thousands writes n with thousands separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// writeNPY writes a dense dataset's features (int32, rows × dims) and labels (int32) as
// NumPy .npy files (format 1.0, little-endian): prefix+"_x.npy" and prefix+"_y.npy".
func writeNPY(prefix string, d *dataset.Dataset) (xPath, yPath string, err error) {
	if d.Kind != dataset.Dense {
		if d, err = d.ToDense(); err != nil {
			return "", "", err
		}
	}
	xPath, yPath = prefix+"_x.npy", prefix+"_y.npy"
	if err := npyInt32(xPath, d.X, d.Len(), d.Dims); err != nil {
		return "", "", err
	}
	return xPath, yPath, npyInt32(yPath, d.Y, d.Len())
}

// npyInt32 writes v as a C-ordered int32 array of the given shape.
func npyInt32(path string, v []int32, shape ...int) error {
	dims := make([]string, len(shape))
	for i, s := range shape {
		dims[i] = fmt.Sprint(s)
	}
	sh := strings.Join(dims, ", ")
	if len(shape) == 1 {
		sh += ","
	}
	header := fmt.Sprintf("{'descr': '<i4', 'fortran_order': False, 'shape': (%s), }", sh)
	// The magic (6), version (2), header length (2) and header end in '\n', padded with
	// spaces to a multiple of 64 bytes.
	total := 10 + len(header) + 1
	header += strings.Repeat(" ", (64-total%64)%64) + "\n"
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("\x93NUMPY\x01\x00")
	binary.Write(w, binary.LittleEndian, uint16(len(header)))
	w.WriteString(header)
	var buf [4]byte
	for _, x := range v {
		binary.LittleEndian.PutUint32(buf[:], uint32(x))
		w.Write(buf[:])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
