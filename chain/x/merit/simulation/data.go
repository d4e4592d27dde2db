package simulation

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/model"
)

// The simulation's data: small labelled samples in the engine's integer form, drawn from
// a per-model (or per-market) task, so that the models learn something and the engine
// sometimes agrees and sometimes disagrees with a contribution's label (refunds and
// reports both happen). Everything here is a deterministic function of its seed.

// Shapes of the simulated models and markets: small, so that every engine call stays
// cheap (the WebAssembly engine costs a few milliseconds per call).
const (
	maxSimDims     = 6 // models
	maxSimClasses  = 4
	maxMarketDims  = 4 // markets
	maxMarketClass = 3
	minPortions    = 2 // portions per market, and rows per portion
	maxPortions    = 4
	minPortionRows = 2
	maxPortionRows = 6
)

// marketFamilies are the families a market may use (knn is refused by the module).
var marketFamilies = []model.Family{model.Perceptron, model.NaiveBayes, model.Centroid, model.SparseCentroid}

// seedOf hashes a label and values into a seed: the first 8 bytes of
// SHA-256(label ‖ each value, big-endian).
func seedOf(label string, vals ...uint64) uint64 {
	h := sha256.New()
	h.Write([]byte(label))
	var b [8]byte
	for _, v := range vals {
		binary.BigEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	return binary.BigEndian.Uint64(h.Sum(nil))
}

// strSeed folds a string into a value for seedOf.
func strSeed(s string) uint64 { return seedOf(s) }

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewSource(int64(seed))) }

// task is a labelling rule: one prototype per class; a sample of class c lies near
// prototype c.
type task struct {
	cfg    model.Config
	lo     int32 // smallest feature value (0 for the families that need non-negative or binary features)
	protos [][]int32
}

// newTask returns the task of seed for a model of configuration cfg.
func newTask(seed uint64, cfg model.Config) *task {
	r := newRand(seed)
	t := &task{cfg: cfg, lo: -cfg.Bound}
	if cfg.Family == model.NaiveBayes || cfg.Family == model.SparseCentroid {
		t.lo = 0
	}
	span := int64(cfg.Bound) - int64(t.lo) + 1
	for range cfg.Classes {
		p := make([]int32, cfg.Dims)
		for j := range p {
			p[j] = t.lo + int32(r.Int63n(span))
		}
		t.protos = append(t.protos, p)
	}
	return t
}

// sample draws one sample; with probability mislabelPct/100 its label is another class's.
func (t *task) sample(r *rand.Rand, mislabelPct int) ([]int32, uint32) {
	c := r.Intn(t.cfg.Classes)
	spread := max(t.cfg.Bound/4, 1)
	x := make([]int32, t.cfg.Dims)
	for j := range x {
		v := t.protos[c][j] + int32(r.Int63n(2*int64(spread)+1)) - spread
		v = min(max(v, t.lo), t.cfg.Bound)
		if t.cfg.Family == model.SparseCentroid && v <= t.cfg.Bound/2 {
			v = 0 // a binary feature: present (non-zero) or absent
		}
		x[j] = v
	}
	label := uint32(c)
	if r.Intn(100) < mislabelPct {
		label = uint32((c + 1 + r.Intn(t.cfg.Classes-1)) % t.cfg.Classes)
	}
	return x, label
}

// oneRow returns the one-row dataset of (x, label) for cfg: dense, or sparse (the
// non-zero features) when sparse is set and the row has one.
func oneRow(cfg model.Config, x []int32, label uint32, sparse bool) *dataset.Dataset {
	d := &dataset.Dataset{Kind: dataset.Dense, Dims: cfg.Dims, Classes: cfg.Classes, ScaleExp: cfg.ScaleExp, Y: []int32{int32(label)}}
	if sparse {
		var idx []uint32
		var val []int32
		for j, v := range x {
			if v != 0 {
				idx, val = append(idx, uint32(j)), append(val, v)
			}
		}
		if len(idx) > 0 {
			d.Kind, d.Ptr, d.Idx, d.Val = dataset.Sparse, []int{0, len(idx)}, idx, val
			return d
		}
	}
	d.X = append([]int32(nil), x...)
	return d
}

