package model

import "github.com/meritchain/merit/engine/dataset"

// The work of one prediction and one update, in kernel elements: what the engine's gas
// schedule charges for them (docs/GAS.md). The weights were set by measuring each
// family's time per element (BenchmarkGasCalibration in engine/abi), so that a unit
// costs about the same time in every family. They depend only on the configuration, the
// model's size and the row's shape, never on the data's values.

// StoredRows returns the number of training rows m keeps and compares every prediction
// against: a knn model's stored rows, 0 for the other families (whose cost per
// prediction does not grow with training).
func StoredRows(m Model) int {
	if k, ok := m.(*knn); ok {
		return len(k.y)
	}
	return 0
}

// Nnz returns the number of stored values of x (Dims for a dense row).
func Nnz(x dataset.Row) int {
	if x.IsSparse() {
		return len(x.Idx)
	}
	return len(x.Dense)
}

// PredictCost returns the kernel elements of one prediction of a row with nnz stored
// values by a model of configuration c that stores `stored` rows (StoredRows): knn,
// stored·Dims distance elements; the dense centroid, 2·Classes·Dims; the sparse centroid,
// 4·Classes·max(nnz, 1); the perceptron and naive Bayes, 2·Classes·max(nnz, 1) (a binary
// perceptron has one weight vector: Classes counts as 1).
func PredictCost(c Config, stored, nnz int) uint64 {
	n := uint64(max(nnz, 1))
	classes := uint64(c.Classes)
	switch c.Family {
	case KNN:
		return uint64(stored) * uint64(c.Dims)
	case Centroid:
		return 2 * classes * uint64(c.Dims)
	case SparseCentroid:
		return 4 * classes * n
	case Perceptron:
		if classes == 2 {
			classes = 1
		}
	}
	return 2 * classes * n
}

// UpdateCost returns the kernel elements of one update with a row of nnz stored values:
// knn, 24·max(nnz, 1) (the row is copied into the stored rows, which grow); naive Bayes, 128·Dims (the
// class's log-probabilities are recomputed); the others, a prediction and as much again
// for the update.
func UpdateCost(c Config, nnz int) uint64 {
	switch c.Family {
	case KNN:
		return 24 * uint64(max(nnz, 1))
	case NaiveBayes:
		return 128 * uint64(c.Dims)
	}
	return 2 * PredictCost(c, 0, nnz)
}

// StepWeight returns how many gas.Step units one test row costs when an incremental
// tracker (NewTracker) of family c.Family adds or removes a row: the trackers' measured
// time per test row differs by family (the perceptron changes only on a mistake, the
// sparse families walk columns), so a step is weighted per family.
func StepWeight(c Config) uint64 {
	switch c.Family {
	case Perceptron:
		return 4
	case Centroid:
		return 3
	case KNN:
		return 10
	}
	return 12 // naive Bayes, sparse centroid
}
