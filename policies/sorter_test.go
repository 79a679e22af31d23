package policies

import (
	"fmt"
	"slices"
	"testing"

	"github.com/mesosim/mesosim/model"
	"pgregory.net/rapid"
)

// The blocked framework sorter keeps exactly the order one flat slice
// sorted by Mesos's rule (share, then allocation count, then name as a
// plain string) has, through random allocations, recoveries, frameworks
// added and removed and cluster totals changed (a wholesale re-sort),
// with enough frameworks for blocks to split and empty; every block stays
// within 1..sorterBlock clients.
func TestFrameworkSorterMatchesFlatOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d, _ := newTestDRF()
		d.AddAgent("a0", model.MustParseResources("cpus:1000;mem:1000000"), nil)
		var names []string
		next := 0
		add := func(t *rapid.T) {
			name := fmt.Sprint("framework", next)
			next++
			d.AddFramework(model.FrameworkInfo{Name: name, Role: "r"})
			names = append(names, name)
		}
		for range rapid.IntRange(1, 3*sorterBlock).Draw(t, "frameworks") {
			add(t)
		}
		pick := func(t *rapid.T) *client {
			return d.clients[rapid.SampledFrom(names).Draw(t, "framework")]
		}
		// A few grant sizes, so that shares tie often.
		sizes := []model.Resources{model.MustParseResources("cpus:1"), model.MustParseResources("cpus:2;mem:10"), model.MustParseResources("mem:500")}
		t.Repeat(map[string]func(*rapid.T){
			"allocate": func(t *rapid.T) {
				d.allocate(pick(t), d.agents["a0"], rapid.SampledFrom(sizes).Draw(t, "size"), rapid.Bool().Draw(t, "count"))
			},
			"recover": func(t *rapid.T) {
				c := pick(t)
				if res, ok := d.agents["a0"].heldBy(c); ok {
					d.unallocate(c, d.agents["a0"], res)
				}
			},
			"add": add,
			"remove": func(t *rapid.T) {
				if len(names) == 1 {
					t.Skip("one framework left")
				}
				i := rapid.IntRange(0, len(names)-1).Draw(t, "i")
				d.RemoveFramework(names[i])
				names = slices.Delete(names, i, i+1)
			},
			"agent": func(t *rapid.T) {
				d.AddAgent(fmt.Sprint("a", next), rapid.SampledFrom(sizes).Draw(t, "total"), nil)
				next++
			},
			"": func(t *rapid.T) {
				s := d.roles.leaf("r").frameworks
				s.sorted(d)
				got := s.list(d)
				want := make([]*client, 0, len(names))
				for _, n := range names {
					want = append(want, d.clients[n])
				}
				slices.SortFunc(want, func(a, b *client) int {
					sa, sb := d.share(a.alloc, 1), d.share(b.alloc, 1)
					switch {
					case before(sa, a.count, a.name, sb, b.count, b.name):
						return -1
					case before(sb, b.count, b.name, sa, a.count, a.name):
						return 1
					}
					return 0
				})
				if !slices.Equal(got, want) {
					t.Fatalf("order\n got %v\nwant %v", clientNames(got), clientNames(want))
				}
				n := 0
				for _, blk := range s.blocks {
					if len(blk) < 1 || len(blk) > sorterBlock {
						t.Fatalf("a block of %d clients", len(blk))
					}
					n += len(blk)
				}
				if n != s.n || n != len(names) {
					t.Fatalf("%d clients in blocks, n = %d, %d frameworks", n, s.n, len(names))
				}
			},
		})
	})
}

func clientNames(cs []*client) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.name
	}
	return out
}
