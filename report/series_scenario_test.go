package report_test

import (
	"math"
	"testing"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

// TestSeriesDefaultScenario runs the embedded default scenario with a
// series, a task log and a summary, and holds the series' time-weighted
// means and sums, and the task log's counts, to the summary's.
func TestSeriesDefaultScenario(t *testing.T) {
	sc, err := scenarios.Open(scenarios.DefaultName)
	if err != nil {
		t.Fatal(err)
	}
	sc.Duration = 20 * sim.Minute
	s, err := scenarios.Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	sum := report.NewSummary(report.SummaryConfig{FairSharingExcluded: sc.Master.FairSharingExcluded})
	ser := report.NewSeries(sum, 7*sim.Minute, sc.Duration) // does not divide the horizon
	tasks := report.NewTaskLog()
	s.World.Observe(ser)
	s.World.Observe(tasks)
	s.Run()
	rows := ser.Finish(sc.Duration)
	res := sum.Finish(sc.Duration)
	if len(res.Frameworks) == 0 {
		t.Fatal("no frameworks")
	}
	mean := func(scope, name, metric string) (m, n float64) {
		for _, r := range rows {
			if r.Scope == scope && r.Name == name && r.Metric == metric && r.OK {
				m += r.Value * float64(r.End-r.T)
				n += r.Value
			}
		}
		return m / float64(sc.Duration), n
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: series %v, summary %v", what, got, want)
		}
	}
	for _, x := range res.Roles {
		m, _ := mean(report.ScopeRole, x.Name, "dominant_share")
		near("role "+x.Name+" mean dominant share", m, x.MeanDominantShare)
		m, _ = mean(report.ScopeRole, x.Name, "allocated_cpus")
		near("role "+x.Name+" mean cpus", m, x.MeanCPUs)
	}
	var launched, submitted int64
	for _, x := range res.Frameworks {
		m, _ := mean(report.ScopeFramework, x.Name, "allocated_mem")
		near("framework "+x.Name+" mean mem", m, x.MeanMem)
		_, n := mean(report.ScopeFramework, x.Name, "tasks_launched")
		near("framework "+x.Name+" launched", n, float64(x.TasksLaunched))
		launched += x.TasksLaunched
	}
	m, _ := mean(report.ScopeCluster, "cluster", "util_cpus")
	near("cluster cpu util", m, res.Cluster.CPUUtil) // constant capacity: a plain time mean
	var withLaunch int64
	for _, r := range tasks.Rows() {
		if r.Launch >= 0 {
			withLaunch++
		}
		if r.Submit >= 0 {
			submitted++
		}
	}
	if withLaunch == 0 || withLaunch > launched || submitted < withLaunch {
		t.Errorf("task log: %d launched, %d submitted; summary launched %d", withLaunch, submitted, launched)
	}
}
