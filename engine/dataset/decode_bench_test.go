package dataset

import (
	"testing"

	"github.com/meritchain/merit/engine/rng"
)

// benchDataset returns an MNIST-sized dataset: n rows of 784 features in 0..255 (about
// 80 % zeros, like MNIST's pixels), 10 classes, dense or sparse.
func benchDataset(tb testing.TB, n int, sparse bool) *Dataset {
	r := rng.New(7)
	const dims = 784
	d := &Dataset{Kind: Dense, Dims: dims, Classes: 10, Y: make([]int32, n), X: make([]int32, n*dims)}
	for i := range d.Y {
		d.Y[i] = int32(r.Uint64() % 10)
	}
	for k := range d.X {
		if r.Uint64()%5 == 0 {
			d.X[k] = int32(1 + r.Uint64()%255)
		}
	}
	if sparse {
		s, err := d.ToSparse()
		if err != nil {
			tb.Fatal(err)
		}
		d = s
	}
	if err := d.Validate(); err != nil {
		tb.Fatal(err)
	}
	return d
}

// BenchmarkDecode: Decode (and so Validate) of 1,000 MNIST-sized rows.
func BenchmarkDecode(b *testing.B) {
	for _, sp := range []bool{false, true} {
		name := "dense"
		if sp {
			name = "sparse"
		}
		b.Run(name, func(b *testing.B) {
			enc, err := benchDataset(b, 1000, sp).MarshalBinary()
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(enc)))
			b.ResetTimer()
			for range b.N {
				if _, err := Decode(enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValidate: Validate of 1,000 MNIST-sized rows.
func BenchmarkValidate(b *testing.B) {
	for _, sp := range []bool{false, true} {
		name := "dense"
		if sp {
			name = "sparse"
		}
		b.Run(name, func(b *testing.B) {
			d := benchDataset(b, 1000, sp)
			b.SetBytes(int64(d.EncodedLen()))
			b.ResetTimer()
			for range b.N {
				if err := d.Validate(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
