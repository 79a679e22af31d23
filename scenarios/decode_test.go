package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

func mustLoad(t *testing.T, path string) *Scenario {
	t.Helper()
	sc, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	return sc
}

func res(t *testing.T, text string) model.Resources {
	t.Helper()
	r, err := model.ParseResources(text)
	if err != nil {
		t.Fatalf("ParseResources(%q): %v", text, err)
	}
	return r
}

func TestGoodFull(t *testing.T) {
	sc := mustLoad(t, "testdata/good/full.yaml")
	if sc.File != "testdata/good/full.yaml" || sc.Name != "unreserved-drf" || sc.Seed != 42 || sc.Duration != 60*sim.Second {
		t.Fatalf("header: got file %q name %q seed %d duration %v", sc.File, sc.Name, sc.Seed, sc.Duration)
	}
	m := sc.Master
	if m.Allocator != "drf" || m.AllocationInterval != 500*sim.Millisecond || m.OfferTimeout != 30*sim.Second {
		t.Errorf("master: %+v", m)
	}
	if len(m.MinAllocatable) != 2 || !m.MinAllocatable[0].Equal(res(t, "cpus:0.5")) || !m.MinAllocatable[1].Equal(res(t, "mem:64;disk:10")) {
		t.Errorf("min_allocatable: %v", m.MinAllocatable)
	}
	if !slices.Equal(m.FairSharingExcluded, []string{"gpus"}) {
		t.Errorf("fair_sharing_excluded: %v", m.FairSharingExcluded)
	}
	if len(m.Weights) != 2 || m.Weights["r1"] != 1.5 || m.Weights["r2"] != 2 || !slices.Equal(m.WeightRoles, []string{"r1", "r2"}) {
		t.Errorf("weights: %v %v", m.Weights, m.WeightRoles)
	}
	if sc.Network.Delay != 2*sim.Millisecond {
		t.Errorf("network delay: %v", sc.Network.Delay)
	}

	var agents []string
	for _, a := range sc.Agents {
		agents = append(agents, a.Name)
	}
	if !slices.Equal(agents, []string{"a1", "big-1", "big-2", "big-3"}) {
		t.Errorf("agents: %v", agents)
	}
	if !sc.Agents[2].Resources.Equal(res(t, "cpus:24;mem:4096")) || sc.Agents[2].Line != 17 || sc.Agents[0].Line != 15 {
		t.Errorf("agent big-2: %+v", sc.Agents[2])
	}

	var fws []string
	for _, f := range sc.Frameworks {
		fws = append(fws, f.Name)
	}
	if !slices.Equal(fws, []string{"f1", "web-1", "web-2", "batch"}) {
		t.Fatalf("frameworks: %v", fws)
	}
	f1, web2, batch := sc.Frameworks[0], sc.Frameworks[2], sc.Frameworks[3]
	if f1.Role != "r1" || f1.Behavior != "hold" || f1.RefuseSeconds != 5 || !slices.Equal(f1.Capabilities, []string{"partition_aware", "gpu_resources"}) || f1.Workload != nil {
		t.Errorf("f1: %+v", f1)
	}
	if web2.Role != "r2" || web2.Behavior != "decline" || web2.RefuseSeconds != 5 { // -1 normalised to 5
		t.Errorf("web-2: %+v", web2)
	}
	if batch.RefuseSeconds != 0.5 || batch.Workload == nil {
		t.Fatalf("batch: %+v", batch)
	}
	w := *batch.Workload
	want := WorkloadSpec{
		Interarrival: Dist{Kind: "exponential", Mean: 2, Max: 10},
		TasksPerJob:  Dist{Kind: "uniform", Min: 1, Max: 4},
		TaskCPUs:     Dist{Kind: "constant", Value: 0.5},
		TaskMem:      Dist{Kind: "constant", Value: 128},
		TaskDuration: Dist{Kind: "exponential", Mean: 30, Min: 1},
		MaxJobs:      100,
		Start:        sim.Second,
	}
	if w != want {
		t.Errorf("workload:\n got %+v\nwant %+v", w, want)
	}

	// The timeline is sorted by time, ties in file order; counts expanded;
	// decline defaults to the framework's refuse_seconds.
	type row struct {
		at   sim.Time
		line int
		kind string
		what string
	}
	var got []row
	for _, e := range sc.Timeline {
		r := row{e.At, e.Line, e.Kind, ""}
		switch e.Kind {
		case KindAddAgent:
			r.what = e.Agent.Name
		case KindAddFramework:
			r.what = e.Framework.Name + "/" + e.Framework.Role
		case KindDecline, KindRelease:
			r.what = e.FrameworkName + "@" + e.AgentName
		case KindSetWeight:
			r.what = e.Role
		default:
			r.what = e.Name
		}
		got = append(got, r)
	}
	s := sim.Second
	wantRows := []row{
		{0, 45, "add_agent", "a2"},
		{0, 46, "add_framework", "f2/r2"},
		{s, 54, "add_agent", "late-1"},
		{s, 54, "add_agent", "late-2"},
		{s, 59, "decline", "f1@late-2"},
		{2 * s, 47, "decline", "f2@a2"},
		{2 * s, 48, "decline", "web-1@big-3"},
		{3 * s, 49, "release", "f1@a1"},
		{3 * s, 50, "suppress", "f1"},
		{4 * s, 51, "revive", "f1"},
		{5 * s, 52, "set_weight", "r2"},
		{6 * s, 53, "remove_agent", "a2"},
		{7 * s, 44, "remove_framework", "f2"},
	}
	if !slices.Equal(got, wantRows) {
		t.Errorf("timeline:\n got %v\nwant %v", got, wantRows)
	}
	tl := sc.Timeline
	if tl[1].Framework.RefuseSeconds != 0 {
		t.Errorf("f2 refuse_seconds: %v", tl[1].Framework.RefuseSeconds)
	}
	if tl[2].Agent == tl[3].Agent || !tl[3].Agent.Resources.Equal(res(t, "cpus:4;mem:2048")) {
		t.Errorf("expanded add_agent events must have their own specs: %+v %+v", tl[2].Agent, tl[3].Agent)
	}
	if e := tl[4]; e.HasRefuse || e.RefuseSeconds != 5 {
		t.Errorf("decline f1 default refuse: %+v", e)
	}
	if e := tl[5]; !e.HasRefuse || e.RefuseSeconds != 1 {
		t.Errorf("decline f2 explicit refuse: %+v", e)
	}
	if e := tl[6]; e.HasRefuse || e.RefuseSeconds != 5 {
		t.Errorf("decline web-1 (refuse_seconds -1 normalised): %+v", e)
	}
	if e := tl[10]; e.Weight != 3 {
		t.Errorf("set_weight: %+v", e)
	}
}

