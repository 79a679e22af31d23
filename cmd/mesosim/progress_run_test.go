package main

import (
	"strings"
	"testing"
	"time"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// Off a terminal, run's progress is a plain line of simulated time done
// of the horizon every few seconds (here shortened); on one, a bar that
// is cleared when the run ends.
func TestWorkProgress(t *testing.T) {
	old := workLineEvery
	workLineEvery = 5 * time.Millisecond
	defer func() { workLineEvery = old }()

	var plain syncBuffer
	p := startProgress(&plain, false, "run", "s simulated", 100, runProgressText)
	p.Observe(&model.Record{T: 25 * sim.Second})
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(plain.String(), "run: 25s of 100s simulated (25%)") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	p.finish()
	if !strings.Contains(plain.String(), "run: 25s of 100s simulated (25%)\n") {
		t.Errorf("plain progress %q", plain.String())
	}

	var tty syncBuffer
	p = startProgress(&tty, true, "compare", "runs", 4, compareProgressText)
	p.done.Add(2)
	time.Sleep(3 * fuzzBarEvery)
	p.finish()
	if out := tty.String(); !strings.Contains(out, "compare") || !strings.Contains(out, "2/4") || !strings.Contains(out, "\r") {
		t.Errorf("bar output %q", out)
	}
	if strings.Contains(plain.String(), "\r") {
		t.Error("plain lines carry a carriage return")
	}
}

// Progress goes to stderr only: stdout holds the summary alone.
func TestProgressNotOnStdout(t *testing.T) {
	old := workLineEvery
	workLineEvery = time.Millisecond
	defer func() { workLineEvery = old }()
	r := mustRun(t, exitOK, "run", "--duration", "2m", "--format", "json")
	if !strings.HasPrefix(r.stdout, "{") || strings.Contains(r.stdout, "simulated (") {
		t.Errorf("stdout is not the JSON alone: %.200s", r.stdout)
	}
	if !strings.Contains(r.stderr, "s of 120s simulated") {
		t.Errorf("no progress on stderr: %q", r.stderr)
	}
}
