package dataset

import (
	"slices"
	"strings"
	"testing"
)

func TestTagColumn(t *testing.T) {
	const text = "contributor,a,b,label\nalice,1.5,2,0\n bob ,3,4.25,1\nalice,0,0,1\n"
	l, err := Read(strings.NewReader(text), LoadOptions{Format: FormatCSV, ScaleExp: AutoScale, TagColumn: "contributor", Name: "c.csv"})
	if err != nil {
		t.Fatal(err)
	}
	d := l.Data
	if d.Dims != 2 || d.Len() != 3 || d.ScaleExp != 2 {
		t.Fatalf("dims %d rows %d scale %d", d.Dims, d.Len(), d.ScaleExp)
	}
	if want := []int32{150, 200, 300, 425, 0, 0}; !slices.Equal(d.X, want) {
		t.Fatalf("X = %v, want %v", d.X, want)
	}
	if want := []string{"alice", "bob", "alice"}; !slices.Equal(l.Report.Tags, want) {
		t.Fatalf("tags %q, want %q", l.Report.Tags, want)
	}
	if want := []string{"a", "b"}; !slices.Equal(l.Report.FeatureNames, want) {
		t.Fatalf("feature names %q", l.Report.FeatureNames)
	}
	// A tag in the middle works the same way.
	l2, err := Read(strings.NewReader("a,who,b,label\n1,x,2,0\n"), LoadOptions{Format: FormatCSV, TagColumn: "who"})
	if err != nil || !slices.Equal(l2.Data.X, []int32{1, 2}) || l2.Report.Tags[0] != "x" {
		t.Fatalf("middle tag: %v %v", err, l2)
	}
	for _, c := range []struct{ text, opt, want string }{
		{"a,b,label\n1,2,0\n", "who", `c.csv:1:1: the header has no column named "who"`},
		{"a,who\n1,0\n", "who", `c.csv:1:3: column "who" is the label column`},
		{"who,a,label\nx,1,0\nx,1\n", "who", "c.csv:3:"},
		{"2,1,c0,c1\n1,0\n1,1\n", "who", "needs a CSV header row"},
	} {
		f := FormatCSV
		if strings.HasPrefix(c.text, "2,1") {
			f = FormatSklearn
		}
		_, err := Read(strings.NewReader(c.text), LoadOptions{Format: f, TagColumn: c.opt, Name: "c.csv"})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it to contain %q", c.text, err, c.want)
		}
	}
}
