package report_test

import (
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

// defaultRecords are the records of 10 simulated minutes of the default
// scenario, kept once for the benchmarks.
func defaultRecords(b *testing.B) ([]model.Record, sim.Time) {
	b.Helper()
	s, sc := buildDefault(b, 10*sim.Minute)
	var recs []model.Record
	s.World.Observe(model.ObserverFunc(func(r *model.Record) { recs = append(recs, *r) }))
	s.Run()
	return recs, sc.Duration
}

// buildDefault builds the default scenario to run for d.
func buildDefault(tb testing.TB, d sim.Time) (*scenarios.Sim, *scenarios.Scenario) {
	tb.Helper()
	sc, err := scenarios.Open(scenarios.DefaultName)
	if err != nil {
		tb.Fatal(err)
	}
	sc.Duration = d
	s, err := scenarios.Build(sc)
	if err != nil {
		tb.Fatal(err)
	}
	return s, sc
}

// BenchmarkObserversDefault feeds the same records to the summary alone
// (what `run` does with --series, --tasks and --report off) and to the
// observers --series, --tasks and --report add (the series cut every
// minute, the task log, the timeline), so that their cost per record can
// be read against the summary's: ns/op is per record.
func BenchmarkObserversDefault(b *testing.B) {
	recs, end := defaultRecords(b)
	cfg := report.SummaryConfig{}
	b.Run("summary", func(b *testing.B) {
		for b.Loop() {
			sum := report.NewSummary(cfg)
			for i := range recs {
				sum.Observe(&recs[i])
			}
			sum.Finish(end)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
	})
	b.Run("summary+series+tasks+timeline", func(b *testing.B) {
		for b.Loop() {
			sum := report.NewSummary(cfg)
			ser := report.NewSeries(sum, sim.Minute, end)
			tasks := report.NewTaskLog()
			tl := report.NewTimeline()
			for i := range recs {
				ser.Observe(&recs[i])
				tasks.Observe(&recs[i])
				tl.Observe(&recs[i])
			}
			ser.Finish(end)
			sum.Finish(end)
			tl.Finish(end)
			tasks.Rows()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
	})
}
