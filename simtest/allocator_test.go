package simtest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/sim"
	"github.com/mesosim/mesosim/simtest"
)

// The allocator is the cluster's to choose: every registered one runs the
// user's scheduler, the drawn clusters carry Options.Allocator, and an
// unknown name is refused as a malformed cluster.
func TestAllocatorChoosable(t *testing.T) {
	c := simtest.Cluster{
		Agents:     []simtest.Agent{{Name: "a-1", Resources: "cpus:2;mem:4096"}, {Name: "a-2", Resources: "cpus:2;mem:4096"}},
		Frameworks: []simtest.Framework{{Name: "f1", FailoverTimeout: sim.Hour}, {Name: "f2", FailoverTimeout: sim.Hour}},
		HealAt:     sim.Minute, ConvergeWithin: 15 * sim.Minute, Horizon: 20 * sim.Minute, Seed: 3,
	}
	for _, a := range policies.AllocatorNames() {
		c.Allocator = a
		if vs := simtest.Run(c, behavior("reconciling")); len(vs) > 0 {
			t.Errorf("allocator %s: reconciling breaks %v", a, vs)
		}
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), `unknown allocator "nosuch"`) {
				t.Errorf("an unknown allocator: recovered %v", r)
			}
		}()
		c.Allocator = "nosuch"
		simtest.Run(c, behavior("naive"))
	}()
	f := simtest.Find(behavior("naive"), simtest.Options{Checks: 50, Seed: 1, ShrinkTime: 2e9, Allocator: "fifo"})
	if f == nil {
		t.Skip("naive passed 50 fifo checks")
	}
	if f.Cluster.Allocator != "fifo" {
		t.Errorf("the drawn cluster's allocator is %q, want fifo", f.Cluster.Allocator)
	}
}
