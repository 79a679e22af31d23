package serve

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestOperatorView: GET /master/state and POST /api/v1 GET_STATE show the
// frameworks, agents and tasks of the leading master at the frozen
// instant, in Mesos's JSON shapes.
func TestOperatorView(t *testing.T) {
	h := start(t, basicScenario, Config{})
	c, agent := runTask(t, h.base, "t1", "50s", "")
	untilState(t, c, "t1", "TASK_RUNNING")
	code, body := get(t, h.base+"/master/state")
	var st struct {
		Frameworks []struct {
			ID, Role  string
			Connected bool
			Tasks     []struct {
				ID      string `json:"id"`
				SlaveID string `json:"slave_id"`
				State   string `json:"state"`
			}
		}
		Slaves []struct {
			ID, Hostname string
			Active       bool
			Resources    map[string]float64
		}
	}
	if err := json.Unmarshal([]byte(body), &st); code != 200 || err != nil {
		t.Fatalf("/master/state: %d %v %s", code, err, body)
	}
	if len(st.Frameworks) != 1 || st.Frameworks[0].ID != "ext" || !st.Frameworks[0].Connected || len(st.Frameworks[0].Tasks) != 1 {
		t.Fatalf("frameworks: %+v", st.Frameworks)
	}
	if tk := st.Frameworks[0].Tasks[0]; tk.ID != "t1" || tk.SlaveID != agent || tk.State != "TASK_RUNNING" {
		t.Errorf("task: %+v, want t1 RUNNING on %s", tk, agent)
	}
	if len(st.Slaves) != 2 || !st.Slaves[0].Active || st.Slaves[0].Resources["cpus"] != 4 {
		t.Errorf("slaves: %+v", st.Slaves)
	}
	code, body, _ = post(t, h.base+"/api/v1", `{"type":"GET_STATE"}`)
	if code != 200 || !strings.Contains(body, `"get_tasks":{"tasks":[{"name":"t1","task_id":{"value":"t1"}`) || !strings.Contains(body, `"state":"TASK_RUNNING"`) {
		t.Errorf("GET_STATE: %d %s", code, body)
	}
	if code, _, _ := post(t, h.base+"/api/v1", `{"type":"GET_HEALTH"}`); code != 400 {
		t.Errorf("GET_HEALTH: %d, want 400", code)
	}
	teardown(t, h, c)
}

// TestAdmitUnknownAndFailures: serve.admit_unknown lets a framework no
// entry names subscribe (403 without it, see TestErrorCodes); an entry's
// task_failure_rate 1 ends every task TASK_FAILED.
func TestAdmitUnknownAndFailures(t *testing.T) {
	h := start(t, strings.Replace(basicScenario, "task_duration: 30", "task_duration: 30\n    task_failure_rate: 1", 1)+`
serve:
  admit_unknown: true
`, Config{})
	// Both subscribe before virtual time moves: it waits for the entry.
	c := subscribe(t, h.base, "ext", "")
	other := subscribe(t, h.base, "stranger", `"role":"analytics"`)
	if ev := other.nextOf("SUBSCRIBED"); path(ev, "subscribed", "framework_id", "value") != "stranger" {
		t.Fatalf("the unknown framework: %v", ev)
	}
	ev := other.nextOf("OFFERS")
	if role := path(path(ev, "offers", "offers").([]any)[0].(map[string]any), "allocation_info", "role"); role != "analytics" {
		t.Errorf("offer for role %v, want analytics (from its FrameworkInfo)", role)
	}
	other.call("TEARDOWN", "", "")
	other.close()
	c.nextOf("SUBSCRIBED")
	o := path(c.nextOf("OFFERS"), "offers", "offers").([]any)[0].(map[string]any)
	c.call("ACCEPT", "accept", launchBody(path(o, "id", "value").(string), path(o, "agent_id", "value").(string), "t1", ""))
	st, _ := untilState(t, c, "t1", "TASK_FAILED")
	if st["source"] != "SOURCE_EXECUTOR" || st["timestamp"].(float64) < 30 {
		t.Errorf("TASK_FAILED: %v", st)
	}
	teardown(t, h, c)
}

// TestSpeed: --speed runs virtual time at a multiple of the wall clock.
func TestSpeed(t *testing.T) {
	h := start(t, basicScenario, Config{Speed: 100})
	begin := time.Now()
	c, _ := runTask(t, h.base, "t1", "20s", "")
	st, _ := untilState(t, c, "t1", "TASK_FINISHED")
	wall := time.Since(begin)
	// 20 s of virtual time at 100x is 0.2 s of wall time.
	if wall < 150*time.Millisecond || wall > 5*time.Second {
		t.Errorf("a 20 s task took %s of wall time at --speed 100", wall)
	}
	if ts := st["timestamp"].(float64); ts < 20 {
		t.Errorf("TASK_FINISHED at %vs", ts)
	}
	teardown(t, h, c)
}

// TestPinnedRole: an entry's pin keeps its role whatever the FrameworkInfo
// asks; without the pin the FrameworkInfo's role wins.
func TestPinnedRole(t *testing.T) {
	for _, pin := range []bool{false, true} {
		entry := "task_duration: 30\n    role: web"
		if pin {
			entry += "\n    pin: [role]"
		}
		h := start(t, strings.Replace(basicScenario, "task_duration: 30", entry, 1), Config{})
		c := subscribe(t, h.base, "ext", `"roles":["batch"]`)
		c.nextOf("SUBSCRIBED")
		o := path(c.nextOf("OFFERS"), "offers", "offers").([]any)[0].(map[string]any)
		want := "batch"
		if pin {
			want = "web"
		}
		if role := path(o, "allocation_info", "role"); role != want {
			t.Errorf("pin=%v: offers for role %v, want %s", pin, role, want)
		}
		teardown(t, h, c)
	}
}
