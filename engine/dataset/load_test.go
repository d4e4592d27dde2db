package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testdata = "../../testdata/"

var auto = LoadOptions{ScaleExp: AutoScale}

func mustLoad(t testing.TB, file string, opts LoadOptions) *Loaded {
	t.Helper()
	l, err := Load(testdata+file, opts)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestShippedDatasets(t *testing.T) {
	cases := []struct {
		file                         string
		format                       Format
		rows, dims, classes, scale   int
		rounded                      int
		classNames                   []string
		firstRow                     []int32
		firstLabel, lastLabel, maxAb int32
	}{
		{"iris.csv", FormatSklearn, 150, 4, 3, 1, 0, []string{"setosa", "versicolor", "virginica"},
			[]int32{51, 35, 14, 2}, 0, 2, 79},
		// Wine: proline reaches 1680, so 10^4 would exceed MaxFeature; one value (9.899999)
		// has more than 3 decimals and rounds to 9.900.
		{"wine_data.csv", FormatSklearn, 178, 13, 3, 3, 1, []string{"class_0", "class_1", "class_2"},
			[]int32{14230, 1710, 2430, 15600, 127000, 2800, 3060, 280, 2290, 5640, 1040, 3920, 1065000}, 0, 2, 1680000},
		// Breast cancer: area reaches 4254, so ScaleExp is capped at 3; most of the
		// small features have 4 to 6 decimals and round.
		{"breast_cancer.csv", FormatSklearn, 569, 30, 2, 3, 10422, []string{"malignant", "benign"},
			[]int32{17990, 10380, 122800, 1001000, 118, 278, 300, 147, 242, 79}, 0, 1, 4254000},
		{"digits.csv.gz", FormatHeaderless, 1797, 64, 10, 0, 0, nil,
			[]int32{0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0}, 0, 8, 16},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			l := mustLoad(t, c.file, auto)
			d, r := l.Data, l.Report
			if r.Format != c.format || r.Rows != c.rows || d.Len() != c.rows || d.Dims != c.dims || d.Classes != c.classes ||
				d.ScaleExp != c.scale || r.ScaleExp != c.scale || r.Rounded != c.rounded || r.Values != c.rows*c.dims {
				t.Fatalf("got %+v dims=%d classes=%d scale=%d", r, d.Dims, d.Classes, d.ScaleExp)
			}
			if strings.Join(r.ClassNames, ",") != strings.Join(c.classNames, ",") {
				t.Fatalf("class names %q", r.ClassNames)
			}
			if d.Kind != Dense {
				t.Fatalf("kind %d", d.Kind)
			}
			row := d.Row(0).Dense
			for j, v := range c.firstRow {
				if row[j] != v {
					t.Fatalf("row 0 = %v, want prefix %v", row[:len(c.firstRow)], c.firstRow)
				}
			}
			if d.Y[0] != c.firstLabel || d.Y[d.Len()-1] != c.lastLabel {
				t.Fatalf("labels first %d last %d", d.Y[0], d.Y[d.Len()-1])
			}
			if m := d.MaxAbs(); m != c.maxAb {
				t.Fatalf("MaxAbs = %d, want %d", m, c.maxAb)
			}
			if err := d.Validate(); err != nil {
				t.Fatal(err)
			}
			// The explicit format gives the same dataset; so does the sparse form.
			l2 := mustLoad(t, c.file, LoadOptions{Format: c.format, ScaleExp: AutoScale, Classes: c.classes, Dims: c.dims})
			if l2.Data.Hash() != d.Hash() {
				t.Fatal("explicit format gives a different dataset")
			}
			ls := mustLoad(t, c.file, LoadOptions{ScaleExp: AutoScale, Sparse: true})
			if ls.Data.Kind != Sparse {
				t.Fatal("Sparse option ignored")
			}
			back, err := ls.Data.ToDense()
			if err != nil || back.Hash() != d.Hash() {
				t.Fatalf("sparse load does not densify to the dense load: %v", err)
			}
		})
	}
}

