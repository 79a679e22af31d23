package scenarios

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
)

// recordsOf builds and runs scenario YAML and returns its offers (and
// quota_set records) as "TIME kind framework agent resources" lines.
func recordsOf(t *testing.T, text string) []string {
	t.Helper()
	sc, err := Parse("t.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	s.World.Observe(model.ObserverFunc(func(r *model.Record) {
		switch r.Kind {
		case model.KindOffer:
			got = append(got, fmt.Sprintf("%s offer %s %s %s", r.T, r.Framework, r.Agent, r.Resources))
		case model.KindQuotaSet:
			got = append(got, fmt.Sprintf("%s quota_set %s %s", r.T, r.Role, r.Detail))
		}
	}))
	s.Run()
	return got
}

func TestBuildPolicies(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{
			// The reference's quota guarantee example: a2 is held back as
			// qr's headroom while f1 filters it, so f2 gets nothing.
			"master.quota guarantee and headroom", `
name: quota
duration: 3s
master:
  quota:
    qr: {guarantee: "cpus:2;mem:1024", limit: "cpus:2;mem:1024"}
agents:
  - {name: a1, resources: "cpus:1;mem:512"}
  - {name: a2, resources: "cpus:1;mem:512"}
frameworks:
  - {name: f1, role: qr, behavior: keep}
  - {name: f2, role: r2, behavior: keep}
timeline:
  - {at: 500ms, decline: {framework: f1, agent: a2, refuse_seconds: 1.5}}
`, []string{
				"0s quota_set qr guarantee=cpus:2;mem:1024 limit=cpus:2;mem:1024",
				"0s offer f1 a2 cpus:1;mem:512", // the agents in shuffled order
				"0s offer f1 a1 cpus:1;mem:512",
				"2s offer f1 a2 cpus:1;mem:512",
			},
		},
		{
			"set_quota with a zero limit blocks the role", `
name: set-quota
duration: 4s
agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: f1, role: r1, behavior: decline, refuse_seconds: 0}
timeline:
  - {at: 2500ms, set_quota: {role: r1, limit: "cpus:0;mem:0"}}
`, []string{
				"0s offer f1 a1 cpus:1;mem:512",
				"1s offer f1 a1 cpus:1;mem:512",
				"2s offer f1 a1 cpus:1;mem:512",
				"2.5s quota_set r1 guarantee= limit=cpus:0;mem:0",
			},
		},
		{
			"a limit chops offers", `
name: limit
duration: 1s
master:
  quota:
    r1: {limit: "cpus:0.5;mem:200"}
agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: f1, role: r1, behavior: keep}
`, []string{"0s quota_set r1 guarantee= limit=cpus:0.5;mem:200", "0s offer f1 a1 cpus:0.5;mem:200"},
		},
		{
			"master.capacity caps a role at max_capacity", `
name: capacity
duration: 2s
master:
  allocator: capacity
  capacity:
    r1: {capacity: 0.5, max_capacity: 0.5}
agents:
  - {name: a1, resources: "cpus:1;mem:512"}
  - {name: a2, resources: "cpus:1;mem:512"}
frameworks:
  - {name: f1, role: r1, behavior: hold}
`, []string{"0s offer f1 a1 cpus:1;mem:512"},
		},
		{
			"a framework's min_allocatable above the agent", `
name: min-allocatable
duration: 1s
agents:
  - {name: a1, resources: "cpus:4;mem:512"}
frameworks:
  - {name: big, role: r1, behavior: keep, min_allocatable: ["cpus:8"]}
`, nil,
		},
		{
			"an empty min_allocatable overrides the master's", `
name: no-minimum
duration: 1s
master:
  min_allocatable: ["cpus:100"]
agents:
  - {name: a1, resources: "cpus:4;mem:512"}
frameworks:
  - {name: strict, role: r1, behavior: keep}
  - {name: any, role: r2, behavior: keep, min_allocatable: []}
`, []string{"0s offer any a1 cpus:4;mem:512"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := recordsOf(t, tc.yaml)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// Build hands think_time and suppress_when_idle to the behaviour, which
// accepts them; every embedded-style framework shape builds.
func TestBuildFrameworkKeys(t *testing.T) {
	sc := mustLoad(t, "testdata/good/policies.yaml")
	s, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	s.Run()
	if len(s.Schedulers) != 5 {
		t.Errorf("schedulers: %v", s.Schedulers)
	}
}
