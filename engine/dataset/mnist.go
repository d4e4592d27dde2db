package dataset

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The idx format of the MNIST files (Y. LeCun, C. Cortes, C. J. C. Burges): a big-endian
// uint32 magic 0x00000803 (unsigned bytes, 3 dimensions) or 0x00000801 (1 dimension),
// then one big-endian uint32 per dimension, then the data, one byte per element.
const (
	idxImagesMagic = 0x00000803
	idxLabelsMagic = 0x00000801
	mnistClasses   = 10
)

// LoadMNIST reads an MNIST images file (idx3-ubyte) and its labels file (idx1-ubyte),
// each gzip-compressed or not, into a dense dataset: one row per image, Dims =
// rows·columns (784 for MNIST) pixel values 0..255 at ScaleExp 0, Classes = 10. Errors
// name the file.
func LoadMNIST(imagesPath, labelsPath string) (*Dataset, error) {
	fi, err := os.Open(imagesPath)
	if err != nil {
		return nil, err
	}
	defer fi.Close()
	fl, err := os.Open(labelsPath)
	if err != nil {
		return nil, err
	}
	defer fl.Close()
	return readMNIST(fi, imagesPath, fl, labelsPath)
}

// LoadMNISTImages is LoadMNIST with the labels file found by MNISTLabelsPath.
func LoadMNISTImages(imagesPath string) (*Dataset, error) {
	labels, err := MNISTLabelsPath(imagesPath)
	if err != nil {
		return nil, err
	}
	return LoadMNIST(imagesPath, labels)
}

// MNISTLabelsPath returns the labels file that goes with an images file: in the same
// directory, with "-images-idx3-ubyte" (or "-images.idx3-ubyte") in the name replaced by
// "-labels-idx1-ubyte" (or "-labels.idx1-ubyte"), keeping any suffix such as ".gz". It
// returns an error if the name does not have that form or the labels file does not exist.
func MNISTLabelsPath(imagesPath string) (string, error) {
	dir, base := filepath.Split(imagesPath)
	var labels string
	for _, p := range [][2]string{{"-images-idx3-ubyte", "-labels-idx1-ubyte"}, {"-images.idx3-ubyte", "-labels.idx1-ubyte"}} {
		if i := strings.LastIndex(base, p[0]); i >= 0 {
			labels = base[:i] + p[1] + base[i+len(p[0]):]
			break
		}
	}
	if labels == "" {
		return "", fmt.Errorf("dataset: %s: not an MNIST images file name (want *-images-idx3-ubyte[.gz])", imagesPath)
	}
	path := dir + labels
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("dataset: labels file for %s: %w", imagesPath, err)
	}
	return path, nil
}

// ReadMNIST is LoadMNIST over readers; imagesName and labelsName are used in errors.
func ReadMNIST(images io.Reader, imagesName string, labels io.Reader, labelsName string) (*Dataset, error) {
	return readMNIST(images, imagesName, labels, labelsName)
}

func readMNIST(images io.Reader, imagesName string, labels io.Reader, labelsName string) (*Dataset, error) {
	errf := func(name string, format string, args ...any) error {
		return &ParseError{File: name, Msg: fmt.Sprintf(format, args...)}
	}
	ir, err := decompress(images, imagesName)
	if err != nil {
		return nil, err
	}
	lr, err := decompress(labels, labelsName)
	if err != nil {
		return nil, err
	}
	var ih [16]byte
	if err := readExact(ir, ih[:]); err != nil {
		return nil, wrapRead(imagesName, "images header (16 bytes)", err)
	}
	if m := binary.BigEndian.Uint32(ih[0:]); m != idxImagesMagic {
		return nil, errf(imagesName, "bad magic %#08x: want %#08x (idx3-ubyte images)", m, idxImagesMagic)
	}
	n := uint64(binary.BigEndian.Uint32(ih[4:]))
	rows := uint64(binary.BigEndian.Uint32(ih[8:]))
	cols := uint64(binary.BigEndian.Uint32(ih[12:]))
	if rows == 0 || cols == 0 || rows*cols > MaxDims {
		return nil, errf(imagesName, "image size %d×%d: want 1..%d pixels", rows, cols, MaxDims)
	}
	dims := rows * cols
	if n == 0 {
		return nil, errf(imagesName, "no images")
	}
	if n > MaxLoadRows || n*dims > MaxLoadValues {
		return nil, errf(imagesName, "%d images of %d pixels: more than the %d values a load may hold", n, dims, MaxLoadValues)
	}
	var lh [8]byte
	if err := readExact(lr, lh[:]); err != nil {
		return nil, wrapRead(labelsName, "labels header (8 bytes)", err)
	}
	if m := binary.BigEndian.Uint32(lh[0:]); m != idxLabelsMagic {
		return nil, errf(labelsName, "bad magic %#08x: want %#08x (idx1-ubyte labels)", m, idxLabelsMagic)
	}
	if nl := uint64(binary.BigEndian.Uint32(lh[4:])); nl != n {
		return nil, errf(labelsName, "%d labels but %s has %d images", nl, imagesName, n)
	}

	// Read the data without trusting the declared sizes for allocation: the buffers grow
	// only as bytes actually arrive.
	var pix bytes.Buffer
	if got, err := io.CopyN(&pix, ir, int64(n*dims)); err != nil {
		if err == io.EOF {
			return nil, errf(imagesName, "truncated: %d images of %d pixels need %d bytes after the header, got %d", n, dims, n*dims, got)
		}
		return nil, &ParseError{File: imagesName, Msg: "read error", Err: err}
	}
	if err := expectEOF(ir, imagesName, 16+n*dims); err != nil {
		return nil, err
	}
	var lab bytes.Buffer
	if got, err := io.CopyN(&lab, lr, int64(n)); err != nil {
		if err == io.EOF {
			return nil, errf(labelsName, "truncated: %d labels need %d bytes after the header, got %d", n, n, got)
		}
		return nil, &ParseError{File: labelsName, Msg: "read error", Err: err}
	}
	if err := expectEOF(lr, labelsName, 8+n); err != nil {
		return nil, err
	}

	d := &Dataset{Kind: Dense, Dims: int(dims), Classes: mnistClasses, ScaleExp: 0,
		Y: make([]int32, n), X: make([]int32, n*dims)}
	for i, b := range lab.Bytes() {
		if b >= mnistClasses {
			return nil, errf(labelsName, "label %d of image %d (byte offset %d) is not a digit 0..9", b, i, 8+i)
		}
		d.Y[i] = int32(b)
	}
	for i, b := range pix.Bytes() {
		d.X[i] = int32(b)
	}
	return d, nil
}

func readExact(r *bufio.Reader, b []byte) error {
	_, err := io.ReadFull(r, b)
	return err
}

func wrapRead(name, what string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &ParseError{File: name, Msg: "truncated " + what}
	}
	return &ParseError{File: name, Msg: "reading " + what, Err: err}
}

// expectEOF checks that r has no bytes left after the size bytes its header implies.
func expectEOF(r *bufio.Reader, name string, size uint64) error {
	var b [1]byte
	k, err := io.ReadFull(r, b[:])
	if k > 0 {
		return &ParseError{File: name, Msg: fmt.Sprintf("oversized: bytes after the %d that the header implies", size)}
	}
	if err != nil && err != io.EOF {
		return &ParseError{File: name, Msg: "read error", Err: err}
	}
	return nil
}
