package model

import (
	"slices"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/simd"
)

// knn is the k-nearest-neighbours model of docs/MODELS.md: the training rows, stored
// dense and row-major in insertion order, with their labels.
type knn struct {
	cfg Config
	x   []int32 // len(y)·Dims features
	y   []int32 // labels, in [0, Classes)
}

func newKNN(c Config) *knn { return &knn{cfg: c} }

func (m *knn) Config() Config { return m.cfg }

// knnScratch holds the buffers one prediction needs, reused across Evaluate's rows.
type knnScratch struct {
	q     []int32 // a densified sparse query
	dist  []int64 // distance to every stored row
	heap  []int   // the selected neighbours
	votes []int32 // per-class votes, for large K (all zero between uses)
}

func (m *knn) newScratch(sparse bool) *knnScratch {
	s := &knnScratch{dist: make([]int64, len(m.y))}
	if sparse {
		s.q = make([]int32, m.cfg.Dims)
	}
	return s
}

// predict returns the majority class among the K stored rows nearest to a validated
// row, by (distance, index) order; a tie between classes goes to the class whose
// nearest member comes first. With no stored rows it returns 0.
func (m *knn) predict(x dataset.Row, s *knnScratch) int {
	if len(m.y) == 0 {
		return 0
	}
	q := x.Dense
	if x.IsSparse() {
		simd.Densify(s.q, x.Idx, x.Val)
		q = s.q
	}
	simd.SqDistBatch(m.x, q, s.dist)
	s.heap = nearest(s.dist, m.cfg.K, s.heap)
	return m.vote(s)
}

// vote returns the winning class among the neighbours in s.heap, sorted nearest first.
func (m *knn) vote(s *knnScratch) int {
	nb := s.heap
	best, bestVotes := 0, 0
	if len(nb) <= 32 {
		// Quadratic counting; for each neighbour in order, count its class.
		for i, a := range nb {
			la := m.y[a]
			seen := false
			for _, b := range nb[:i] {
				if m.y[b] == la {
					seen = true
					break
				}
			}
			if seen {
				continue
			}
			v := 0
			for _, b := range nb[i:] {
				if m.y[b] == la {
					v++
				}
			}
			if v > bestVotes {
				best, bestVotes = int(la), v
			}
		}
		return best
	}
	if s.votes == nil {
		s.votes = make([]int32, m.cfg.Classes)
	}
	for _, a := range nb {
		s.votes[m.y[a]]++
	}
	for _, a := range nb {
		if v := int(s.votes[m.y[a]]); v > bestVotes {
			best, bestVotes = int(m.y[a]), v
		}
	}
	for _, a := range nb {
		s.votes[m.y[a]] = 0
	}
	return best
}

// nearest returns the indices of the k smallest distances by (distance, index), sorted
// in that order (all of them if there are fewer than k), reusing h's storage. It keeps
// a max-heap of the k best seen so far: O(N·log k).
func nearest(dist []int64, k int, h []int) []int {
	k = min(k, len(dist))
	h = h[:0]
	// before reports whether neighbour a comes before neighbour b.
	before := func(a, b int) bool { return dist[a] < dist[b] || (dist[a] == dist[b] && a < b) }
	for i, d := range dist {
		if len(h) < k {
			// Sift up.
			h = append(h, i)
			j := len(h) - 1
			for j > 0 {
				p := (j - 1) / 2
				if !before(h[p], h[j]) {
					break
				}
				h[p], h[j] = h[j], h[p]
				j = p
			}
			continue
		}
		// i is larger than every index in the heap, so it comes before the worst
		// neighbour kept only with a strictly smaller distance.
		if d >= dist[h[0]] {
			continue
		}
		h[0] = i
		j := 0
		for {
			l := 2*j + 1
			if l >= k {
				break
			}
			w := l
			if r := l + 1; r < k && before(h[l], h[r]) {
				w = r
			}
			if !before(h[j], h[w]) {
				break
			}
			h[j], h[w] = h[w], h[j]
			j = w
		}
	}
	slices.SortFunc(h, func(a, b int) int {
		if before(a, b) {
			return -1
		}
		if before(b, a) {
			return 1
		}
		return 0
	})
	return h
}

func (m *knn) Predict(x dataset.Row) (int, error) {
	if err := checkRow(&m.cfg, x, false); err != nil {
		return 0, err
	}
	return m.predict(x, m.newScratch(x.IsSparse())), nil
}

func (m *knn) Update(x dataset.Row, label int) error {
	c := &m.cfg
	if err := checkLabel(c, label); err != nil {
		return err
	}
	if err := checkRow(c, x, false); err != nil {
		return err
	}
	if x.IsSparse() {
		n := len(m.x)
		m.x = slices.Grow(m.x, c.Dims)[:n+c.Dims]
		simd.Densify(m.x[n:], x.Idx, x.Val)
	} else {
		m.x = append(m.x, x.Dense...)
	}
	m.y = append(m.y, int32(label))
	return nil
}

func (m *knn) Evaluate(ds *dataset.Dataset) (int, error) {
	if err := checkDataset(&m.cfg, ds, false); err != nil {
		return 0, err
	}
	s := m.newScratch(ds.Kind == dataset.Sparse)
	correct := 0
	for i, y := range ds.Y {
		if m.predict(ds.Row(i), s) == int(y) {
			correct++
		}
	}
	return correct, nil
}

func (m *knn) Clone() Model {
	c := *m
	c.x = slices.Clone(m.x)
	c.y = slices.Clone(m.y)
	return &c
}
