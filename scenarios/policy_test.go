package scenarios

import (
	"slices"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

func quantities(t *testing.T, text string) model.Quantities {
	t.Helper()
	q, err := model.ParseQuantities(text)
	if err != nil {
		t.Fatalf("ParseQuantities(%q): %v", text, err)
	}
	return q
}

func sameQuota(a, b model.Quota) bool {
	return slices.Equal(a.Guarantee, b.Guarantee) && slices.Equal(a.Limit, b.Limit)
}

func TestGoodPolicies(t *testing.T) {
	sc := mustLoad(t, "testdata/good/policies.yaml")
	m := sc.Master
	if m.Allocator != "capacity" {
		t.Errorf("allocator %q", m.Allocator)
	}
	wantQuota := map[string]model.Quota{
		"qr":        {Guarantee: quantities(t, "cpus:2;mem:1024"), Limit: quantities(t, "cpus:4;mem:1024;gpus:0")},
		"batch":     {Limit: quantities(t, "cpus:0")},
		"analytics": {Guarantee: quantities(t, "cpus:1")},
	}
	if len(m.Quota) != len(wantQuota) || !slices.Equal(m.QuotaRoles, []string{"analytics", "batch", "qr"}) {
		t.Fatalf("quota: %v roles %v", m.Quota, m.QuotaRoles)
	}
	for role, want := range wantQuota {
		if got := m.Quota[role]; !sameQuota(got, want) {
			t.Errorf("quota %s: got %+v want %+v", role, got, want)
		}
	}
	// Zeros are kept: a limit of gpus:0 and cpus:0 are real limits.
	if v, ok := m.Quota["batch"].Limit.Lookup("cpus"); !ok || v != 0 {
		t.Errorf("batch cpus limit: %v %v", v, ok)
	}
	wantCap := map[string]model.Capacity{
		"qr":      {Capacity: 0.5, MaxCapacity: 0.8},
		"batch":   {Capacity: 0.25, MaxCapacity: 1},
		"eng/web": {Capacity: 0.25, MaxCapacity: 0.25},
	}
	if len(m.Capacity) != 3 || !slices.Equal(m.CapacityRoles, []string{"batch", "eng/web", "qr"}) {
		t.Fatalf("capacity: %v roles %v", m.Capacity, m.CapacityRoles)
	}
	for role, want := range wantCap {
		if got := m.Capacity[role]; got != want {
			t.Errorf("capacity %s: got %+v want %+v", role, got, want)
		}
	}

	svc, web1, web2, plain := sc.Frameworks[0], sc.Frameworks[1], sc.Frameworks[2], sc.Frameworks[3]
	if len(svc.MinAllocatable) != 2 || !svc.MinAllocatable[0].Equal(res(t, "cpus:1")) || !svc.MinAllocatable[1].Equal(res(t, "mem:256;disk:1")) {
		t.Errorf("svc min_allocatable: %v", svc.MinAllocatable)
	}
	if svc.Think != (ThinkTime{Base: 2 * sim.Second}) || svc.SuppressWhenIdle {
		t.Errorf("svc: %+v", svc)
	}
	for _, w := range []FrameworkSpec{web1, web2} {
		if w.MinAllocatable == nil || len(w.MinAllocatable) != 0 {
			t.Errorf("%s: min_allocatable [] must give an empty, non-nil list; got %#v", w.Name, w.MinAllocatable)
		}
		if w.Think != (ThinkTime{Base: 100 * sim.Millisecond, PerTask: 10 * sim.Millisecond}) || !w.SuppressWhenIdle {
			t.Errorf("%s: %+v", w.Name, w)
		}
	}
	if plain.MinAllocatable != nil || plain.Think != (ThinkTime{}) || plain.SuppressWhenIdle {
		t.Errorf("defaults: %+v", plain)
	}

	tl := sc.Timeline
	if len(tl) != 3 {
		t.Fatalf("timeline: %+v", tl)
	}
	if e := tl[0]; e.Kind != KindSetQuota || e.Role != "batch" || e.At != 10*sim.Second ||
		!sameQuota(e.Quota, model.Quota{Guarantee: quantities(t, "cpus:1"), Limit: quantities(t, "cpus:2")}) {
		t.Errorf("set_quota: %+v", e)
	}
	if e := tl[1]; e.Kind != KindSetQuota || e.Role != "batch" || !e.Quota.IsZero() {
		t.Errorf("set_quota removing: %+v", e)
	}
	if f := tl[2].Framework; f.Think != (ThinkTime{PerTask: sim.Hour}) || len(f.MinAllocatable) != 1 {
		t.Errorf("add_framework: %+v", f)
	}
}

func TestExpandedFrameworksOwnTheirLists(t *testing.T) {
	sc, err := Parse("t.yaml", []byte(header+"frameworks:\n  - {name: f, count: 2, behavior: hold, min_allocatable: [\"cpus:1\"]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, b := sc.Frameworks[0].MinAllocatable, sc.Frameworks[1].MinAllocatable
	if len(a) != 1 || len(b) != 1 || &a[0] == &b[0] {
		t.Errorf("f-1 and f-2 share min_allocatable: %v %v", a, b)
	}
}

func TestGoodPolicyDefaults(t *testing.T) {
	sc := mustLoad(t, "testdata/good/minimal.yaml")
	m := sc.Master
	if m.Quota == nil || len(m.Quota) != 0 || m.QuotaRoles == nil || len(m.QuotaRoles) != 0 {
		t.Errorf("quota default: %#v %#v", m.Quota, m.QuotaRoles)
	}
	if m.Capacity == nil || len(m.Capacity) != 0 || m.CapacityRoles == nil || len(m.CapacityRoles) != 0 {
		t.Errorf("capacity default: %#v %#v", m.Capacity, m.CapacityRoles)
	}
	sc, err := Parse("t.yaml", []byte(header+"master: {allocator: drf}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Master.Quota == nil || sc.Master.QuotaRoles == nil || sc.Master.CapacityRoles == nil {
		t.Errorf("empty master: %+v", sc.Master)
	}
}

// checkQuota asserts what a decoded quota promises.
func checkQuota(t *testing.T, role string, q model.Quota) {
	t.Helper()
	if role == "*" || strings.Contains(role, "/") || model.ValidateRole(role) != nil {
		t.Fatalf("quota on role %q", role)
	}
	for _, g := range q.Guarantee {
		if l, ok := q.Limit.Lookup(g.Name); ok && g.Value > l {
			t.Fatalf("role %q: guarantee %v above limit %v", role, q.Guarantee, q.Limit)
		}
	}
}

// checkPolicyInvariants asserts what the policy keys of every accepted
// scenario promise.
func checkPolicyInvariants(t *testing.T, sc *Scenario) {
	t.Helper()
	m := sc.Master
	if len(m.QuotaRoles) != len(m.Quota) || len(m.CapacityRoles) != len(m.Capacity) || len(m.WeightRoles) != len(m.Weights) {
		t.Fatalf("sorted role lists out of step: %+v", m)
	}
	for _, role := range m.QuotaRoles {
		checkQuota(t, role, m.Quota[role])
	}
	// master.capacity is accepted under every allocator (only capacity
	// reads it), so that one scenario compares across policies.
	sum := 0.0
	for _, role := range m.CapacityRoles {
		c := m.Capacity[role]
		if !(0 <= c.Capacity && c.Capacity <= c.MaxCapacity && c.MaxCapacity <= 1) {
			t.Fatalf("capacity %s: %+v", role, c)
		}
		sum += c.Capacity
	}
	if sum > 1+1e-9 {
		t.Fatalf("capacities sum to %v", sum)
	}
	fws := slices.Clone(sc.Frameworks)
	for _, a := range sc.Agents {
		if a.Line < 0 {
			t.Fatalf("agent %s line %d", a.Name, a.Line)
		}
	}
	for _, e := range sc.Timeline {
		if e.Line < 0 {
			t.Fatalf("event line %d", e.Line)
		}
		if e.Framework != nil {
			fws = append(fws, *e.Framework)
		}
		if e.Agent != nil && e.Agent.Line < 0 {
			t.Fatalf("agent %s line %d", e.Agent.Name, e.Agent.Line)
		}
	}
	for _, f := range fws {
		if f.Line < 0 || f.Think.Base < 0 || f.Think.PerTask < 0 || f.Think.Base > MaxThinkTime || f.Think.PerTask > MaxThinkTime {
			t.Fatalf("framework %s: %+v", f.Name, f)
		}
		if f.SuppressWhenIdle && f.Behavior != "workload" {
			t.Fatalf("framework %s: suppress_when_idle with behavior %s", f.Name, f.Behavior)
		}
	}
}

// Quota on the default role "*" is accepted, in master.quota and in
// set_quota, as Mesos's quota handler accepts it (docs/quota.md,
// MESOS-3938); a nested role is refused (TestBad: "quota subrole").
func TestQuotaOnDefaultRole(t *testing.T) {
	in := header + "master:\n  quota:\n    \"*\": {guarantee: \"cpus:1\", limit: \"cpus:2\"}\n" +
		"timeline:\n  - {at: 1s, set_quota: {role: \"*\", limit: \"cpus:3\"}}\n"
	sc, err := Parse("t.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := model.Quota{Guarantee: quantities(t, "cpus:1"), Limit: quantities(t, "cpus:2")}
	if got := sc.Master.Quota[model.DefaultRole]; !sameQuota(got, want) || !slices.Equal(sc.Master.QuotaRoles, []string{"*"}) {
		t.Fatalf("master.quota: %+v roles %v", sc.Master.Quota, sc.Master.QuotaRoles)
	}
	if len(sc.Timeline) != 1 || sc.Timeline[0].Kind != KindSetQuota || sc.Timeline[0].Role != model.DefaultRole ||
		!sameQuota(sc.Timeline[0].Quota, model.Quota{Limit: quantities(t, "cpus:3")}) {
		t.Fatalf("set_quota: %+v", sc.Timeline)
	}
}

// The error cases of the policy keys run with the others in TestBad (and
// seed FuzzParse).
func init() { badCases = append(badCases, policyBadCases...) }

var policyBadCases = []struct {
	name string
	in   string
	want string
}{
	// master.quota
	{"quota not a mapping", header + "master:\n  quota: [qr]\n",
		`t.yaml:4: master.quota: expected a mapping, got a list`},
	{"quota subrole", header + "master:\n  quota:\n    a/b: {limit: \"cpus:1\"}\n",
		`t.yaml:5: master.quota: role "a/b": quota is set on top-level roles only (here "a")`},
	{"quota bad role", header + "master:\n  quota:\n    \"-x\": {limit: \"cpus:1\"}\n",
		`t.yaml:5: master.quota: role "-x": path component "-x" starts with '-'`},
	{"quota empty", header + "master:\n  quota:\n    qr: {}\n",
		`t.yaml:5: master.quota.qr: give a guarantee, a limit or both`},
	{"quota unknown key", header + "master:\n  quota:\n    qr: {guarantee: \"cpus:1\", max: \"cpus:2\"}\n",
		`t.yaml:5: unknown key "max" in master.quota.qr; allowed keys: guarantee, limit`},
	{"quota not a string", header + "master:\n  quota:\n    qr: {limit: {cpus: 1}}\n",
		`t.yaml:5: master.quota.qr.limit: expected a string, got a mapping`},
	{"quota bad token", header + "master:\n  quota:\n    qr: {guarantee: \"cpus:1;mem\"}\n",
		`t.yaml:5: master.quota.qr.guarantee: bad quantity "mem": want NAME:NUMBER (scalars only, no reservations)`},
	{"quota reservation", header + "master:\n  quota:\n    qr: {guarantee: \"cpus(qr):1\"}\n",
		`t.yaml:5: master.quota.qr.guarantee: bad quantity "cpus(qr):1": want NAME:NUMBER (scalars only, no reservations)`},
	{"quota ranges", header + "master:\n  quota:\n    qr: {limit: \"ports:[1-2]\"}\n",
		`t.yaml:5: master.quota.qr.limit: bad quantity "ports:[1-2]": scalar "[1-2]": "[1-2]" is not a number`},
	{"quota negative", header + "master:\n  quota:\n    qr: {limit: \"cpus:-1\"}\n",
		`t.yaml:5: master.quota.qr.limit: bad quantity "cpus:-1": scalar "-1": negative quantity`},
	{"quota bad name", header + "master:\n  quota:\n    qr: {limit: \"cp us:1\"}\n",
		`t.yaml:5: master.quota.qr.limit: bad quantity name "cp us": only letters, digits, '_', '-' and '.' are allowed`},
	{"quota empty string", header + "master:\n  quota:\n    qr: {limit: \" ; \"}\n",
		`t.yaml:5: master.quota.qr.limit: no quantities given`},
	{"quota guarantee above limit", header + "master:\n  quota:\n    qr:\n      guarantee: \"cpus:2;mem:2048\"\n      limit: \"cpus:2;mem:1024\"\n",
		`t.yaml:6: master.quota.qr.guarantee: the guarantee of mem (2048) is above its limit (1024)`},
	{"quota guarantee above zero limit", header + "master:\n  quota:\n    qr: {guarantee: \"gpus:1\", limit: \"gpus:0\"}\n",
		`t.yaml:5: master.quota.qr.guarantee: the guarantee of gpus (1) is above its limit (0)`},
	{"quota duplicate role", header + "master:\n  quota:\n    qr: {limit: \"cpus:1\"}\n    qr: {limit: \"cpus:2\"}\n",
		`t.yaml:6: duplicate key "qr" in master.quota (first at line 5)`},

	// set_quota
	{"set_quota missing role", header + "timeline:\n  - {at: 1s, set_quota: {limit: \"cpus:1\"}}\n",
		`t.yaml:4: timeline.set_quota: missing required key "role"`},
	{"set_quota subrole", header + "timeline:\n  - {at: 1s, set_quota: {role: a/b, limit: \"cpus:1\"}}\n",
		`t.yaml:4: timeline.set_quota.role: role "a/b": quota is set on top-level roles only (here "a")`},
	{"set_quota guarantee above limit", header + "timeline:\n  - at: 1s\n    set_quota:\n      role: qr\n      limit: \"cpus:1\"\n      guarantee: \"cpus:1.5\"\n",
		`t.yaml:8: timeline.set_quota.guarantee: the guarantee of cpus (1.5) is above its limit (1)`},
	{"set_quota unknown key", header + "timeline:\n  - {at: 1s, set_quota: {role: qr, weight: 2}}\n",
		`t.yaml:4: unknown key "weight" in timeline.set_quota; allowed keys: role, guarantee, limit`},

	// master.capacity
	{"capacity missing", header + "master:\n  allocator: capacity\n  capacity:\n    r1: {max_capacity: 0.5}\n",
		`t.yaml:6: master.capacity.r1: missing required key "capacity"`},
	{"capacity above 1", header + "master:\n  allocator: capacity\n  capacity:\n    r1: {capacity: 1.5}\n",
		`t.yaml:6: master.capacity.r1.capacity: must be between 0 and 1, got 1.5`},
	{"capacity negative", header + "master:\n  allocator: capacity\n  capacity:\n    r1: {capacity: -0.1}\n",
		`t.yaml:6: master.capacity.r1.capacity: must be between 0 and 1, got -0.1`},
	{"capacity not a number", header + "master:\n  allocator: capacity\n  capacity:\n    r1: {capacity: \"50%\"}\n",
		`t.yaml:6: master.capacity.r1.capacity: expected a number, got a string ("50%")`},
	{"max_capacity below capacity", header + "master:\n  allocator: capacity\n  capacity:\n    r1: {capacity: 0.5, max_capacity: 0.4}\n",
		`t.yaml:6: master.capacity.r1.max_capacity: 0.4 is less than capacity 0.5`},
	{"max_capacity above 1", header + "master:\n  allocator: capacity\n  capacity:\n    r1: {capacity: 0.5, max_capacity: 2}\n",
		`t.yaml:6: master.capacity.r1.max_capacity: must be between 0 and 1, got 2`},
	{"capacities above 1", header + "master:\n  allocator: capacity\n  capacity:\n    r1: {capacity: 0.5}\n    r2: {capacity: 0.3}\n    r3: {capacity: 0.3}\n",
		`t.yaml:8: master.capacity: the capacities add up to 1.1 (r1 + r2 + r3), more than 1 (the whole cluster)`},
	{"capacity bad role", header + "master:\n  allocator: capacity\n  capacity:\n    a//b: {capacity: 0.5}\n",
		`t.yaml:6: master.capacity: role "a//b": empty path component`},

	// frameworks
	{"framework min_allocatable null", header + "frameworks:\n  - name: f\n    behavior: hold\n    min_allocatable:\n",
		`t.yaml:6: frameworks.min_allocatable: expected a list of resource sets (use [] for no minimum), got null`},
	{"framework min_allocatable bad", header + "frameworks:\n  - {name: f, behavior: hold, min_allocatable: [\"cpus:1\", \"mem=1\"]}\n",
		`t.yaml:4: frameworks.min_allocatable: bad resource "mem=1": want NAME:VALUE`},
	{"framework min_allocatable string", header + "frameworks:\n  - {name: f, behavior: hold, min_allocatable: \"cpus:1\"}\n",
		`t.yaml:4: frameworks.min_allocatable: expected a list of resource sets, got a string ("cpus:1")`},
	{"think_time bad", header + "frameworks:\n  - {name: f, behavior: hold, think_time: abc}\n",
		`t.yaml:4: frameworks.think_time: bad duration "abc": want a Go duration such as 90s, 1h30m or 250ms`},
	{"think_time negative", header + "frameworks:\n  - {name: f, behavior: hold, think_time: {per_task: -1s}}\n",
		`t.yaml:4: frameworks.think_time.per_task: negative duration "-1s"`},
	{"think_time over limit", header + "frameworks:\n  - {name: f, behavior: hold, think_time: 61m}\n",
		`t.yaml:4: frameworks.think_time: 1h1m0s exceeds the limit of 1h0m0s`},
	{"think_time per_task over limit", header + "timeline:\n  - at: 1s\n    add_framework:\n      name: f\n      behavior: hold\n      think_time: {base: 1s, per_task: 2h}\n",
		`t.yaml:8: timeline.add_framework.think_time.per_task: 2h0m0s exceeds the limit of 1h0m0s`},
	{"think_time unknown key", header + "frameworks:\n  - {name: f, behavior: hold, think_time: {base: 1s, per_job: 1s}}\n",
		`t.yaml:4: unknown key "per_job" in frameworks.think_time; allowed keys: base, per_task`},
	{"think_time with keep", header + "frameworks:\n  - {name: f, behavior: keep, think_time: 1s}\n",
		`t.yaml:4: frameworks.think_time: not allowed with behavior keep (it never answers offers)`},
	{"think_time list", header + "frameworks:\n  - {name: f, behavior: hold, think_time: [1s]}\n",
		`t.yaml:4: frameworks.think_time: expected a duration such as 2s, or a mapping with keys base, per_task, got a list`},
	{"think_time null", header + "frameworks:\n  - name: f\n    behavior: hold\n    think_time:\n",
		`t.yaml:6: frameworks.think_time: expected a duration such as 2s, or a mapping with keys base, per_task, got null`},
	{"suppress_when_idle not workload", header + "frameworks:\n  - {name: f, behavior: decline, suppress_when_idle: true}\n",
		`t.yaml:4: frameworks.suppress_when_idle: only allowed with behavior workload, naive or reconciling (this framework's behavior is decline)`},
	{"suppress_when_idle not a bool", header + "frameworks:\n  - name: f\n    behavior: workload\n    suppress_when_idle: yes\n    workload: {interarrival: 1s, task_cpus: 1, task_mem: 1, task_duration: 1s}\n",
		`t.yaml:6: frameworks.suppress_when_idle: expected true or false, got a string ("yes")`},
}
