//go:build !linux

package wasm

import "github.com/tetratelabs/wazero/experimental"

// Elsewhere than Linux, wazero's own allocation (a Go slice, copied as it grows).
var memoryAllocator experimental.MemoryAllocator
