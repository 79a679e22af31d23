package scenarios

import (
	"testing"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/sim"
)

// BenchmarkDefaultScenario runs the default scenario for 15 simulated
// minutes with the summary and the invariant checker attached, as `mesosim
// run` and `mesosim bench events` do; one op is one whole run. It reports
// loop events per wall second (compare with sim's BenchmarkLoop at the
// mean queue depth, also reported) and checks that the run's event count
// is the same on every op.
func BenchmarkDefaultScenario(b *testing.B) {
	var events uint64
	var depth float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		sc, err := Open(DefaultName)
		if err != nil {
			b.Fatal(err)
		}
		sc.Duration = 15 * sim.Minute
		s, err := Build(sc)
		if err != nil {
			b.Fatal(err)
		}
		s.World.Observe(report.NewSummary(report.SummaryConfig{FairSharingExcluded: sc.Master.FairSharingExcluded}))
		checker := report.NewChecker(s.World, report.CheckerConfig{
			HealAt: sc.Faults.HealAt, ConvergeWithin: sc.Faults.ConvergeWithin, Emit: s.World.Emit})
		s.World.Observe(checker)
		loop := s.World.Loop()
		var sum uint64
		b.StartTimer()
		for loop.Step(sc.Duration) {
			sum += uint64(loop.Pending())
		}
		checker.Finish(sc.Duration)
		b.StopTimer()
		if n := loop.Events(); events != 0 && n != events {
			b.Fatalf("run %d ran %d events, run 0 ran %d", i, n, events)
		}
		events = loop.Events()
		depth = float64(sum) / float64(events)
		b.StartTimer()
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(depth, "queue-depth")
}
