package htmlreport

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/explain"
	"github.com/mesosim/mesosim/sim"
)

func smallRun(t *testing.T) *Run {
	t.Helper()
	recs := []model.Record{
		{T: 0, Kind: model.KindAgentAdded, Agent: "a1", Resources: model.MustParseResources("cpus:4;mem:4096")},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "f1", Role: "r1"},
		{T: sim.Second, Kind: model.KindTaskSubmitted, Framework: "f1", Task: "t1"},
		{T: 2 * sim.Second, Kind: model.KindOffer, Offer: "o1", Framework: "f1", Role: "r1", Agent: "a1", Resources: model.MustParseResources("cpus:4;mem:4096")},
		{T: 3 * sim.Second, Kind: model.KindOfferAccepted, Offer: "o1", Framework: "f1", Agent: "a1", Resources: model.MustParseResources("cpus:1;mem:512")},
		{T: 3 * sim.Second, Kind: model.KindTaskLaunched, Framework: "f1", Task: "t1", Agent: "a1", Submitted: sim.Second, Resources: model.MustParseResources("cpus:1;mem:512")},
		{T: 4 * sim.Second, Kind: model.KindFault, Fault: "agent_crash", Agent: "a1"},
		{T: 5 * sim.Second, Kind: model.KindInvariantViolation, Invariant: "no_lost_task", Agent: "a1", Detail: "x <b>"},
	}
	sum := report.NewSummary(report.SummaryConfig{})
	ser := report.NewSeries(sum, 2*sim.Second, 10*sim.Second)
	tasks := report.NewTaskLog()
	tl := report.NewTimeline()
	for i := range recs {
		ser.Observe(&recs[i])
		tasks.Observe(&recs[i])
		tl.Observe(&recs[i])
	}
	end := 10 * sim.Second
	tl.Finish(end)
	return &Run{Title: "mesosim run: small", Description: "a <small> run",
		Provenance: &report.Provenance{Scenario: "small", ScenarioSHA256: strings.Repeat("ab", 32), Seed: 7, Allocator: "drf", Duration: "10s", Version: "v", Revision: "r", Go: "go"},
		Result:     sum.Finish(end), Series: ser.Finish(end), Tasks: tasks.Rows(), Timeline: tl, Repro: "mesosim run small --seed 7"}
}

// The run report is one file: provenance, the summary, inline SVG plots
// (no external resource, no script), the timeline and the violations with
// the replay command; text is escaped; the same data give the same bytes.
func TestRunDoc(t *testing.T) {
	write := func() string {
		d, err := RunDoc(smallRun(t))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := d.Write(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	out := write()
	if out != write() {
		t.Fatal("two reports of the same run differ")
	}
	for _, want := range []string{"<!DOCTYPE html>", "mesosim run: small", "a &lt;small&gt; run", strings.Repeat("ab", 32),
		"Cluster utilisation per resource", "Dominant share per role", "Dominant share per framework", "Pending tasks",
		"Task wait per role (CDF)", "Offers and declines per framework", "Fault timeline", "V1",
		"x &lt;b&gt;", "Replay: mesosim run small --seed 7", "MEAN DS"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := strings.Count(out, "<svg"); n != 7 {
		t.Errorf("%d inline SVG figures, want 7", n)
	}
	// Nothing loaded from elsewhere: the only URLs are SVG's namespace names.
	local := strings.ReplaceAll(out, "http://www.w3.org/", "")
	for _, bad := range []string{"<script", "http://", "https://", "<?xml", "<!DOCTYPE svg"} {
		if strings.Contains(local, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
}

// Without faults the timeline section is left out.
func TestRunDocNoFaults(t *testing.T) {
	in := smallRun(t)
	in.Timeline = report.NewTimeline()
	d, err := RunDoc(in)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	d.Write(&buf)
	if strings.Contains(buf.String(), "Fault timeline") {
		t.Error("a timeline with no fault")
	}
}

// A comparison's report has one chart per metric and the paired table.
func TestCompareDoc(t *testing.T) {
	res := func(u float64) *report.Result { return &report.Result{Cluster: report.ClusterRow{CPUUtil: u}} }
	c := &report.Comparison{Rows: []report.CompareRow{
		report.Summarize("drf", "", []*report.Result{res(0.5), res(0.6), res(0.7)}),
		report.Summarize("fifo", "", []*report.Result{res(0.6), res(0.7), res(0.8)}),
	}}
	if err := c.Pair("drf"); err != nil {
		t.Fatal(err)
	}
	if err := c.Keep([]string{"cpu_util", "wait_p95"}); err != nil {
		t.Fatal(err)
	}
	d, err := CompareDoc(c, "mesosim compare: x", "")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	d.Write(&buf)
	out := buf.String()
	if n := strings.Count(out, "<svg"); n != 2 {
		t.Errorf("%d charts, want 2", n)
	}
	for _, want := range []string{"difference to drf", "Wilcoxon p", "<td>0.1</td>", "<td>0.25</td>"} {
		if !strings.Contains(out, want) {
			t.Errorf("compare report lacks %q", want)
		}
	}
}

// BenchmarkRunDoc is the cost of drawing and writing a run's report once
// the run is over (a small run: the figures dominate).
func BenchmarkRunDoc(b *testing.B) {
	in := smallRun(&testing.T{})
	for b.Loop() {
		d, err := RunDoc(in)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := d.Write(&buf); err != nil {
			b.Fatal(err)
		}
	}
}

// Without Starvation the hint is a line under "Over time" and there is no
// starvation section; with a report in which nobody starved, the section
// says so.
func TestRunDocStarvation(t *testing.T) {
	in := smallRun(t)
	in.StarvationHint = "add --decisions"
	d, err := RunDoc(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range d.Sections {
		if s.Heading == StarvationHeading {
			t.Fatal("a starvation section without Starvation")
		}
		if s.Heading == "Over time" && s.Text != "add --decisions" {
			t.Fatalf("Over time says %q, want the hint", s.Text)
		}
	}
	in.Starvation = &Starvation{Report: &explain.Report{Frameworks: []explain.Row{{Framework: "f1"}}}, End: 10 * sim.Second, Min: 10 * sim.Second}
	if d, err = RunDoc(in); err != nil {
		t.Fatal(err)
	}
	s := d.Sections[len(d.Sections)-2] // before the fault timeline
	if s.Heading != StarvationHeading || !strings.Contains(s.Text, "No framework starved") || len(s.Figures) != 0 {
		t.Fatalf("section %+v, want %s saying no framework starved", s, StarvationHeading)
	}
}
