package wasm

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tetratelabs/wazero"
)

// Function is one imported or exported function of a build: its module (for an import),
// name and signature.
type Function struct {
	Module    string `json:"module,omitempty"`
	Name      string `json:"name"`
	Signature string `json:"signature"`
}

// Info describes an embedded build: its name, size, SHA-256, and the functions it imports
// and exports, sorted.
type Info struct {
	Build   string     `json:"build"`
	File    string     `json:"file"`
	Size    int        `json:"size"`
	SHA256  string     `json:"sha256"`
	Imports []Function `json:"imports"`
	Exports []Function `json:"exports"`
}

// Inspect decodes build b (without compiling it to native code) and describes it.
func Inspect(ctx context.Context, b Build) (Info, error) {
	bin := b.Wasm()
	if bin == nil {
		return Info{}, fmt.Errorf("wasm: unknown build %d", b)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	cm, err := rt.CompileModule(ctx, bin)
	if err != nil {
		return Info{}, fmt.Errorf("wasm: %s: %w", b.File(), err)
	}
	info := Info{Build: b.Name(), File: b.File(), Size: len(bin), SHA256: b.Hash()}
	for _, d := range cm.ImportedFunctions() {
		mod, name, _ := d.Import()
		info.Imports = append(info.Imports, Function{Module: mod, Name: name, Signature: sigOf(d).String()})
	}
	for name, d := range cm.ExportedFunctions() {
		info.Exports = append(info.Exports, Function{Name: name, Signature: sigOf(d).String()})
	}
	byName := func(a, b Function) int {
		return strings.Compare(a.Module+"."+a.Name, b.Module+"."+b.Name)
	}
	slices.SortFunc(info.Imports, byName)
	slices.SortFunc(info.Exports, byName)
	return info, nil
}