func TestGoodDefaults(t *testing.T) {
	sc := mustLoad(t, "testdata/good/minimal.yaml")
	if sc.Seed != 1 || sc.Duration != 10*sim.Second {
		t.Errorf("seed %d duration %v", sc.Seed, sc.Duration)
	}
	m := sc.Master
	if m.Allocator != "drf" || m.AllocationInterval != sim.Second || m.OfferTimeout != 0 || len(m.Weights) != 0 || len(m.WeightRoles) != 0 || m.FairSharingExcluded != nil {
		t.Errorf("master defaults: %+v", m)
	}
	if len(m.MinAllocatable) != 2 || !m.MinAllocatable[0].Equal(res(t, "cpus:0.01")) || !m.MinAllocatable[1].Equal(res(t, "mem:32")) {
		t.Errorf("min_allocatable default: %v", m.MinAllocatable)
	}
	if sc.Network.Delay != 0 {
		t.Errorf("network delay default: %v", sc.Network.Delay)
	}
	f := sc.Frameworks[0]
	if f.Name != "f1" || f.Role != "*" || f.RefuseSeconds != 5 || f.Capabilities != nil || f.Workload != nil {
		t.Errorf("framework defaults: %+v", f)
	}
	if a := sc.Agents[0]; a.Name != "a1" { // no count: the name is used as is
		t.Errorf("agent: %+v", a)
	}
	if e := sc.Timeline[0]; e.Kind != KindDecline || e.HasRefuse || e.RefuseSeconds != 5 {
		t.Errorf("decline default refuse_seconds: %+v", e)
	}
}

func TestGoodEmptyMinAllocatable(t *testing.T) {
	sc := mustLoad(t, "testdata/good/no-minimum.yaml")
	if sc.Master.MinAllocatable == nil || len(sc.Master.MinAllocatable) != 0 {
		t.Errorf("min_allocatable: [] must give an empty, non-nil list; got %#v", sc.Master.MinAllocatable)
	}
	if sc.Duration != sim.Hour || len(sc.Agents) != 0 || len(sc.Frameworks) != 0 || len(sc.Timeline) != 3 {
		t.Fatalf("scenario: %+v", sc)
	}
	// Added at the same instant earlier in the file: may be referenced.
	if e := sc.Timeline[2]; e.Kind != KindDecline || e.At != sim.Minute {
		t.Errorf("decline: %+v", e)
	}
}

