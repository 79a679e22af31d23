package report

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/sim"
)

// seriesValue returns the value of one metric of one entity in the
// interval starting at t0, and whether the series has data for it.
func seriesValue(t *testing.T, rows []SeriesRow, t0 sim.Time, scope, name, metric string) (float64, bool) {
	t.Helper()
	for _, r := range rows {
		if r.T == t0 && r.Scope == scope && r.Name == name && r.Metric == metric {
			return r.Value, r.OK
		}
	}
	t.Fatalf("no row %s %s %s %s", t0, scope, name, metric)
	return 0, false
}

// weightedMean is the time-weighted mean of a metric over the run, from
// the series alone, and the sum of its values (for counts).
func weightedMean(rows []SeriesRow, scope, name, metric string, end sim.Time) (mean, sum float64) {
	for _, r := range rows {
		if r.Scope == scope && r.Name == name && r.Metric == metric && r.OK {
			mean += r.Value * float64(r.End-r.T)
			sum += r.Value
		}
	}
	return mean / float64(end), sum
}

// TestSeriesHandComputed checks interval values of twoFrameworks worked
// out by hand (see its comment).
func TestSeriesHandComputed(t *testing.T) {
	sum := NewSummary(SummaryConfig{})
	ser := NewSeries(sum, sec(1), sec(10))
	for _, r := range twoFrameworks() {
		ser.Observe(&r)
	}
	rows := ser.Finish(sec(10))
	for _, tc := range []struct {
		t0                  float64
		scope, name, metric string
		want                float64
		ok                  bool
	}{
		{0, ScopeFramework, "f1", "allocated_cpus", 0, true},
		{1, ScopeFramework, "f1", "allocated_cpus", 4, true},
		{1, ScopeFramework, "f1", "offered_cpus", 4, true},
		{3, ScopeFramework, "f1", "allocated_cpus", 2, true},
		{3, ScopeFramework, "f1", "offered_cpus", 0, true},
		{3, ScopeFramework, "f1", "cpu_share", 0.25, true},
		{3, ScopeFramework, "f1", "dominant_share", 0.25, true},
		{3, ScopeFramework, "f1", "running_tasks", 1, true},
		{3, ScopeFramework, "f1", "tasks_launched", 1, true},
		{3, ScopeFramework, "f1", "wait_p50", 2.5, true},
		{0, ScopeFramework, "f1", "wait_p50", 0, false},
		{0, ScopeFramework, "f1", "pending_tasks", 1, true},
		{7, ScopeFramework, "f1", "allocated_cpus", 0, true},
		{7, ScopeFramework, "f1", "tasks_finished", 1, true},
		{1, ScopeFramework, "f2", "offers", 1, true},
		{2, ScopeFramework, "f2", "declined", 1, true},
		{4, ScopeRole, "r2", "allocated_mem", 3072, true},
		{4, ScopeRole, "r2", "dominant_share", 0.375, true},
		{1, ScopeCluster, "cluster", "allocated_cpus", 8, true},
		{1, ScopeCluster, "cluster", "util_cpus", 1, true},
		{9, ScopeCluster, "cluster", "util_mem", 1024.0 / 8192, true},
		{9, ScopeCluster, "cluster", "total_cpus", 8, true},
		{9, ScopePool, "a1", "total_cpus", 4, true}, // a1 and a2 are pools of one agent each
		{9, ScopePool, "a1", "allocated_cpus", 1, true},
	} {
		name := tc.name
		got, ok := seriesValue(t, rows, sec(tc.t0), tc.scope, name, tc.metric)
		if ok != tc.ok || math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%gs %s %s %s = %v (data %v), want %v (data %v)", tc.t0, tc.scope, name, tc.metric, got, ok, tc.want, tc.ok)
		}
	}
}

// TestSeriesAgreesWithSummary: the time-weighted means of the series are
// the summary's means, and its counts add up to the summary's, for
// intervals that divide the run and one that does not.
func TestSeriesAgreesWithSummary(t *testing.T) {
	// A horizon of 9s ends on the last records (rescinds at 9s): they
	// belong to the last interval.
	for _, end := range []sim.Time{sec(10), sec(9)} {
		for _, iv := range []float64{1, 3, 0.7, 20, 4.5} {
			sum := NewSummary(SummaryConfig{})
			ser := NewSeries(sum, sec(iv), end)
			for _, r := range twoFrameworks() {
				ser.Observe(&r)
			}
			rows := ser.Finish(end)
			res := sum.Finish(end)
			checkAgreement(t, rows, res, end)
		}
	}
}

// tester is what checkAgreement needs of *testing.T and *rapid.T.
type tester interface {
	Helper()
	Errorf(format string, args ...any)
}

