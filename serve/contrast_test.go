package serve

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

const lossScenario = `
name: serve-runtask-loss
seed: 3
duration: 5m
agents:
  - {name: agent, count: 2, resources: "cpus:8;mem:8192"}
frameworks:
  - name: ext
    behavior: external
    task_duration: 10m
faults:
  heal_at: 30s
  converge_within: 2m
  network:
    - {types: [RunTask], loss: 0.5}
`

// stagingFramework launches 4 tasks and acknowledges every update. With
// reconcile it also does what Mesos asks of frameworks: a task still
// STAGING two heartbeats after its launch is killed (its RunTask may be
// lost: the agent answers for a task it does not have), and a task that
// ends LOST is launched again under a new ID. It runs until the stream
// closes at the horizon.
func stagingFramework(t *testing.T, base string, reconcile bool) {
	c := subscribe(t, base, "ext", "")
	defer c.close()
	c.nextOf("SUBSCRIBED")
	next, todo := 0, 4
	staging := map[string]int{}
	for ev := c.next(); ev != nil; ev = c.next() {
		switch ev["type"] {
		case "OFFERS":
			for _, o := range path(ev, "offers", "offers").([]any) {
				o := o.(map[string]any)
				id, agent := path(o, "id", "value").(string), path(o, "agent_id", "value").(string)
				if todo > 0 {
					todo--
					next++
					task := fmt.Sprintf("t%d", next)
					staging[task] = 0
					c.call("ACCEPT", "accept", launchBody(id, agent, task, ""))
					continue
				}
				c.call("DECLINE", "decline", fmt.Sprintf(`{"offer_ids":[{"value":%q}],"filters":{"refuse_seconds":5}}`, id))
			}
		case "UPDATE":
			st := ack(t, c, ev)
			task, state := path(st, "task_id", "value").(string), st["state"].(string)
			if state != "TASK_STAGING" {
				delete(staging, task)
			}
			if reconcile && state == "TASK_LOST" {
				todo++
			}
		case "HEARTBEAT":
			if !reconcile {
				continue
			}
			for _, task := range slices.Sorted(maps.Keys(staging)) {
				if staging[task]++; staging[task] >= 2 {
					c.call("KILL", "kill", fmt.Sprintf(`{"task_id":{"value":%q}}`, task))
				}
			}
		}
	}
}

// TestNaiveVersusReconcilingExternal: under RunTask loss an external
// framework that never reconciles is caught by the reconciliation
// invariant; one that kills its stuck tasks and launches them again is not.
func TestNaiveVersusReconcilingExternal(t *testing.T) {
	for _, reconcile := range []bool{false, true} {
		h := start(t, lossScenario, Config{UntilHorizon: true})
		stagingFramework(t, h.base, reconcile)
		h.wait()
		lost := 0
		for _, r := range h.records("message_dropped") {
			if r["type"] == "RunTask" {
				lost++
			}
		}
		if lost == 0 {
			t.Fatal("no RunTask was lost: the scenario tests nothing")
		}
		var broke []string
		for _, v := range h.chk.Violations() {
			broke = append(broke, v.Invariant)
		}
		caught := strings.Contains(strings.Join(broke, " "), "reconciliation")
		if caught == reconcile {
			t.Errorf("reconcile=%v: %d RunTask lost, violations %v", reconcile, lost, broke)
		}
	}
}
