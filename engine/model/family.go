package model

import (
	"fmt"
	"strconv"
)

// familyNames holds each family's name, as used in docs/MODELS.md's headings, on the
// command line and in error messages.
var familyNames = [...]string{
	Perceptron:     "perceptron",
	NaiveBayes:     "naive-bayes",
	Centroid:       "centroid",
	SparseCentroid: "sparse-centroid",
	KNN:            "knn",
}

// Families returns every known family, in increasing numeric order.
func Families() []Family {
	return []Family{Perceptron, NaiveBayes, Centroid, SparseCentroid, KNN}
}

// Valid reports whether f is a known family.
func (f Family) Valid() bool { return f >= Perceptron && f <= KNN }

// String returns the family's name ("perceptron", "naive-bayes", "centroid",
// "sparse-centroid", "knn"), or "family(N)" for an unknown value.
func (f Family) String() string {
	if f.Valid() {
		return familyNames[f]
	}
	return "family(" + strconv.Itoa(int(f)) + ")"
}

// ParseFamily returns the family with the given name (exactly as String spells it).
func ParseFamily(name string) (Family, error) {
	for _, f := range Families() {
		if familyNames[f] == name {
			return f, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown model family %q (known: perceptron, naive-bayes, centroid, sparse-centroid, knn)", ErrConfig, name)
}

// MarshalText encodes f by name (for JSON output).
func (f Family) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText decodes a name written by MarshalText.
func (f *Family) UnmarshalText(b []byte) error {
	v, err := ParseFamily(string(b))
	*f = v
	return err
}
