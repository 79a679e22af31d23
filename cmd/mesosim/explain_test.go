package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report/explain"
)

// explainCase is a small scenario in which framework v starves for one
// reason (on agent, if set), and the edit that removes the cause.
type explainCase struct {
	reason    string
	agent     string
	yaml      string
	old, flip string // the edit that turns the cause off
}

const explainHead = `name: why
seed: 3
duration: 30s
master:
  allocator: drf
  allocation_interval: 1s
`

var explainCases = []explainCase{
	{reason: model.ReasonExhausted, yaml: explainHead + `agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: hog, role: a, behavior: hold}
timeline:
  - {at: 0.5s, add_framework: {name: v, role: vr, behavior: decline, refuse_seconds: 1}}
`, old: "behavior: hold", flip: "behavior: decline, refuse_seconds: 1"},
	{reason: model.ReasonOfferLocked, yaml: explainHead + `agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: hog, role: a, behavior: keep}
timeline:
  - {at: 0.5s, add_framework: {name: v, role: vr, behavior: decline, refuse_seconds: 1}}
`, old: "allocation_interval: 1s", flip: "allocation_interval: 1s\n  offer_timeout: 1s"},
	{reason: model.ReasonFiltered, yaml: explainHead + `agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: v, role: vr, behavior: decline, refuse_seconds: 60}
`, old: "refuse_seconds: 60", flip: "refuse_seconds: 1"},
	{reason: model.ReasonMinAllocatable, yaml: explainHead + `agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: v, role: vr, behavior: decline, refuse_seconds: 1, min_allocatable: ["cpus:2"]}
`, old: `["cpus:2"]`, flip: `["cpus:1"]`},
	{reason: model.ReasonHeadroom, yaml: explainHead + `  quota:
    q: {guarantee: "cpus:1;mem:512"}
agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: v, role: vr, behavior: decline, refuse_seconds: 1}
`, old: `guarantee: "cpus:1;mem:512"`, flip: `guarantee: "cpus:0.5;mem:256"`},
	{reason: model.ReasonQuotaLimit, agent: "a1", yaml: explainHead + `  quota:
    vr: {limit: "cpus:1;mem:512"}
agents:
  - {name: a1, resources: "cpus:1;mem:512"}
  - {name: a2, resources: "cpus(vr):1;mem(vr):512"}
frameworks:
  - {name: v, role: vr, behavior: decline, refuse_seconds: 1}
  - {name: vhold, role: vr, behavior: hold}
`, old: `limit: "cpus:1;mem:512"`, flip: `limit: "cpus:2;mem:1024"`},
	{reason: model.ReasonInactive, yaml: explainHead + `agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: v, role: vr, behavior: decline, refuse_seconds: 1}
timeline:
  - {at: 0.5s, suppress: {framework: v}}
`, old: "suppress:", flip: "revive:"},
	{reason: model.ReasonTaken, agent: "a1", yaml: explainHead + `agents:
  - {name: a1, resources: "cpus:1;mem:512"}
  - {name: a2, resources: "cpus(vr):1;mem(vr):512"}
frameworks:
  - {name: hog, role: a, behavior: decline, refuse_seconds: 0}
  - {name: v, role: vr, behavior: decline, refuse_seconds: 1}
  - {name: vhold, role: vr, behavior: hold}
`, old: "refuse_seconds: 0", flip: "refuse_seconds: 1"},
}

// explainJSON runs explain on a scenario text and decodes its report.
func explainJSON(t *testing.T, yaml string, args ...string) *explain.Report {
	t.Helper()
	path := filepath.Join(t.TempDir(), "why.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	args = append([]string{"explain", path, "--format", "json"}, args...)
	r := mustRun(t, 0, args...)
	var rep explain.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	return &rep
}

// TestExplainNamesEachReason: in each small scenario explain finds v's
// starvation and names exactly the cause built into it (every counted
// visit has that reason), and with the cause turned off the reason is
// gone.
func TestExplainNamesEachReason(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range explainCases {
		t.Run(c.reason, func(t *testing.T) {
			args := []string{"--framework", "v", "--min", "5s"}
			if c.agent != "" {
				args = append(args, "--agent", c.agent)
			}
			rep := explainJSON(t, c.yaml, args...)
			if len(rep.Episodes) == 0 {
				t.Fatalf("no episode of v explained; longest starvation %s", rep.Longest)
			}
			for _, e := range rep.Episodes {
				if len(e.Causes) != 1 || e.Causes[0].Reason != c.reason || e.Causes[0].Visits != e.Visits {
					t.Fatalf("episode %s: causes %+v, want only %s", e.Text, e.Causes, c.reason)
				}
			}
			if !strings.Contains(c.yaml, c.old) {
				t.Fatalf("the flip edit %q is not in the scenario", c.old)
			}
			off := explainJSON(t, strings.Replace(c.yaml, c.old, c.flip, 1), args...)
			for _, e := range off.Episodes {
				for _, cause := range e.Causes {
					if cause.Reason == c.reason {
						t.Fatalf("with the cause off (%q), %s is still named: %s", c.flip, c.reason, e.Text)
					}
				}
			}
			covered[c.reason] = true
		})
	}
	for _, r := range model.Reasons {
		if !covered[r] {
			t.Errorf("no passing scenario for reason %s", r)
		}
	}
}
