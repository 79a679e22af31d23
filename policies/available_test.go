package policies

import (
	"testing"

	"github.com/mesosim/mesosim/model"
	"pgregory.net/rapid"
)

// An agent's available resources, kept across changes of its allocation
// that come back to the same content, always equal the total minus what
// is allocated, through random allocations and recoveries of scalars,
// reservations, ranges and sets (some exceeding the agent, some of what
// it does not have).
func TestAvailableFollowsAllocation(t *testing.T) {
	pieces := []model.Resources{
		model.MustParseResources("cpus:1"),
		model.MustParseResources("cpus:2;mem:10"),
		model.MustParseResources("mem:500"),
		model.MustParseResources("cpus(r):1"),
		model.MustParseResources("ports:[31000-31009]"),
		model.MustParseResources("ports:[31005-31020]"),
		model.MustParseResources("gpus:{a,b}"),
		model.MustParseResources("cpus:100;disk:5"),
	}
	total := model.MustParseResources("cpus:8;cpus(r):2;mem:1024;ports:[31000-31015];gpus:{a,b,c}")
	rapid.Check(t, func(t *rapid.T) {
		d, _ := newTestDRF()
		d.AddFramework(model.FrameworkInfo{Name: "f", Role: "r"})
		d.AddAgent("a", total, nil)
		a, c := d.agents["a"], d.clients["f"]
		var held []model.Resources
		t.Repeat(map[string]func(*rapid.T){
			"allocate": func(t *rapid.T) {
				res := rapid.SampledFrom(pieces).Draw(t, "res")
				d.allocate(c, a, res, true)
				held = append(held, res)
			},
			"recover": func(t *rapid.T) {
				if len(held) == 0 {
					t.Skip("nothing held")
				}
				i := rapid.IntRange(0, len(held)-1).Draw(t, "i")
				d.unallocate(c, a, held[i])
				held = append(held[:i], held[i+1:]...)
			},
			"": func(t *rapid.T) {
				want := total.Sub(a.allocated.View())
				if got := a.available(); !got.Equal(want) {
					t.Fatalf("available %v, want %v (allocated %v)", got, want, a.allocated.View())
				}
			},
		})
	})
}
