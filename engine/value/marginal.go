package value

import (
	"errors"
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/model"
)

// Marginal returns the sequential marginal scores of p's training rows, the prediction
// market's scoring: starting from an empty model (model.New(p.Config)), the rows are
// added in order, and the value of row i is the number of test rows predicted correctly
// after adding it minus the number before. Den = p.Test.Len(), so each value is a change
// of test accuracy, and the values add up to the final accuracy minus the empty model's.
// It uses an incremental tracker (model.NewTracker); the result is identical to
// MarginalNaive's.
//
// It returns an error if p is not a valid problem (see the checks in
// docs/VALUATION.md) or a training row is rejected by the model (its index is named).
func Marginal(p Problem) (Values, error) {
	m, err := marginalStart(p)
	if err != nil {
		return Values{}, err
	}
	return marginal(m, p.Train, p.Test, model.NewTracker, p.Meter)
}

// MarginalNaive is Marginal computed by re-evaluating the whole test set after every
// row (model.NewNaiveTracker): the reference and the benchmark baseline.
func MarginalNaive(p Problem) (Values, error) {
	m, err := marginalStart(p)
	if err != nil {
		return Values{}, err
	}
	return marginal(m, p.Train, p.Test, model.NewNaiveTracker, p.Meter)
}

// MarginalFrom is Marginal on top of an already-trained model: a market that scores
// contributions against an initial model. m is not modified (a clone is tracked); the
// datasets must fit m's configuration as in a Problem.
func MarginalFrom(m model.Model, train, test *dataset.Dataset) (Values, error) {
	return MarginalFromMetered(m, train, test, nil)
}

// MarginalFromMetered is MarginalFrom charging meter (nil: unmetered), before each
// training row is added, gas.Sample 1 and gas.Step T·model.StepWeight (T test rows).
func MarginalFromMetered(m model.Model, train, test *dataset.Dataset, meter gas.Meter) (Values, error) {
	if m == nil {
		return Values{}, errors.New("value: marginal: nil model")
	}
	if err := checkProblemShape(Problem{Config: m.Config(), Train: train, Test: test}); err != nil {
		return Values{}, err
	}
	return marginal(m.Clone(), train, test, model.NewTracker, meter)
}

// chargeStep charges meter for one row added to (or removed from) a tracker of a model of
// configuration c on t test rows: gas.Sample once and gas.Step t·model.StepWeight(c).
func chargeStep(meter gas.Meter, c model.Config, t int) error {
	if err := charge(meter, gas.Sample, 1, 1); err != nil {
		return err
	}
	return charge(meter, gas.Step, uint64(t), model.StepWeight(c))
}

func marginalStart(p Problem) (model.Model, error) {
	if err := checkProblemShape(p); err != nil {
		return nil, err
	}
	m, err := model.New(p.Config)
	if err != nil {
		return nil, fmt.Errorf("value: %w", err)
	}
	return m, nil
}

func marginal(m model.Model, train, test *dataset.Dataset, mk func(model.Model, *dataset.Dataset) (model.Tracker, error), meter gas.Meter) (Values, error) {
	tr, err := mk(m, test)
	if err != nil {
		return Values{}, fmt.Errorf("value: marginal: test set: %w", err)
	}
	v := Values{Num: make([]int64, train.Len()), Den: int64(test.Len())}
	prev := tr.Correct()
	for i := range v.Num {
		if err := chargeStep(meter, m.Config(), test.Len()); err != nil {
			return Values{}, fmt.Errorf("value: marginal: training row %d: %w", i, err)
		}
		c, err := tr.Add(train.Row(i), int(train.Y[i]))
		if err != nil {
			return Values{}, fmt.Errorf("value: marginal: training row %d: %w", i, err)
		}
		v.Num[i] = int64(c - prev)
		prev = c
	}
	return v, nil
}

// checkProblemShape checks what every valuation method needs of a problem: a valid
// configuration; training and test sets that are valid datasets with the
// configuration's Dims and ScaleExp and at most its Classes; and at least one test row
// (Den > 0). Feature bounds are checked by the model as rows are used.
func checkProblemShape(p Problem) error {
	c, err := p.Config.Normalize()
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	for _, d := range []struct {
		name string
		ds   *dataset.Dataset
	}{{"training set", p.Train}, {"test set", p.Test}} {
		if d.ds == nil {
			return fmt.Errorf("value: nil %s", d.name)
		}
		if err := d.ds.Validate(); err != nil {
			return fmt.Errorf("value: %s: %w", d.name, err)
		}
		if d.ds.Dims != c.Dims {
			return fmt.Errorf("value: %s has Dims = %d, the model %d", d.name, d.ds.Dims, c.Dims)
		}
		if d.ds.ScaleExp != c.ScaleExp {
			return fmt.Errorf("value: %s has ScaleExp = %d, the model %d", d.name, d.ds.ScaleExp, c.ScaleExp)
		}
		if d.ds.Classes > c.Classes {
			return fmt.Errorf("value: %s has Classes = %d, the model %d", d.name, d.ds.Classes, c.Classes)
		}
	}
	if p.Test.Len() == 0 {
		return errors.New("value: empty test set (values are fractions of the test set's size)")
	}
	return nil
}
