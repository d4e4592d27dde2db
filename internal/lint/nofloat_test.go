package lint

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// exemptDirective exempts a file whose first comment group holds it as a line.
const exemptDirective = "//merit:human-output-only"

// floatIdents are the predeclared floating-point and complex types.
var floatIdents = map[string]bool{
	"float32": true, "float64": true, "complex64": true, "complex128": true,
}

// mathIntegers are the only selectors of package math allowed: integer constants.
var mathIntegers = map[string]bool{
	"MaxInt": true, "MinInt": true, "MaxUint": true,
	"MaxInt8": true, "MinInt8": true, "MaxUint8": true,
	"MaxInt16": true, "MinInt16": true, "MaxUint16": true,
	"MaxInt32": true, "MinInt32": true, "MaxUint32": true,
	"MaxInt64": true, "MinInt64": true, "MaxUint64": true,
}

// bannedByPackage lists forbidden selectors of an imported package; nil bans all.
var bannedByPackage = map[string]map[string]bool{
	"strconv": {
		"ParseFloat": true, "FormatFloat": true, "AppendFloat": true,
		"ParseComplex": true, "FormatComplex": true,
	},
	"math/big":   {"Float": true, "NewFloat": true, "ParseFloat": true},
	"math/cmplx": nil,
}

// floatMethods are selector names flagged whatever their receiver.
var floatMethods = map[string]bool{
	"Float32": true, "Float64": true,
	"Float32bits": true, "Float32frombits": true, "Float64bits": true, "Float64frombits": true,
}

// exempt reports whether f's first comment group holds the exemption directive.
func exempt(f *ast.File) bool {
	if len(f.Comments) == 0 {
		return false
	}
	for _, c := range f.Comments[0].List {
		if strings.TrimRight(c.Text, " \t\r") == exemptDirective {
			return true
		}
	}
	return false
}

// checkFile returns one "file:line: what" finding per floating-point use in f.
func checkFile(fset *token.FileSet, f *ast.File) []string {
	if exempt(f) {
		return nil
	}
	var out []string
	report := func(n ast.Node, format string, args ...any) {
		p := fset.Position(n.Pos())
		out = append(out, fmt.Sprintf("%s:%d: %s", p.Filename, p.Line, fmt.Sprintf(format, args...)))
	}
	// Local names of the imports that matter.
	pkgOf := map[string]string{}
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		switch {
		case path == "math/cmplx":
			report(imp, "imports math/cmplx")
		case name == "." && (path == "math" || bannedByPackage[path] != nil):
			report(imp, "dot-imports %s", path)
		}
		pkgOf[name] = path
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			switch n.Kind {
			case token.FLOAT:
				report(n, "floating-point literal %s", n.Value)
			case token.IMAG:
				report(n, "imaginary literal %s", n.Value)
			}
		case *ast.Ident:
			if floatIdents[n.Name] {
				report(n, "identifier %s", n.Name)
			}
		case *ast.SelectorExpr:
			name := n.Sel.Name
			if x, ok := n.X.(*ast.Ident); ok {
				if path, ok := pkgOf[x.Name]; ok {
					banned, listed := bannedByPackage[path]
					switch {
					case path == "math" && !mathIntegers[name],
						listed && (banned == nil || banned[name]):
						report(n, "%s.%s", x.Name, name)
						return true
					}
				}
			}
			if floatMethods[name] {
				report(n, "selector .%s", name)
			}
		}
		return true
	})
	return out
}

// checkSource parses one file's source and checks it.
func checkSource(name, src string) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	return checkFile(fset, f), nil
}

// TestNoFloat checks every non-test .go file under engine/ and simd/.
func TestNoFloat(t *testing.T) {
	root := filepath.Join("..", "..")
	files := 0
	for _, dir := range []string{"engine", "simd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				// The go tool ignores these directories too.
				if path != filepath.Join(root, dir) && (name == "testdata" || name == "vendor" ||
					strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			findings, err := checkSource(filepath.ToSlash(rel), string(src))
			if err != nil {
				t.Errorf("%v", err)
				return nil
			}
			files++
			for _, f := range findings {
				t.Errorf("floating point in engine code: %s", f)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files == 0 {
		t.Fatal("no Go files found under engine/ and simd/: is the test running from internal/lint?")
	}
}

// TestCheckerSelf proves the checker flags each kind of use and accepts clean and
// exempted files.
func TestCheckerSelf(t *testing.T) {
	flagged := map[string]string{
		"var":                   "package p\nvar x float64\n",
		"conversion":            "package p\nfunc f(i int) int { return int(float32(i)) }\n",
		"literal":               "package p\nconst half = 1.5\n",
		"exponent":              "package p\nconst million = 1e6\n",
		"imaginary":             "package p\nvar z = 2i\n",
		"complex":               "package p\nvar z complex128\n",
		"parse":                 "package p\nimport \"strconv\"\nfunc f(s string) { strconv.ParseFloat(s, 64) }\n",
		"format":                "package p\nimport \"strconv\"\nvar s = strconv.FormatFloat\n",
		"renamed":               "package p\nimport sc \"strconv\"\nvar f = sc.AppendFloat\n",
		"bits":                  "package p\nimport \"math\"\nvar b = math.Float64bits\n",
		"frombits":              "package p\nimport \"math\"\nvar f = math.Float64frombits(1)\n",
		"sqrt":                  "package p\nimport \"math\"\nvar r = math.Sqrt(4)\n",
		"pi":                    "package p\nimport \"math\"\nconst c = math.Pi\n",
		"big float":             "package p\nimport \"math/big\"\nvar f big.Float\n",
		"method":                "package p\nimport \"math/rand/v2\"\nvar f = rand.Float64()\n",
		"cmplx":                 "package p\nimport \"math/cmplx\"\nvar a = cmplx.Abs\n",
		"late exemption":        "// Package p.\npackage p\n\n" + exemptDirective + "\nvar x float64\n",
		"directive in doc text": "// Package p //merit:human-output-only\npackage p\nvar x float64\n",
	}
	for name, src := range flagged {
		got, err := checkSource(name+".go", src)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got) == 0 {
			t.Errorf("%s: not flagged:\n%s", name, src)
		}
	}
	// The finding names file and line.
	got, _ := checkSource("x.go", "package p\n\nvar a int\nvar x float64\n")
	if len(got) != 1 || !strings.HasPrefix(got[0], "x.go:4: ") {
		t.Errorf("finding %q, want one at x.go:4", got)
	}
	clean := map[string]string{
		"integers":              "package p\nimport \"math\"\nconst m = math.MaxInt64\nvar x int64 = 1 << 40\nvar y = 0x1F\n",
		"strconv":               "package p\nimport \"strconv\"\nvar s = strconv.Itoa(3)\nvar t, _ = strconv.ParseInt(\"1\", 10, 64)\n",
		"bits":                  "package p\nimport \"math/bits\"\nvar n = bits.Len64(5)\n",
		"strings":               "package p\nvar s = \"float64 1.5 in a string\" // float64 in a comment\n",
		"exempt":                exemptDirective + "\n\n// Package p formats reports.\npackage p\nvar x = float64(1) / 3.0\n",
		"exempt with build tag": "//go:build !wasm\n" + exemptDirective + "\n\npackage p\nimport \"strconv\"\nvar s = strconv.FormatFloat(1.5, 'f', 2, 64)\n",
	}
	for name, src := range clean {
		got, err := checkSource(name+".go", src)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got) != 0 {
			t.Errorf("%s: flagged %q", name, got)
		}
	}
}
