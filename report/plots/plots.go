// Package plots draws mesosim's figures with gonum.org/v1/plot: a metric
// of a time series over time, per entity; CDFs; a policy comparison with
// confidence intervals; a fault and violation timeline in Jepsen's manner;
// starvation episodes per framework coloured by cause.
// Every figure is built from its data alone, in a fixed order, so the same
// data give the same SVG and PNG bytes.
package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/explain"
	"github.com/mesosim/mesosim/sim"
)

// Default figure size.
const (
	Width  = 7 * vg.Inch
	Height = 3.5 * vg.Inch
)

// MaxLines bounds the entities one figure draws; the rest are left out
// and named in the figure's note.
const MaxLines = 12

// Render writes p in format ("svg" or "png") at the default size, or
// w × h when both are given.
func Render(p *plot.Plot, format string, w, h vg.Length) ([]byte, error) {
	if w == 0 || h == 0 {
		w, h = Width, Height
	}
	wt, err := p.WriterTo(w, h, format)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// newPlot is a plot with a title, axis labels and a grid.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	return p
}

// lineColor is the i-th color of the palette.
func lineColor(i int) color.Color { return plotutil.Color(i) }

// SeriesLines draws metric over time for the entities of scope (names:
// all of them, sorted, when nil), one line per entity. It returns the plot
// and the names it left out (past MaxLines).
func SeriesLines(rows []report.SeriesRow, scope, metric string, names []string, title, ylabel string) (*plot.Plot, []string, error) {
	return Lines(rows, func(r *report.SeriesRow) (string, bool) {
		if r.Scope != scope || r.Metric != metric || (names != nil && !slices.Contains(names, r.Name)) {
			return "", false
		}
		return r.Name, true
	}, names == nil, title, ylabel)
}

// Lines draws one line per label pick gives the rows it keeps: the value
// of each interval held as a step over [time, end), a gap where the
// interval has no data. Lines are in order of first appearance, or sorted
// by label with sorted. It returns the plot and the labels it left out
// (past MaxLines).
func Lines(rows []report.SeriesRow, pick func(*report.SeriesRow) (string, bool), sorted bool, title, ylabel string) (*plot.Plot, []string, error) {
	byName := map[string]plotter.XYs{}
	var order []string
	for i := range rows {
		r := &rows[i]
		name, ok := pick(r)
		if !ok {
			continue
		}
		if _, seen := byName[name]; !seen {
			order = append(order, name)
		}
		if !r.OK {
			byName[name] = append(byName[name], plotter.XY{X: r.T.Seconds() / 60, Y: nan()})
			continue
		}
		byName[name] = append(byName[name],
			plotter.XY{X: r.T.Seconds() / 60, Y: r.Value}, plotter.XY{X: r.End.Seconds() / 60, Y: r.Value})
	}
	if sorted {
		slices.Sort(order)
	}
	var left []string
	if len(order) > MaxLines {
		left = order[MaxLines:]
		order = order[:MaxLines]
	}
	if len(order) == 0 {
		return nil, nil, fmt.Errorf("no rows to draw for %q", title)
	}
	p := newPlot(title, "time (minutes)", ylabel)
	top := 0.0
	for i, name := range order {
		for _, xy := range byName[name] {
			if xy.Y == xy.Y && xy.Y > top {
				top = xy.Y
			}
		}
		for k, seg := range segments(byName[name]) {
			l, err := plotter.NewLine(seg)
			if err != nil {
				return nil, nil, err
			}
			l.LineStyle.Width = vg.Points(1.5)
			l.LineStyle.Color = lineColor(i)
			p.Add(l)
			if k == 0 {
				p.Legend.Add(name, l)
			}
		}
	}
	p.Y.Min = min(p.Y.Min, 0)
	if top > 0 {
		// Headroom for the legend, one line per entity, above the data.
		p.Y.Max = top * (1.15 + 0.07*float64(len(order)))
	}
	return p, left, nil
}

