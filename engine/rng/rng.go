// Package rng is the engine's only source of randomness: a fully specified, seeded
// pseudo-random generator whose output is the same on every platform, so that anything
// drawn from it (data splits, label noise, permutation sampling) is reproducible to the bit.
//
// # Generator
//
// The generator is xoshiro256** (D. Blackman and S. Vigna, "Scrambled Linear Pseudorandom
// Number Generators", ACM Transactions on Mathematical Software 47(4), 2021), a 256-bit
// state seeded by SplitMix64 (G. L. Steele, D. Lea and C. H. Flood, "Fast Splittable
// Pseudorandom Number Generators", OOPSLA 2014), as its authors recommend. All arithmetic
// is on uint64 and wraps modulo 2^64; rotl(x, k) is the left rotation (x<<k) | (x>>(64−k)).
//
// SplitMix64, with a 64-bit state z, returns the next value as:
//
//	z += 0x9e3779b97f4a7c15
//	x := z
//	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
//	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
//	return x ^ (x >> 31)
//
// New(seed) starts SplitMix64 at z = seed and takes its first four outputs as the
// xoshiro256** state s[0], s[1], s[2], s[3], in that order. (Four consecutive SplitMix64
// outputs are never all zero, since its output function is a bijection of distinct inputs.)
//
// xoshiro256** returns the next value as:
//
//	result := rotl(s[1]*5, 7) * 9
//	t := s[1] << 17
//	s[2] ^= s[0]
//	s[3] ^= s[1]
//	s[1] ^= s[2]
//	s[0] ^= s[3]
//	s[2] ^= t
//	s[3] = rotl(s[3], 45)
//	return result
//
// Every other method is defined in terms of Uint64 below; their doc comments say exactly
// how many values each consumes, which is part of the specification.
//
// A Source is not safe for concurrent use.
package rng

import "math/bits"

// Source is a xoshiro256** generator. Its zero value is not a valid generator: use New.
type Source struct {
	s [4]uint64
}

// SplitMix64 advances the SplitMix64 state *z and returns its next output (see the
// package comment). It is exported so that the seeding rule can be checked on its own.
func SplitMix64(z *uint64) uint64 {
	*z += 0x9e3779b97f4a7c15
	x := *z
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// New returns a generator seeded with seed: its state is the first four outputs of
// SplitMix64 started at seed. Equal seeds give equal sequences on every platform.
func New(seed uint64) *Source {
	var r Source
	z := seed
	for i := range r.s {
		r.s[i] = SplitMix64(&z)
	}
	return &r
}

// State returns the generator's current 256-bit state, s[0] first.
func (r *Source) State() [4]uint64 { return r.s }

// Uint64 returns the next 64 uniformly distributed bits (one xoshiro256** step).
func (r *Source) Uint64() uint64 {
	s := &r.s
	result := bits.RotateLeft64(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return result
}

// Uintn returns a uniformly distributed integer in [0, n), without bias, by Lemire's
// multiply-and-reject method (D. Lemire, "Fast Random Integer Generation in an Interval",
// ACM Transactions on Modeling and Computer Simulation 29(1), 2019). Exactly:
//
//	x := Uint64()
//	hi, lo := the 128-bit product x·n as its high and low 64-bit halves
//	if lo < n {
//		t := (2^64 − n) mod n      // computed as (−n) % n in uint64
//		while lo < t {
//			x = Uint64()
//			hi, lo = x·n
//		}
//	}
//	return hi
//
// It consumes one value, plus one for each rejection (a rejection happens with
// probability t/2^64 < n/2^64). For n == 0 it returns 0 and consumes nothing; callers
// are expected never to pass 0.
func (r *Source) Uintn(n uint64) uint64 {
	if n == 0 {
		return 0
	}
	return uintn(r.Uint64, n)
}

// uintn is Uintn over any stream of 64-bit values; tests drive it with scripted streams.
func uintn(next func() uint64, n uint64) uint64 {
	hi, lo := bits.Mul64(next(), n)
	if lo < n {
		t := -n % n
		for lo < t {
			hi, lo = bits.Mul64(next(), n)
		}
	}
	return hi
}

// Intn returns Uintn(uint64(n)) as an int, for n ≥ 1. For n ≤ 0 it returns 0 and
// consumes nothing.
func (r *Source) Intn(n int) int {
	if n <= 0 {
		return 0
	}
	return int(r.Uintn(uint64(n)))
}

// Shuffle permutes n elements by Fisher–Yates from the top: for i = n−1 down to 1, it
// draws j = Uintn(i+1) and calls swap(i, j) (also when j == i). It consumes n−1 draws of
// Uintn for n ≥ 2, and nothing for n ≤ 1.
func (r *Source) Shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i >= 1; i-- {
		j := int(r.Uintn(uint64(i) + 1))
		swap(i, j)
	}
}

// Perm returns a uniformly random permutation of 0..n−1: the identity slice
// [0, 1, …, n−1] shuffled by Shuffle. For n ≤ 0 it returns an empty slice.
func (r *Source) Perm(n int) []int {
	if n <= 0 {
		return []int{}
	}
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	r.Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}
