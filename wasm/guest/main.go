//go:build wasip1

// Command guest is the Merit engine built as a WebAssembly reactor module
// (GOOS=wasip1 GOARCH=wasm -buildmode=c-shared): engine/abi.Execute behind a small ABI.
package main

func main() {}
