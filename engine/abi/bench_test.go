package abi_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/abi/abitest"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/value"
)

// calibrationCases are the requests whose time per unit of gas calibrates the schedule
// (docs/GAS.md): every op, on the digits dataset (1,797 rows of 64 features), per family.
func calibrationCases(b *testing.B) []abitest.Case {
	l, err := dataset.Load(filepath.Join(abitest.Root(), "testdata", "digits.csv.gz"), dataset.LoadOptions{ScaleExp: dataset.AutoScale})
	if err != nil {
		b.Fatal(err)
	}
	train, test, err := dataset.Split(l.Data, 1, 3, 1)
	if err != nil {
		b.Fatal(err)
	}
	var out []abitest.Case
	add := func(name string, r abi.Request) {
		out = append(out, abitest.Case{Name: fmt.Sprintf("%s/%s", r.Op(), name), Request: abi.EncodeRequest(r)})
	}
	for _, f := range abitest.Families {
		cfg, err := model.Config{Family: f, Dims: train.Dims, Classes: 10, ScaleExp: train.ScaleExp, Bound: 16}.Normalize()
		if err != nil {
			b.Fatal(err)
		}
		empty, _ := model.New(cfg)
		trained := empty.Clone()
		for i := range train.Len() {
			if err := trained.Update(train.Row(i), int(train.Y[i])); err != nil {
				b.Fatal(err)
			}
		}
		name := f.String()
		add(name, &abi.ModelNew{Config: cfg})
		add(name, &abi.ModelTrain{Model: empty.Clone(), Data: train})
		add(name, &abi.ModelEvaluate{Model: trained, Data: test})
		add(name, &abi.Marginal{Model: empty.Clone(), Train: train, Test: test})
		add(name, &abi.LeaveOneOut{Config: cfg, Train: train, Test: test})
		add(name, &abi.Sampled{Method: abi.OpPermutationShapley, Config: cfg, Train: train, Test: test, Options: value.SampleOptions{Seed: 1, Samples: 2}})
		add(name, &abi.Sampled{Method: abi.OpBanzhaf, Config: cfg, Train: train, Test: test, Options: value.SampleOptions{Seed: 1, Samples: 8}})
	}
	add("k5", &abi.KNNShapley{K: 5, Train: train, Test: test})
	return out
}

// BenchmarkGasCalibration reports each op's native time per unit of gas (ns/gas): the
// schedule is calibrated when these are close to each other.
func BenchmarkGasCalibration(b *testing.B) {
	for _, c := range calibrationCases(b) {
		b.Run(c.Name, func(b *testing.B) {
			var used uint64
			for b.Loop() {
				var err error
				if _, used, err = (abi.Native{}).Call(context.Background(), c.Request, 1<<62); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(used), "ns/gas")
			b.ReportMetric(float64(used), "gas")
		})
	}
}
