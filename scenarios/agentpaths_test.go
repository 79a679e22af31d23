package scenarios

import (
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// markGone is a scenario exercising the master's failure-path keys and the
// mark_agent_gone action end to end.
const markGone = `name: mark-gone
duration: 30m
master:
  agent_reregister_timeout: 12m
  registry_gc_interval: 1m
  registry_max_agent_age: 3m
agents:
  - {name: a1, resources: "cpus:2;mem:1024"}
  - {name: a2, resources: "cpus:2;mem:1024"}
frameworks:
  - name: f
    behavior: hold
    capabilities: [partition_aware]
    checkpoint: true
timeline:
  - {at: 10s, mark_agent_gone: {agent: a1}}
  - {at: 20s, crash_agent: {agent: a2}}
`

// The keys reach the master (agent_reregister_timeout, the registry GC)
// and mark_agent_gone acts as Master::markGone: the hold framework's task
// on a1 becomes TASK_GONE_BY_OPERATOR; a2, crashed and never back, is
// marked unreachable after its pings, then pruned once older than 3m.
func TestAgentPathKeys(t *testing.T) {
	sc, err := Parse("gone.yaml", []byte(markGone))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Master.AgentReregisterTimeout != 12*sim.Minute || sc.Master.RegistryGCInterval != sim.Minute ||
		sc.Master.RegistryMaxAgentAge != 3*sim.Minute || sc.Master.RegistryMaxAgentCount != model.DefaultRegistryMaxAgentCount {
		t.Fatalf("master keys not decoded: %+v", sc.Master)
	}
	_, log := logOf(t, sc)
	var got []string
	for _, line := range strings.Split(string(log), "\n") {
		for _, want := range []string{`"kind":"agent_removed"`, `"kind":"agent_pruned"`, `"kind":"agent_disconnected"`,
			`"state":"TASK_GONE_BY_OPERATOR"`, `"fault":"agent_marked_gone"`} {
			if strings.Contains(line, want) {
				got = append(got, line)
				break
			}
		}
	}
	want := []string{
		`{"t":10000000,"kind":"fault","fault":"agent_marked_gone","agent":"a1"}`,
		`{"t":10000000,"kind":"task_status","task":"f-t1","framework":"f","agent":"a1","state":"TASK_GONE_BY_OPERATOR","reason":"REASON_SLAVE_REMOVED_BY_OPERATOR","source":"SOURCE_MASTER","seen_by":"master"}`,
		`{"t":10000000,"kind":"agent_removed","agent":"a1","reason":"gone","resources":{"cpus":2,"mem":1024}}`,
		`{"t":10000000,"kind":"task_status","task":"f-t1","framework":"f","agent":"a1","state":"TASK_GONE_BY_OPERATOR","reason":"REASON_SLAVE_REMOVED_BY_OPERATOR","source":"SOURCE_MASTER","seen_by":"framework"}`,
		// The crash is noticed at once; 5 pings unanswered from the one
		// at 30s mark the agent unreachable at 1m45s.
		`{"t":20000000,"kind":"agent_disconnected","agent":"a2"}`,
		`{"t":105000000,"kind":"agent_removed","agent":"a2","reason":"unreachable","resources":{"cpus":2,"mem":1024}}`,
		// The GC runs every minute: a1 (gone at 10s) is older than 3m at
		// 4m, a2 (unreachable at 1m45s) at 5m.
		`{"t":240000000,"kind":"agent_pruned","agent":"a1","reason":"gone"}`,
		`{"t":300000000,"kind":"agent_pruned","agent":"a2","reason":"unreachable"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
