package shrink

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/scenarios"
)

var (
	naive = []scenarios.Override{{Path: "faults.swarm", Value: "true"},
		{Path: "frameworks.0.behavior", Value: "naive"}, {Path: "frameworks.1.behavior", Value: "naive"}}
	reconciling = []scenarios.Override{{Path: "faults.swarm", Value: "true"}}
)

// explicit is the embedded reconciliation-under-loss scenario in swarm
// mode with one seed, its faults written out.
func explicit(t testing.TB, ovs []scenarios.Override, seed uint64) []byte {
	t.Helper()
	data, ok := scenarios.BuiltinSource("reconciliation-under-loss")
	if !ok {
		t.Fatal("no embedded reconciliation-under-loss")
	}
	text, err := scenarios.Explicit("r.yaml", data, ovs, seed)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// firstViolation decodes and runs scenario text, and returns its first
// violation as "invariant at T subject".
func firstViolation(t *testing.T, text []byte) string {
	t.Helper()
	sc, err := scenarios.Parse("repro.yaml", text)
	if err != nil {
		t.Fatalf("the reproducer does not decode: %v\n%s", err, text)
	}
	vs, err := Violations(sc)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatalf("the reproducer breaks no invariant:\n%s", text)
	}
	v := vs[0]
	return v.Invariant + " at " + v.T.String() + " " + v.Framework + "/" + v.Task + "@" + v.Agent
}

// TestShrinkNaive shrinks failing seeds of naive frameworks under swarm
// faults: the reproducer breaks the same invariant first, replays to the
// violation Shrink reports, is smaller, and has at most a handful of
// faults and no randomness left in them.
func TestShrinkNaive(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		res, err := Shrink(explicit(t, naive, seed), Config{File: "r.yaml", Parallel: 2})
		if err != nil {
			t.Fatal(err)
		}
		if res.Violation.Invariant != res.First.Invariant {
			t.Errorf("seed %d: the reproducer breaks %s first, the seed %s", seed, res.Violation.Invariant, res.First.Invariant)
		}
		v := res.Violation
		want := v.Invariant + " at " + v.T.String() + " " + v.Framework + "/" + v.Task + "@" + v.Agent
		if got := firstViolation(t, res.YAML); got != want {
			t.Errorf("seed %d: the reproducer replays to %s, Shrink reported %s", seed, got, want)
		}
		if res.After.Faults > 5 {
			t.Errorf("seed %d: %d faults left, want a handful (at most 5):\n%s", seed, res.After.Faults, res.YAML)
		}
		b, a := res.Before, res.After
		if a.Faults > b.Faults || a.Agents > b.Agents || a.Frameworks > b.Frameworks || a.Duration > b.Duration ||
			a == b {
			t.Errorf("seed %d: not smaller: %s -> %s", seed, b, a)
		}
		if bytes.Contains(res.YAML, []byte("swarm: true")) || res.Scenario.Faults.Swarm {
			t.Errorf("seed %d: the reproducer draws faults:\n%s", seed, res.YAML)
		}
		if len(res.Steps) == 0 || res.Steps[len(res.Steps)-1].Runs > res.Runs || res.Runs > DefaultMaxRuns {
			t.Errorf("seed %d: steps %v, runs %d", seed, res.Steps, res.Runs)
		}
	}
}

// TestShrinkParallelism checks that the result does not depend on how many
// candidates run at once.
func TestShrinkParallelism(t *testing.T) {
	in := explicit(t, naive, 2)
	one, err := Shrink(in, Config{File: "r.yaml", Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	three, err := Shrink(in, Config{File: "r.yaml", Parallel: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one.YAML, three.YAML) || one.Runs != three.Runs || !slices.Equal(one.Steps, three.Steps) {
		t.Errorf("parallel 1 and 3 differ:\n%d runs\n%s\n%d runs\n%s", one.Runs, one.YAML, three.Runs, three.YAML)
	}
}

func TestShrinkNoViolation(t *testing.T) {
	_, err := Shrink(explicit(t, reconciling, 1), Config{File: "r.yaml"})
	if !errors.Is(err, ErrNoViolation) {
		t.Errorf("got %v, want ErrNoViolation", err)
	}
}

// TestShrinkBudget checks that MaxRuns bounds the search and that what it
// returns still reproduces.
func TestShrinkBudget(t *testing.T) {
	res, err := Shrink(explicit(t, naive, 1), Config{File: "r.yaml", MaxRuns: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Exhausted || res.Runs != 3 {
		t.Errorf("exhausted %v after %d runs, want true after 3", res.Exhausted, res.Runs)
	}
	if got := firstViolation(t, res.YAML); !strings.HasPrefix(got, res.First.Invariant+" ") {
		t.Errorf("the reproducer breaks %s, want %s", got, res.First.Invariant)
	}
}

// TestShrinkStop checks that Stop ends the search at once with the input.
func TestShrinkStop(t *testing.T) {
	in := explicit(t, naive, 1)
	res, err := Shrink(in, Config{File: "r.yaml", Stop: func() bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Stopped || res.Exhausted || res.Runs != 0 || res.After != res.Before {
		t.Errorf("stopped %v exhausted %v runs %d, %s -> %s", res.Stopped, res.Exhausted, res.Runs, res.Before, res.After)
	}
}

func TestShrinkRefusesSwarm(t *testing.T) {
	data, _ := scenarios.BuiltinSource("reconciliation-under-loss")
	swarm := append(bytes.Clone(data), []byte("\n")...)
	swarm = bytes.Replace(swarm, []byte("faults:\n"), []byte("faults:\n  swarm: true\n"), 1)
	if _, err := Shrink(swarm, Config{File: "r.yaml"}); err == nil || !strings.Contains(err.Error(), "swarm") {
		t.Errorf("got %v, want an error about swarm mode", err)
	}
}

// BenchmarkShrink shrinks seed 1 of naive frameworks under swarm faults
// (one op is one whole search), and reports the candidate runs per second.
func BenchmarkShrink(b *testing.B) {
	in := explicit(b, naive, 1)
	runs := 0
	for b.Loop() {
		res, err := Shrink(in, Config{File: "r.yaml", Parallel: 1})
		if err != nil {
			b.Fatal(err)
		}
		runs += res.Runs
	}
	b.ReportMetric(float64(runs)/b.Elapsed().Seconds(), "runs/s")
}
