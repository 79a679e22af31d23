package serve

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// runTask subscribes (info: extra FrameworkInfo fields), launches one task
// of the given mesosim.duration ("": no label) on the first offer, and returns the
// connection with the offer's agent.
func runTask(t *testing.T, base, task, duration, info string) (*conn, string) {
	t.Helper()
	c := subscribe(t, base, "ext", info)
	c.nextOf("SUBSCRIBED")
	ev := c.nextOf("OFFERS")
	o := path(ev, "offers", "offers").([]any)[0].(map[string]any)
	agent := path(o, "agent_id", "value").(string)
	label := ""
	if duration != "" {
		label = fmt.Sprintf(`{"key":"mesosim.duration","value":%q}`, duration)
	}
	if code, b := c.call("ACCEPT", "accept", launchBody(path(o, "id", "value").(string), agent, task, label)); code != 202 {
		t.Fatalf("ACCEPT: %d %s", code, b)
	}
	return c, agent
}

// ack acknowledges a reliable update event; it returns the status.
func ack(t *testing.T, c *conn, ev map[string]any) map[string]any {
	st := path(ev, "update", "status").(map[string]any)
	if u, ok := st["uuid"].(string); ok {
		body := fmt.Sprintf(`{"agent_id":{"value":%q},"task_id":{"value":%q},"uuid":%q}`, path(st, "agent_id", "value"), path(st, "task_id", "value"), u)
		if code, b := c.call("ACKNOWLEDGE", "acknowledge", body); code != 202 {
			t.Fatalf("ACKNOWLEDGE: %d %s", code, b)
		}
	}
	return st
}

// untilState reads events, acknowledging updates, until task reaches
// state; it returns that status and the HEARTBEATs seen on the way.
func untilState(t *testing.T, c *conn, task, state string) (map[string]any, int) {
	t.Helper()
	beats := 0
	for {
		ev := c.next()
		if ev == nil {
			t.Fatalf("stream closed before %s reached %s", task, state)
		}
		switch ev["type"] {
		case "HEARTBEAT":
			beats++
		case "UPDATE":
			st := ack(t, c, ev)
			if path(st, "task_id", "value") == task && st["state"] == state {
				return st, beats
			}
		}
	}
}

func teardown(t *testing.T, h *harness, c *conn) {
	t.Helper()
	if code, b := c.call("TEARDOWN", "", ""); code != 202 {
		t.Fatalf("TEARDOWN: %d %s", code, b)
	}
	c.close()
	h.wait()
}

// TestHeartbeatsInVirtualTime: HEARTBEAT every 15 s of virtual time, so a
// 50 s task's RUNNING and FINISHED updates have exactly the heartbeats of
// the 15 s marks between their timestamps around them, however fast the
// wall clock runs.
func TestHeartbeatsInVirtualTime(t *testing.T) {
	h := start(t, basicScenario, Config{})
	c, _ := runTask(t, h.base, "t1", "50s", "")
	running, _ := untilState(t, c, "t1", "TASK_RUNNING")
	finished, beats := untilState(t, c, "t1", "TASK_FINISHED")
	t0, t1 := running["timestamp"].(float64), finished["timestamp"].(float64)
	want := 0
	for k := 1; float64(15*k) < t1; k++ {
		if float64(15*k) > t0 {
			want++
		}
	}
	if t1-t0 != 50 || beats != want || want < 3 {
		t.Errorf("RUNNING at %vs, FINISHED at %vs, %d heartbeats between, want a 60 s task and %d", t0, t1, beats, want)
	}
	teardown(t, h, c)
}

// TestLostEvent: UPDATEs to the framework are lost for the first 5 s; the
// agent's status update manager resends, so the update arrives later.
func TestLostEvent(t *testing.T) {
	h := start(t, basicScenario+`
faults:
  heal_at: 5s
  network:
    - {types: [UPDATE], to: framework/ext, loss: 1}
`, Config{})
	c, _ := runTask(t, h.base, "t1", "60s", "")
	st, _ := untilState(t, c, "t1", "TASK_STARTING")
	if ts := st["timestamp"].(float64); ts < 5 {
		t.Errorf("TASK_STARTING arrived at %vs, inside the loss window", ts)
	}
	untilState(t, c, "t1", "TASK_RUNNING")
	teardown(t, h, c)
	dropped := 0
	for _, r := range h.records("message_dropped") {
		if r["type"] == "UPDATE" && r["to"] == "framework/ext" {
			dropped++
		}
	}
	if dropped == 0 {
		t.Error("no UPDATE to framework/ext was dropped")
	}
}

