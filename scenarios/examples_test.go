package scenarios

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/sim"
)

var update = flag.Bool("update", false, "rewrite golden files")

// offersOf runs an embedded scenario and returns its offers as
// "TIME framework agent resources" lines.
func offersOf(t *testing.T, name string) []string {
	t.Helper()
	sc, err := Open(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	s.World.Observe(model.ObserverFunc(func(r *model.Record) {
		if r.Kind == model.KindOffer {
			got = append(got, fmt.Sprintf("%s %s %s %s", r.T, r.Framework, r.Agent, r.Resources))
		}
	}))
	s.Run()
	return got
}

// TestAllocatorReferenceExamples holds the embedded scenarios to the public
// worked examples of ../shared/reference/mesos-allocator.md, offer by offer.
func TestAllocatorReferenceExamples(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		want     []string
	}{
		{"drf-unreserved", []string{
			"0s f1 a1 cpus:2;mem:1024", // 1. f1 is offered all of a1
			"1s f2 a2 cpus:1;mem:512",  // 2. r2's share is 0
			"2s f2 a3 cpus:3;mem:2048", // 3. r1 at 0.33, r2 at 0.167
			"3s f3 a4 cpus:4;mem:4096", // 4. r1 at 0.2 < r2 at 0.4; f3 before f1
			"4s f2 a5 cpus:1;mem:512",  // 5. r1 at 0.625 by memory, r2 at 0.364
		}},
		{"drf-same-share", []string{
			"0s f1 a1 cpus:2;mem:1024", "1s f2 a1 cpus:2;mem:1024",
			"2s f1 a1 cpus:2;mem:1024", "3s f2 a1 cpus:2;mem:1024",
			"4s f1 a1 cpus:2;mem:1024", "5s f2 a1 cpus:2;mem:1024",
			"6s f1 a1 cpus:2;mem:1024", "7s f2 a1 cpus:2;mem:1024",
			"8s f1 a1 cpus:2;mem:1024", "9s f2 a1 cpus:2;mem:1024",
		}},
		{"drf-quota", []string{
			"0s f1 a2 cpus:1;mem:512", // both agents to f1 in the quota stage
			"0s f1 a1 cpus:1;mem:512",
			"2s f1 a2 cpus:1;mem:512", // nothing at 1s: a2 is qr's headroom
		}},
		{"drf-offer-filter", []string{
			"0s f1 a1 cpus:1;mem:512", // declined at once with a 2 s filter
			"2s f1 a1 cpus:1;mem:512", // nothing at 1s; again at 2s
		}},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			got := offersOf(t, tc.scenario)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("offers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// eventLog runs a scenario (embedded name or file) with seed and duration
// overrides and returns its JSONL event log.
func eventLog(t testing.TB, name string, seed uint64, duration sim.Time) []byte {
	t.Helper()
	sc, err := Open(name)
	if err != nil {
		t.Fatal(err)
	}
	if seed != 0 {
		sc.Seed = seed
	}
	if duration != 0 {
		sc.Duration = duration
	}
	s, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := report.NewEventLog(&buf, &report.Header{Seed: sc.Seed, Scenario: sc.Name, Version: "test"})
	s.World.Observe(log)
	s.Run()
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGoldenEventLogs compares the full event log of every small embedded
// scenario with testdata/golden/NAME.jsonl (go test -update rewrites them).
func TestGoldenEventLogs(t *testing.T) {
	for _, name := range Builtin() {
		if !strings.HasPrefix(name, "drf-") {
			continue // the large scenarios are pinned by summaries
		}
		t.Run(name, func(t *testing.T) {
			golden(t, filepath.Join("testdata", "golden", name+".jsonl"), eventLog(t, name, 0, 0))
		})
	}
}

// TestDefaultGoldenSummary pins the default scenario's first ten minutes.
func TestDefaultGoldenSummary(t *testing.T) {
	sc, err := Open(DefaultName)
	if err != nil {
		t.Fatal(err)
	}
	sc.Duration = 10 * sim.Minute
	s, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	sum := report.NewSummary(report.SummaryConfig{FairSharingExcluded: sc.Master.FairSharingExcluded})
	s.World.Observe(sum)
	s.Run()
	var buf bytes.Buffer
	if err := sum.Finish(sc.Duration).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("testdata", "golden", "default-10m-summary.json"), buf.Bytes())
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./scenarios -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length: got %d lines, want %d", path, len(gl), len(wl))
	}
}

// TestDeterminism: the same seed twice gives byte-identical logs; another
// seed gives a different one.
func TestDeterminism(t *testing.T) {
	a := eventLog(t, DefaultName, 7, 3*sim.Minute)
	b := eventLog(t, DefaultName, 7, 3*sim.Minute)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different event logs")
	}
	c := eventLog(t, DefaultName, 8, 3*sim.Minute)
	if bytes.Equal(a, c) {
		t.Fatal("different seeds, identical event logs")
	}
	if n := bytes.Count(a, []byte("\n")); n < 1000 {
		t.Fatalf("only %d records in 3 minutes of the default scenario", n)
	}
}
