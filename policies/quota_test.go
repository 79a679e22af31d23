package policies

import (
	"testing"

	"github.com/mesosim/mesosim/model"
)

// Allocator tests of the quota rules of
// HierarchicalAllocatorProcess::__generateOffers
// (src/master/allocator/mesos/hierarchical.cpp, 1.10.x), in the shape of
// src/tests/hierarchical_allocator_tests.cpp: exact offers per cycle.

// HierarchicalAllocatorTest.MultiQuotaAbsentFrameworks: two quota roles
// whose guarantees together exceed the free resources, one without
// frameworks. The guaranteed part of the quota-stage offer is allocated
// unconditionally, so the role with a framework gets its whole unmet
// guarantee: the whole agent (it used to get half, the other half held as
// headroom for the absent role).
func TestQuotaGuaranteeUnconditional(t *testing.T) {
	h, _ := newPolicy(t, "drf", model.AllocatorConfig{Quota: map[string]model.Quota{
		"quota-role-1": quota(t, "cpus:1;mem:1024", "cpus:1;mem:1024"),
		"quota-role-2": quota(t, "cpus:2;mem:2048", "cpus:2;mem:2048"),
	}})
	h.AddAgent("a1", model.MustParseResources("cpus:2;mem:2048;disk:0"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "f2", Role: "quota-role-2"})
	g := grantsOf(h.Allocate([]string{"a1"}))
	if len(g) != 1 || g["a1"] != "f2 cpus:2;mem:2048" {
		t.Fatalf("grants %v, want a1 whole to f2", g)
	}
}

// The reference's worked example: 8 cpus available, role r short of 1 cpu,
// role o (no framework) short of 6. r is offered its 1 guaranteed cpu
// unconditionally plus what the headroom allows beyond it,
// availableHeadroom - requiredHeadroom = 8 - 7 = 1: 1 + 1. Memory, which
// no guarantee names, is not held back. The 6 cpus left stay as o's
// headroom in the fair-share stage.
func TestQuotaWorkedExample(t *testing.T) {
	h, _ := newPolicy(t, "drf", model.AllocatorConfig{Quota: map[string]model.Quota{
		"r": quota(t, "cpus:1", ""),
		"o": quota(t, "cpus:6", ""),
	}})
	h.AddAgent("a1", model.MustParseResources("cpus:8;mem:1024"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "fr", Role: "r"})
	g := grantsOf(h.Allocate([]string{"a1"}))
	if len(g) != 1 || g["a1"] != "fr cpus:2;mem:1024" {
		t.Fatalf("grants %v, want fr cpus:2;mem:1024 (1 guaranteed + 1 surplus)", g)
	}
	// r is satisfied now; o's 6 cpus are still held back.
	if g := h.Allocate([]string{"a1"}); len(g) != 0 {
		t.Fatalf("second cycle grants %v, want none (o's headroom)", grantsOf(g))
	}
}

// One agent cpus:4;mem:1024, one framework, one quota: the limit caps what
// goes beyond the guarantee in the quota stage (limit - consumption -
// guaranteed part), for a named role and for the default role "*" alike.
func TestQuotaStageBurstUpToLimit(t *testing.T) {
	for _, c := range []struct{ role, guarantee, limit, want string }{
		{"r", "cpus:1", "cpus:3", "f cpus:3;mem:1024"},
		{"r", "cpus:1", "", "f cpus:4;mem:1024"},
		{"r", "cpus:1", "cpus:1;mem:512", "f cpus:1;mem:512"},
		{"*", "cpus:1", "cpus:1", "f cpus:1;mem:1024"},
	} {
		h, _ := newPolicy(t, "drf", model.AllocatorConfig{Quota: map[string]model.Quota{
			c.role: quota(t, c.guarantee, c.limit),
		}})
		h.AddAgent("a1", model.MustParseResources("cpus:4;mem:1024"), nil)
		h.AddFramework(model.FrameworkInfo{Name: "f", Role: c.role})
		if g := grantsOf(h.Allocate([]string{"a1"})); len(g) != 1 || g["a1"] != c.want {
			t.Errorf("role %s guarantee %q limit %q: grants %v, want %s", c.role, c.guarantee, c.limit, g, c.want)
		}
	}
}

// A role is visited in the quota stage on an agent only if the agent has
// some of what its guarantee is still short of (guaranteesOffering empty:
// continue). Agent a1 has no cpus, r's guarantee is cpus only: the quota
// stage skips r on a1, and in the fair-share stage role a (before r by
// name, both at share 0) takes a1. Were r served in the quota stage, it
// would get a1's memory first.
func TestQuotaStageSkipsAgentWithoutGuaranteedResources(t *testing.T) {
	h, _ := newPolicy(t, "drf", model.AllocatorConfig{Quota: map[string]model.Quota{
		"r": quota(t, "cpus:1", ""),
	}})
	h.AddAgent("a1", model.MustParseResources("mem:1024;disk:100"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "fr", Role: "r"})
	h.AddFramework(model.FrameworkInfo{Name: "fa", Role: "a"})
	g := grantsOf(h.Allocate([]string{"a1"}))
	if len(g) != 1 || g["a1"] != "fa disk:100;mem:1024" {
		t.Fatalf("grants %v, want a1 to fa in the fair-share stage", g)
	}
	// An agent with cpus: r is served in the quota stage, before a.
	h.AddAgent("a2", model.MustParseResources("cpus:1;mem:512"), nil)
	g = grantsOf(h.Allocate([]string{"a2"}))
	if len(g) != 1 || g["a2"] != "fr cpus:1;mem:512" {
		t.Fatalf("grants %v, want a2 to fr in the quota stage", g)
	}
}

