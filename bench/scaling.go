package main

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/meritchain/merit/engine/dataset"
)

// scaleSeries is the time of one method as one size varies, the others fixed.
type scaleSeries struct {
	method string // mKNNShapley or mMarginal
	varied string // "N" (training rows), "T" (test rows) or "D" (dimensions)
	fixed  string // the other sizes, for people
	expect string // the exponent the complexity predicts
	x      []float64
	t      []time.Duration
	slope  float64 // least-squares slope of log t against log x
}

// scaling runs the scaling experiments on MNIST: KNN-Shapley and sequential marginal
// scoring (knn model) against N, T and D (D by taking evenly spaced pixel columns).
func scaling(quick bool) ([]scaleSeries, error) {
	mTrain, mTest, err := loadMNIST()
	if err != nil {
		return nil, err
	}
	const factors = 5 // sizes per series, each twice the previous
	type plan struct {
		method string
		n      int // the largest N, and N in the T and D series
		t      int // T in the N and D series
		tMax   int // the largest T
		d      int
		dims   []int
		minDur time.Duration
	}
	dims := []int{49, 98, 196, 392, 784}
	plans := []plan{
		{method: mKNNShapley, n: 60000, t: 200, tMax: 800, d: 784, dims: dims, minDur: 300 * time.Millisecond},
		{method: mMarginal, n: 5000, t: 1000, tMax: 4000, d: 784, dims: dims, minDur: 300 * time.Millisecond},
	}
	if quick {
		plans = []plan{
			{method: mKNNShapley, n: 2000, t: 16, tMax: 16, d: 784, dims: dims},
			{method: mMarginal, n: 400, t: 40, tMax: 40, d: 784, dims: dims},
		}
	}
	var out []scaleSeries
	for _, p := range plans {
		train, test, testMax := firstRows(mTrain, p.n), firstRows(mTest, p.t), firstRows(mTest, p.tMax)
		timeIt := func(tr, te *dataset.Dataset) (time.Duration, error) {
			r, err := runMerit(p.method, tr, te, 0, p.minDur)
			return r.took, err
		}
		expect := map[string]string{"N": "1", "T": "1", "D": "≤ 1 (distances ∝ D; sorting and recursion do not depend on D)"}
		if p.method == mMarginal {
			expect["N"] = "1 (each contribution costs O(T·D))"
		} else {
			expect["N"] = "1 (distances O(N·D), radix sort and recursion O(N))"
		}
		series := []scaleSeries{
			{method: p.method, varied: "N", fixed: fmt.Sprintf("T = %s, D = %d", thousands(p.t), p.d), expect: expect["N"]},
			{method: p.method, varied: "T", fixed: fmt.Sprintf("N = %s, D = %d", thousands(p.n), p.d), expect: expect["T"]},
			{method: p.method, varied: "D", fixed: fmt.Sprintf("N = %s, T = %s", thousands(p.n), thousands(p.t)), expect: expect["D"]},
		}
		for i := range factors {
			shift := factors - 1 - i
			n, t := max(1, p.n>>shift), max(1, p.tMax>>shift)
			runs := []struct {
				s      *scaleSeries
				x      int
				tr, te *dataset.Dataset
			}{
				{&series[0], n, firstRows(train, n), test},
				{&series[1], t, train, firstRows(testMax, t)},
				{&series[2], p.dims[i], strideColumns(train, p.dims[i]), strideColumns(test, p.dims[i])},
			}
			for _, r := range runs {
				d, err := timeIt(r.tr, r.te)
				if err != nil {
					return nil, err
				}
				r.s.x = append(r.s.x, float64(r.x))
				r.s.t = append(r.s.t, d)
				fmt.Fprintf(os.Stderr, "   scaling %s %s = %d: %s\n", p.method, r.s.varied, r.x, d)
			}
		}
		for i := range series {
			series[i].slope = logSlope(series[i].x, series[i].t)
		}
		out = append(out, series...)
	}
	return out, nil
}

// logSlope fits log t = a + b·log x by least squares and returns b.
func logSlope(x []float64, t []time.Duration) float64 {
	n := float64(len(x))
	var sx, sy, sxx, sxy float64
	for i := range x {
		lx, ly := math.Log(x[i]), math.Log(t[i].Seconds())
		sx += lx
		sy += ly
		sxx += lx * lx
		sxy += lx * ly
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}

// writeScalingPlot draws every series on log-log axes, each size and time relative to the
// series' largest, so that a slope is the exponent; a dotted line has slope 1.
func writeScalingPlot(path string, series []scaleSeries) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	p := plot.New()
	p.Title.Text = "Scaling on MNIST: time against size (both relative to the largest size of each series)"
	p.X.Label.Text = "size / largest size"
	p.Y.Label.Text = "time / time at the largest size"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = ticks125{}, ticks125{}
	p.Add(plotter.NewGrid())
	// The lines all end at (1, 1), top right: the legend goes bottom right.
	p.Legend.Top, p.Legend.Left = false, false
	lo := 1.0
	for i, s := range series {
		last := len(s.x) - 1
		pts := make(plotter.XYs, len(s.x))
		for j := range s.x {
			pts[j].X = s.x[j] / s.x[last]
			pts[j].Y = s.t[j].Seconds() / s.t[last].Seconds()
			lo = min(lo, pts[j].X)
		}
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return fmt.Errorf("plot %s: %w", path, err)
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		if s.method == mMarginal {
			l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		sc.Color = l.Color
		sc.Shape = plotutil.Shape(i)
		p.Add(l, sc)
		p.Legend.Add(fmt.Sprintf("%s vs %s (%s): exponent %.2f", methodTitle[s.method], s.varied, s.fixed, s.slope), l, sc)
	}
	ref, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: 1, Y: 1}})
	if err != nil {
		return err
	}
	ref.Dashes = []vg.Length{vg.Points(1), vg.Points(3)}
	ref.Color = color.Gray{Y: 100}
	p.Add(ref)
	p.Legend.Add("slope 1 (linear)", ref)
	p.Legend.Padding = vg.Points(2)
	p.BackgroundColor = color.White
	return p.Save(10*vg.Inch, 6*vg.Inch, path)
}

// ticks125 labels a log axis at 1, 2 and 5 times the powers of ten.
type ticks125 struct{}

func (ticks125) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v >= lo*(1-1e-9) && v <= hi*(1+1e-9) {
				ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
			}
		}
	}
	return ts
}
