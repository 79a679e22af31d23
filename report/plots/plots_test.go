package plots

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/explain"
	"github.com/mesosim/mesosim/sim"
)

func rows() []report.SeriesRow {
	var out []report.SeriesRow
	for i := 0; i < 10; i++ {
		t0, t1 := sim.Time(i)*sim.Minute, sim.Time(i+1)*sim.Minute
		out = append(out,
			report.SeriesRow{T: t0, End: t1, Scope: "role", Name: "b", Metric: "dominant_share", Value: float64(i) / 10, OK: true},
			report.SeriesRow{T: t0, End: t1, Scope: "role", Name: "a", Metric: "dominant_share", Value: 0.5, OK: i != 3},
			report.SeriesRow{T: t0, End: t1, Scope: "role", Name: "a", Metric: "offers", Value: 3, OK: true})
	}
	return out
}

// The same data give the same bytes, in SVG and PNG; the SVG draws one
// legend entry per entity, sorted, and the PNG decodes at the default
// size.
func TestSeriesLinesDeterministic(t *testing.T) {
	render := func(format string) []byte {
		p, left, err := SeriesLines(rows(), "role", "dominant_share", nil, "dominant share", "share")
		if err != nil || len(left) != 0 {
			t.Fatal(err, left)
		}
		b, err := Render(p, format, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := render("svg"), render("svg")
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same plot differ")
	}
	svg := string(a)
	if ia, ib := strings.Index(svg, ">a<"), strings.Index(svg, ">b<"); ia < 0 || ib < 0 || ia > ib {
		t.Errorf("legend a, b not both there in order (%d, %d)", ia, ib)
	}
	img, err := png.Decode(bytes.NewReader(render("png")))
	if err != nil {
		t.Fatal(err)
	}
	if w := img.Bounds().Dx(); w != int(Width.Dots(96)) && w < 500 {
		t.Errorf("png width %d", w)
	}
	if _, _, err := SeriesLines(rows(), "role", "nope", nil, "x", "y"); err == nil {
		t.Error("a metric with no rows drew a plot")
	}
}

// A gap where an interval has no data: role a (no data in minute 3) is
// two segments, 3 and 6 intervals long.
func TestSegments(t *testing.T) {
	nan := nan()
	xys := plotter.XYs{{X: 0, Y: 1}, {X: 1, Y: 1}, {X: 1, Y: nan}, {X: 2, Y: 2}, {X: 3, Y: 2}, {X: 3, Y: 4}}
	segs := segments(xys)
	if len(segs) != 2 || len(segs[0]) != 2 || len(segs[1]) != 3 || segs[1][0].Y != 2 {
		t.Errorf("segments = %v", segs)
	}
	if got := len(segments(nil)); got != 0 {
		t.Errorf("segments(nil) = %d", got)
	}
	p, _, err := SeriesLines(rows(), "role", "dominant_share", []string{"a"}, "t", "y")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(p, "svg", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// One legend entry for a, though it is drawn as two lines.
	if n := strings.Count(string(b), ">a<"); n != 1 {
		t.Errorf("legend entries for a: %d", n)
	}
}

// The timeline has a lane per actor and draws bars, lost messages and
// violations.
func TestTimeline(t *testing.T) {
	tl := report.NewTimeline()
	for _, r := range []model.Record{
		{T: sim.Minute, Kind: model.KindFault, Fault: "partition", Detail: "cut: agent/a1 <-> master"},
		{T: 2 * sim.Minute, Kind: model.KindMessageDropped, Type: "RunTask", To: "agent/a1", Reason: "partition"},
		{T: 3 * sim.Minute, Kind: model.KindFault, Fault: "heal", Detail: "cut: agent/a1 <-> master"},
		{T: 4 * sim.Minute, Kind: model.KindFault, Fault: "agent_crash", Agent: "a2"},
		{T: 5 * sim.Minute, Kind: model.KindInvariantViolation, Invariant: "no_lost_task", Agent: "a2", Detail: "x"},
	} {
		tl.Observe(&r)
	}
	tl.Finish(10 * sim.Minute)
	if got := strings.Join(tl.Lanes, ","); got != "master,partition cut,agent/a1,agent/a2" {
		t.Errorf("lanes %s", got)
	}
	if len(tl.Bars) != 2 || tl.Bars[0].End != 3*sim.Minute || tl.Bars[1].End != 10*sim.Minute {
		t.Errorf("bars %+v", tl.Bars)
	}
	p, err := Timeline(tl, "faults")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(p, "svg", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Two bars (and the legend's sample) in the bar colour, opaque.
	if n := strings.Count(string(b), "stroke:#E69628;"); n < 2 {
		t.Errorf("%d strokes in the bar colour, want the 2 bars", n)
	}
	for _, want := range []string{"partition cut", "agent/a2", ">V1<", "violation", "message lost"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("timeline SVG lacks %q", want)
		}
	}
}

// Every reason has its own colour; Starvation draws one lane per
// framework that starved and a legend of the causes drawn, in
// model.Reasons order, and the same data give the same bytes.
func TestStarvation(t *testing.T) {
	if len(causeColors) != len(model.Reasons) {
		t.Fatalf("%d cause colours for %d reasons", len(causeColors), len(model.Reasons))
	}
	rows := []explain.Row{
		{Framework: "calm"},
		{Framework: "v", Episodes: 3, Spans: []explain.Span{{From: sim.Second, To: 20 * sim.Second, Cause: model.ReasonTaken},
			{From: 30 * sim.Second, To: 50 * sim.Second, Cause: model.ReasonFiltered}, {From: 55 * sim.Second, To: 59 * sim.Second}}},
	}
	svg := func() string {
		p, left, err := Starvation(rows, time60, "starvation")
		if err != nil || len(left) != 0 {
			t.Fatal(err, left)
		}
		b, err := Render(p, "svg", 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	s := svg()
	if s != svg() {
		t.Fatal("two renderings differ")
	}
	f, tk, nv := strings.Index(s, ">filtered</text>"), strings.Index(s, ">taken</text>"), strings.Index(s, ">"+NoVisit+"</text>")
	if f < 0 || tk < 0 || nv < 0 || !(f < tk && tk < nv) {
		t.Errorf("legend filtered at %d, taken at %d, %s at %d: want all, in that order", f, tk, NoVisit, nv)
	}
	if strings.Contains(s, ">calm</text>") || !strings.Contains(s, ">v</text>") {
		t.Error("want a lane for v only")
	}
	if _, _, err := Starvation(rows[:1], time60, "starvation"); err == nil {
		t.Error("no framework starved: want an error")
	}
}

const time60 = 60 * sim.Second
