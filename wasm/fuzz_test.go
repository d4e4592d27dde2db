package wasm

import (
	"testing"

	"github.com/meritchain/merit/engine/abi/abitest"
)

// FuzzWasmVsNative: any request bytes, with any gas limit up to 2^26 (which bounds the
// memory a request can make the engine use natively), give the same response or error
// and the same gas natively and in the host-kernel build.
//
//	go test -run '^$' -fuzz FuzzWasmVsNative ./wasm/
func FuzzWasmVsNative(f *testing.F) {
	for _, c := range append(abitest.Random(1), abitest.Mechanisms(1)...) {
		f.Add(c.Request, uint64(unlimited))
		f.Add(c.Request, uint64(50_000))
	}
	f.Add([]byte("MREQ\x01\x00\x05\x00"), uint64(unlimited))
	// Compile before fuzzing: the fuzzer counts the first input's time against its
	// timeout, and every worker process compiles its own Engine.
	engineOf(f, form{build: HostKernels})
	f.Fuzz(func(t *testing.T, req []byte, limit uint64) {
		limit = min(limit, 1<<26)
		want := call(t, native, req, limit)
		got := call(t, form{build: HostKernels}, req, limit)
		// Out of gas, parallel native workers may word the error differently.
		if d := diff(got, want, want.gas == limit); d != "" {
			t.Fatalf("request %x, limit %d: %s", req, limit, d)
		}
	})
}
