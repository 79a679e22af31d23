package sim

import (
	"fmt"
	"testing"
)

// BenchmarkLoop is the event loop's ceiling: one op is one event of a
// Churn, which only reschedules itself, at several queue depths (the
// default scenario's mean depth over its first 15 simulated minutes is
// 4,470; `mesosim bench events` prints it).
func BenchmarkLoop(b *testing.B) {
	for _, depth := range []int{100, 4_500, 30_000} {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			l := NewLoop()
			c := NewChurn(l, depth, Second, 1)
			b.ReportAllocs()
			b.ResetTimer()
			c.Steps(b.N)
			b.StopTimer()
			if s := b.Elapsed().Seconds(); s > 0 {
				b.ReportMetric(float64(b.N)/s, "events/s")
			}
			if l.Pending() != depth {
				b.Fatalf("queue depth %d, want %d", l.Pending(), depth)
			}
		})
	}
}
