package policies

import (
	"fmt"
	"testing"
)

// BenchmarkDeclineOffers is Mesos's allocator benchmark shape: one op is one
// allocation cycle; the declines between cycles are not timed.
func BenchmarkDeclineOffers(b *testing.B) {
	for _, size := range []struct{ agents, frameworks int }{
		{1000, 100}, {10000, 1000}, {20000, 2000},
	} {
		b.Run(fmt.Sprintf("agents=%d/frameworks=%d", size.agents, size.frameworks), func(b *testing.B) {
			bench := NewDeclineOffers(size.agents, size.frameworks, 1)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				g := bench.Allocate()
				b.StopTimer()
				bench.Decline(g)
				b.StartTimer()
			}
			b.ReportMetric(float64(bench.Offers())/float64(b.N), "offers/op")
		})
	}
}
