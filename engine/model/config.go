package model

import (
	"errors"
	"fmt"
	"math/bits"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/fixed"
)

// Errors returned by this package wrap one of these, so callers can tell the kinds apart
// with errors.Is.
var (
	// ErrConfig: a configuration that New (or Decode) rejects.
	ErrConfig = errors.New("model: bad config")
	// ErrInput: a row, label or dataset that does not fit the model.
	ErrInput = errors.New("model: input does not fit the model")
	// ErrCapacity: an update that would take the model's state past a documented bound.
	ErrCapacity = errors.New("model: capacity exceeded")
	// ErrEncoding: bytes that are not the canonical encoding of a valid model.
	ErrEncoding = errors.New("model: bad encoding")
)

// Defaults applied by New (and Config.Normalize) when a family's hyperparameter is zero.
const (
	DefaultLearningRate = 1
	DefaultAlphaMicro   = 1_000_000
	DefaultK            = 5
)

// MaxCells bounds Classes·Dims (for a binary perceptron, Dims) for the families whose
// state is a class-by-feature matrix (perceptron, naive-bayes, centroid,
// sparse-centroid). It is an allocation bound, not a numeric one: it keeps a config
// from asking for more memory than a machine can give (2^28 cells of 8 bytes = 2 GiB).
const MaxCells = 1 << 28

// MaxK is the largest KNN K (the encoding stores K in 32 bits).
const MaxK = 1<<31 - 1

// maxSamples bounds the number of samples a naive-Bayes model counts (n + C stays far
// below 2^63 for Log2). It cannot be reached by updates in practice.
const maxSamples = 1 << 62

const two62 = 1 << 62

// pow10 holds 10^k for the scale exponents a model accepts.
var pow10 = [...]int64{1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000}

