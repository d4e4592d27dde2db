package main

import (
	"cmp"
	"fmt"
	"io"
	"math/big"
	"slices"
	"time"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/fixed"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/value"
)

// valueMethods are the --method names of `merit value`.
var valueMethods = []string{"marginal", "loo", "knn-shapley", "shapley", "banzhaf"}

// rowValue is one training row's value in the JSON output: exactly (num/den) and as a
// decimal number for people.
type rowValue struct {
	Index   int     `json:"index"`
	Num     int64   `json:"num"`
	Den     int64   `json:"den"`
	Value   float64 `json:"value"`
	Decimal string  `json:"decimal"`
	Flipped bool    `json:"flipped,omitempty"`
}

// decimalString renders num/den exactly rounded to 12 decimal places.
func decimalString(num, den int64) string {
	return new(big.Rat).SetFrac64(num, den).FloatString(12)
}

func runValue(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("value", "value --method METHOD --train FILE --test FILE [--model FAMILY] [flags]\n\n"+
		"Values every training row by how much it improves a model on the test set. Values are\n"+
		"exact fractions num/den in units of test accuracy (docs/VALUATION.md):\n"+
		"  marginal     the change in correct test predictions when the row is added, replaying\n"+
		"               the rows in file order (the prediction market's score)\n"+
		"  loo          leave-one-out: U(all) − U(all without the row)\n"+
		"  knn-shapley  exact Shapley values of the KNN utility (Jia et al. 2019); --k\n"+
		"  shapley      truncated Monte Carlo permutation Shapley (Ghorbani & Zou 2019); --samples\n"+
		"  banzhaf      Data Banzhaf with maximum sample reuse (Wang & Jia 2023); --samples\n"+
		"With --noise F a seeded fraction F of the training labels is flipped first, and the\n"+
		"command reports how well the lowest values find the flipped rows (ROC AUC, and F1 of\n"+
		"flagging the lowest fraction F). --method all --noise F compares every method so.\n\n"+
		"Example:\n  merit value --method knn-shapley --k 5 --train A.csv --test B.csv --json", stdout)
	var df dataFlags
	var h hyperFlags
	var ef engineFlags
	df.register(fs)
	h.register(fs)
	ef.register(fs)
	method := fs.String("method", "", "valuation method: marginal, loo, knn-shapley, shapley, banzhaf, or all (with --noise) (required)")
	family := fs.String("model", "knn", "model family whose test accuracy is the utility (knn-shapley always uses knn): "+familyNames())
	trainSpec := fs.String("train", "", "training dataset: the rows to value (required)")
	testSpec := fs.String("test", "", "test dataset the utility is measured on (or use --split)")
	split := fs.String("split", "", "instead of --test: hold out this fraction of --train as the test set (seeded by --seed; e.g. 0.25)")
	seed := fs.Uint64("seed", 1, "seed of the sampled methods and of --noise")
	samples := fs.Int("samples", 200, "shapley, banzhaf: the sample budget (permutations or subsets)")
	noise := fs.String("noise", "0", "flip this fraction of the training labels first (a decimal in [0, 1], e.g. 0.1)")
	workers := fs.Int("workers", 0, "goroutines (0 = all cores); results do not depend on it")
	all := fs.Bool("all", false, "print every row's value (default: the 10 lowest and 10 highest)")
	asJSON := fs.Bool("json", false, "print the values as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !slices.Contains(valueMethods, *method) && *method != "all" {
		return usagef("--method %q: want one of marginal, loo, knn-shapley, shapley, banzhaf, all", *method)
	}
	if *trainSpec == "" || (*testSpec == "") == (*split == "") {
		return usagef("--train and one of --test or --split are required")
	}
	if *samples < 1 {
		return usagef("--samples %d: want at least 1", *samples)
	}
	noiseNum, noiseDen, err := parseFraction(*noise)
	if err != nil {
		return usagef("--noise: %v", err)
	}
	if *method == "knn-shapley" {
		*family = "knn"
	}
	if *method == "all" && *family != "knn" {
		return usagef("--method all includes knn-shapley, so --model must be knn")
	}
	train, err := loadData(*trainSpec, df, -1)
	if err != nil {
		return err
	}
	var test *loaded
	if *split != "" {
		num, den, err := parseFraction(*split)
		if err != nil || num == 0 || num == den {
			return usagef("--split %q: want a fraction strictly between 0 and 1", *split)
		}
		tr, te, err := dataset.Split(train.data, int(num), int(den), *seed)
		if err != nil {
			return err
		}
		test = &loaded{path: fmt.Sprintf("%s (held out %s)", train.path, *split), data: te}
		train.data, train.path = tr, fmt.Sprintf("%s (training part)", train.path)
	} else {
		df.dims = train.data.Dims
		if test, err = loadData(*testSpec, df, train.data.ScaleExp); err != nil {
			return err
		}
	}
	var flipped []int
	if noiseNum > 0 {
		noisy, f, err := dataset.FlipLabels(train.data, int(noiseNum), int(noiseDen), *seed)
		if err != nil {
			return err
		}
		train.data, flipped = noisy, f
		fmt.Fprintf(stderr, "flipped %d of %d training labels (seed %d)\n", len(flipped), train.data.Len(), *seed)
	}
	merged := *train.data
	merged.Classes = max(train.data.Classes, test.data.Classes, 2)
	cfg, err := modelConfig(*family, &merged, h)
	if err != nil {
		return err
	}
	if m := test.data.MaxAbs(); m > cfg.Bound {
		cfg.Bound = m
	}
	if cfg, err = cfg.Normalize(); err != nil {
		return err
	}
	p := value.Problem{Config: cfg, Train: train.data, Test: test.data}
	en, err := ef.open(*workers)
	if err != nil {
		return err
	}
	defer en.close()
	if *method == "all" {
		if noiseNum == 0 {
			return usagef("--method all compares the methods at finding flipped labels: give --noise (e.g. 0.1)")
		}
		return compareMethods(en, p, *family, *seed, *samples, flipped, noiseNum, noiseDen, *asJSON, stdout, stderr)
	}
	fmt.Fprintf(stderr, "valuing %d training rows on %d test rows with %s (%s)...\n", train.data.Len(), test.data.Len(), *method, cfg.Family)
	start := time.Now()
	vals, extra, err := computeValues(en, *method, p, *seed, *samples)
	if err != nil {
		return err
	}
	took := time.Since(start)
	en.report(stderr)
	rows := make([]rowValue, len(vals.Num))
	isFlipped := make([]bool, len(vals.Num))
	for _, i := range flipped {
		isFlipped[i] = true
	}
	for i, n := range vals.Num {
		f, _ := new(big.Rat).SetFrac64(n, vals.Den).Float64()
		rows[i] = rowValue{Index: i, Num: n, Den: vals.Den, Value: f, Decimal: decimalString(n, vals.Den), Flipped: isFlipped[i]}
	}
	out := struct {
		Method    string         `json:"method"`
		Model     string         `json:"model"`
		K         int            `json:"k,omitempty"`
		Train     string         `json:"train"`
		Test      string         `json:"test"`
		TrainRows int            `json:"train_rows"`
		TestRows  int            `json:"test_rows"`
		Seed      uint64         `json:"seed"`
		Engine    string         `json:"engine"`
		Gas       uint64         `json:"gas"`
		Den       int64          `json:"den"`
		SumNum    string         `json:"sum_num"`
		Sum       string         `json:"sum"`
		Seconds   float64        `json:"seconds"`
		Extra     map[string]any `json:"details,omitempty"`
		Detection *detection     `json:"noise_detection,omitempty"`
		Values    []rowValue     `json:"values"`
	}{Method: *method, Model: cfg.Family.String(), Train: train.path, Test: test.path, TrainRows: train.data.Len(),
		TestRows: test.data.Len(), Seed: *seed, Engine: en.name, Gas: en.gas, Den: vals.Den, Seconds: took.Seconds(), Extra: extra, Values: rows}
	if cfg.Family == model.KNN {
		out.K = cfg.K
	}
	sum := new(big.Int)
	for _, n := range vals.Num {
		sum.Add(sum, big.NewInt(n))
	}
	out.SumNum = sum.String()
	out.Sum = new(big.Rat).SetFrac(sum, big.NewInt(vals.Den)).FloatString(12)
	if len(extra) == 0 {
		out.Extra = nil
	}
	if noiseNum > 0 {
		d, err := detect(vals, flipped, noiseNum, noiseDen)
		if err != nil {
			return err
		}
		out.Detection = &d
	}
	if *asJSON {
		return writeJSON(stdout, out)
	}
	fmt.Fprintf(stdout, "%s values of %d training rows (%s model) on %d test rows, in %s\n", out.Method, out.TrainRows, out.Model, out.TestRows, roundDur(out.Seconds))
	fmt.Fprintf(stdout, "values are num/%d (units of test accuracy); sum %s\n", out.Den, out.Sum)
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(vals.Num[a], vals.Num[b]) })
	show := order
	if !*all && len(order) > 20 {
		show = append(slices.Clone(order[:10]), -1)
		show = append(show, order[len(order)-10:]...)
	}
	fmt.Fprintln(stdout, "  row        value  (lowest first)")
	for _, i := range show {
		if i < 0 {
			fmt.Fprintln(stdout, "  ...")
			continue
		}
		mark := ""
		if rows[i].Flipped {
			mark = "  (flipped)"
		}
		fmt.Fprintf(stdout, "%5d %14s%s\n", i, rows[i].Decimal, mark)
	}
	if out.Detection != nil {
		fmt.Fprintf(stdout, "noisy-label detection: %d flipped; ROC AUC %.4f; lowest %d rows: precision %.4f, recall %.4f, F1 %.4f\n",
			out.Detection.Flipped, out.Detection.AUC, out.Detection.Flagged, out.Detection.Precision, out.Detection.Recall, out.Detection.F1)
	}
	return nil
}

