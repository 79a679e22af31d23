package scenarios

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// runsTrace is the traces package's hand-written task_events part in which
// task 7/0 is evicted twice and resubmitted each time, its third run with
// a different request; 7/1 runs once. Times are trace microseconds.
var runsTrace = filepath.Join("..", "traces", "testdata", "google", "task_events-reruns.csv")

// runsScenario writes a scenario replaying runsTrace with the given
// trace.runs line ("" for none) and loads it.
func runsScenario(t *testing.T, runs string) (*Scenario, error) {
	t.Helper()
	dir := t.TempDir()
	trace, err := filepath.Abs(runsTrace)
	if err != nil {
		t.Fatal(err)
	}
	sc := "name: runs\nduration: 1m\nagents:\n  - {name: a, resources: \"cpus:8;mem:8192\"}\n" +
		"frameworks:\n  - {name: f, behavior: replay}\ntrace:\n  files: [" + trace + "]\n" +
		"  cpus: 4\n  mem: 4096\n" + runs + "  map:\n    - {framework: f}\n"
	p := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(p, []byte(sc), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(p)
}

// TestTraceRuns: trace.runs all (the default) replays every run as its own
// task at its own SUBMIT time with its own request and end; first replays
// 7/0's first run only.
func TestTraceRuns(t *testing.T) {
	type sub struct {
		T   sim.Time
		ID  string
		Res string
	}
	first := []sub{{0, "7/0", "cpus:2;mem:1024"}, {2 * sim.Second, "7/1", "cpus:0.4;mem:409.6"}}
	all := append(append([]sub(nil), first...),
		sub{5000100, "7/0#2", "cpus:2;mem:1024"}, sub{9000200, "7/0#3", "cpus:1;mem:2048"})
	for _, c := range []struct {
		runs    string
		want    []sub
		killed  int // 7/0's evicted runs end TASK_KILLED (ends: trace)
		reruns  int64
		replays int64
	}{
		{"", all, 2, 2, 4},
		{"  runs: all\n", all, 2, 2, 4},
		{"  runs: first\n", first, 1, 0, 2},
	} {
		sc, err := runsScenario(t, c.runs)
		if err != nil {
			t.Fatal(err)
		}
		wantRuns := strings.TrimSpace(strings.TrimPrefix(c.runs, "  runs:"))
		if wantRuns == "" {
			wantRuns = "all"
		}
		if sc.Trace.Runs != wantRuns {
			t.Errorf("%q: Runs %q, want %q", c.runs, sc.Trace.Runs, wantRuns)
		}
		s, err := Build(sc)
		if err != nil {
			t.Fatal(err)
		}
		var got []sub
		killed := 0
		s.World.Observe(model.ObserverFunc(func(r *model.Record) {
			switch {
			case r.Kind == model.KindTaskSubmitted:
				got = append(got, sub{r.T, r.Task, r.Resources.String()})
			case r.Kind == model.KindTaskStatus && r.SeenBy == "framework" && r.State == "TASK_KILLED":
				killed++
			}
		}))
		s.Run()
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: submitted %v, want %v", c.runs, got, c.want)
		}
		if killed != c.killed {
			t.Errorf("%q: %d TASK_KILLED seen by the framework, want %d", c.runs, killed, c.killed)
		}
		counts, st, err := s.ReplayStats()
		if err != nil || counts["f"] != c.replays || st.Reruns != c.reruns {
			t.Errorf("%q: replayed %v reruns %d (%v), want f %d, reruns %d", c.runs, counts, st.Reruns, err, c.replays, c.reruns)
		}
	}
}

// TestTraceRunsBad: a bad trace.runs is an error at its line.
func TestTraceRunsBad(t *testing.T) {
	for _, c := range []struct{ runs, want string }{
		{"  runs: every\n", `s.yaml:11: trace.runs: "every" is not one of all, first`},
		{"  runs: [all]\n", `s.yaml:11: trace.runs: expected a string, got a list`},
	} {
		_, err := runsScenario(t, c.runs)
		if err == nil || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("%q: error %v, want ...%s", c.runs, err, c.want)
		}
	}
}