// Normalize checks c and returns it in canonical form: the defaults applied to the
// family's own hyperparameters when they are zero, and the other families'
// hyperparameters set to zero. On failure it returns the zero Config and an error
// (wrapping ErrConfig) that names the bound that failed and what to change. New(c)
// builds a model whose Config() is exactly the normalized config.
func (c Config) Normalize() (Config, error) {
	if !c.Family.Valid() {
		return Config{}, fmt.Errorf("%w: unknown family %d (known: 1 perceptron … 5 knn)", ErrConfig, c.Family)
	}
	fam := c.Family.String()
	if c.Dims < 1 || c.Dims > dataset.MaxDims {
		return Config{}, fmt.Errorf("%w: %s: Dims = %d, must be in 1..%d", ErrConfig, fam, c.Dims, dataset.MaxDims)
	}
	if c.Classes < 2 || c.Classes > dataset.MaxClasses {
		return Config{}, fmt.Errorf("%w: %s: Classes = %d, must be in 2..%d", ErrConfig, fam, c.Classes, dataset.MaxClasses)
	}
	if c.ScaleExp < 0 || c.ScaleExp > dataset.MaxScale {
		return Config{}, fmt.Errorf("%w: %s: ScaleExp = %d, must be in 0..%d", ErrConfig, fam, c.ScaleExp, dataset.MaxScale)
	}
	if c.Bound < 1 || c.Bound > fixed.MaxFeature {
		return Config{}, fmt.Errorf("%w: %s: Bound = %d, must be in 1..%d (2^24 − 1)", ErrConfig, fam, c.Bound, fixed.MaxFeature)
	}
	lr, alpha, k := c.LearningRate, c.AlphaMicro, c.K
	c.LearningRate, c.AlphaMicro, c.K = 0, 0, 0
	d, b, s := uint64(c.Dims), uint64(c.Bound), uint64(pow10[c.ScaleExp])
	cells := uint64(c.Classes) * d
	switch c.Family {
	case Perceptron:
		if lr == 0 {
			lr = DefaultLearningRate
		}
		if lr < 1 {
			return Config{}, fmt.Errorf("%w: perceptron: LearningRate = %d, must be ≥ 1 (0 selects the default %d)", ErrConfig, lr, DefaultLearningRate)
		}
		c.LearningRate = lr
		if c.Classes == 2 {
			cells = d
		}
		if perceptronLimit(c) < 1 {
			return Config{}, fmt.Errorf("%w: perceptron: weight limit W = ⌊(2^63−1)/((Dims+1)·max(Bound, 10^ScaleExp))⌋ is below 1; lower Dims, Bound or ScaleExp", ErrConfig)
		}
	case NaiveBayes:
		if alpha == 0 {
			alpha = DefaultAlphaMicro
		}
		if alpha < 1 {
			return Config{}, fmt.Errorf("%w: naive-bayes: AlphaMicro = %d, must be ≥ 1 (0 selects the default %d)", ErrConfig, alpha, DefaultAlphaMicro)
		}
		c.AlphaMicro = alpha
		if d*b > 1<<32 {
			return Config{}, fmt.Errorf("%w: naive-bayes: needs Dims·Bound ≤ 2^32, got %d·%d = %d; lower Bound or Dims", ErrConfig, d, b, d*b)
		}
		if hi, lo := bits.Mul64(uint64(alpha), s*d); hi != 0 || lo >= two62 {
			return Config{}, fmt.Errorf("%w: naive-bayes: needs AlphaMicro·10^ScaleExp·Dims < 2^62, got %d·%d·%d; lower AlphaMicro, ScaleExp or Dims", ErrConfig, alpha, s, d)
		}
	case Centroid, KNN:
		if hi, lo := bits.Mul64(d, 4*b*b); hi != 0 || lo > two62 {
			return Config{}, fmt.Errorf("%w: %s: needs Dims·(2·Bound)² ≤ 2^62, got Dims = %d, Bound = %d; lower Bound or Dims", ErrConfig, fam, d, b)
		}
		if c.Family == KNN {
			if k == 0 {
				k = DefaultK
			}
			if k < 1 || k > MaxK {
				return Config{}, fmt.Errorf("%w: knn: K = %d, must be in 1..%d (0 selects the default %d)", ErrConfig, k, MaxK, DefaultK)
			}
			c.K = k
			cells = 0
		}
	case SparseCentroid:
		// D·n[c]² < 2^62 holds for n[c] ≤ 1 whatever D is; it is checked on update.
	}
	if cells > MaxCells {
		return Config{}, fmt.Errorf("%w: %s: state of %d cells (Classes·Dims) exceeds MaxCells = 2^28; lower Dims or Classes", ErrConfig, fam, cells)
	}
	return c, nil
}

// New returns an empty (untrained) model for the configuration, after Normalize.
func New(cfg Config) (Model, error) {
	c, err := cfg.Normalize()
	if err != nil {
		return nil, err
	}
	switch c.Family {
	case Perceptron:
		return newPerceptron(c), nil
	case NaiveBayes:
		return newNaiveBayes(c), nil
	case Centroid:
		return newCentroid(c), nil
	case SparseCentroid:
		return newSparseCentroid(c), nil
	default:
		return newKNN(c), nil
	}
}

// perceptronLimit returns W = min(2^31 − 1, ⌊(2^63 − 1) / ((D + 1) · max(B, S))⌋).
func perceptronLimit(c Config) int64 {
	m := max(int64(c.Bound), pow10[c.ScaleExp])
	w := (1<<63 - 1) / ((int64(c.Dims) + 1) * m)
	return min(w, 1<<31-1)
}

// clamp returns v limited to [-lim, lim].
func clamp(v, lim int64) int64 {
	if v > lim {
		return lim
	}
	if v < -lim {
		return -lim
	}
	return v
}

// argmax returns the index of the largest score, the lowest index on ties.
func argmax(score []int64) int {
	best := 0
	for i, v := range score {
		if v > score[best] {
			best = i
		}
	}
	return best
}

// scratch64 returns a slice of n int64s, backed by buf when it is large enough.
func scratch64(buf []int64, n int) []int64 {
	if n <= len(buf) {
		return buf[:n]
	}
	return make([]int64, n)
}
