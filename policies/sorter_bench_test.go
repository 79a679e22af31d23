package policies

import (
	"fmt"
	"testing"

	"github.com/mesosim/mesosim/model"
)

// BenchmarkSorterMove is the framework sorter's cost per allocation and
// recovery in one role of many frameworks: one op gives a framework one
// CPU (moving it to the end of the order) and takes it back (moving it
// back), as a DeclineOffers cycle does for every agent.
func BenchmarkSorterMove(b *testing.B) {
	for _, n := range []int{1000, 2000, 10000} {
		b.Run(fmt.Sprintf("frameworks=%d", n), func(b *testing.B) {
			d, _ := newTestDRF()
			d.AddAgent("a", model.MustParseResources("cpus:100000;mem:100000000"), nil)
			cs := make([]*client, n)
			for i := range cs {
				name := fmt.Sprint("framework", i)
				d.AddFramework(model.FrameworkInfo{Name: name, Role: "r"})
				cs[i] = d.clients[name]
			}
			res := model.MustParseResources("cpus:1")
			s := d.roles.leaf("r").frameworks
			s.sorted(d)
			b.ResetTimer()
			for i := range b.N {
				c := cs[(i*7919)%n]
				d.names.add(&c.alloc, res, 1)
				s.update(c, d)
				d.names.add(&c.alloc, res, -1)
				s.update(c, d)
			}
		})
	}
}
