package sim

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/internal/mnistsrc"
)

// TestMNISTTable runs the defaults on an MNIST subset (the first 10,000 training and
// 2,000 test rows) for three families and every mechanism, and prints accuracies and
// times: the numbers of docs/SIMULATION.md, "Performance". It takes about a minute, so
// it runs only with MERIT_SIM_MNIST=1.
func TestMNISTTable(t *testing.T) {
	if os.Getenv("MERIT_SIM_MNIST") == "" {
		t.Skip("set MERIT_SIM_MNIST=1 to run")
	}
	dir, err := mnistsrc.Dir()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := dataset.LoadMNIST(filepath.Join(dir, "train-images-idx3-ubyte.gz"), filepath.Join(dir, "train-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	te, err := dataset.LoadMNIST(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	pool, test := firstRows(t, tr, 10000), firstRows(t, te, 2000)
	for _, fam := range []model.Family{model.Perceptron, model.Centroid, model.NaiveBayes} {
		for _, mech := range Mechanisms() {
			start := time.Now()
			res := mustRun(t, DefaultConfig(pool, test, fam, mech, 1))
			t.Logf("%-11s %-6s %6.1fs: correct of %d: initial %d, final %d, baseline %d; market model %d; held-out portion: chain %d, market model %d of %d",
				fam, mech, time.Since(start).Seconds(), res.TestSize, res.InitialCorrect, res.FinalCorrect, res.BaselineCorrect,
				res.MarketCorrect, res.HeldOutFinal, res.HeldOutMarket, res.HeldOutSize)
		}
	}
}
