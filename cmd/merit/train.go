package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/fixed"
	"github.com/meritchain/merit/engine/model"
)

// hyperFlags are the model hyperparameters a command accepts.
type hyperFlags struct {
	lr     int
	alpha  string
	k      int
	epochs int
	bound  int
}

func (h *hyperFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&h.lr, "lr", model.DefaultLearningRate, "perceptron: learning rate, a positive integer (predictions from a zero start do not depend on it)")
	fs.StringVar(&h.alpha, "alpha", "1", "naive-bayes: Lidstone smoothing α as a decimal (1 = Laplace; resolution 0.000001)")
	fs.IntVar(&h.k, "k", model.DefaultK, "knn: number of neighbours")
	fs.IntVar(&h.epochs, "epochs", 1, "passes over the training rows, in file order")
	fs.IntVar(&h.bound, "bound", 0, "largest |feature| the model accepts, as stored (0 = the largest the family allows for this shape, at least the data's)")
}

// familyNames lists the family names for help texts.
func familyNames() string {
	s := ""
	for i, f := range model.Families() {
		if i > 0 {
			s += ", "
		}
		s += f.String()
	}
	return s
}

// modelConfig builds the configuration of a new model of the named family for data.
func modelConfig(family string, data *dataset.Dataset, h hyperFlags) (model.Config, error) {
	fam, err := model.ParseFamily(family)
	if err != nil {
		return model.Config{}, usagef("--model %q: not a family (%s) nor a model file", family, familyNames())
	}
	alpha, err := fixed.ParseDecimal(h.alpha)
	if err != nil {
		return model.Config{}, usagef("--alpha: %v", err)
	}
	alphaMicro, rounded, err := alpha.Scaled(6)
	if err != nil || rounded || alphaMicro < 1 {
		return model.Config{}, usagef("--alpha %s: want a positive decimal with at most 6 digits after the point", h.alpha)
	}
	if h.lr < 1 || h.lr > 1<<31-1 {
		return model.Config{}, usagef("--lr %d: want a positive integer below 2^31", h.lr)
	}
	if h.k < 1 || h.k > model.MaxK {
		return model.Config{}, usagef("--k %d: want a positive integer", h.k)
	}
	if h.bound < 0 || h.bound > fixed.MaxFeature {
		return model.Config{}, usagef("--bound %d: want 0 (automatic) or 1..%d", h.bound, fixed.MaxFeature)
	}
	cfg := model.Config{
		Family: fam, Dims: data.Dims, Classes: max(data.Classes, 2), ScaleExp: data.ScaleExp,
		LearningRate: int32(h.lr), AlphaMicro: alphaMicro, K: h.k,
	}
	if h.bound > 0 {
		cfg.Bound = int32(h.bound)
	} else {
		cfg.Bound = largestBound(cfg)
		if m := data.MaxAbs(); cfg.Bound < m {
			cfg.Bound = m // New reports which bound this breaks
		}
	}
	return cfg, nil
}