// segments splits xys at NaN values (intervals without data).
func segments(xys plotter.XYs) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for _, xy := range xys {
		if xy.Y != xy.Y {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, xy)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func nan() float64 { var z float64; return z / z }

// Group is one named sample, for CDF.
type Group struct {
	Name   string
	Values []float64
}

// CDF draws the empirical cumulative distribution of every group's values
// (groups in the order given, empty ones left out).
func CDF(groups []Group, title, xlabel string) (*plot.Plot, error) {
	p := newPlot(title, xlabel, "fraction ≤ x")
	p.Legend.Left = false
	p.Legend.Top = false
	n := 0
	for _, g := range groups {
		if len(g.Values) == 0 {
			continue
		}
		v := slices.Clone(g.Values)
		slices.Sort(v)
		xys := make(plotter.XYs, 0, 2*len(v)+1)
		xys = append(xys, plotter.XY{X: v[0], Y: 0})
		for i, x := range v {
			xys = append(xys, plotter.XY{X: x, Y: float64(i) / float64(len(v))}, plotter.XY{X: x, Y: float64(i+1) / float64(len(v))})
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, err
		}
		l.LineStyle.Width = vg.Points(1.5)
		l.LineStyle.Color = lineColor(n)
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s (%d)", g.Name, len(v)), l)
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("no values")
	}
	p.Y.Min, p.Y.Max = 0, 1
	return p, nil
}

// Interval is one policy's mean and 95% confidence interval, for Means.
type Interval struct {
	Name            string
	Mean, Low, High float64
	OK              bool // has data
}

// Means draws one point per policy at its mean with its 95% confidence
// interval as an error bar; policies without data are named but empty.
func Means(items []Interval, title, ylabel string) (*plot.Plot, error) {
	p := newPlot(title, "", ylabel)
	var names []string
	var pts plotter.XYs
	var errs plotter.YErrors
	for i, it := range items {
		names = append(names, it.Name)
		if !it.OK {
			continue
		}
		pts = append(pts, plotter.XY{X: float64(i), Y: it.Mean})
		errs = append(errs, struct{ Low, High float64 }{it.Mean - it.Low, it.High - it.Mean})
	}
	p.NominalX(names...)
	if len(pts) == 0 {
		return p, nil
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	sc.GlyphStyle.Shape = draw.CircleGlyph{}
	sc.GlyphStyle.Radius = vg.Points(4)
	sc.GlyphStyle.Color = lineColor(0)
	eb, err := plotter.NewYErrorBars(errorPoints{pts, errs})
	if err != nil {
		return nil, err
	}
	eb.LineStyle.Width = vg.Points(1.5)
	eb.CapWidth = vg.Points(10)
	p.Add(eb, sc)
	p.X.Min, p.X.Max = -0.5, float64(len(items))-0.5
	return p, nil
}

type errorPoints struct {
	plotter.XYs
	plotter.YErrors
}

// Bars draws one bar per name (counts), in the order given.
func Bars(names []string, values []float64, title, ylabel string) (*plot.Plot, error) {
	p := newPlot(title, "", ylabel)
	b, err := plotter.NewBarChart(plotter.Values(values), vg.Points(24))
	if err != nil {
		return nil, err
	}
	b.Color = lineColor(0)
	b.LineStyle.Width = 0
	p.Add(b)
	p.NominalX(names...)
	return p, nil
}

// MaxLanes bounds the lanes a timeline draws; later lanes are folded into
// one "other actors" lane.
const MaxLanes = 24

// Timeline draws tl in Jepsen's manner: one lane per actor (the master,
// partitions, agents, frameworks), partitions, crashes and disconnections
// as bars, lost messages as small marks, other faults as diamonds, and
// invariant violations as red triangles numbered V1, V2, ... in time order.
func Timeline(tl *report.Timeline, title string) (*plot.Plot, error) {
	lanes := slices.Clone(tl.Lanes)
	laneY := func(i int) float64 {
		if i >= MaxLanes {
			i = MaxLanes
		}
		return float64(len(clip(lanes)) - 1 - i)
	}
	shown := clip(lanes)
	p := newPlot(title, "time (minutes)", "")
	p.Legend.Top = true
	p.Legend.Left = false
	// Bars.
	for k, b := range tl.Bars {
		y := laneY(b.Lane)
		l, err := plotter.NewLine(plotter.XYs{{X: b.Start.Seconds() / 60, Y: y}, {X: b.End.Seconds() / 60, Y: y}})
		if err != nil {
			return nil, err
		}
		l.LineStyle.Width = vg.Points(9)
		l.LineStyle.Color = color.NRGBA{R: 230, G: 150, B: 40, A: 255}
		p.Add(l)
		if k == 0 {
			p.Legend.Add("partition / down", l)
		}
	}
	add := func(marks []report.TimelineMark, shape draw.GlyphDrawer, c color.Color, r vg.Length, legend string) error {
		if len(marks) == 0 {
			return nil
		}
		xys := make(plotter.XYs, len(marks))
		for i, m := range marks {
			xys[i] = plotter.XY{X: m.T.Seconds() / 60, Y: laneY(m.Lane)}
		}
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		sc.GlyphStyle.Shape, sc.GlyphStyle.Color, sc.GlyphStyle.Radius = shape, c, r
		p.Add(sc)
		p.Legend.Add(legend, sc)
		return nil
	}
	var drops, others []report.TimelineMark
	for _, m := range tl.Marks {
		if strings.Contains(m.Label, " lost (") {
			drops = append(drops, m)
		} else {
			others = append(others, m)
		}
	}
	if err := add(drops, draw.CrossGlyph{}, color.Gray{Y: 90}, vg.Points(2), "message lost"); err != nil {
		return nil, err
	}
	if err := add(others, draw.PyramidGlyph{}, color.RGBA{B: 200, A: 255}, vg.Points(4), "fault"); err != nil {
		return nil, err
	}
	if err := add(tl.Violations, draw.TriangleGlyph{}, color.RGBA{R: 220, A: 255}, vg.Points(5), "violation"); err != nil {
		return nil, err
	}
	if len(tl.Violations) > 0 {
		// The first violation of each lane is numbered (as in the table
		// below the figure); later ones on the lane are only marked.
		var lab plotter.XYLabels
		labelled := map[int]bool{}
		for i, v := range tl.Violations {
			if labelled[v.Lane] {
				continue
			}
			labelled[v.Lane] = true
			lab.XYs = append(lab.XYs, plotter.XY{X: v.T.Seconds() / 60, Y: laneY(v.Lane) + 0.3})
			lab.Labels = append(lab.Labels, fmt.Sprintf("V%d", i+1))
		}
		l, err := plotter.NewLabels(lab)
		if err != nil {
			return nil, err
		}
		p.Add(l)
	}
	ticks := make([]plot.Tick, len(shown))
	for i, name := range shown {
		ticks[i] = plot.Tick{Value: float64(len(shown) - 1 - i), Label: name}
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Min, p.Y.Max = -0.7, float64(len(shown))-0.3
	// Room on the right for the legend, past the last instant drawn.
	var last float64
	for _, b := range tl.Bars {
		last = max(last, b.End.Seconds()/60)
	}
	for _, ms := range [][]report.TimelineMark{tl.Marks, tl.Violations} {
		for _, m := range ms {
			last = max(last, m.T.Seconds()/60)
		}
	}
	p.X.Min, p.X.Max = 0, last*1.3+0.1
	return p, nil
}

// clip folds lanes past MaxLanes into one.
func clip(lanes []string) []string {
	if len(lanes) <= MaxLanes {
		return lanes
	}
	out := slices.Clone(lanes[:MaxLanes])
	return append(out, fmt.Sprintf("%d other actors", len(lanes)-MaxLanes))
}

// causeColors colour the reasons of model.Reasons, in that order; an
// episode with no agent visit is grey.
var causeColors = []color.Color{
	color.NRGBA{R: 214, G: 39, B: 40, A: 255},   // exhausted
	color.NRGBA{R: 255, G: 127, B: 14, A: 255},  // offer_locked
	color.NRGBA{R: 31, G: 119, B: 180, A: 255},  // filtered
	color.NRGBA{R: 148, G: 103, B: 189, A: 255}, // min_allocatable
	color.NRGBA{R: 44, G: 160, B: 44, A: 255},   // headroom
	color.NRGBA{R: 140, G: 86, B: 75, A: 255},   // quota_limit
	color.NRGBA{R: 227, G: 119, B: 194, A: 255}, // inactive
	color.NRGBA{R: 23, G: 190, B: 207, A: 255},  // taken
}

// NoVisit is the legend's name for an episode no allocation cycle
// visited an agent in.
const NoVisit = "no agent visit"

// Starvation draws each framework's starvation episodes in the manner of
// Timeline: one lane per framework with an episode (rows' order, at most
// MaxLanes; the rest are returned), each episode a bar from its start to
// its end coloured by its main cause, a legend of the causes drawn. end
// is the run's horizon, the x axis' extent.
func Starvation(rows []explain.Row, end sim.Time, title string) (*plot.Plot, []string, error) {
	var lanes []explain.Row
	var left []string
	for _, r := range rows {
		if r.Episodes == 0 {
			continue
		}
		if len(lanes) == MaxLanes {
			left = append(left, r.Framework)
			continue
		}
		lanes = append(lanes, r)
	}
	if len(lanes) == 0 {
		return nil, nil, fmt.Errorf("no framework starved")
	}
	p := newPlot(title, "time (minutes)", "")
	p.Legend.Top = true
	p.Legend.Left = false
	index := func(cause string) int {
		if i := slices.Index(model.Reasons, cause); i >= 0 {
			return i
		}
		return len(model.Reasons)
	}
	drawn := make([]*plotter.Line, len(model.Reasons)+1)
	last := end.Seconds() / 60
	for i, r := range lanes {
		y := float64(len(lanes) - 1 - i)
		for _, sp := range r.Spans {
			l, err := plotter.NewLine(plotter.XYs{{X: sp.From.Seconds() / 60, Y: y}, {X: sp.To.Seconds() / 60, Y: y}})
			if err != nil {
				return nil, nil, err
			}
			k := index(sp.Cause)
			l.LineStyle.Width = vg.Points(9)
			l.LineStyle.Color = color.Gray{Y: 150}
			if k < len(causeColors) {
				l.LineStyle.Color = causeColors[k]
			}
			p.Add(l)
			if drawn[k] == nil {
				drawn[k] = l
			}
			last = max(last, sp.To.Seconds()/60)
		}
	}
	// The legend in model.Reasons order, whatever order the bars came in.
	for k, l := range drawn {
		if l == nil {
			continue
		}
		name := NoVisit
		if k < len(model.Reasons) {
			name = model.Reasons[k]
		}
		p.Legend.Add(name, l)
	}
	ticks := make([]plot.Tick, len(lanes))
	for i, r := range lanes {
		ticks[i] = plot.Tick{Value: float64(len(lanes) - 1 - i), Label: r.Framework}
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Min, p.Y.Max = -0.7, float64(len(lanes))-0.3
	p.X.Min, p.X.Max = 0, last*1.3+0.1
	return p, left, nil
}
