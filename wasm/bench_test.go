package wasm

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/abi/abitest"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/rng"
	"github.com/meritchain/merit/internal/mnistsrc"
)

// Benchmarks of every form: native (abi.Native), and each build under wazero's compiler
// and its interpreter (the MNIST-sized ones: native and the compiler only).
//
//	go test -run '^$' -bench . ./wasm/
//	go test -run '^$' -bench 'Marginal|KNN' -benchtime 5x ./wasm/
//	MERIT_SIMD=generic go test -run '^$' -bench '.*/^native$' ./wasm/   # native portable
//
// The ratio of a form's time to native's is the cost of the sandbox for that work. The
// names (work/form/runtime) are what bench/wasm.go parses for BENCHMARKS.md.

var benchForms = []form{{build: Pure}, {build: HostKernels}, {build: Pure, interp: true}, {build: HostKernels, interp: true}}

// BenchmarkCompile: New, which compiles the module (cold), or loads it from a warm
// compilation cache (cached; the compiler only: the interpreter has no cache).
func BenchmarkCompile(b *testing.B) {
	ctx := context.Background()
	for _, f := range benchForms {
		b.Run(f.String()+"/cold", func(b *testing.B) {
			for range b.N {
				e, err := New(ctx, Options{Build: f.build, Interpreter: f.interp})
				if err != nil {
					b.Fatal(err)
				}
				e.Close(ctx)
			}
		})
		if f.interp {
			continue
		}
		b.Run(f.String()+"/cached", func(b *testing.B) {
			dir := b.TempDir()
			e, err := New(ctx, Options{Build: f.build, CacheDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			e.Close(ctx)
			b.ResetTimer()
			for range b.N {
				e, err := New(ctx, Options{Build: f.build, CacheDir: dir})
				if err != nil {
					b.Fatal(err)
				}
				e.Close(ctx)
			}
		})
	}
}

// BenchmarkInstantiate: one fresh instance (the Go runtime's initialisation included),
// closed.
func BenchmarkInstantiate(b *testing.B) {
	ctx := context.Background()
	for _, f := range benchForms {
		b.Run(f.String(), func(b *testing.B) {
			e := engineOf(b, f)
			b.ResetTimer()
			for range b.N {
				in, err := e.instantiate(ctx)
				if err != nil {
					b.Fatal(err)
				}
				in.mod.Close(ctx)
			}
		})
	}
}

// benchCall runs req in every form (native first).
func benchCall(b *testing.B, req []byte) { benchCallIn(b, req, benchForms) }

// benchCallIn runs req natively and in the forms fs.
func benchCallIn(b *testing.B, req []byte, fs []form) {
	ctx := context.Background()
	for _, f := range append([]form{native}, fs...) {
		b.Run(f.String(), func(b *testing.B) {
			run := abi.Native{}.Call
			if !f.native {
				run = engineOf(b, f).Call
			}
			b.ResetTimer()
			for range b.N {
				if _, _, err := run(ctx, req, unlimited); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCallOverhead: the smallest request (a model of one weight), so the time is the
// call's overhead: a fresh instance, the request copied in, the response copied out.
func BenchmarkCallOverhead(b *testing.B) {
	benchCall(b, abi.EncodeRequest(&abi.ModelNew{Config: abitest.Config(model.Perceptron, 1, 2, 1)}))
}

// The mid-size dataset: 1000 training rows scored against 250 test rows, 32 features
// in [−100, 100] (sparse and non-negative for naive Bayes and the sparse centroid), 4
// classes.
const (
	benchN, benchT, benchD, benchC = 1000, 250, 32, 4
	benchBound                     = 100
)

// midMarginal returns the mid-size marginal-scoring request of family f, from an untrained
// model (BenchmarkMarginal, TestRounds).
func midMarginal(tb testing.TB, f model.Family) []byte {
	r := rng.New(1)
	sp := f == model.NaiveBayes || f == model.SparseCentroid
	train := abitest.RandomDataset(r, benchN, benchD, benchC, sp, sp, benchBound)
	test := abitest.RandomDataset(r, benchT, benchD, benchC, sp, sp, benchBound)
	m, err := model.New(abitest.Config(f, benchD, benchC, benchBound))
	if err != nil {
		tb.Fatal(err)
	}
	return abi.EncodeRequest(&abi.Marginal{Model: m, Train: train, Test: test})
}

// midKNNShapley returns the mid-size KNN-Shapley request (K = 5).
func midKNNShapley() []byte {
	r := rng.New(2)
	train := abitest.RandomDataset(r, benchN, benchD, benchC, false, false, benchBound)
	test := abitest.RandomDataset(r, benchT, benchD, benchC, false, false, benchBound)
	return abi.EncodeRequest(&abi.KNNShapley{K: 5, Train: train, Test: test})
}

// BenchmarkMarginal: marginal scoring of every training row, from an untrained model.
func BenchmarkMarginal(b *testing.B) {
	for _, f := range abitest.Families {
		b.Run(f.String(), func(b *testing.B) { benchCall(b, midMarginal(b, f)) })
	}
}

// BenchmarkKNNShapley: exact KNN-Shapley (K = 5) of every training row.
func BenchmarkKNNShapley(b *testing.B) { benchCall(b, midKNNShapley()) }

// MNIST-sized work (784 pixels in 0..255, 10 classes), natively and under the compiler
// only (the interpreter would take minutes per call): marginal scoring of the first
// mnistContrib training images against the first mnistTest test images, and KNN-Shapley
// of all 60,000 training images on the first mnistKNNTest test images
// (MERIT_BENCH_WASM_KNN_TEST overrides the count). Each call includes its fixed costs:
// copying the request in and decoding and validating it (for KNN-Shapley 47 million
// training values), which the guest does several times slower than native code.
const (
	mnistContrib, mnistTest = 1000, 1000
	mnistKNNTest            = 100
)

var mnistOnce struct {
	sync.Once
	train, test *dataset.Dataset
	err         error
}

// benchMNIST returns the first n training and t test images of MNIST, or skips tb if
// the files are not available.
func benchMNIST(tb testing.TB, n, t int) (train, test *dataset.Dataset) {
	tb.Helper()
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
	if o.err != nil {
		tb.Skipf("MNIST not available: %v", o.err)
	}
	first := func(d *dataset.Dataset, k int) *dataset.Dataset {
		idx := make([]int, min(k, d.Len()))
		for i := range idx {
			idx[i] = i
		}
		s, err := d.Subset(idx)
		if err != nil {
			tb.Fatal(err)
		}
		return s
	}
	return first(o.train, n), first(o.test, t)
}

// BenchmarkMarginalMNIST: marginal scoring of mnistContrib MNIST training images against
// mnistTest test images, from an untrained model.
func BenchmarkMarginalMNIST(b *testing.B) {
	train, test := benchMNIST(b, mnistContrib, mnistTest)
	for _, f := range abitest.Families {
		b.Run(f.String(), func(b *testing.B) {
			m, err := model.New(model.Config{Family: f, Dims: train.Dims, Classes: 10, Bound: 255, K: 5})
			if err != nil {
				b.Fatal(err)
			}
			benchCallIn(b, abi.EncodeRequest(&abi.Marginal{Model: m, Train: train, Test: test}), compiled)
		})
	}
}

// BenchmarkKNNShapleyMNIST: exact KNN-Shapley (K = 5) of the 60,000 MNIST training
// images on mnistKNNTest test images.
func BenchmarkKNNShapleyMNIST(b *testing.B) {
	rows := mnistKNNTest
	if v := os.Getenv("MERIT_BENCH_WASM_KNN_TEST"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("MERIT_BENCH_WASM_KNN_TEST=%q: want a positive integer", v)
		}
		rows = n
	}
	train, test := benchMNIST(b, 60000, rows)
	benchCallIn(b, abi.EncodeRequest(&abi.KNNShapley{K: 5, Train: train, Test: test}), compiled)
}

// BenchmarkHostCall: one call from WebAssembly to a host kernel (merit_simd.sum of 64
// elements, a few ns of AVX2 work), from a hand-assembled module that loops b.N times:
// the overhead the host build pays per kernel call, against which hostMin is set.
func BenchmarkHostCall(b *testing.B) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	if err := instantiateSIMD(ctx, rt); err != nil {
		b.Fatal(err)
	}
	// run(n): do { drop(sum(0, 64)); n-- } while n != 0
	body := cat2([]byte{0x00}, // no locals
		[]byte{0x03, 0x40}, // loop
		[]byte{0x41, 0x00, 0x41, 0xc0, 0x00, 0x10, 0x00, 0x1a}, // i32.const 0, i32.const 64, call 0, drop
		[]byte{0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00},       // local.get 0, i32.const 1, i32.sub, local.tee 0
		[]byte{0x0d, 0x00, 0x0b, 0x0b})                         // br_if 0, end, end
	bin := cat2(header,
		section(1, vec(functype([]byte{tI32, tI32}, []byte{tI64}), functype([]byte{tI32}, nil))),
		section(2, vec(importFunc("merit_simd", "sum", 0))),
		section(3, vec([]byte{1})),
		section(5, vec([]byte{0x00, 0x01})),
		section(7, vec(cat2(name("run"), []byte{0x00, 0x01}))),
		section(10, vec(cat2(uleb(uint64(len(body))), body))))
	mod, err := rt.InstantiateWithConfig(ctx, bin, wazero.NewModuleConfig().WithName("bench"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if _, err := mod.ExportedFunction("run").Call(ctx, uint64(max(b.N, 1))); err != nil {
		b.Fatal(err)
	}
}