// largestBound returns the largest feature bound that cfg's family accepts for its shape
// (at least 1, so that New can report the failure).
func largestBound(cfg model.Config) int32 {
	lo, hi := int32(1), int32(fixed.MaxFeature)
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		cfg.Bound = mid
		if _, err := cfg.Normalize(); err == nil {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// trainModel runs epochs passes of online updates over data, in row order, natively and
// in place (the market and the demo use it).
func trainModel(m model.Model, data *dataset.Dataset, epochs int) error {
	for e := 0; e < epochs; e++ {
		for i := 0; i < data.Len(); i++ {
			if err := m.Update(data.Row(i), int(data.Y[i])); err != nil {
				return fmt.Errorf("training row %d: %w", i+1, err)
			}
		}
	}
	return nil
}

// obtainModel returns the model that --model names: a saved model file, or a new model of
// a family trained on --train.
func obtainModel(spec, trainSpec string, df dataFlags, h hyperFlags, en *engine, stderr io.Writer) (m model.Model, train *loaded, trainTime time.Duration, err error) {
	if spec == "" {
		return nil, nil, 0, usagef("--model is required: a family (%s) or a saved model file", familyNames())
	}
	if _, ferr := model.ParseFamily(spec); ferr != nil {
		if _, serr := os.Stat(spec); serr != nil {
			return nil, nil, 0, usagef("--model %q: not a family (%s) nor a readable model file", spec, familyNames())
		}
		b, err := os.ReadFile(spec)
		if err != nil {
			return nil, nil, 0, err
		}
		m, err = model.Decode(b)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("%s: %w", spec, err)
		}
		return m, nil, 0, nil
	}
	if h.epochs < 1 {
		return nil, nil, 0, usagef("--epochs %d: want at least 1", h.epochs)
	}
	if trainSpec == "" {
		return nil, nil, 0, usagef("--train is required to train a new %s model", spec)
	}
	train, err = loadData(trainSpec, df, -1)
	if err != nil {
		return nil, nil, 0, err
	}
	cfg, err := modelConfig(spec, train.data, h)
	if err != nil {
		return nil, nil, 0, err
	}
	if m, err = model.New(cfg); err != nil {
		return nil, nil, 0, err
	}
	fmt.Fprintf(stderr, "training %s on %d rows (%d epoch(s))...\n", spec, train.data.Len(), h.epochs)
	start := time.Now()
	if m, err = en.train(m, train.data, h.epochs); err != nil {
		return nil, nil, 0, fmt.Errorf("%s: %w", train.path, err)
	}
	return m, train, time.Since(start), nil
}

// evaluation is the JSON form of an accuracy measurement.
type evaluation struct {
	Dataset  string  `json:"dataset"`
	Rows     int     `json:"rows"`
	Correct  int     `json:"correct"`
	Accuracy float64 `json:"accuracy"` // Correct/Rows, for people
	Gas      uint64  `json:"gas"`      // engine gas of the evaluation (docs/GAS.md)
	Seconds  float64 `json:"seconds"`
}

func evaluate(en *engine, m model.Model, l *loaded) (evaluation, error) {
	start := time.Now()
	before := en.gas
	correct, err := en.evaluate(m, l.data)
	if err != nil {
		return evaluation{}, fmt.Errorf("%s: %w", l.path, err)
	}
	ev := evaluation{Dataset: l.path, Rows: l.data.Len(), Correct: correct, Gas: en.gas - before, Seconds: time.Since(start).Seconds()}
	if ev.Rows > 0 {
		ev.Accuracy = float64(correct) / float64(ev.Rows)
	}
	return ev, nil
}

func (e evaluation) String() string {
	return fmt.Sprintf("%s: %d of %d correct (%.2f%%) in %s", e.Dataset, e.Correct, e.Rows, 100*e.Accuracy, time.Duration(e.Seconds*1e9).Round(time.Microsecond))
}

// modelSummary is the JSON form of a model's identity.
type modelSummary struct {
	Family   string `json:"family"`
	Dims     int    `json:"dims"`
	Classes  int    `json:"classes"`
	ScaleExp int    `json:"scale_exp"`
	Bound    int32  `json:"bound"`
	LR       int32  `json:"learning_rate,omitempty"`
	Alpha    int64  `json:"alpha_micro,omitempty"`
	K        int    `json:"k,omitempty"`
	SHA256   string `json:"sha256"`
	Bytes    int    `json:"bytes"`
}

func summarize(m model.Model) (modelSummary, []byte, error) {
	b, err := m.MarshalBinary()
	if err != nil {
		return modelSummary{}, nil, err
	}
	h, err := model.Hash(m)
	if err != nil {
		return modelSummary{}, nil, err
	}
	c := m.Config()
	return modelSummary{Family: c.Family.String(), Dims: c.Dims, Classes: c.Classes, ScaleExp: c.ScaleExp,
		Bound: c.Bound, LR: c.LearningRate, Alpha: c.AlphaMicro, K: c.K, SHA256: fmt.Sprintf("%x", h), Bytes: len(b)}, b, nil
}

// writeFileAtomic writes b to path through a temporary file in the same directory and a
// rename, so a failure never leaves a half-written file behind.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	// CreateTemp makes the file 0600; a model file is as readable as any other output.
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runTrain(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("train", "train --model FAMILY --train FILE [--out MODEL] [--test FILE] [flags]\n\n"+
		"Trains a new model with one online update per training row, in file order, and saves its\n"+
		"canonical encoding to --out. Families: "+familyNames()+".\n\n"+
		"Example:\n  merit train --model perceptron --train testdata/iris.csv --out iris.model", stdout)
	var df dataFlags
	var h hyperFlags
	var ef engineFlags
	df.register(fs)
	h.register(fs)
	ef.register(fs)
	family := fs.String("model", "", "model family to train: "+familyNames())
	trainSpec := fs.String("train", "", "training dataset (required)")
	testSpec := fs.String("test", "", "optional labelled dataset to report accuracy on")
	out := fs.String("out", "", "write the trained model here (canonical binary encoding)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := model.ParseFamily(*family); err != nil {
		return usagef("--model %q: want a family: %s", *family, familyNames())
	}
	en, err := ef.open(0)
	if err != nil {
		return err
	}
	defer en.close()
	m, train, took, err := obtainModel(*family, *trainSpec, df, h, en, stderr)
	if err != nil {
		return err
	}
	result := struct {
		Model        modelSummary `json:"model"`
		TrainRows    int          `json:"train_rows"`
		TrainSeconds float64      `json:"train_seconds"`
		Rounded      int          `json:"rounded_values"`
		Train        evaluation   `json:"train_accuracy"`
		Test         *evaluation  `json:"test_accuracy,omitempty"`
		Out          string       `json:"out,omitempty"`
	}{TrainRows: train.data.Len(), TrainSeconds: took.Seconds(), Rounded: train.report.Rounded, Out: *out}
	if result.Train, err = evaluate(en, m, train); err != nil {
		return err
	}
	if *testSpec != "" {
		df.dims = m.Config().Dims // a libsvm file need not reach the last feature
		test, err := loadData(*testSpec, df, m.Config().ScaleExp)
		if err != nil {
			return err
		}
		ev, err := evaluate(en, m, test)
		if err != nil {
			return err
		}
		result.Test = &ev
	}
	var enc []byte
	if result.Model, enc, err = summarize(m); err != nil {
		return err
	}
	if *out != "" {
		if err := writeFileAtomic(*out, enc); err != nil {
			return err
		}
	}
	if *asJSON {
		return writeJSON(stdout, result)
	}
	fmt.Fprintf(stdout, "model:  %s, %d dims, %d classes, scale 10^%d, bound %d\n", result.Model.Family, result.Model.Dims, result.Model.Classes, result.Model.ScaleExp, result.Model.Bound)
	fmt.Fprintf(stdout, "trained on %d rows in %s (%d values rounded to the scale)\n", result.TrainRows, took.Round(time.Microsecond), result.Rounded)
	fmt.Fprintf(stdout, "train:  %s\n", result.Train)
	if result.Test != nil {
		fmt.Fprintf(stdout, "test:   %s\n", *result.Test)
	}
	fmt.Fprintf(stdout, "sha256: %s (%d bytes)\n", result.Model.SHA256, result.Model.Bytes)
	if *out != "" {
		fmt.Fprintf(stdout, "saved:  %s\n", *out)
	}
	return nil
}

// modelFlags are the flags of the commands that apply a model to a dataset (eval,
// predict): the model (a saved file, or a family trained on --train) and the dataset,
// read at the model's scale and width.
type modelFlags struct {
	df                        dataFlags
	h                         hyperFlags
	ef                        engineFlags
	spec, trainSpec, dataSpec *string
	dataFlag                  string
	asJSON                    *bool
}

func newModelFlags(fs *flag.FlagSet, dataFlag, dataHelp string) *modelFlags {
	c := &modelFlags{dataFlag: dataFlag}
	c.df.register(fs)
	c.h.register(fs)
	c.ef.register(fs)
	c.spec = fs.String("model", "", "saved model file, or a family to train: "+familyNames())
	c.trainSpec = fs.String("train", "", "training dataset, when --model is a family")
	c.dataSpec = fs.String(dataFlag, "", dataHelp+" (required)")
	c.asJSON = fs.Bool("json", false, "print the result as JSON")
	return c
}

// load opens the engine and returns the model and the dataset the flags name. The
// caller closes the engine.
func (c *modelFlags) load(stderr io.Writer) (*engine, model.Model, *loaded, error) {
	if *c.dataSpec == "" {
		return nil, nil, nil, usagef("--%s is required", c.dataFlag)
	}
	en, err := c.ef.open(0)
	if err != nil {
		return nil, nil, nil, err
	}
	m, _, _, err := obtainModel(*c.spec, *c.trainSpec, c.df, c.h, en, stderr)
	if err == nil {
		c.df.dims = m.Config().Dims
		var data *loaded
		if data, err = loadData(*c.dataSpec, c.df, m.Config().ScaleExp); err == nil {
			return en, m, data, nil
		}
	}
	en.close()
	return nil, nil, nil, err
}

func runEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval", "eval --model MODEL|FAMILY --test FILE [--train FILE] [flags]\n\n"+
		"Counts the correct predictions of a model on a labelled dataset. --model is a saved model\n"+
		"file, or a family name (then the model is first trained on --train).\n\n"+
		"Examples:\n  merit eval --model iris.model --test testdata/iris.csv\n"+
		"  merit eval --model knn --k 3 --train mnist:train --test mnist:test --json", stdout)
	c := newModelFlags(fs, "test", "labelled dataset to evaluate on")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	en, m, test, err := c.load(stderr)
	if err != nil {
		return err
	}
	defer en.close()
	ev, err := evaluate(en, m, test)
	if err != nil {
		return err
	}
	if *c.asJSON {
		return writeJSON(stdout, ev)
	}
	fmt.Fprintln(stdout, ev)
	return nil
}

