package policies

import (
	"testing"

	"github.com/mesosim/mesosim/model"
	"pgregory.net/rapid"
)

// skipPropRun runs a random scenario under DRF with the allocator's skips
// on or off and returns its records.
func skipPropRun(t *rapid.T, s apropScenario, quota *model.Quota, noSkip bool) []string {
	var strs []string
	apropRunWith(s, t.Fatalf, func(r *model.Record) { strs = append(strs, apropRecordString(r)) },
		func(cfg model.AllocatorConfig) model.Allocator {
			a, err := NewAllocator("drf", cfg)
			if err != nil {
				t.Fatal(err)
			}
			a.(*Hierarchical).noSkip = noSkip
			return a
		}, func(w *model.World) {
			if quota != nil {
				w.At(0, func() { w.SetQuota("r1", *quota) })
			}
		})
	return strs
}

// TestSkipPropChangesNothing: the idle-agent and filter skips leave every
// record of a random scenario as it is, with and without a quota (the
// skip once ignored that a quota's headroom moves with allocations on
// other agents).
func TestSkipPropChangesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := apropGenScenario(t)
		var quota *model.Quota
		if rapid.Bool().Draw(t, "quota") {
			g, _ := model.ParseQuantities(rapid.SampledFrom([]string{"cpus:1", "cpus:2;mem:1024", "mem:256"}).Draw(t, "guarantee"))
			l, _ := model.ParseQuantities(rapid.SampledFrom([]string{"", "cpus:3", "cpus:2;mem:2048"}).Draw(t, "limit"))
			quota = &model.Quota{Guarantee: g, Limit: l}
		}
		on, off := skipPropRun(t, s, quota, false), skipPropRun(t, s, quota, true)
		for i := range min(len(on), len(off)) {
			if on[i] != off[i] {
				t.Fatalf("the skips changed record %d:\n  skips on:  %s\n  skips off: %s", i, on[i], off[i])
			}
		}
		if len(on) != len(off) {
			t.Fatalf("the skips changed the run (%d records against %d)", len(on), len(off))
		}
	})
}
