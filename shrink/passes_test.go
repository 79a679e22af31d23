package shrink

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/internal/yamlnode"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/sim"
)

// small is a scenario with one fault of each kind.
const small = `name: s
duration: 30m
agents:
  - {name: a, count: 3, resources: "cpus:1;mem:1024"}
frameworks:
  - name: f
    behavior: naive
    workload: {interarrival: 10s, task_cpus: 1, task_mem: 100, task_duration: 1m, tasks_per_job: 4}
faults:
  heal_at: 10m
  network:
    - {types: [RunTask, StatusUpdate], loss: 0.1}
    - {types: [UPDATE], loss: 0.2, start: 1m, end: 9m}
  partitions:
    - {name: p, a: [agent/a-1], b: [master], start: 2m, heal: 4m}
timeline:
  - {at: 1m, crash_agent: {agent: a-2}}
  - {at: 3m, restart_agent: {agent: a-2}}
  - {at: 5m, master_failover: {}}
  - {at: 6m, framework_failover: {framework: f, down: 1m}}
  - {at: 7m, partition: {name: q, a: [agent/a-3], b: [master]}}
  - {at: 8m, heal: {partition: q}}
  - {at: 9m, suppress: {framework: f}}
`

func smallTree(t *testing.T) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(small), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

func text(t *testing.T, root *yaml.Node) string {
	t.Helper()
	b, err := yamlnode.Encode(root)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFaultUnits(t *testing.T) {
	us := faultUnits(smallTree(t))
	var got []string
	for _, u := range us {
		got = append(got, strings.SplitN(u.what, " ", 2)[0]+"/"+strings.Repeat("*", len(u.refs)))
	}
	want := "network/* network/* partition/* crash_agent/** master_failover/* framework_failover/* partition/**"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("units %s, want %s", g, want)
	}
	// The crash comes with its restart, the timeline partition with its heal.
	if r := us[3].refs; r[0] != (ref{secTimeline, 0}) || r[1] != (ref{secTimeline, 1}) {
		t.Errorf("crash refs %v", r)
	}
	if r := us[6].refs; r[0] != (ref{secTimeline, 4}) || r[1] != (ref{secTimeline, 5}) {
		t.Errorf("partition refs %v", r)
	}
}

func TestClamps(t *testing.T) {
	cases := []struct {
		name       string
		edit       func(root *yaml.Node)
		has, lacks []string
	}{
		{"horizon before heal_at", func(r *yaml.Node) { clampHorizon(r, 6*sim.Minute+30*sim.Second) },
			[]string{"duration: 6m30s", "framework_failover", "{types: [UPDATE], loss: 0.2, start: 1m}", "heal: 4m"},
			[]string{"heal_at", "partition: {name: q", "suppress", "end: 9m"}},
		{"horizon before a start", func(r *yaml.Node) { clampHorizon(r, 90*sim.Second) },
			[]string{"duration: 1m30s", "crash_agent", "types: [UPDATE]"},
			[]string{"restart_agent", "name: p", "master_failover", "end: 9m"}},
		{"heal_at earlier", func(r *yaml.Node) { clampHeal(r, 150*sim.Second) },
			[]string{"heal_at: 2m30s", "{at: 2m30s, restart_agent", "heal: 2m30s", "duration: 30m", "suppress"},
			[]string{"master_failover", "framework_failover", "partition: {name: q", "heal: {partition"}},
		{"heal_at at a failover", func(r *yaml.Node) { clampHeal(r, 6*sim.Minute+30*sim.Second) },
			[]string{"down: 30s", "master_failover", "{at: 3m, restart_agent"},
			[]string{"partition: {name: q"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := smallTree(t)
			c.edit(root)
			got := text(t, root)
			for _, s := range c.has {
				if !strings.Contains(got, s) {
					t.Errorf("lacks %q:\n%s", s, got)
				}
			}
			for _, s := range c.lacks {
				if strings.Contains(got, s) {
					t.Errorf("still has %q:\n%s", s, got)
				}
			}
		})
	}
}

// candidates returns the descriptions of a pass's candidates for the small
// scenario, whose first violation is taken to be at 12m.
func candidates(t *testing.T, gen func(*search) []candidate) []string {
	t.Helper()
	s := &search{cur: smallTree(t), first: report.Violation{T: 12 * sim.Minute}}
	var out []string
	for _, c := range gen(s) {
		out = append(out, c.what)
	}
	return out
}

func TestPassCandidates(t *testing.T) {
	cases := []struct {
		pass string
		gen  func(*search) []candidate
		want []string // each must be among the candidates
		n    int      // how many there are
	}{
		{"faults", faultCandidates, []string{"remove 7 faults: ", "remove 3 faults: network rule", "remove 3 faults: crash_agent", "remove network rule {types: [UPDATE]"}, 1 + 2 + 7},
		{"horizon", horizonCandidates, []string{"end the run at 12m2s instead of 30m0s", "end the run at 25m1s instead of 30m0s"}, 2},
		{"heal", healCandidates, []string{"heal every fault at 5m0s instead of 10m0s", "heal every fault at 7m30s instead of 10m0s", "heal every fault at 9m0s instead of 10m0s"}, 3},
		{"types", typeCandidates, []string{"drop RunTask from", "drop StatusUpdate from"}, 2},
		{"agents", func(s *search) []candidate { return entryCandidates(s, "agents", "agent") }, []string{"agent a: count 1 instead of 3", "agent a: count 2 instead of 3", "remove agent a-2"}, 2 + 3},
		{"jobs", jobCandidates, []string{"framework f: max_jobs 1", "framework f: max_jobs 32", "framework f: tasks_per_job 2"}, 6 + 2},
		{"timeline", timelineCandidates, []string{"remove timeline entry {at: 9m, suppress: {framework: f}}"}, 1},
		{"windows", windowCandidates, []string{"apply network rule {types: [RunTask, StatusUpdate], loss: 0.1} from 0s to 5m0s only",
			"heal partition p at 3m0s instead of 4m0s", "restart agent a-2 at 2m0s instead of 3m0s", "framework_failover at 6m0s: down 30s instead of 1m0s"}, 2 + 2 + 2 + 2 + 2},
	}
	for _, c := range cases {
		t.Run(c.pass, func(t *testing.T) {
			got := candidates(t, c.gen)
			if len(got) != c.n {
				t.Errorf("%d candidates, want %d:\n%s", len(got), c.n, strings.Join(got, "\n"))
			}
			for _, w := range c.want {
				found := false
				for _, g := range got {
					found = found || strings.HasPrefix(g, w)
				}
				if !found {
					t.Errorf("no candidate %q among:\n%s", w, strings.Join(got, "\n"))
				}
			}
		})
	}
}

// TestExpandKeepsNames checks that removing one member of a counted entry
// keeps the others' names, so that faults naming them still decode.
func TestExpandKeepsNames(t *testing.T) {
	s := &search{cur: smallTree(t)}
	for _, c := range entryCandidates(s, "agents", "agent") {
		if c.what != "remove agent a-2" {
			continue
		}
		got := text(t, c.root)
		if !strings.Contains(got, "name: a-1,") || !strings.Contains(got, "name: a-3,") || strings.Contains(got, "a-2,") || strings.Contains(got, "count") {
			t.Errorf("expanded agents:\n%s", got)
		}
		return
	}
	t.Fatal("no candidate removes agent a-2")
}