// parseFraction parses a decimal in [0, 1] into num/den exactly (den a power of ten).
func parseFraction(s string) (int64, int64, error) {
	d, err := fixed.ParseDecimal(s)
	if err != nil {
		return 0, 0, err
	}
	const k = 9
	num, rounded, err := d.Scaled(k)
	if err != nil || rounded {
		return 0, 0, fmt.Errorf("%q: want a decimal in [0, 1] with at most %d decimal places", s, k)
	}
	den := fixed.Pow10(k)
	if num < 0 || num > den {
		return 0, 0, fmt.Errorf("%q: want a decimal in [0, 1]", s)
	}
	return num, den, nil
}

// detection is the JSON form of value.Quality: exact fractions and their decimal values.
type detection struct {
	Rows      int     `json:"rows"`
	Flipped   int     `json:"flipped"`
	Flagged   int     `json:"flagged"`
	Hits      int     `json:"hits"`
	AUC       float64 `json:"auc"`
	AUCExact  string  `json:"auc_exact"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	F1Exact   string  `json:"f1_exact"`
}

func ratio(r value.Ratio) float64 {
	f, _ := new(big.Rat).SetFrac64(r.Num, r.Den).Float64()
	return f
}

// detect scores how well the lowest values find the flipped rows; it flags the lowest
// fraction num/den of the rows, the fraction that was flipped.
func detect(vals value.Values, flipped []int, num, den int64) (detection, error) {
	q, err := value.DetectionQuality(vals, flipped, int(num), int(den))
	if err != nil {
		return detection{}, err
	}
	return detection{Rows: q.Rows, Flipped: q.Flipped, Flagged: q.Flagged, Hits: q.Hits,
		AUC: ratio(q.AUC), AUCExact: fmt.Sprintf("%d/%d", q.AUC.Num, q.AUC.Den),
		Precision: ratio(q.Precision), Recall: ratio(q.Recall),
		F1: ratio(q.F1), F1Exact: fmt.Sprintf("%d/%d", q.F1.Num, q.F1.Den)}, nil
}

// computeValues runs one valuation method on p (whose config is normalized) in en.
func computeValues(en *engine, method string, p value.Problem, seed uint64, samples int) (value.Values, map[string]any, error) {
	extra := map[string]any{}
	var vals value.Values
	var err error
	switch method {
	case "marginal":
		var empty model.Model
		if empty, err = model.New(p.Config); err == nil {
			vals, err = en.values(&abi.Marginal{Model: empty, Train: p.Train, Test: p.Test})
		}
	case "loo":
		vals, err = en.values(&abi.LeaveOneOut{Config: p.Config, Train: p.Train, Test: p.Test})
	case "knn-shapley":
		vals, err = en.values(&abi.KNNShapley{K: p.Config.K, Train: p.Train, Test: p.Test})
	case "shapley", "banzhaf":
		req := &abi.Sampled{Method: abi.OpPermutationShapley, Config: p.Config, Train: p.Train, Test: p.Test,
			Options: value.SampleOptions{Seed: seed, Samples: samples}}
		if method == "banzhaf" {
			req.Method = abi.OpBanzhaf
		}
		var rep value.SampleReport
		vals, rep, err = en.sampled(req)
		extra["samples_used"] = rep.Samples
		extra["converged"] = rep.Converged
	default:
		err = fmt.Errorf("unknown method %q", method)
	}
	return vals, extra, err
}

// methodQuality is one line of the method comparison.
type methodQuality struct {
	Method    string    `json:"method"`
	Seconds   float64   `json:"seconds"`
	Detection detection `json:"noise_detection"`
}

// compareMethods values p's (noisy) training rows with every method and prints how well
// each one's lowest values find the flipped rows.
func compareMethods(en *engine, p value.Problem, family string, seed uint64, samples int, flipped []int, num, den int64, asJSON bool, stdout, stderr io.Writer) error {
	var rows []methodQuality
	for _, m := range valueMethods {
		fmt.Fprintf(stderr, "valuing with %s...\n", m)
		start := time.Now()
		vals, _, err := computeValues(en, m, p, seed, samples)
		if err != nil {
			return fmt.Errorf("%s: %w", m, err)
		}
		took := time.Since(start)
		d, err := detect(vals, flipped, num, den)
		if err != nil {
			return fmt.Errorf("%s: %w", m, err)
		}
		rows = append(rows, methodQuality{Method: m, Seconds: took.Seconds(), Detection: d})
	}
	if asJSON {
		return writeJSON(stdout, rows)
	}
	fmt.Fprintf(stdout, "noisy-label detection: %d of %d training labels flipped; %s model (K=%d); %d test rows; %d samples for shapley/banzhaf\n",
		len(flipped), p.Train.Len(), family, p.Config.K, p.Test.Len(), samples)
	fmt.Fprintf(stdout, "%-12s %8s %10s %10s %10s %10s\n", "method", "ROC AUC", "precision", "recall", "F1", "time")
	for _, r := range rows {
		fmt.Fprintf(stdout, "%-12s %8.4f %10.4f %10.4f %10.4f %10s\n", r.Method, r.Detection.AUC, r.Detection.Precision, r.Detection.Recall, r.Detection.F1, roundDur(r.Seconds))
	}
	fmt.Fprintf(stdout, "(the lowest %d values are flagged; AUC 0.5 is chance, 1 is perfect)\n", rows[0].Detection.Flagged)
	return nil
}
