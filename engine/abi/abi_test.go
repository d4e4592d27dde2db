package abi_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/abi/abitest"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/value"
)

// allCases returns the random cases of a few seeds and the real-data cases.
func allCases(t testing.TB) []abitest.Case {
	t.Helper()
	var cases []abitest.Case
	for seed := uint64(1); seed <= 3; seed++ {
		cases = append(cases, abitest.Random(seed)...)
		cases = append(cases, abitest.Mechanisms(seed)...)
	}
	real, err := abitest.Real()
	if err != nil {
		t.Fatal(err)
	}
	return append(cases, real...)
}

func call(req []byte, limit uint64) ([]byte, uint64, error) {
	return abi.Native{}.Call(context.Background(), req, limit)
}

// TestCanonical: every case decodes and re-encodes to its own bytes, succeeds, and its
// response decodes and re-encodes to its own bytes too.
func TestCanonical(t *testing.T) {
	for _, c := range allCases(t) {
		r, err := abi.DecodeRequest(c.Request)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if !bytes.Equal(abi.EncodeRequest(r), c.Request) {
			t.Fatalf("%s: request re-encoding differs", c.Name)
		}
		resp, _, err := call(c.Request, 1<<62)
		if abitest.Invalid(c) {
			if !errors.Is(err, abi.ErrInvalid) || resp != nil {
				t.Fatalf("%s: %v, want an invalid-request error", c.Name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		d, err := abi.DecodeResponse(resp)
		if err != nil {
			t.Fatalf("%s: response: %v", c.Name, err)
		}
		if d.Op() != r.Op() || !bytes.Equal(abi.EncodeResponse(d), resp) {
			t.Fatalf("%s: response re-encoding differs", c.Name)
		}
	}
}

// TestGas: gas is the same on every run and for every worker count; it is at least the
// call's base price plus one per request byte; one unit short of it fails with
// ErrOutOfGas and uses exactly the limit, and no response.
func TestGas(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, c := range allCases(t) {
		runtime.GOMAXPROCS(1)
		resp1, used1, err1 := call(c.Request, 1<<62)
		runtime.GOMAXPROCS(4)
		resp4, used4, err4 := call(c.Request, 1<<62)
		if (err1 != nil) != abitest.Invalid(c) || fmtErr(err1) != fmtErr(err4) || used1 != used4 || !bytes.Equal(resp1, resp4) {
			t.Fatalf("%s: 1 worker: gas %d, %v; 4 workers: gas %d, %v", c.Name, used1, err1, used4, err4)
		}
		base := gas.Default.Cost(gas.Call, 1) + gas.Default.Cost(gas.InputByte, uint64(len(c.Request)))
		if used1 <= base {
			t.Fatalf("%s: gas %d charges no work beyond the base %d", c.Name, used1, base)
		}
		resp, used, err := call(c.Request, used1-1)
		if !errors.Is(err, gas.ErrOutOfGas) || used != used1-1 || resp != nil {
			t.Fatalf("%s: limit %d: used %d, err %v", c.Name, used1-1, used, err)
		}
		var e *abi.Error
		if !errors.As(err, &e) || e.Code != abi.CodeOutOfGas {
			t.Fatalf("%s: out of gas is %T %v, want *abi.Error with CodeOutOfGas", c.Name, err, err)
		}
		if _, used, err := call(c.Request, used1); fmtErr(err) != fmtErr(err1) || used != used1 {
			t.Fatalf("%s: exactly enough gas: used %d, %v", c.Name, used, err)
		}
	}
}

// TestGasGrowsWithWork: a bigger problem costs more gas, roughly in proportion to its work.
func TestGasGrowsWithWork(t *testing.T) {
	// gasOf returns the gas of KNN-Shapley beyond the call and byte charges.
	gasOf := func(n, t int) uint64 {
		tr := abitest.RandomDataset(rngFor(1), n, 8, 3, false, false, 50)
		te := abitest.RandomDataset(rngFor(2), t, 8, 3, false, false, 50)
		req := abi.EncodeRequest(&abi.KNNShapley{K: 3, Train: tr, Test: te})
		resp, used, err := call(req, 1<<62)
		if err != nil {
			panic(err)
		}
		return used - gas.Default.Cost(gas.Call, 1) - gas.Default.Cost(gas.InputByte, uint64(len(req))) - gas.Default.Cost(gas.OutputByte, uint64(len(resp)))
	}
	small, big := gasOf(100, 10), gasOf(100, 40)
	if big != 4*small {
		t.Fatalf("KNN-Shapley gas on 4× the test rows: %d vs %d", big, small)
	}
}

// TestMatchesEngine: the responses hold exactly what the engine computes directly.
func TestMatchesEngine(t *testing.T) {
	train, test, err := abitest.Iris()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := model.Config{Family: model.KNN, Dims: train.Dims, Classes: 3, ScaleExp: train.ScaleExp, Bound: max(train.MaxAbs(), test.MaxAbs()), K: 5}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	p := value.Problem{Config: cfg, Train: train, Test: test}
	check := func(name string, req abi.Request, want value.Values) {
		t.Helper()
		resp, _, err := call(abi.EncodeRequest(req), 1<<62)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d, err := abi.DecodeResponse(resp)
		if err != nil {
			t.Fatal(err)
		}
		got := d.(*abi.ValuesResult).Values
		if got.Den != want.Den || !equalInts(got.Num, want.Num) {
			t.Fatalf("%s: differs from the engine", name)
		}
	}
	want, err := value.KNNShapley(train, test, 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	check("knn-shapley", &abi.KNNShapley{K: 5, Train: train, Test: test}, want)
	if want, err = value.Marginal(p); err != nil {
		t.Fatal(err)
	}
	empty, _ := model.New(cfg)
	check("marginal", &abi.Marginal{Model: empty, Train: train, Test: test}, want)
	if want, err = value.LeaveOneOut(p, 0); err != nil {
		t.Fatal(err)
	}
	check("loo", &abi.LeaveOneOut{Config: cfg, Train: train, Test: test}, want)

	// Sampled values and report.
	opts := value.SampleOptions{Seed: 3, Samples: 10, Truncation: 1}
	wv, wr, err := value.PermutationShapley(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	resp, _, err := call(abi.EncodeRequest(&abi.Sampled{Method: abi.OpPermutationShapley, Config: cfg, Train: train, Test: test, Options: opts}), 1<<62)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := abi.DecodeResponse(resp)
	sr := d.(*abi.SampledResult)
	if !equalInts(sr.Values.Num, wv.Num) || sr.Values.Den != wv.Den || sr.Report.Samples != wr.Samples || sr.Report.Truncated != wr.Truncated || sr.Report.FullUtility != wr.FullUtility {
		t.Fatal("permutation Shapley differs from the engine")
	}

	// Model ops: train, evaluate, predict.
	resp, _, err = call(abi.EncodeRequest(&abi.ModelTrain{Model: empty.Clone(), Data: train}), 1<<62)
	if err != nil {
		t.Fatal(err)
	}
	d, _ = abi.DecodeResponse(resp)
	trained := d.(*abi.ModelResult).Model
	direct := empty.Clone()
	for i := range train.Len() {
		if err := direct.Update(train.Row(i), int(train.Y[i])); err != nil {
			t.Fatal(err)
		}
	}
	h1, _ := model.Hash(trained)
	h2, _ := model.Hash(direct)
	if h1 != h2 {
		t.Fatal("trained model differs")
	}
	correct, _ := direct.Evaluate(test)
	resp, _, err = call(abi.EncodeRequest(&abi.ModelEvaluate{Model: direct, Data: test}), 1<<62)
	if err != nil {
		t.Fatal(err)
	}
	d, _ = abi.DecodeResponse(resp)
	if e := d.(*abi.EvaluateResult); e.Correct != uint64(correct) || e.Rows != uint64(test.Len()) {
		t.Fatalf("evaluate: %+v, want %d of %d", e, correct, test.Len())
	}
	resp, _, err = call(abi.EncodeRequest(&abi.ModelPredict{Model: direct, Data: test}), 1<<62)
	if err != nil {
		t.Fatal(err)
	}
	d, _ = abi.DecodeResponse(resp)
	for i, p := range d.(*abi.PredictResult).Labels {
		if want, _ := direct.Predict(test.Row(i)); p != want {
			t.Fatalf("predict row %d: %d, want %d", i, p, want)
		}
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestBadRequests: malformed, non-canonical and invalid requests give the right code.
func TestBadRequests(t *testing.T) {
	good := abitest.Random(5)[0].Request
	train, test, err := abitest.Iris()
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := model.Config{Family: model.Centroid, Dims: train.Dims, Classes: 3, ScaleExp: train.ScaleExp, Bound: 1}.Normalize()
	wrongDims := abitest.RandomDataset(rngFor(3), 5, train.Dims+1, 3, false, false, 5)
	unnormal := abi.EncodeRequest(&abi.ModelNew{Config: cfg})
	unnormal[len(unnormal)-1] = 7 // K on a centroid config
	for _, c := range []struct {
		name string
		req  []byte
		want error
	}{
		{"empty", nil, abi.ErrMalformed},
		{"bad magic", append([]byte("XREQ"), good[4:]...), abi.ErrMalformed},
		{"bad version", append(append([]byte{}, good[:4]...), append([]byte{9, 0}, good[6:]...)...), abi.ErrMalformed},
		{"unknown op", append(append([]byte{}, good[:6]...), 0xff, 0x00), abi.ErrMalformed},
		{"truncated", good[:len(good)-1], abi.ErrMalformed},
		{"trailing", append(append([]byte{}, good...), 0), abi.ErrMalformed},
		{"config not normal", unnormal, abi.ErrMalformed},
		{"K zero", abi.EncodeRequest(&abi.KNNShapley{K: 0, Train: train, Test: test}), abi.ErrMalformed},
		{"bound exceeded", abi.EncodeRequest(&abi.LeaveOneOut{Config: cfg, Train: train, Test: test}), abi.ErrInvalid},
		{"wrong dims", abi.EncodeRequest(&abi.KNNShapley{K: 1, Train: train, Test: wrongDims}), abi.ErrInvalid},
	} {
		resp, _, err := call(c.req, 1<<62)
		if !errors.Is(err, c.want) || resp != nil {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// Every truncation of a valid request is refused as malformed.
	for n := range len(good) {
		if _, _, err := call(good[:n], 1<<62); !errors.Is(err, abi.ErrMalformed) {
			t.Fatalf("truncated to %d bytes: %v", n, err)
		}
	}
}

// FuzzRequest: any bytes give a response or an *abi.Error, never a panic; an accepted
// request is canonical, and its gas is the same twice.
func FuzzRequest(f *testing.F) {
	for _, c := range abitest.Random(1) {
		f.Add(c.Request)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := abi.DecodeRequest(b)
		if err != nil {
			var e *abi.Error
			if !errors.As(err, &e) {
				t.Fatalf("decode error %T %v is not an *abi.Error", err, err)
			}
			return
		}
		if !bytes.Equal(abi.EncodeRequest(r), b) {
			t.Fatal("accepted request is not canonical")
		}
		resp1, used1, err1 := call(b, 50_000_000)
		resp2, used2, err2 := call(b, 50_000_000)
		if used1 != used2 || !bytes.Equal(resp1, resp2) || (err1 == nil) != (err2 == nil) {
			t.Fatal("two runs differ")
		}
		if err1 != nil {
			var e *abi.Error
			if !errors.As(err1, &e) {
				t.Fatalf("error %T %v is not an *abi.Error", err1, err1)
			}
		}
	})
}