func runPredict(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("predict", "predict --model MODEL|FAMILY --data FILE [--train FILE] [flags]\n\n"+
		"Prints the predicted class of every row of --data, one line per row: the 1-based row\n"+
		"number, the prediction, and the row's own label (files always carry a label column; put\n"+
		"any class there when it is unknown).", stdout)
	c := newModelFlags(fs, "data", "dataset whose rows to predict")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	en, m, data, err := c.load(stderr)
	if err != nil {
		return err
	}
	defer en.close()
	asJSON := c.asJSON
	type prediction struct {
		Row       int `json:"row"`
		Predicted int `json:"predicted"`
		Label     int `json:"label"`
	}
	labels, err := en.predict(m, data.data)
	if err != nil {
		return fmt.Errorf("%s: %w", data.path, err)
	}
	preds := make([]prediction, data.data.Len())
	for i, p := range labels {
		preds[i] = prediction{Row: i + 1, Predicted: p, Label: int(data.data.Y[i])}
	}
	if *asJSON {
		return writeJSON(stdout, preds)
	}
	fmt.Fprintln(stdout, "row\tpredicted\tlabel")
	for _, p := range preds {
		fmt.Fprintf(stdout, "%d\t%d\t%d\n", p.Row, p.Predicted, p.Label)
	}
	return nil
}
