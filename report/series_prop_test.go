package report

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/mesosim/mesosim/sim"
)

// Whatever the interval and the horizon, the series' time-weighted means
// and sums are the summary's, and the summary observed through the series
// is the summary observed alone.
func TestSeriesAgreementProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		interval := sim.Time(rapid.Int64Range(100_000, 15_000_000).Draw(rt, "interval_us"))
		end := sec(9) + sim.Time(rapid.Int64Range(0, 20_000_000).Draw(rt, "extra_us"))
		recs := twoFrameworks()
		sum := NewSummary(SummaryConfig{})
		ser := NewSeries(sum, interval, end)
		for i := range recs {
			ser.Observe(&recs[i])
		}
		rows := ser.Finish(end)
		res := sum.Finish(end)
		checkAgreement(rt, rows, res, end)
		var last sim.Time
		for _, r := range rows {
			if r.End <= r.T || r.End-r.T > interval || r.T < last {
				rt.Fatalf("interval [%s, %s) after %s with interval %s", r.T, r.End, last, interval)
			}
			last = r.T
		}
		if rows[len(rows)-1].End != end {
			rt.Fatalf("the last interval ends at %s, not %s", rows[len(rows)-1].End, end)
		}
	})
}