// checkAgreement holds every role's and framework's means and counts, and
// the cluster's, in the series to those of the summary.
func checkAgreement(t tester, rows []SeriesRow, res *Result, end sim.Time) {
	t.Helper()
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: series %v, summary %v", what, got, want)
		}
	}
	for _, g := range []struct {
		scope string
		rows  []Row
	}{{ScopeRole, res.Roles}, {ScopeFramework, res.Frameworks}} {
		for _, x := range g.rows {
			m := func(metric string) float64 { v, _ := weightedMean(rows, g.scope, x.Name, metric, end); return v }
			c := func(metric string) float64 { _, v := weightedMean(rows, g.scope, x.Name, metric, end); return v }
			near(x.Name+" mean dominant share", m("dominant_share"), x.MeanDominantShare)
			near(x.Name+" mean cpus", m("allocated_cpus"), x.MeanCPUs)
			near(x.Name+" mean mem", m("allocated_mem"), x.MeanMem)
			near(x.Name+" offers", c("offers"), float64(x.Offers))
			near(x.Name+" declined", c("declined"), float64(x.Declined))
			near(x.Name+" rescinded", c("rescinded"), float64(x.Rescinded))
			near(x.Name+" launched", c("tasks_launched"), float64(x.TasksLaunched))
			near(x.Name+" finished", c("tasks_finished"), float64(x.TasksFinished))
		}
	}
	// The cluster's utilisation is weighted by its capacity per interval.
	var alloc, total float64
	for _, r := range rows {
		if r.Scope == ScopeCluster && r.Metric == "allocated_cpus" {
			alloc += r.Value * float64(r.End-r.T)
		}
		if r.Scope == ScopeCluster && r.Metric == "total_cpus" {
			total += r.Value * float64(r.End-r.T)
		}
	}
	near("cluster cpu util", alloc/total, res.Cluster.CPUUtil)
	_, n := weightedMean(rows, ScopeCluster, ScopeCluster, "offers", end)
	near("cluster offers", n, float64(res.Cluster.Offers))
	_, n = weightedMean(rows, ScopeCluster, ScopeCluster, "tasks_launched", end)
	near("cluster launched", n, float64(res.Cluster.TasksLaunched))
}

// TestSeriesDoesNotChangeSummary: a summary observed through a series
// gives the same result, bit for bit, as one observed alone.
func TestSeriesDoesNotChangeSummary(t *testing.T) {
	alone := NewSummary(SummaryConfig{})
	feed(alone, twoFrameworks())
	via := NewSummary(SummaryConfig{})
	ser := NewSeries(via, sec(0.3), sec(10))
	for _, r := range twoFrameworks() {
		ser.Observe(&r)
	}
	ser.Finish(sec(10))
	var a, b bytes.Buffer
	alone.Finish(sec(10)).WriteJSON(&a)
	via.Finish(sec(10)).WriteJSON(&b)
	if a.String() != b.String() {
		t.Errorf("summary through a series differs:\n%s\nalone:\n%s", b.String(), a.String())
	}
}

// TestSeriesSchema: the CSV has provenance comments, then the documented
// header; every metric it writes is documented in docs/series.md; rows
// with no data have an empty value.
func TestSeriesSchema(t *testing.T) {
	sum := NewSummary(SummaryConfig{})
	ser := NewSeries(sum, sec(1), sec(10))
	for _, r := range twoFrameworks() {
		ser.Observe(&r)
	}
	rows := ser.Finish(sec(10))
	var buf bytes.Buffer
	p := &Provenance{Scenario: "x", Seed: 7, Allocator: "drf"}
	if err := WriteSeriesCSV(&buf, rows, p); err != nil {
		t.Fatal(err)
	}
	var body []string
	for _, line := range strings.Split(buf.String(), "\n") {
		if !strings.HasPrefix(line, "#") {
			body = append(body, line)
		}
	}
	if !strings.HasPrefix(buf.String(), "# scenario: x\n") || !strings.Contains(buf.String(), "# seed: 7\n") {
		t.Errorf("no provenance comments:\n%s", buf.String()[:200])
	}
	recs, err := csv.NewReader(strings.NewReader(strings.Join(body, "\n"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "time,end,scope,name,metric,value" {
		t.Fatalf("header %v", recs[0])
	}
	if len(recs)-1 != len(rows) {
		t.Fatalf("%d lines for %d rows", len(recs)-1, len(rows))
	}
	doc, err := os.ReadFile("../docs/series.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	empty := 0
	for i, r := range recs[1:] {
		if !rows[i].OK {
			if r[5] != "" {
				t.Errorf("row %d without data has value %q", i, r[5])
			}
			empty++
		}
		m := r[4]
		if strings.HasPrefix(m, "util_") {
			m = "util_NAME"
		}
		if !seen[m] && !strings.Contains(string(doc), "`"+m+"`") {
			t.Errorf("metric %s is not documented in docs/series.md", m)
		}
		seen[m] = true
	}
	if empty == 0 {
		t.Error("no row without data: the wait quantiles of an interval with no launch should be empty")
	}
}
