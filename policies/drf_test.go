package policies

import (
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

func newTestDRF(excluded ...string) (*Hierarchical, *sim.Loop) {
	loop := sim.NewLoop()
	d := NewDRF(model.AllocatorConfig{
		AllocationInterval:  sim.Second,
		FairSharingExcluded: excluded,
		Clock:               loop,
		Rand:                sim.NewStreams(1).Get("allocator"),
	})
	return d, loop
}

// TestDRFPaperExample is the example of Ghodsi et al., NSDI 2011: 9 CPUs
// and 18 GB; A's tasks need <1 CPU, 4 GB>, B's <3 CPUs, 1 GB>. Progressive
// filling by the allocator's own role order gives A three tasks and B two,
// both dominant shares 2/3.
func TestDRFPaperExample(t *testing.T) {
	d, _ := newTestDRF()
	d.AddAgent("cluster", model.MustParseResources("cpus:9;mem:18432"), nil)
	d.AddFramework(model.FrameworkInfo{Name: "fa", Role: "A"})
	d.AddFramework(model.FrameworkInfo{Name: "fb", Role: "B"})
	demand := map[string]model.Resources{
		"fa": model.MustParseResources("cpus:1;mem:4096"),
		"fb": model.MustParseResources("cpus:3;mem:1024"),
	}
	a := d.agents["cluster"]
	tasks := map[string]int{}
	for {
		launched := false
		for _, leaf := range d.roles.leaves(d) {
			leaf.frameworks.sorted(d)
			c := leaf.frameworks.list(d)[0]
			free := a.available()
			if !free.Contains(demand[c.name]) {
				continue
			}
			d.allocate(c, a, demand[c.name], true)
			tasks[c.name]++
			launched = true
			break // re-sort after every task: progressive filling
		}
		if !launched {
			break
		}
	}
	if tasks["fa"] != 3 || tasks["fb"] != 2 {
		t.Fatalf("tasks = %v, want fa:3 fb:2", tasks)
	}
	for _, name := range []string{"fa", "fb"} {
		if got := d.share(d.clients[name].alloc, 1); got < 0.6666 || got > 0.6667 {
			t.Errorf("%s dominant share = %v, want 2/3", name, got)
		}
	}
}

func TestDominantShare(t *testing.T) {
	d, _ := newTestDRF("gpus")
	d.AddAgent("a", model.MustParseResources("cpus:10;mem:1000;gpus:2;disk:0.001"), nil)
	for _, tc := range []struct {
		alloc  string
		weight float64
		want   float64
	}{
		{"", 1, 0},
		{"cpus:5", 1, 0.5},
		{"cpus:1;mem:300", 1, 0.3},
		{"cpus:1;mem:300", 2, 0.15},
		{"gpus:2;cpus:1", 1, 0.1},        // excluded name skipped
		{"cpus(r1):2;cpus:3", 1, 0.5},    // reservations count by name
		{"ports:[1-100];cpus:1", 1, 0.1}, // non-scalars skipped
		{"cpus:2;foo:5", 1, 0.2},         // zero total skipped
		{"cpus:10;mem:1000", 0.5, 2},     // weight below 1 raises the share
	} {
		var q quantities
		d.names.add(&q, model.MustParseResources(tc.alloc), 1)
		if got := d.share(q, tc.weight); got != tc.want {
			t.Errorf("share(%q, w=%v) = %v, want %v", tc.alloc, tc.weight, got, tc.want)
		}
	}
}

// order returns the framework sorter order of role as "name,name".
func fwOrder(d *Hierarchical, role string) string {
	var names []string
	d.roles.leaf(role).frameworks.sorted(d)
	for _, c := range d.roles.leaf(role).frameworks.list(d) {
		names = append(names, c.name)
	}
	return strings.Join(names, ",")
}

func roleOrder(d *Hierarchical) string {
	var names []string
	for _, l := range d.roles.leaves(d) {
		names = append(names, l.path)
	}
	return strings.Join(names, ",")
}

func TestFrameworkSorterOrder(t *testing.T) {
	type alloc struct {
		fw, res string
		count   int
	}
	for _, tc := range []struct {
		name   string
		fws    []string
		allocs []alloc
		want   string
	}{
		{"names as plain strings", []string{"framework2", "framework10", "framework1"}, nil, "framework1,framework10,framework2"},
		{"lower share first", []string{"f1", "f2"}, []alloc{{"f1", "cpus:2", 1}}, "f2,f1"},
		{"dominant resource decides", []string{"f1", "f2"},
			[]alloc{{"f1", "cpus:4", 1}, {"f2", "mem:600", 1}}, "f1,f2"}, // 0.4 < 0.6
		{"count breaks share ties", []string{"f1", "f2"},
			[]alloc{{"f1", "cpus:1", 2}, {"f2", "cpus:1", 1}}, "f2,f1"},
		{"name breaks count ties", []string{"fb", "fa"},
			[]alloc{{"fb", "cpus:1", 1}, {"fa", "cpus:1", 1}}, "fa,fb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, _ := newTestDRF()
			d.AddAgent("a", model.MustParseResources("cpus:10;mem:1000"), nil)
			for _, f := range tc.fws {
				d.AddFramework(model.FrameworkInfo{Name: f, Role: "r"})
			}
			a := d.agents["a"]
			for _, al := range tc.allocs {
				res := model.MustParseResources(al.res)
				c := d.clients[al.fw]
				d.allocate(c, a, res, true)
				for i := 1; i < al.count; i++ { // extra allocations of nothing net
					d.unallocate(c, a, res)
					d.allocate(c, a, res, true)
				}
			}
			if got := fwOrder(d, "r"); got != tc.want {
				t.Fatalf("order = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestRoleSorterWeightsAndHierarchy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		roles   map[string]string // framework -> role
		allocs  map[string]string // framework -> resources
		weights map[string]float64
		want    string
	}{
		{"share order", map[string]string{"f1": "r1", "f2": "r2"},
			map[string]string{"f1": "cpus:3", "f2": "cpus:2"}, nil, "r2,r1"},
		{"weight divides the share", map[string]string{"f1": "r1", "f2": "r2"},
			map[string]string{"f1": "cpus:3", "f2": "cpus:2"}, map[string]float64{"r1": 2}, "r1,r2"}, // 0.15 < 0.2
		{"weights apply in the role sorter only: inside a role no weight", map[string]string{"f1": "r1", "f2": "r1"},
			map[string]string{"f1": "cpus:3", "f2": "cpus:2"}, map[string]float64{"r1": 2}, "r1"},
		// a's subtree holds 0.5 in total, so d (0.3) goes first although
		// a/x alone holds only 0.1; inside a, a/x (0.1) before a/y (0.4).
		{"subtree sums decide among siblings", map[string]string{"f1": "a/x", "f2": "a/y", "f3": "d"},
			map[string]string{"f1": "cpus:1", "f2": "cpus:4", "f3": "cpus:3"}, nil, "d,a/x,a/y"},
		// a role with frameworks and subroles: its own leaf is sorted among
		// its children.
		{"virtual leaf", map[string]string{"f1": "a", "f2": "a/x"},
			map[string]string{"f1": "cpus:2", "f2": "cpus:1"}, nil, "a/x,a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, _ := newTestDRF()
			d.AddAgent("a", model.MustParseResources("cpus:10;mem:1000"), nil)
			for _, f := range sortedNames(tc.roles) {
				d.AddFramework(model.FrameworkInfo{Name: f, Role: tc.roles[f]})
			}
			for _, r := range sortedNames(tc.weights) {
				d.SetWeight(r, tc.weights[r])
			}
			for _, f := range sortedNames(tc.allocs) {
				d.allocate(d.clients[f], d.agents["a"], model.MustParseResources(tc.allocs[f]), true)
			}
			if got := roleOrder(d); got != tc.want {
				t.Fatalf("role order = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestFilterHidesOnlyContainedOffers(t *testing.T) {
	d, loop := newTestDRF()
	d.AddAgent("a", model.MustParseResources("cpus:4;mem:1024"), nil)
	d.AddFramework(model.FrameworkInfo{Name: "f", Role: "r"})
	g := d.Allocate([]string{"a"})
	if len(g) != 1 {
		t.Fatalf("grants = %v", g)
	}
	// Decline half of it with a filter, keep the other half allocated.
	half := model.MustParseResources("cpus:2;mem:512")
	d.Recover("f", "a", half, 10*sim.Second)
	if g := d.Allocate([]string{"a"}); len(g) != 0 {
		t.Fatalf("filtered offer was made: %v", g)
	}
	// Release the rest: the agent now offers more than was refused.
	d.Recover("f", "a", half, 0)
	g = d.Allocate([]string{"a"})
	if len(g) != 1 || !g[0].Resources.Equal(model.MustParseResources("cpus:4;mem:1024")) {
		t.Fatalf("larger offer should pass the filter: %v", g)
	}
	// Decline all with 0.5 s: the effective filter lasts the 1 s interval.
	d.Recover("f", "a", g[0].Resources, sim.Second/2)
	loop.Run(sim.Second / 2)
	if g := d.Allocate([]string{"a"}); len(g) != 0 {
		t.Fatalf("filter shorter than the interval expired early: %v", g)
	}
	loop.Run(sim.Second)
	if g := d.Allocate([]string{"a"}); len(g) != 1 {
		t.Fatalf("filter did not expire after the interval: %v", g)
	}
}

func TestSuppressReviveAndMinAllocatable(t *testing.T) {
	d, _ := newTestDRF()
	d.cfg.MinAllocatable = []model.Resources{model.MustParseResources("cpus:1;mem:100"), model.MustParseResources("mem:2000")}
	d.AddAgent("small", model.MustParseResources("cpus:0.5;mem:1000"), nil)
	d.AddAgent("ok", model.MustParseResources("cpus:1;mem:100"), nil)
	d.AddFramework(model.FrameworkInfo{Name: "f", Role: "r"})
	g := d.Allocate([]string{"small", "ok"})
	if len(g) != 1 || g[0].Agent != "ok" {
		t.Fatalf("want only agent ok allocatable, got %v", g)
	}
	d.Recover("f", "ok", g[0].Resources, 100*sim.Second)
	d.Suppress("f")
	if g := d.Allocate([]string{"ok"}); len(g) != 0 {
		t.Fatalf("suppressed framework got %v", g)
	}
	d.Revive("f") // clears the filter too
	if g := d.Allocate([]string{"ok"}); len(g) != 1 {
		t.Fatalf("revived framework got %v", g)
	}
}