// denseFeatures returns row 0 of d as dense features.
func denseFeatures(d *dataset.Dataset) []int32 {
	x := make([]int32, d.Dims)
	r := d.Row(0)
	if !r.IsSparse() {
		copy(x, r.Dense)
		return x
	}
	for i, j := range r.Idx {
		x[j] = r.Val[i]
	}
	return x
}

// trainedModel returns a model of configuration cfg trained on n samples of t, or nil if
// the engine refuses one (the caller then sends no initial model).
func trainedModel(cfg model.Config, t *task, r *rand.Rand, n int) model.Model {
	m, err := model.New(cfg)
	if err != nil {
		return nil
	}
	for range n {
		x, y := t.sample(r, 0)
		if err := m.Update(oneRow(cfg, x, y, false).Row(0), int(y)); err != nil {
			return nil
		}
	}
	return m
}

// modelTaskSeed is the seed of model id's task, from what the chain stores of it.
func modelTaskSeed(id uint64, cfg model.Config) uint64 {
	return seedOf("merit sim model", id, uint64(cfg.Family), uint64(cfg.Dims), uint64(cfg.Classes), uint64(cfg.Bound))
}

// The market's identity seed. The simulated provider commits to portions it generates
// from a seed derived from the market's own public parameters, so that whoever reveals
// them later regenerates the same data from the chain's state alone (the simulation
// keeps no memory between operations; a market whose portions do not match, e.g. one
// imported from elsewhere, is skipped). The seed also fixes the provider's behaviour:
// whether it withholds the scoring portions (the market is then aborted after the
// reveal timeout) or cancels the market before opening it.
func marketSeed(provider string, bounty uint64, p market.Params, cfg model.Config, portions int) uint64 {
	return seedOf("merit sim market", strSeed(provider), bounty, p.MinStake, p.MinContributions, p.MinDuration,
		p.RevealTimeout, uint64(cfg.Family), uint64(cfg.Dims), uint64(cfg.Classes), uint64(cfg.ScaleExp),
		uint64(int64(cfg.Bound)), uint64(portions))
}

// withholds reports whether the provider of a market of seed s never reveals the
// scoring portions (one market in four).
func withholds(s uint64) bool { return s%4 == 0 }

// cancels reports whether the provider of a market of seed s never reveals the first
// portion and cancels the market instead (one market in five).
func cancels(s uint64) bool { return !withholds(s) && (s/4)%15 < 4 }

// abandons reports whether the contributor of a market contribution with this data
// hash never collects its balance (one in five), leaving it to ClaimAbandoned.
func abandons(dataHash []byte) bool { return len(dataHash) > 0 && dataHash[0]%5 == 0 }

// marketPortions returns the k test-set portions of a market of seed s and
// configuration cfg: 2 to 6 rows each, labelled by the market's task without noise.
func marketPortions(s uint64, cfg model.Config, k int) []*dataset.Dataset {
	t := newTask(seedOf("merit sim market task", s), cfg)
	r := newRand(seedOf("merit sim market portions", s))
	out := make([]*dataset.Dataset, k)
	for i := range out {
		d := &dataset.Dataset{Kind: dataset.Dense, Dims: cfg.Dims, Classes: cfg.Classes, ScaleExp: cfg.ScaleExp}
		for range minPortionRows + r.Intn(maxPortionRows-minPortionRows+1) {
			x, y := t.sample(r, 0)
			d.X, d.Y = append(d.X, x...), append(d.Y, int32(y))
		}
		out[i] = d
	}
	return out
}

// marketTask is the task contributors to a market of seed s sample from.
func marketTask(s uint64, cfg model.Config) *task {
	return newTask(seedOf("merit sim market task", s), cfg)
}