func TestGoodWorkloadDefaults(t *testing.T) {
	sc, err := Parse("w.yaml", []byte(`
name: w
duration: 1h
frameworks:
  - name: w
    behavior: workload
    count: 2
    workload:
      interarrival: {dist: exponential, mean: 500ms}
      task_cpus: 1
      task_mem: 256
      task_duration: {dist: uniform, min: 10s, max: 1m}
`))
	if err != nil {
		t.Fatal(err)
	}
	w := sc.Frameworks[1].Workload
	if sc.Frameworks[1].Name != "w-2" || w == nil || w == sc.Frameworks[0].Workload {
		t.Fatalf("expanded workload frameworks: %+v", sc.Frameworks)
	}
	want := WorkloadSpec{
		Interarrival: Dist{Kind: "exponential", Mean: 0.5},
		TasksPerJob:  Dist{Kind: "constant", Value: 1},
		TaskCPUs:     Dist{Kind: "constant", Value: 1},
		TaskMem:      Dist{Kind: "constant", Value: 256},
		TaskDuration: Dist{Kind: "uniform", Min: 10, Max: 60},
	}
	if *w != want {
		t.Errorf("workload:\n got %+v\nwant %+v", *w, want)
	}
}

// header is prepended to inline bad inputs, so their lines start at 3.
const header = "name: x\nduration: 10s\n"

