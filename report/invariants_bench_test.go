package report_test

import (
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/sim"
)

// BenchmarkCheckerDefault runs 10 simulated minutes of the default
// scenario with the summary attached, without and with the invariant
// checker (as `mesosim run` attaches them): the checker's cost per record
// is the difference of the two ns/record. The checker reads the world's
// task views, so it cannot be fed recorded records as the summary is in
// BenchmarkObserversDefault.
func BenchmarkCheckerDefault(b *testing.B) {
	for _, checked := range []bool{false, true} {
		name := "summary"
		if checked {
			name = "summary+checker"
		}
		b.Run(name, func(b *testing.B) {
			var records int
			b.ReportAllocs()
			for b.Loop() {
				records = runDefault(b, checked)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*records), "ns/record")
		})
	}
}

// runDefault runs 10 simulated minutes of the default scenario with the
// summary, and the checker if checked, and returns the records seen.
func runDefault(b *testing.B, checked bool) int {
	b.Helper()
	b.StopTimer()
	s, sc := buildDefault(b, 10*sim.Minute)
	records := 0
	s.World.Observe(model.ObserverFunc(func(*model.Record) { records++ }))
	s.World.Observe(report.NewSummary(report.SummaryConfig{FairSharingExcluded: sc.Master.FairSharingExcluded}))
	var c *report.Checker
	if checked {
		c = report.NewChecker(s.World, report.CheckerConfig{
			HealAt: sc.Faults.HealAt, ConvergeWithin: sc.Faults.ConvergeWithin, Emit: s.World.Emit})
		s.World.Observe(c)
	}
	b.StartTimer()
	s.Run()
	if c != nil {
		c.Finish(sc.Duration)
		if vs := c.Violations(); len(vs) > 0 {
			b.Fatalf("violations: %+v", vs[0])
		}
	}
	return records
}