// TestClosedStream: a framework_failover fault closes the stream; the
// framework re-subscribes with its ID and its task is still reported.
func TestClosedStream(t *testing.T) {
	h := start(t, strings.Replace(basicScenario, "task_duration: 30", "task_duration: 30\n    failover_timeout: 1h", 1)+`
timeline:
  - {at: 5s, framework_failover: {framework: ext, down: 1s}}
`, Config{})
	c, _ := runTask(t, h.base, "t1", "60s", "")
	untilState(t, c, "t1", "TASK_RUNNING")
	for ev := c.next(); ev != nil; ev = c.next() {
	}
	c2 := subscribe(t, h.base, "ext", `"id":{"value":"ext"},"failover_timeout":3600`)
	if c2.stream == c.stream {
		t.Error("the new stream has the old stream's ID")
	}
	c2.nextOf("SUBSCRIBED")
	c2.call("RECONCILE", "reconcile", `{"tasks":[{"task_id":{"value":"t1"}}]}`)
	st, _ := untilState(t, c2, "t1", "TASK_RUNNING")
	if st["timestamp"].(float64) < 5 {
		t.Errorf("reconciliation answered at %vs, before the failover", st["timestamp"])
	}
	untilState(t, c2, "t1", "TASK_FINISHED")
	teardown(t, h, c2)
	if n := len(h.records("framework_removed")); n != 1 {
		t.Errorf("%d framework_removed records, want 1 (the teardown)", n)
	}
}

// TestMasterFailover: the leader dies at 20 s; the stream closes, the
// framework meets 503 during the election and 307 from the standby, and
// re-subscribes to the new leader, which reports its task.
func TestMasterFailover(t *testing.T) {
	h := start(t, strings.Replace(basicScenario, "task_duration: 30", "task_duration: 30\n    failover_timeout: 1h", 1)+`
timeline:
  - {at: 20s, master_failover: {election_delay: 10s}}
`, Config{Standby: "127.0.0.1:0", HoldElection: true})
	c, _ := runTask(t, h.base, "t1", "120s", `"failover_timeout":3600`)
	untilState(t, c, "t1", "TASK_RUNNING")
	for ev := c.next(); ev != nil; ev = c.next() {
	}
	sub := `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"ext","id":{"value":"ext"},"failover_timeout":3600}}}`
	code, body, _ := post(t, h.base+"/api/v1/scheduler", sub)
	if code != 503 || !strings.Contains(body, "No leader elected") {
		t.Errorf("SUBSCRIBE during the election: %d %q, want 503 No leader elected", code, body)
	}
	standby := "http://" + h.srv.StandbyAddr() + "/api/v1/scheduler"
	if code, _, _ := post(t, standby, sub); code != 503 {
		t.Errorf("standby during the election: %d, want 503", code)
	}
	// The election ends once the quiet window has passed.
	var loc string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var hdr map[string][]string
		code, _, hdr = post(t, standby, sub)
		if code == 307 {
			loc = hdr["Location"][0]
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if want := "//" + h.srv.Addr() + "/api/v1/scheduler"; loc != want {
		t.Fatalf("standby after the election: %d Location %q, want 307 to %q", code, loc, want)
	}
	c2 := subscribe(t, "http:"+strings.TrimSuffix(loc, "/api/v1/scheduler"), "ext", `"id":{"value":"ext"},"failover_timeout":3600`)
	c2.nextOf("SUBSCRIBED")
	st, _ := untilState(t, c2, "t1", "TASK_FINISHED")
	if st["timestamp"].(float64) < 120 {
		t.Errorf("TASK_FINISHED at %vs", st["timestamp"])
	}
	teardown(t, h, c2)
	added := 0
	for _, r := range h.records("framework_added") {
		if r["framework"] == "ext" {
			added++
		}
	}
	if added != 2 {
		t.Errorf("framework_added for ext %d times, want 2 (the subscription and the re-subscription to the new leader)", added)
	}
	if v := h.chk.Violations(); len(v) > 0 {
		t.Errorf("violations: %v", v)
	}
}

// TestLostCall: the framework's ACKNOWLEDGEs are lost on the way in for
// the first 5 s (it got its 202); the agent resends the update, which
// arrives a second time with the same uuid.
func TestLostCall(t *testing.T) {
	h := start(t, basicScenario+`
faults:
  heal_at: 5s
  network:
    - {types: [ACKNOWLEDGE], from: framework/ext, loss: 1}
`, Config{})
	c, _ := runTask(t, h.base, "t1", "60s", "")
	first, _ := untilState(t, c, "t1", "TASK_STARTING")
	again, _ := untilState(t, c, "t1", "TASK_STARTING")
	if first["uuid"] != again["uuid"] || again["timestamp"].(float64) <= first["timestamp"].(float64) {
		t.Errorf("STARTING %v, then %v: want the same update resent later", first, again)
	}
	untilState(t, c, "t1", "TASK_RUNNING")
	teardown(t, h, c)
	dropped := 0
	for _, r := range h.records("message_dropped") {
		if r["type"] == "ACKNOWLEDGE" && r["from"] == "framework/ext" {
			dropped++
		}
	}
	if dropped == 0 {
		t.Error("no ACKNOWLEDGE from framework/ext was dropped")
	}
}
