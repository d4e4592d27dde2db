// Package model holds the engine's model families: each predicts one sample, learns
// online from one sample at a time, evaluates a dataset, clones itself, and has a
// canonical, versioned binary encoding. All arithmetic is integer and deterministic.
package model

import "github.com/meritchain/merit/engine/dataset"

// Family identifies a model family. The numeric values are part of the canonical encoding.
type Family uint8

const (
	Perceptron     Family = 1 // mistake-driven perceptron, binary or multi-class, dense or sparse rows
	NaiveBayes     Family = 2 // multinomial naive Bayes over non-negative counts, fixed-point log-probabilities
	Centroid       Family = 3 // dense nearest centroid: exact running sums, centroid = sum / count
	SparseCentroid Family = 4 // nearest centroid over binary (present/absent) sparse features
	KNN            Family = 5 // k-nearest neighbours, squared Euclidean distance
)

// Config fixes a model's shape and hyperparameters. It is part of the model's state.
type Config struct {
	Family   Family
	Dims     int   // number of features, 1..dataset.MaxDims
	Classes  int   // number of classes, 2..dataset.MaxClasses
	ScaleExp int   // features are reals·10^ScaleExp (the dataset's scale)
	Bound    int32 // largest |feature| the model accepts, 1..fixed.MaxFeature

	LearningRate int32 // Perceptron: step size, ≥ 1 (default 1)
	AlphaMicro   int64 // NaiveBayes: Lidstone smoothing α in units of 10^-6, ≥ 1 (default 1_000_000: Laplace)
	K            int   // KNN: neighbours, ≥ 1 (default 5)
}

// Model is one trained model. Methods are not safe for concurrent use, except that
// Predict and Evaluate may run concurrently with each other.
type Model interface {
	// Config returns the model's configuration.
	Config() Config
	// Predict returns the predicted class of x. It returns an error if x does not fit
	// the model (dimension, bound, malformed sparse row).
	Predict(x dataset.Row) (int, error)
	// Update learns from one labelled sample. On error the model is unchanged.
	Update(x dataset.Row, label int) error
	// Evaluate returns how many rows of ds the model predicts correctly. It returns an
	// error if ds does not fit the model (dimensions, scale, classes, bound).
	Evaluate(ds *dataset.Dataset) (int, error)
	// Clone returns an independent deep copy.
	Clone() Model
	// MarshalBinary returns the canonical encoding of the model (config and state).
	MarshalBinary() ([]byte, error)
}
