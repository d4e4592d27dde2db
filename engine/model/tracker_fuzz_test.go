package model

import (
	"testing"

	"github.com/meritchain/merit/engine/dataset"
)

// byteSource hands out the fuzz input one byte at a time, then zeros.
type byteSource struct {
	b []byte
	i int
}

func (s *byteSource) next() byte {
	if s.i >= len(s.b) {
		return 0
	}
	s.i++
	return s.b[s.i-1]
}

func (s *byteSource) pick(n int) int { return int(s.next()) % n }

// row returns a dense row: each feature 0 (often), ±Bound, or spread over [−B, B].
func (s *byteSource) row(c Config) []int32 {
	x := make([]int32, c.Dims)
	b := int64(c.Bound)
	for f := range x {
		v := s.next()
		switch {
		case v < 100:
		case v < 110:
			x[f] = int32(b)
		case v < 120:
			x[f] = int32(-b)
		default:
			x[f] = int32(int64(v-120)*(2*b+1)/136 - b)
		}
		if c.Family == NaiveBayes && x[f] < 0 {
			x[f] = -x[f]
		}
	}
	return x
}

// FuzzTracker: on random small configurations and data, the incremental tracker's
// count equals the naive tracker's after every step (Add, invalid Add, and Remove for
// the Remover families), and both hold identical models.
func FuzzTracker(f *testing.F) {
	f.Add([]byte{0, 3, 0, 2, 0, 0, 0, 4, 1, 2, 200, 150, 7, 9, 130, 201, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{0, 3, 1, 4, 0, 2, 0, 4, 1, 2, 200, 150, 7, 9, 130, 201, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{1, 2, 2, 2, 3, 1, 0, 5, 0, 1, 250, 110, 120, 255, 0, 1, 2, 3, 4, 5})
	f.Add([]byte{2, 4, 1, 3, 0, 0, 0, 6, 2, 0, 255, 254, 253, 101, 102, 240, 230, 10, 20})
	f.Add([]byte{3, 5, 2, 1, 0, 0, 0, 3, 1, 1, 200, 200, 200, 0, 0, 200, 180, 3, 3, 3, 3})
	f.Add([]byte{4, 2, 1, 0, 0, 0, 3, 6, 2, 3, 105, 115, 105, 115, 200, 200, 1, 1, 1, 1, 1, 1})
	f.Add([]byte{4, 1, 0, 1, 0, 0, 5, 2, 0, 0, 128, 129, 130, 131, 0, 0, 0, 0})
	f.Add([]byte{0, 4, 0, 4, 9, 3, 0, 5, 1, 3, 255, 250, 245, 240, 235, 230, 225, 220, 215})
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &byteSource{b: data}
		c := Config{
			Family:   Families()[s.pick(5)],
			Dims:     1 + s.pick(5),
			Classes:  2 + s.pick(3),
			Bound:    [...]int32{1, 2, 3, 20, 255, 1<<24 - 1}[s.pick(6)],
			ScaleExp: s.pick(10),
		}
		hyper := s.pick(6)
		c.LearningRate = [...]int32{1, 2, 3, 1000, 700_000_000, 1<<31 - 1}[hyper]
		c.AlphaMicro = [...]int64{1, 1000, 500_000, 1_000_000, 3_000_000, 1 << 40}[hyper]
		c.K = [...]int{1, 2, 3, 5, 8, 1000}[hyper]
		m, err := New(c)
		if err != nil {
			return
		}
		c = m.Config()
		nTest := 1 + s.pick(8)
		sparseTest := s.pick(2) == 1
		var testRows [][]int32
		var testLabels []int32
		for range nTest {
			testRows = append(testRows, s.row(c))
			testLabels = append(testLabels, int32(s.pick(c.Classes)))
		}
		test := denseDS(c, testRows, testLabels)
		if sparseTest {
			test = sparseDS(c, testRows, testLabels)
		}
		for range s.pick(4) {
			if err := m.Update(dn(s.row(c)...), s.pick(c.Classes)); err != nil {
				return
			}
		}
		p := newTrackerPair(t, m, test)
		type sample struct {
			x []int32
			y int
		}
		var added []sample
		for step := 0; step < 48 && s.i < len(s.b); step++ {
			switch op := s.pick(8); {
			case op < 4: // a new sample
				x, y := s.row(c), s.pick(c.Classes)
				row := dn(x...)
				if op == 3 {
					row = toSparse(x)
				}
				if p.add(row, y) == nil {
					added = append(added, sample{x, y})
				}
			case op == 4 && len(added) > 0: // a duplicate
				a := added[s.pick(len(added))]
				if p.add(dn(a.x...), a.y) == nil {
					added = append(added, a)
				}
			case op == 5: // a test row as a sample
				i := s.pick(nTest)
				if p.add(dn(testRows[i]...), int(testLabels[i])) == nil {
					added = append(added, sample{testRows[i], int(testLabels[i])})
				}
			case op == 6: // invalid input
				x := s.row(c)
				var row dataset.Row
				y := s.pick(c.Classes)
				switch s.pick(3) {
				case 0:
					y = c.Classes + s.pick(3)
					row = dn(x...)
				case 1:
					row = dn(append(x, 1)...)
				default:
					row = sp([]uint32{uint32(c.Dims)}, []int32{1})
				}
				if p.add(row, y) == nil {
					t.Fatalf("invalid Add(%v, %d) accepted", row, y)
				}
			case op == 7 && c.Family != Perceptron && len(added) > 0: // a removal
				k := s.pick(len(added))
				if c.Family == KNN {
					k = len(added) - 1 // keeps the list of added samples in stored order
				}
				a := added[k]
				if err := p.remove(toSparse(a.x), a.y); err != nil {
					t.Fatalf("Remove of an added sample: %v", err)
				}
				added = append(added[:k], added[k+1:]...)
			}
		}
	})
}
