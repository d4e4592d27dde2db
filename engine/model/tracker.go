package model

import (
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
)

// Tracker is a model together with its evaluation on a fixed test set. Add updates the
// model with one sample and returns the new number of correct test predictions. An
// incremental tracker keeps per-test-point state (scores, distances, neighbours) and
// updates only what the sample changed; its counts are identical to re-evaluating the
// model from scratch after every Add, which is what the naive tracker does.
type Tracker interface {
	// Correct returns the number of test rows the current model predicts correctly.
	Correct() int
	// Add updates the model with one labelled sample and returns the new Correct().
	// On error nothing changes.
	Add(x dataset.Row, label int) (int, error)
	// Model returns the tracked model; the caller must not modify it.
	Model() Model
}

// NewNaiveTracker returns a tracker that re-evaluates m on test after every Add. It owns
// m from then on. It is the reference the incremental trackers are tested against.
func NewNaiveTracker(m Model, test *dataset.Dataset) (Tracker, error) {
	c, err := m.Evaluate(test)
	if err != nil {
		return nil, err
	}
	return &naiveTracker{m: m, test: test, correct: c}, nil
}

type naiveTracker struct {
	m       Model
	test    *dataset.Dataset
	correct int
}

func (t *naiveTracker) Correct() int { return t.correct }
func (t *naiveTracker) Model() Model { return t.m }

func (t *naiveTracker) Add(x dataset.Row, label int) (int, error) {
	if err := t.m.Update(x, label); err != nil {
		return t.correct, err
	}
	c, err := t.m.Evaluate(t.test)
	if err != nil {
		// Evaluate succeeded on this test set before; only a bug gets here.
		panic(fmt.Sprintf("model: tracker: re-evaluation failed after a valid update: %v", err))
	}
	t.correct = c
	return c, nil
}
