package abi_test

import "github.com/meritchain/merit/engine/rng"

func rngFor(seed uint64) *rng.Source { return rng.New(seed) }