func TestIrisScales(t *testing.T) {
	base := mustLoad(t, "iris.csv", auto).Data
	l := mustLoad(t, "iris.csv", LoadOptions{ScaleExp: 3})
	if l.Report.Rounded != 0 || l.Data.ScaleExp != 3 {
		t.Fatalf("%+v", l.Report)
	}
	for i, v := range l.Data.X {
		if v != base.X[i]*100 {
			t.Fatalf("value %d: %d at ScaleExp 3, %d at 1", i, v, base.X[i])
		}
	}
	l = mustLoad(t, "iris.csv", LoadOptions{ScaleExp: 0})
	// Round half even: 5.1 → 5, 0.5 → 0, 2.5 → 2, 1.5 → 2.
	if l.Report.Rounded == 0 || l.Data.X[0] != 5 {
		t.Fatalf("ScaleExp 0: %+v, first %d", l.Report, l.Data.X[0])
	}
	for i, v := range l.Data.X {
		tenths := base.X[i]
		q, r := tenths/10, tenths%10
		want := q
		if r > 5 || (r == 5 && q%2 == 1) {
			want++
		}
		if v != want {
			t.Fatalf("value %d: %d tenths rounded to %d, want %d", i, tenths, v, want)
		}
	}
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestTextVariants(t *testing.T) {
	raw, err := os.ReadFile(testdata + "iris.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := mustLoad(t, "iris.csv", auto).Data.Hash()
	text := string(raw)
	spaced := strings.ReplaceAll(text, ",", " ,\t")
	variants := map[string]string{
		"crlf":           strings.ReplaceAll(text, "\n", "\r\n"),
		"no final LF":    strings.TrimRight(text, "\n"),
		"trailing blank": text + "\n\n  \n\r\n",
		"bom":            "\ufeff" + text,
		"bom crlf":       "\ufeff" + strings.ReplaceAll(text, "\n", "\r\n") + "\r\n",
		"spaces":         spaced[:strings.IndexByte(spaced, '\n')] + strings.ReplaceAll(text[strings.IndexByte(text, '\n'):], ",", " , "),
		"gzip":           string(gz(t, raw)),
	}
	for name, v := range variants {
		l, err := Read(strings.NewReader(v), LoadOptions{ScaleExp: AutoScale, Name: "iris.csv"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if l.Data.Hash() != want || l.Report.Format != FormatSklearn {
			t.Fatalf("%s: different dataset (format %v)", name, l.Report.Format)
		}
	}
	// A gzip'd file is recognised by its bytes, not its name.
	p := filepath.Join(t.TempDir(), "iris.txt")
	if err := os.WriteFile(p, gz(t, raw), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Load(p, auto)
	if err != nil || l.Data.Hash() != want {
		t.Fatalf("gzip without .gz name: %v", err)
	}
}

func TestPlainAndHeaderless(t *testing.T) {
	plain := "sepal length,\"sepal \"\"w\"\"\",label\n1.5,2,1\n-3,0.25,0\n4,5,2\n"
	l, err := Read(strings.NewReader(plain), auto)
	if err != nil {
		t.Fatal(err)
	}
	d := l.Data
	if l.Report.Format != FormatCSV || d.Dims != 2 || d.Classes != 3 || d.ScaleExp != 2 || d.Len() != 3 {
		t.Fatalf("%+v %+v", l.Report, d)
	}
	if got := strings.Join(l.Report.FeatureNames, "|"); got != `sepal length|sepal "w"` {
		t.Fatalf("feature names %q", got)
	}
	wantX := []int32{150, 200, -300, 25, 400, 500}
	for i, v := range wantX {
		if d.X[i] != v {
			t.Fatalf("X = %v, want %v", d.X, wantX)
		}
	}
	l, err = Read(strings.NewReader("1,2,3\n4,5e1,0\n"), LoadOptions{ScaleExp: AutoScale, Classes: 5})
	if err != nil {
		t.Fatal(err)
	}
	if l.Report.Format != FormatHeaderless || l.Data.Dims != 2 || l.Data.Classes != 5 || l.Data.X[3] != 50 {
		t.Fatalf("%+v %+v", l.Report, l.Data)
	}
	// Auto scale is capped by magnitude: 16777215 fits only at ScaleExp 0, so 0.5 rounds.
	l, err = Read(strings.NewReader("16777215,0\n0.5,1\n1.5,1\n"), auto)
	if err != nil {
		t.Fatal(err)
	}
	if l.Data.ScaleExp != 0 || l.Report.Rounded != 2 || l.Data.X[1] != 0 || l.Data.X[2] != 2 {
		t.Fatalf("%+v %v", l.Report, l.Data.X)
	}
	// The cap compares exactly: 1677721.54·10 = 16777215.4 > MaxFeature, so ScaleExp is 0
	// even though the value would round to MaxFeature at 1.
	l, err = Read(strings.NewReader("1677721.54,0\n2,1\n"), auto)
	if err != nil {
		t.Fatal(err)
	}
	if l.Data.ScaleExp != 0 || l.Report.Rounded != 1 || l.Data.X[0] != 1677722 {
		t.Fatalf("%+v %v", l.Report, l.Data.X)
	}
	// 1e-10 needs more than MaxScale decimals, and 0.123456789·10^9 > MaxFeature, so
	// the scale is 8: both values round.
	l, err = Read(strings.NewReader("0.0000000001,0\n0.123456789,0\n"), auto)
	if err != nil {
		t.Fatal(err)
	}
	if l.Data.ScaleExp != 8 || l.Report.Rounded != 2 || l.Data.X[0] != 0 || l.Data.X[1] != 12345679 {
		t.Fatalf("%+v %v", l.Report, l.Data.X)
	}
	// Without the large value, 9 decimals are kept.
	l, err = Read(strings.NewReader("0.0000000001,0\n0.012345678,0\n"), auto)
	if err != nil {
		t.Fatal(err)
	}
	if l.Data.ScaleExp != MaxScale || l.Report.Rounded != 1 || l.Data.X[1] != 12345678 {
		t.Fatalf("%+v %v", l.Report, l.Data.X)
	}
	// A scikit-learn file with numeric class names needs the explicit format.
	numeric := "2,1,0,1\n5,0\n6,1\n"
	if l, err := Read(strings.NewReader(numeric), auto); err == nil {
		t.Fatalf("auto read numeric-named scikit-learn file as %v", l.Report.Format)
	}
	l, err = Read(strings.NewReader(numeric), LoadOptions{Format: FormatSklearn, ScaleExp: AutoScale})
	if err != nil || l.Data.Classes != 2 || l.Data.Len() != 2 {
		t.Fatalf("explicit sklearn: %v", err)
	}
}

func TestDetect(t *testing.T) {
	cases := map[string]Format{
		"150,4,a,b,c\n1,2,3,4,0\n":   FormatSklearn,
		"150,4,a,b,c\n":              FormatSklearn, // header only: detected, then an error
		"150,4,a\n1,2,0\n":           FormatCSV,     // line 2 has 3 fields, not 5
		"1,2,3\n":                    FormatHeaderless,
		"x,y\n1,0\n":                 FormatCSV,
		"1 1:2 3:4\n":                FormatLibSVM,
		"# comment\n1 1:2\n":         FormatLibSVM,
		"  1.5 , -2e3 , +7 \n":       FormatHeaderless,
		"a\n":                        FormatCSV,
		"150,0,a,b\n":                FormatCSV, // n_features 0 makes no sense
		"-1,4,a,b\n":                 FormatCSV,
		"150,4,\"q\",r\n1,2,3,4,0\n": FormatSklearn,
	}
	for in, want := range cases {
		src := &lineSrc{lr: lineReader{r: bufio.NewReader(strings.NewReader(in))}}
		ahead, err := src.peek(2)
		if err != nil || len(ahead) == 0 {
			t.Fatalf("%q: %v", in, err)
		}
		if got := detect(ahead); got != want {
			t.Errorf("detect(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestLibSVM(t *testing.T) {
	in := "# a bag of words\n" +
		"1 1:2 3:0.5 10:1\n" +
		"\n" +
		"0\t2:3   4:0 # explicit zero, comment\n" +
		"2 1:0.0000000001 2:1e-3\n" +
		"0\n"
	l, err := Read(strings.NewReader(in), LoadOptions{ScaleExp: AutoScale, Name: "bow.svm"})
	if err != nil {
		t.Fatal(err)
	}
	d, r := l.Data, l.Report
	// 1e-10 asks for more than 9 decimals, but 2·10^7 > MaxFeature: ScaleExp is 6, and
	// 1e-10 rounds to 0 there and is dropped.
	if r.Format != FormatLibSVM || d.Kind != Sparse || d.Len() != 4 || d.Dims != 10 || d.Classes != 3 || d.ScaleExp != 6 {
		t.Fatalf("%+v %+v", r, d)
	}
	if r.Rounded != 1 || r.Values != 7 || r.Rows != 4 {
		t.Fatalf("report %+v", r)
	}
	want := &Dataset{Kind: Sparse, Dims: 10, Classes: 3, ScaleExp: 6, Y: []int32{1, 0, 2, 0},
		Ptr: []int{0, 3, 4, 5, 5}, Idx: []uint32{0, 2, 9, 1, 1}, Val: []int32{2000000, 500000, 1000000, 3000000, 1000}}
	if d.Hash() != want.Hash() {
		t.Fatalf("got %+v, want %+v", d, want)
	}
	// Dims and Classes given: the dataset is wider; ScaleExp given.
	l, err = Read(strings.NewReader(in), LoadOptions{Format: FormatLibSVM, ScaleExp: 2, Dims: 20, Classes: 4})
	if err != nil {
		t.Fatal(err)
	}
	if l.Data.Dims != 20 || l.Data.Classes != 4 || l.Data.ScaleExp != 2 || l.Report.Rounded != 2 || len(l.Data.Idx) != 4 {
		t.Fatalf("%+v %+v", l.Report, l.Data)
	}
}

// errorIs checks that err is a *ParseError whose text contains want.
func errorIs(t *testing.T, name string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %q", name, want)
		return
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Errorf("%s: error %v is %T, not *ParseError", name, err, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("%s: error %q does not contain %q", name, err, want)
	}
}
