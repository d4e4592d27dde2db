//go:build wasip1

// Command guest is the Merit engine built as a WebAssembly reactor module: engine/abi's
// Execute behind a small ABI, run by the host in package wasm (one fresh instance per
// call). It is built with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -buildvcs=false \
//	    -ldflags=-buildid= [-tags merit_hostkernels] -o merit-{pure,host}.wasm ./wasm/guest
//
// (`make wasm` builds both, with the environment pinned, and records their SHA-256 in
// wasm/builds.go). docs/WASM.md documents the ABI; in short:
//
// Exports (besides the Go runtime's _initialize, memory and friends):
//
//	merit_abi_version() u32          abi.Version
//	merit_alloc(n u32) u32           address of an n-byte request buffer the guest keeps alive
//	merit_call(ptr, n u32) u32       abi.Execute(buffer[:n]); returns the abi.Code (0: ok)
//	merit_result_ptr() u32           address of the result of the last merit_call
//	merit_result_len() u32           its length
//
// ptr must be the address the last merit_alloc returned and n at most its size, or the
// guest traps. The result is the encoded response when the code is 0, else the message
// of the *abi.Error (abi.Error{Code, Msg} is rebuilt by the host from the two).
//
// Imports (module "merit"):
//
//	consume_gas(amount u64) u32      charge amount gas: 0 ok, 1 out of gas (the call must stop)
//	gas_limit() u64                  the call's gas limit (only read to word the out-of-gas error)
//
// The guest's gas.Meter prices every Charge with gas.Default, exactly as the native
// gas.Counter of abi.Native does, and calls consume_gas; the host keeps the count. Once
// out of gas, every later Charge fails without calling the host, and the first failure
// reads "out of gas: limit N" as gas.Counter's does, so a failed call gives the same
// error message natively and here.
//
// The host-kernel build (tag merit_hostkernels) also imports module "merit_simd": the
// simd package's kernels call the host's native kernels above a length threshold (see
// simd/dispatch_wasmhost.go).
package main

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/gas"
)

//go:wasmimport merit consume_gas
func consumeGas(amount uint64) uint32

//go:wasmimport merit gas_limit
func gasLimit() uint64

// A reactor's main is never called; the host calls the exports after _initialize.
func main() {}

var (
	request []byte // the buffer merit_alloc handed out, kept alive
	result  []byte // the last merit_call's response or error message
)

// addr returns the linear-memory address of b's first element (0 for an empty b).
func addr(b []byte) uint32 {
	if cap(b) == 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
}

//go:wasmexport merit_abi_version
func meritABIVersion() uint32 { return abi.Version }

//go:wasmexport merit_alloc
func meritAlloc(n uint32) uint32 {
	request = make([]byte, n, max(n, 1))
	return addr(request)
}

//go:wasmexport merit_call
func meritCall(ptr, n uint32) uint32 {
	if ptr != addr(request) || n > uint32(len(request)) {
		panic(fmt.Sprintf("merit_call(%#x, %d): not the buffer merit_alloc returned (%#x, %d bytes)", ptr, n, addr(request), len(request)))
	}
	resp, err := abi.ExecuteInPlace(request[:n:n], &meter{})
	if err == nil {
		result = resp
		return uint32(abi.CodeOK)
	}
	var e *abi.Error
	if !errors.As(err, &e) {
		// Execute returns only *abi.Error; this keeps a broken promise visible.
		e = &abi.Error{Code: abi.CodeInvalid, Msg: err.Error()}
	}
	result = []byte(e.Msg)
	return uint32(e.Code)
}

//go:wasmexport merit_result_ptr
func meritResultPtr() uint32 { return addr(result) }

//go:wasmexport merit_result_len
func meritResultLen() uint32 { return uint32(len(result)) }

// meter charges the host. It mirrors gas.Counter: the call that crosses the limit gets
// "out of gas: limit N", every later one gas.ErrOutOfGas itself.
type meter struct{ out bool }

func (m *meter) Charge(k gas.Kind, n uint64) error {
	if m.out {
		return gas.ErrOutOfGas
	}
	g := gas.Default.Cost(k, n)
	if g == 0 {
		return nil
	}
	if consumeGas(g) != 0 {
		m.out = true
		return fmt.Errorf("%w: limit %d", gas.ErrOutOfGas, gasLimit())
	}
	return nil
}