var badCases = []struct {
	name string
	in   string // inline YAML (file "t.yaml"), or "@NAME" for testdata/bad/NAME
	want string
}{
	{"unknown key", header + "bogus: 1\n",
		`t.yaml:3: unknown key "bogus" at top level; allowed keys: name, seed, duration, master, network, agents, frameworks, trace, faults, timeline, serve`},
	{"unknown nested key", header + "master:\n  allocator: drf\n  intervall: 1s\n",
		`t.yaml:5: unknown key "intervall" in master; allowed keys: allocator, allocation_interval, min_allocatable, fair_sharing_excluded, offer_timeout, weights, quota, capacity, agent_reregister_timeout, registry_gc_interval, registry_max_agent_age, registry_max_agent_count`},
	{"reregister timeout below Mesos's minimum", header + "master:\n  agent_reregister_timeout: 5m\n",
		`t.yaml:4: master.agent_reregister_timeout: must be at least 10m0s (Mesos's minimum), got 5m0s`},
	{"registry gc interval zero", header + "master:\n  registry_gc_interval: 0s\n",
		`t.yaml:4: master.registry_gc_interval: must be greater than 0`},
	{"registry max age zero", header + "master:\n  registry_max_agent_age: 0\n",
		`t.yaml:4: master.registry_max_agent_age: must be greater than 0`},
	{"registry max count zero", header + "master:\n  registry_max_agent_count: 0\n",
		`t.yaml:4: master.registry_max_agent_count: must be between 1 and 1000000000, got 0`},
	{"registry max count not an integer", header + "master:\n  registry_max_agent_count: 1.5\n",
		`t.yaml:4: master.registry_max_agent_count: expected an integer, got a number (1.5)`},
	{"wrong type list", header + "master:\n  allocator: [drf]\n",
		`t.yaml:4: master.allocator: expected a string, got a list`},
	{"wrong type seed", header + "seed: abc\n",
		`t.yaml:3: seed: expected an unsigned integer, got a string ("abc")`},
	{"wrong type count", header + "agents:\n  - {name: a, count: two, resources: \"cpus:1\"}\n",
		`t.yaml:4: agents.count: expected an integer, got a string ("two")`},
	{"wrong type agents", header + "agents: {a: 1}\n",
		`t.yaml:3: agents: expected a list of agents, got a mapping`},
	{"wrong type refuse", header + "frameworks:\n  - {name: f, behavior: hold, refuse_seconds: \"5\"}\n",
		`t.yaml:4: frameworks.refuse_seconds: expected a number, got a string ("5")`},
	{"duplicate key", header + "name: y\n",
		`t.yaml:3: duplicate key "name" at top level (first at line 1)`},
	{"duplicate nested key", header + "agents:\n  - name: a\n    resources: \"cpus:1\"\n    name: b\n",
		`t.yaml:6: duplicate key "name" in agents (first at line 4)`},
	{"missing name", "duration: 1s\n",
		`t.yaml:1: scenario: missing required key "name"`},
	{"missing resources", header + "agents:\n  - name: a\n",
		`t.yaml:4: agents: missing required key "resources"`},
	{"unknown allocator", header + "master: {allocator: lottery}\n",
		`t.yaml:3: master.allocator: unknown allocator "lottery" (known: capacity, drf, fifo, random)`},
	{"unknown behaviour", header + "frameworks:\n  - {name: f, behavior: greedy}\n",
		`t.yaml:4: frameworks.behavior: unknown behavior "greedy" (known: decline, hold, keep, naive, reconciling, replay, workload, external)`},
	{"bad role", header + "frameworks:\n  - {name: f, behavior: hold, role: \"a/../b\"}\n",
		`t.yaml:4: frameworks.role: role "a/../b": path component ".." not allowed`},
	{"bad weight role", header + "master: {weights: {\"a b\": 1}}\n",
		`t.yaml:3: master.weights: role "a b": contains whitespace`},
	{"bad resources token", header + "agents:\n  - {name: a, resources: \"cpus:2;mem:abc\"}\n",
		`t.yaml:4: agents.resources: bad resource "mem:abc": "abc" is not a number`},
	{"empty resources", header + "agents: [{name: a, resources: \"\"}]\n",
		`t.yaml:3: agents.resources: no resources given`},
	{"bad min_allocatable", header + "master:\n  min_allocatable: [\"cpus:1\", \"mem\"]\n",
		`t.yaml:4: master.min_allocatable: bad resource "mem": want NAME:VALUE`},
	{"null min_allocatable", header + "master:\n  min_allocatable:\n",
		`t.yaml:4: master.min_allocatable: expected a list of resource sets (use [] for no minimum), got null`},
	{"negative duration", header + "master:\n  offer_timeout: -5s\n",
		`t.yaml:4: master.offer_timeout: negative duration "-5s"`},
	{"negative horizon", "name: x\nduration: -1\n",
		`t.yaml:2: duration: negative duration "-1"`},
	{"zero horizon", "name: x\nduration: 0s\n",
		`t.yaml:2: duration: must be greater than 0`},
	{"bad duration", "name: x\nduration: 400d\n",
		`t.yaml:2: duration: bad duration "400d": want a Go duration such as 90s, 1h30m or 250ms`},
	{"duration over limit", "name: x\nduration: 8761h\n",
		`t.yaml:2: duration: 8761h exceeds the limit of 365 days`},
	{"zero allocation interval", header + "master: {allocation_interval: 0s}\n",
		`t.yaml:3: master.allocation_interval: must be greater than 0`},
	{"zero weight", header + "master: {weights: {r1: 0}}\n",
		`t.yaml:3: master.weights.r1: weight must be greater than 0, got 0`},
	{"negative set_weight", header + "timeline:\n  - {at: 1s, set_weight: {role: r1, weight: -2}}\n",
		`t.yaml:4: timeline.set_weight.weight: weight must be greater than 0, got -2`},
	{"nan refuse", header + "frameworks:\n  - {name: f, behavior: hold, refuse_seconds: .nan}\n",
		`t.yaml:4: frameworks.refuse_seconds: must be a finite number, got .nan`},
	{"inf refuse", header + "frameworks: [{name: f, behavior: hold}]\nagents: [{name: a, resources: \"cpus:1\"}]\ntimeline:\n  - {at: 1s, decline: {framework: f, agent: a, refuse_seconds: .inf}}\n",
		`t.yaml:6: timeline.decline.refuse_seconds: must be a finite number, got .inf`},
	{"unknown capability", header + "frameworks:\n  - {name: f, behavior: hold, capabilities: [GPU_RESOURCES]}\n",
		`t.yaml:4: frameworks.capabilities: unknown capability "GPU_RESOURCES" (known: gpu_resources, multi_role, partition_aware, region_aware, reservation_refinement)`},
	{"duplicate agent name", header + "agents:\n  - {name: a, resources: \"cpus:1\"}\n  - {name: a, resources: \"cpus:1\"}\n",
		`t.yaml:5: agents.name: duplicate agent name "a" (first defined at line 4)`},
	{"duplicate framework across timeline", header + "frameworks: [{name: f, behavior: hold}]\ntimeline:\n  - {at: 1s, add_framework: {name: f, behavior: keep}}\n",
		`t.yaml:5: timeline.add_framework.name: duplicate framework name "f" (first defined at line 3)`},
	{"duplicate expanded agent", "@duplicate-expanded.yaml",
		`testdata/bad/duplicate-expanded.yaml:6: timeline.add_agent.name: duplicate agent name "big-2" (first defined at line 4)`},
	{"unknown framework in timeline", "@unknown-framework.yaml",
		`testdata/bad/unknown-framework.yaml:10: timeline.decline.framework: unknown framework "f2"`},
	{"unknown agent in timeline", header + "timeline:\n  - {at: 1s, remove_agent: {name: ghost}}\n",
		`t.yaml:4: timeline.remove_agent.name: unknown agent "ghost"`},
	{"mark_agent_gone unknown agent", header + "timeline:\n  - {at: 1s, mark_agent_gone: {agent: ghost}}\n",
		`t.yaml:4: timeline.mark_agent_gone.agent: unknown agent "ghost"`},
	{"mark_agent_gone wrong key", header + "agents:\n  - {name: a, resources: \"cpus:1\"}\ntimeline:\n  - {at: 1s, mark_agent_gone: {name: a}}\n",
		`t.yaml:6: unknown key "name" in timeline.mark_agent_gone; allowed keys: agent`},
	{"mark_agent_gone twice", header + "agents:\n  - {name: a, resources: \"cpus:1\"}\ntimeline:\n  - {at: 1s, mark_agent_gone: {agent: a}}\n  - {at: 2s, mark_agent_gone: {agent: a}}\n",
		`t.yaml:7: timeline.mark_agent_gone.agent: agent "a" was removed at 1s (line 6)`},
	{"agent removed earlier in time", "@removed-agent.yaml",
		`testdata/bad/removed-agent.yaml:8: timeline.release.agent: agent "a1" was removed at 2s (line 9)`},
	{"framework added later in time", header + "agents: [{name: a, resources: \"cpus:1\"}]\ntimeline:\n  - {at: 1s, add_framework: {name: f, behavior: hold}}\n  - {at: 500ms, suppress: {framework: f}}\n",
		`t.yaml:6: timeline.suppress.framework: framework "f" is not added yet (it is added at 1s, line 5)`},
	{"framework added later in file at the same instant", header + "timeline:\n  - {at: 1s, revive: {framework: f}}\n  - {at: 1s, add_framework: {name: f, behavior: hold}}\n",
		`t.yaml:4: timeline.revive.framework: framework "f" is not added yet (it is added at 1s, line 5)`},
	{"count over limit", header + "agents:\n  - {name: a, count: 100001, resources: \"cpus:1\"}\n",
		`t.yaml:4: agents.count: 100001 exceeds the limit of 100000`},
	{"count zero", header + "agents:\n  - {name: a, count: 0, resources: \"cpus:1\"}\n",
		`t.yaml:4: agents.count: must be at least 1, got 0`},
	{"too many agents", header + "agents:\n  - {name: a, count: 60000, resources: \"cpus:1\"}\ntimeline:\n  - {at: 1s, add_agent: {name: b, count: 40001, resources: \"cpus:1\"}}\n",
		`t.yaml:6: too many agents: more than the limit of 100000`},
	{"cluster total over the fixed point", header + "agents:\n  - {name: a, count: 1000, resources: \"cpus:1000000000000\"}\ntimeline:\n  - {at: 1s, add_agent: {name: b, resources: \"cpus:1\"}}\n",
		`t.yaml:6: timeline.add_agent: agent "b" takes the cluster's total cpus over the limit of 1000000000000000 (1e15 units over all agents together)`},
	{"cluster total just within", header + "agents:\n  - {name: a, count: 999, resources: \"cpus:1000000000000\"}\n  - {name: b, count: 2, resources: \"cpus:500000000000;mem:1000000000000\"}\n  - {name: c, resources: \"cpus:0.001\"}\n",
		`t.yaml:6: agents: agent "c" takes the cluster's total cpus over the limit of 1000000000000000 (1e15 units over all agents together)`},
	{"too many frameworks", header + "frameworks:\n  - {name: f, count: 10001, behavior: hold}\n",
		`t.yaml:4: too many frameworks: more than the limit of 10000`},
	{"name too long", header + "agents:\n  - {name: " + strings.Repeat("n", 257) + ", resources: \"cpus:1\"}\n",
		`t.yaml:4: agents.name: name is longer than the limit of 256 bytes`},
	{"event after duration", header + "timeline:\n  - {at: 11s, add_agent: {name: a, resources: \"cpus:1\"}}\n",
		`t.yaml:4: timeline.at: 11s is beyond the scenario duration 10s`},
	{"two actions", header + "timeline:\n  - {at: 0s, suppress: {framework: f}, revive: {framework: f}}\n",
		`t.yaml:4: timeline: an entry has exactly one action, this one has suppress and revive; split it into two entries`},
	{"no action", header + "timeline:\n  - {at: 0s}\n",
		`t.yaml:4: timeline: entry has no action; want one of: add_agent, remove_agent, add_framework, remove_framework, decline, release, suppress, revive, set_weight, set_quota, mark_agent_gone, crash_agent, restart_agent, master_failover, framework_failover, partition, heal`},
	{"missing at", header + "timeline:\n  - {suppress: {framework: f}}\n",
		`t.yaml:4: timeline: missing required key "at"`},
	{"workload missing", header + "frameworks:\n  - {name: f, behavior: workload}\n",
		`t.yaml:4: frameworks: behavior workload needs a workload mapping`},
	{"workload not allowed", header + "frameworks:\n  - {name: f, behavior: hold, workload: {}}\n",
		`t.yaml:4: frameworks.workload: a workload is only allowed with behavior workload, naive or reconciling (this framework's behavior is hold)`},
	{"workload bad dist", header + "frameworks:\n  - name: f\n    behavior: workload\n    workload:\n      interarrival: {dist: poisson, mean: 1s}\n",
		`t.yaml:7: frameworks.workload.interarrival.dist: unknown distribution "poisson" (known: constant, exponential, uniform)`},
	{"workload zero interarrival", header + "frameworks:\n  - name: f\n    behavior: workload\n    workload:\n      interarrival: 0s\n",
		`t.yaml:7: frameworks.workload.interarrival: must be greater than 0`},
	{"workload fractional tasks", header + "frameworks:\n  - name: f\n    behavior: workload\n    workload:\n      interarrival: 1s\n      tasks_per_job: 1.5\n",
		`t.yaml:8: frameworks.workload.tasks_per_job: expected an integer, got a number (1.5)`},
	{"workload start after duration", header + "frameworks:\n  - name: f\n    behavior: workload\n    workload: {interarrival: 1s, task_cpus: 1, task_mem: 1, task_duration: 1s, start: 1m}\n",
		`t.yaml:6: frameworks.workload.start: 1m0s is beyond the scenario duration 10s`},
	{"alias bomb", "@billion-laughs.yaml",
		`testdata/bad/billion-laughs.yaml:5: aliases are not supported (*a): anchors and aliases are not part of the scenario language`},
	{"alias", "name: &n x\nduration: 1s\nother: *n\n",
		`t.yaml:3: aliases are not supported (*n): anchors and aliases are not part of the scenario language`},
	{"anchor", header + "master: &m {allocator: drf}\n",
		`t.yaml:3: anchors are not supported (&m): anchors and aliases are not part of the scenario language`},
	{"merge key", header + "<<: {seed: 3}\n",
		`t.yaml:3: merge keys (<<) are not supported`},
	{"multiple documents", "@multi-doc.yaml",
		`testdata/bad/multi-doc.yaml:3: multiple YAML documents are not supported: a scenario file holds exactly one`},
	{"empty", "",
		`t.yaml: empty scenario: want a mapping with at least name and duration`},
	{"not a mapping", "- a\n",
		`t.yaml:1: a scenario must be a mapping with keys name, seed, duration, master, network, agents, frameworks, trace, faults, timeline, serve, got a list`},
	{"syntax error", header + "agents: [\n",
		`t.yaml:3: YAML syntax: did not find expected node content`},
	{"too many nodes", header + "agents: [" + strings.Repeat("0,", MaxNodes) + "]\n",
		`t.yaml:3: the document has more than 1000000 YAML nodes (limit)`},
}