// A subrole of a role with quota has no quota of its own: p/sub is not
// served in the quota stage and not capped by p's limit (cpus:2); its
// fair-share offer is still cut by the headroom p's unmet guarantee needs
// (4 - 1 = 3 cpus). From the next cycle on its allocation counts toward
// p's consumption: p's guarantee is met (no quota stage for fp) and its
// limit is passed, so fp, in p itself, is offered no cpus.
func TestQuotaSubroleHasNoQuota(t *testing.T) {
	h, _ := newPolicy(t, "drf", model.AllocatorConfig{Quota: map[string]model.Quota{
		"p": quota(t, "cpus:1", "cpus:2"),
	}})
	h.AddAgent("a1", model.MustParseResources("cpus:4;mem:1024"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "fs", Role: "p/sub"})
	g := grantsOf(h.Allocate([]string{"a1"}))
	if len(g) != 1 || g["a1"] != "fs cpus:3;mem:1024" {
		t.Fatalf("grants %v, want fs cpus:3;mem:1024 (not p's limit, but p's headroom)", g)
	}
	h.Suppress("fs")
	h.AddFramework(model.FrameworkInfo{Name: "fp", Role: "p"})
	h.AddAgent("a2", model.MustParseResources("cpus:2;mem:512"), nil)
	g = grantsOf(h.Allocate([]string{"a1", "a2"}))
	if len(g) != 1 || g["a2"] != "fp mem:512" {
		t.Fatalf("grants %v, want fp offered a2's memory only (p at its limit through p/sub)", g)
	}
}

// Within one cycle a subrole's fair-share offer is not added to its
// parent's consumption (__generateOffers adds it to rolesConsumedQuota only
// for a role with a quota of its own), so p and p/sub together may be
// offered past p's limit in that cycle: p's own offer is capped only by
// what p had consumed when the cycle began.
func TestQuotaSubroleCountsFromNextCycle(t *testing.T) {
	h, _ := newPolicy(t, "drf", model.AllocatorConfig{Quota: map[string]model.Quota{
		"p": quota(t, "", "cpus:2"),
	}})
	h.AddAgent("a1", model.MustParseResources("cpus:2;mem:512"), nil)
	h.AddAgent("a2", model.MustParseResources("cpus:2;mem:512"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "fs", Role: "p/sub"})
	h.AddFramework(model.FrameworkInfo{Name: "fp", Role: "p"})
	grants := h.Allocate([]string{"a1", "a2"})
	var cpus model.Milli
	for _, x := range grants {
		cpus += x.Resources.Scalar("cpus")
	}
	if len(grants) != 2 || cpus != 4000 {
		t.Fatalf("grants %v, want both agents whole, cpus:4 in all", grantsOf(grants))
	}
}

// Only the first quota set while none is in force rebuilds the allocated
// totals; later set_quota calls (another role, a change, a removal that
// leaves others) do not. Removing the last one and setting one again
// rebuilds once more. The totals stay right throughout.
func TestQuotaSetRebuildsOnlyWhenFirst(t *testing.T) {
	h, _ := newPolicy(t, "drf", model.AllocatorConfig{})
	h.AddAgent("a1", model.MustParseResources("cpus:4;mem:1024"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "f", Role: "r1"})
	if g := h.Allocate([]string{"a1"}); len(g) != 1 {
		t.Fatalf("grants %v", grantsOf(g))
	}
	steps := []struct {
		role     string
		q        model.Quota
		rebuilds int
	}{
		{"r1", quota(t, "", "cpus:8"), 1},
		{"r2", quota(t, "cpus:1", ""), 1},
		{"r1", quota(t, "", "cpus:6"), 1},
		{"r2", model.Quota{}, 1},
		{"r1", model.Quota{}, 1},
		{"r1", quota(t, "", "cpus:5"), 2},
	}
	for i, s := range steps {
		h.SetQuota(s.role, s.q)
		if h.quota.rebuilds != s.rebuilds {
			t.Fatalf("step %d (%s): %d rebuilds, want %d", i, s.role, h.quota.rebuilds, s.rebuilds)
		}
	}
	if got := h.quota.consumed("r1", h.names.index["cpus"]); got != 4000 {
		t.Fatalf("r1 consumes %v cpus, want 4", got)
	}
}
