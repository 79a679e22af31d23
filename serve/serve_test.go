package serve

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

const basicScenario = `
name: serve-test
seed: 7
duration: 10m
agents:
  - {name: agent, count: 2, resources: "cpus:4;mem:4096"}
frameworks:
  - name: ext
    behavior: external
    task_duration: 30
`

// launchBody is an ACCEPT launching one 1-cpu task on an offer.
func launchBody(offer, agent, task, labels string) string {
	lb := ""
	if labels != "" {
		lb = `,"labels":{"labels":[` + labels + `]}`
	}
	return fmt.Sprintf(`{"offer_ids":[{"value":%q}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[`+
		`{"name":%q,"task_id":{"value":%q},"agent_id":{"value":%q},"resources":[`+
		`{"name":"cpus","type":"SCALAR","scalar":{"value":1}},{"name":"mem","type":"SCALAR","scalar":{"value":64}}]%s}]}}],`+
		`"filters":{"refuse_seconds":1}}`, offer, task, task, agent, lb)
}

// simpleFramework is a deterministic framework: it launches n tasks, one
// per offer, declines the rest for an hour once all are launched,
// acknowledges every reliable update, reconciles when all have finished,
// and tears down. It returns the states it saw per task.
func simpleFramework(t *testing.T, base, name string, n int) map[string][]string {
	c := subscribe(t, base, name, "")
	defer c.close()
	if ev := c.nextOf("SUBSCRIBED"); path(ev, "subscribed", "framework_id", "value") != name {
		t.Fatalf("SUBSCRIBED: %v", ev)
	}
	seen := map[string][]string{}
	launched, finished, reconciled := 0, 0, false
	for {
		ev := c.next()
		if ev == nil {
			t.Fatal("stream closed before the framework finished")
		}
		switch ev["type"] {
		case "OFFERS":
			for _, o := range path(ev, "offers", "offers").([]any) {
				o := o.(map[string]any)
				id := path(o, "id", "value").(string)
				agent := path(o, "agent_id", "value").(string)
				if launched < n {
					launched++
					if code, b := c.call("ACCEPT", "accept", launchBody(id, agent, fmt.Sprintf("t%d", launched), "")); code != 202 {
						t.Fatalf("ACCEPT: %d %s", code, b)
					}
					continue
				}
				c.call("DECLINE", "decline", fmt.Sprintf(`{"offer_ids":[{"value":%q}],"filters":{"refuse_seconds":3600}}`, id))
			}
		case "UPDATE":
			st := path(ev, "update", "status").(map[string]any)
			task := path(st, "task_id", "value").(string)
			state := st["state"].(string)
			seen[task] = append(seen[task], state)
			if u, ok := st["uuid"].(string); ok {
				body := fmt.Sprintf(`{"agent_id":{"value":%q},"task_id":{"value":%q},"uuid":%q}`, path(st, "agent_id", "value"), task, u)
				if code, b := c.call("ACKNOWLEDGE", "acknowledge", body); code != 202 {
					t.Fatalf("ACKNOWLEDGE: %d %s", code, b)
				}
			}
			if state == "TASK_FINISHED" {
				finished++
			}
			if finished == n && !reconciled {
				reconciled = true
				c.call("RECONCILE", "reconcile", `{"tasks":[]}`)
				if code, b := c.call("TEARDOWN", "", ""); code != 202 {
					t.Fatalf("TEARDOWN: %d %s", code, b)
				}
				return seen
			}
		}
	}
}

func TestLockStepFramework(t *testing.T) {
	h := start(t, basicScenario, Config{})
	seen := simpleFramework(t, h.base, "ext", 4)
	end := h.wait()
	for i := 1; i <= 4; i++ {
		got := strings.Join(seen[fmt.Sprintf("t%d", i)], ",")
		if got != "TASK_STARTING,TASK_RUNNING,TASK_FINISHED" {
			t.Errorf("t%d: updates %s, want TASK_STARTING,TASK_RUNNING,TASK_FINISHED", i, got)
		}
	}
	if n := len(h.records("task_launched")); n != 4 {
		t.Errorf("%d task_launched records, want 4", n)
	}
	acks := 0
	for _, r := range h.records("framework_call") {
		if r["type"] == "ACKNOWLEDGE" {
			acks++
		}
	}
	if acks != 12 {
		t.Errorf("%d ACKNOWLEDGE calls in the log, want 12", acks)
	}
	if v := h.chk.Violations(); len(v) > 0 {
		t.Errorf("violations: %v", v)
	}
	if end >= h.srv.until {
		t.Errorf("the run ended at %s, not at the teardown", end)
	}
}

// sharedScenario puts an internal workload framework beside the external
// one.
const sharedScenario = basicScenario + `
  - name: batch
    behavior: workload
    workload: {interarrival: 5s, task_cpus: 1, task_mem: 64, task_duration: 20s, max_jobs: 4}
`

func TestDeterministicLog(t *testing.T) {
	var logs []string
	for range 2 {
		h := start(t, sharedScenario, Config{})
		simpleFramework(t, h.base, "ext", 3)
		h.wait()
		logs = append(logs, h.log.String())
	}
	if logs[0] != logs[1] {
		t.Fatalf("two runs gave different event logs:\n%s\n----\n%s", logs[0], logs[1])
	}
	for _, fw := range []string{"ext", "batch"} {
		n := 0
		for _, line := range strings.Split(logs[0], "\n") {
			if strings.Contains(line, `"kind":"task_launched"`) && strings.Contains(line, `"framework":"`+fw+`"`) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("framework %s launched nothing", fw)
		}
	}
}

// TestFirstWait: an entry whose process never subscribes holds virtual
// time for --first-wait only; then the run goes on without it, to the
// horizon, with a warning.
func TestFirstWait(t *testing.T) {
	var warn strings.Builder
	h := start(t, basicScenario, Config{FirstWait: 200 * time.Millisecond, Log: &syncWriter{w: &warn}})
	if end := h.wait(); end != h.srv.until {
		t.Errorf("the run ended at %s, want the horizon", end)
	}
	if !strings.Contains(warn.String(), "framework ext has not subscribed after 200ms") {
		t.Errorf("warnings: %q", warn.String())
	}
}

// syncWriter serialises writes (the server warns from its goroutines).
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
