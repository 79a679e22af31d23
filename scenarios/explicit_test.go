package scenarios

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

// nonFaultLines returns the event log's lines that are not fault records
// (and not the header): what the simulation did, without how its faults
// were announced.
func nonFaultLines(log []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(log))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if strings.Contains(l, `"kind":"fault"`) || strings.Contains(l, `"kind":"header"`) || strings.HasPrefix(l, `{"version"`) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// TestExplicitSwarmRunsTheSame checks that the explicit form of a swarm
// scenario runs exactly as the swarm scenario does with that seed: the
// same records (fault announcements aside) and the same violations, for
// reconciling and naive frameworks alike.
func TestExplicitSwarmRunsTheSame(t *testing.T) {
	data, _ := BuiltinSource("reconciliation-under-loss")
	cases := []struct {
		name string
		ovs  []Override
	}{
		{"reconciling", []Override{{Path: "faults.swarm", Value: "true"}}},
		{"naive", []Override{{Path: "faults.swarm", Value: "true"}, {Path: "frameworks.0.behavior", Value: "naive"}, {Path: "frameworks.1.behavior", Value: "naive"}}},
	}
	seeds := []uint64{1, 2, 3, 4, 5, 6, 7, 8}
	if testing.Short() {
		seeds = seeds[:2]
	}
	for _, c := range cases {
		for _, seed := range seeds {
			orig, err := ParseWith("r.yaml", data, c.ovs)
			if err != nil {
				t.Fatal(err)
			}
			orig.Seed = seed
			text, err := Explicit("r.yaml", data, c.ovs, seed)
			if err != nil {
				t.Fatalf("%s seed %d: %v", c.name, seed, err)
			}
			if bytes.Contains(text, []byte("swarm: true")) {
				t.Fatalf("%s seed %d: the explicit scenario is still in swarm mode:\n%s", c.name, seed, text)
			}
			a := runBuilt(t, orig)
			b := runFaultScenario(t, string(text))
			if b.sc.Faults.Swarm || b.sc.Seed != seed {
				t.Fatalf("%s seed %d: explicit scenario has swarm %v, seed %d", c.name, seed, b.sc.Faults.Swarm, b.sc.Seed)
			}
			la, lb := nonFaultLines(a.log), nonFaultLines(b.log)
			if len(la) != len(lb) {
				t.Fatalf("%s seed %d: %d records with swarm, %d explicit", c.name, seed, len(la), len(lb))
			}
			for i := range la {
				if la[i] != lb[i] {
					t.Fatalf("%s seed %d: record %d differs:\nswarm:    %s\nexplicit: %s\n%s", c.name, seed, i, la[i], lb[i], text)
				}
			}
			if fpShow(a.violations) != fpShow(b.violations) {
				t.Fatalf("%s seed %d: violations differ:\nswarm:    %s\nexplicit: %s", c.name, seed, fpShow(a.violations), fpShow(b.violations))
			}
		}
	}
}