func TestBad(t *testing.T) {
	for _, c := range badCases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if name, ok := strings.CutPrefix(c.in, "@"); ok {
				_, err = Load(filepath.Join("testdata", "bad", name))
			} else {
				_, err = Parse("t.yaml", []byte(c.in))
			}
			if err == nil {
				t.Fatalf("no error; want %s", c.want)
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if err.Error() != c.want {
				t.Errorf("\n got %s\nwant %s", err, c.want)
			}
		})
	}
}

// Every file under testdata/bad must fail.
func TestBadFilesFail(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad/*.yaml")
	if len(files) == 0 {
		t.Fatal("no testdata/bad files")
	}
	for _, f := range files {
		if _, err := Load(f); err == nil {
			t.Errorf("%s: no error", f)
		}
	}
}

func TestAliasBombIsQuick(t *testing.T) {
	start := time.Now()
	_, err := Load("testdata/bad/billion-laughs.yaml")
	if err == nil || !strings.Contains(err.Error(), "aliases are not supported") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusing the alias bomb took %v", d)
	}
}

func TestErrorFormat(t *testing.T) {
	if got := (&Error{File: "f.yaml", Line: 7, Msg: "bad"}).Error(); got != "f.yaml:7: bad" {
		t.Errorf("got %q", got)
	}
	if got := (&Error{File: "f.yaml", Msg: "bad"}).Error(); got != "f.yaml: bad" {
		t.Errorf("got %q", got)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/does-not-exist.yaml")
	var se *Error
	if !errors.As(err, &se) || se.File != "testdata/does-not-exist.yaml" || se.Line != 0 {
		t.Fatalf("err = %#v", err)
	}
}

func TestFileSizeLimit(t *testing.T) {
	data := make([]byte, MaxFileSize+1)
	_, err := Parse("big.yaml", data)
	if err == nil || err.Error() != "big.yaml: file is larger than the limit of 67108864 bytes (64 MiB)" {
		t.Fatalf("err = %v", err)
	}
}

// checkInvariants asserts what every successfully parsed scenario promises.
func checkInvariants(t *testing.T, sc *Scenario) {
	t.Helper()
	if sc.Name == "" || sc.Duration <= 0 || sc.Duration > MaxDuration || sc.Master.AllocationInterval <= 0 {
		t.Fatalf("bad header: %+v", sc)
	}
	checkPolicyInvariants(t, sc)
	checkFaultInvariants(t, sc)
	agents, fws := map[string]bool{}, map[string]bool{}
	for _, a := range sc.Agents {
		if agents[a.Name] {
			t.Fatalf("duplicate agent %q", a.Name)
		}
		agents[a.Name] = true
	}
	for _, f := range sc.Frameworks {
		if fws[f.Name] {
			t.Fatalf("duplicate framework %q", f.Name)
		}
		fws[f.Name] = true
		if slices.Contains(WorkloadBehaviors, f.Behavior) != (f.Workload != nil) {
			t.Fatalf("framework %q: behaviour %s with workload %v", f.Name, f.Behavior, f.Workload)
		}
	}
	for i, e := range sc.Timeline {
		if i > 0 && e.At < sc.Timeline[i-1].At {
			t.Fatalf("timeline not sorted at %d", i)
		}
		if e.At < 0 || e.At > sc.Duration {
			t.Fatalf("event at %v outside [0, %v]", e.At, sc.Duration)
		}
		switch e.Kind {
		case KindAddAgent:
			if e.Agent == nil || agents[e.Agent.Name] {
				t.Fatalf("bad add_agent %+v", e)
			}
			agents[e.Agent.Name] = true
		case KindAddFramework:
			if e.Framework == nil || fws[e.Framework.Name] {
				t.Fatalf("bad add_framework %+v", e)
			}
			fws[e.Framework.Name] = true
		case KindRemoveAgent:
			if !agents[e.Name] {
				t.Fatalf("remove of absent agent %+v", e)
			}
			delete(agents, e.Name)
		case KindRemoveFramework, KindSuppress, KindRevive:
			if !fws[e.Name] {
				t.Fatalf("%s of absent framework %+v", e.Kind, e)
			}
			if e.Kind == KindRemoveFramework {
				delete(fws, e.Name)
			}
		case KindDecline, KindRelease:
			if !fws[e.FrameworkName] || !agents[e.AgentName] {
				t.Fatalf("%s of absent framework or agent %+v", e.Kind, e)
			}
			if e.RefuseSeconds < 0 {
				t.Fatalf("negative refuse_seconds %+v", e)
			}
		case KindSetWeight:
			if !(e.Weight > 0) {
				t.Fatalf("bad weight %+v", e)
			}
		case KindSetQuota:
			checkQuota(t, e.Role, e.Quota)
		case KindCrashAgent, KindRestartAgent:
			if !agents[e.Name] {
				t.Fatalf("%s of absent agent %+v", e.Kind, e)
			}
		case KindFrameworkFailover:
			if !fws[e.Name] || e.Delay <= 0 {
				t.Fatalf("bad framework_failover %+v", e)
			}
		case KindMasterFailover:
			if e.Delay < 0 {
				t.Fatalf("bad master_failover %+v", e)
			}
		case KindPartition:
			if e.Partition == nil || e.Partition.Validate() != nil || e.Partition.Start != e.At {
				t.Fatalf("bad partition %+v", e)
			}
		case KindHeal:
			if e.Name == "" {
				t.Fatalf("bad heal %+v", e)
			}
		default:
			t.Fatalf("unknown kind %q", e.Kind)
		}
	}
}

func TestGoodInvariants(t *testing.T) {
	files, _ := filepath.Glob("testdata/good/*.yaml")
	if len(files) == 0 {
		t.Fatal("no testdata/good files")
	}
	for _, f := range files {
		checkInvariants(t, mustLoad(t, f))
	}
}

// FuzzParse checks that Parse never panics, that every error is an *Error
// for the given file, and that whatever it accepts is consistent.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"testdata/good", "testdata/bad"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, c := range badCases {
		if !strings.HasPrefix(c.in, "@") && len(c.in) < 4096 {
			f.Add([]byte(c.in))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("fuzz.yaml", data)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.File != "fuzz.yaml" || se.Line < 0 || se.Msg == "" {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		checkInvariants(t, sc)
	})
}

// A scenario at the limits (100,000 agents and 10,000 frameworks, each
// written out, plus a timeline) decodes in reasonable time.
func TestLargeScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	var b strings.Builder
	b.WriteString("name: large\nduration: 1h\nagents:\n")
	for i := range MaxAgents {
		fmt.Fprintf(&b, "  - {name: a%d, resources: \"cpus:4;mem:8192\"}\n", i)
	}
	b.WriteString("frameworks:\n")
	for i := range MaxFrameworks {
		fmt.Fprintf(&b, "  - {name: f%d, role: r%d, behavior: decline}\n", i, i%10)
	}
	b.WriteString("timeline:\n")
	for i := range 40_000 {
		fmt.Fprintf(&b, "  - {at: %dms, decline: {framework: f%d, agent: a%d}}\n", 3_600_000-i*90, i%MaxFrameworks, i)
	}
	start := time.Now()
	sc, err := Parse("large.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes decoded in %v", b.Len(), time.Since(start))
	if len(sc.Agents) != MaxAgents || len(sc.Frameworks) != MaxFrameworks || len(sc.Timeline) != 40_000 {
		t.Fatalf("got %d agents, %d frameworks, %d events", len(sc.Agents), len(sc.Frameworks), len(sc.Timeline))
	}
	checkInvariants(t, sc)
	if _, err := Parse("large.yaml", []byte(b.String()+"  - {at: 1s, add_agent: {name: one-too-many, resources: \"cpus:1\"}}\n")); err == nil ||
		!strings.Contains(err.Error(), "too many agents: more than the limit of 100000") {
		t.Fatalf("one agent over the limit: %v", err)
	}
}

// treeNodes counts the nodes of every document in data, or returns false
// when go-yaml rejects it.
func treeNodes(data []byte) (int, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	total := 0
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			return total, true
		}
		if err != nil {
			return 0, false
		}
		stack := []*yaml.Node{&doc}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			total++
			stack = append(stack, n.Content...)
		}
	}
}

// FuzzEstimateNodes checks that the pre-parse node estimate never exceeds
// the number of nodes go-yaml builds, so no acceptable file is refused.
func FuzzEstimateNodes(f *testing.F) {
	for _, dir := range []string{"testdata/good", "testdata/bad", "builtin"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, s := range estimateSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		est, _ := estimateNodes(data, math.MaxInt)
		real, ok := treeNodes(data)
		if ok && est > real {
			t.Fatalf("estimate %d > %d nodes for %q", est, real, data)
		}
	})
}

var estimateSeeds = []string{
	"a: [1, 2, {b: c, d: [e, f]}]\n",
	"- a\n- b: c\n  d: e\n- - f\n  - g\n",
	"key: |\n  - not\n  - counted\nnext: 1\n",
	"key:\n    multi line\n  - plain\nnext: x\n",
	"? a\n: b\n? [c]\n: {d: e}\n",
	"[a: , b: c]\n",
	"{a, b, c}\n",
	"{\"a\":1, 'b': 2}\n",
	"- &x a\n- *x\n- !!str b\n- !<tag:yaml.org,2002:str> c\n",
	"a: 'it''s, [x]'\nb: \"q\\\" , [y]\"\n",
	"--- |\n  - a\n  - b\n",
	"- a\n---\n- b: c\n",
	"%YAML 1.1\n---\na: b # c, d\n...\n",
	"- - - a\n    - b\n  - c\n",
	"a:\n- b\n- c\nd: e\n",
	"x: [a\n  , b\n  ]\n",
}

func TestEstimateNodes(t *testing.T) {
	for _, s := range estimateSeeds {
		est, _ := estimateNodes([]byte(s), math.MaxInt)
		real, ok := treeNodes([]byte(s))
		if !ok {
			t.Errorf("seed %q does not parse", s)
			continue
		}
		if est > real || est*3+4 < real {
			t.Errorf("%q: estimate %d for %d nodes", s, est, real)
		}
	}
}
