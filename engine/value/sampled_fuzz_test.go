package value

import (
	"slices"
	"testing"

	"github.com/meritchain/merit/engine/rng"
)

// FuzzSampled runs both estimators on small random games with random options: they never
// panic, accept every valid option set, give the same result for 1 and 3 workers, keep
// every value within its bound, and satisfy the exact properties: on additive games the
// untruncated Shapley estimate is exact, and without truncation the Shapley sums add up
// to samples·(U(N) − U(∅)) on every game.
func FuzzSampled(f *testing.F) {
	f.Add(uint64(1), []byte{3, 10, 0, 0, 0, 5, 250, 7, 9})
	f.Add(uint64(2), []byte{9, 40, 2, 1, 3, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add(uint64(3), []byte{0, 0, 0, 0, 0})
	f.Add(uint64(4), []byte{7, 200, 3, 2, 2, 200, 128, 127, 0, 1, 255})
	f.Fuzz(func(t *testing.T, seed uint64, data []byte) {
		at := func(i int) int {
			if i < len(data) {
				return int(data[i])
			}
			return 0
		}
		n := 1 + at(0)%10
		opts := SampleOptions{
			Seed:       seed,
			Samples:    1 + at(1)%60,
			CheckEvery: at(2) % 6,
			Tolerance:  Ratio{1 + int64(at(3)%4), 1 + int64(at(4)%50)},
			Truncation: at(5) % 4,
		}
		additive := at(6)%2 == 0
		var g *smpGame
		var w []int64
		if additive {
			w = make([]int64, n)
			for i := range w {
				w[i] = int64(int8(at(7 + i)))
			}
			g = smpAdditive(int64(int8(at(20))), w)
		} else {
			unit := int64(1 + at(7)%30)
			salt := seed ^ uint64(at(8))<<8
			g = &smpGame{n: n, t: unit, u: func(m uint32) int64 {
				z := uint64(m) ^ salt
				return int64(rng.SplitMix64(&z)%uint64(2*unit+1)) - unit
			}}
		}
		for _, banz := range []bool{false, true} {
			o := opts
			if banz {
				o.Truncation = 0
			}
			o.Workers = 1
			v1, rep1, err1 := smpRunErr(banz, g, o)
			o.Workers = 3
			v3, rep3, err3 := smpRunErr(banz, g, o)
			if err1 != nil || err3 != nil {
				t.Fatalf("%s %+v: %v / %v", smpName(banz), o, err1, err3)
			}
			if !slices.Equal(v1.Num, v3.Num) || v1.Den != v3.Den || rep1.Samples != rep3.Samples ||
				rep1.Converged != rep3.Converged || rep1.Truncated != rep3.Truncated {
				t.Fatalf("%s: workers 1 and 3 differ: %v/%d %+v vs %v/%d %+v", smpName(banz), v1.Num, v1.Den, rep1, v3.Num, v3.Den, rep3)
			}
			if rep1.Samples < 1 || rep1.Samples > o.Samples || len(v1.Num) != n {
				t.Fatalf("%s: %+v", smpName(banz), rep1)
			}
			bound := 2 * v1.Den // every value is within [−2, 2] in units of 1
			var sum int64
			for _, x := range v1.Num {
				if x < -bound || x > bound {
					t.Fatalf("%s: value %d/%d out of range", smpName(banz), x, v1.Den)
				}
				sum += x
			}
			if banz {
				continue
			}
			c := int64(rep1.Samples)
			if v1.Den != c*g.t {
				t.Fatalf("Shapley Den %d, want %d", v1.Den, c*g.t)
			}
			if o.Truncation == 0 {
				if want := c * (g.u(1<<n-1) - g.u(0)); sum != want {
					t.Fatalf("Σ Num = %d, want %d", sum, want)
				}
				if additive {
					for i := range w {
						if v1.Num[i] != c*w[i] {
							t.Fatalf("additive: row %d: %d, want %d", i, v1.Num[i], c*w[i])
						}
					}
				}
			}
		}
	})
}

func smpRunErr(banz bool, g game, o SampleOptions) (Values, SampleReport, error) {
	if banz {
		return banzhaf(g, o)
	}
	return permutationShapley(g, o)
}
