package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mesosim/mesosim/internal/fsio"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/shrink"
)

// replayContext is how many records about the violation the event log
// excerpt of a reproducer shows (mesosim replay's default --context).
const replayContext = 30

// fuzzShrunk is what --shrink made of the first failing seed (part of the
// fuzz report).
type fuzzShrunk struct {
	Seed uint64 `json:"seed"`
	// Invariant is the one the seed broke first, which the reproducer
	// breaks first too.
	Invariant string `json:"invariant"`
	// Before and After are the sizes of the seed's scenario and of the
	// reproducer, as "N faults, N agents, N frameworks, N jobs, DURATION".
	Before string `json:"before"`
	After  string `json:"after"`
	// Faults is how many faults the reproducer has.
	Faults int `json:"faults"`
	// Runs is how many candidate scenarios the search ran; Exhausted is
	// set when --shrink-runs ended it, Interrupted when Ctrl-C did.
	Runs        int  `json:"runs"`
	Exhausted   bool `json:"exhausted"`
	Interrupted bool `json:"interrupted,omitempty"`
	// Violation is the reproducer's first violation, as one line.
	Violation string `json:"violation"`
	// File is the reproducer scenario, Log the event log excerpt around
	// its violation, Replay the command that replays it.
	File   string   `json:"file"`
	Log    string   `json:"log"`
	Replay string   `json:"replay"`
	Steps  []string `json:"steps"`
}

// shrinkSeed shrinks one failing seed of the fuzzed scenario and writes the
// reproducer and its event log excerpt to --shrink-dir. A stop signal (on
// sigc) ends the search with the smallest reproducer found so far, which
// is still written; the signal is returned, so that the fuzz exits as an
// interrupted one. After it a second signal has its default effect. file
// and data are the scenario's file name and text, as scenarios.Source
// gives them.
func (o *fuzzOptions) shrinkSeed(stderr io.Writer, name, file string, data []byte, ovs []scenarios.Override, seed uint64, sigc chan os.Signal) (*fuzzShrunk, os.Signal, error) {
	var sig os.Signal // the stop signal received, read once the watcher is done
	out, err := o.shrinkSeedWatched(stderr, name, file, data, ovs, seed, sigc, &sig)
	return out, sig, err
}

// onShrinkStart is called as the shrink's search starts; tests replace it
// to deliver a signal at that point.
var onShrinkStart = func() {}

// shrinkSeedWatched is shrinkSeed; *sig is set to the stop signal
// received, if any, before it returns.
func (o *fuzzOptions) shrinkSeedWatched(stderr io.Writer, name, file string, data []byte, ovs []scenarios.Override, seed uint64, sigc chan os.Signal, sig *os.Signal) (*fuzzShrunk, error) {
	explicit, err := scenarios.Explicit(file, data, ovs, seed)
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex // stderr is written by this goroutine and the signal watcher
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(stderr, "fuzz: "+format+"\n", args...)
	}
	var stop atomic.Bool
	done, exited := make(chan struct{}), make(chan struct{})
	defer func() {
		close(done)
		<-exited // *sig is final
	}()
	go func() {
		defer close(exited)
		select {
		case got := <-sigc:
			stopNotify(sigc) // a second signal ends the process
			*sig = got
			stop.Store(true)
			say("interrupted by %s: keeping the smallest reproducer found so far (the signal again to quit now)", signalName(got))
		case <-done:
		}
	}()
	say("shrinking seed %d (at most %d runs; Ctrl-C keeps the smallest reproducer so far)", seed, o.shrinkRuns)
	onShrinkStart()
	tty := isTerminal(stderr)
	res, err := shrink.Shrink(explicit, shrink.Config{
		File:     file,
		MaxRuns:  o.shrinkRuns,
		Parallel: o.parallel,
		Skip:     o.skipList,
		Stop:     stop.Load,
		Progress: func(st shrink.Step) {
			if tty {
				say("shrink: run %d: %s: %s", st.Runs, st.Size, st.What)
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("shrinking seed %d: %w", seed, err)
	}

	base := filepath.Join(o.shrinkDir, fileSafe(res.Scenario.Name)+fmt.Sprintf("-seed%d-repro", seed))
	yamlPath, logPath := base+".yaml", base+".log"
	out := &fuzzShrunk{
		Seed: seed, Invariant: res.First.Invariant,
		Before: res.Before.String(), After: res.After.String(), Faults: res.After.Faults,
		Runs: res.Runs, Exhausted: res.Exhausted, Interrupted: res.Stopped,
		Violation: violationText(res.Violation),
		File:      yamlPath, Log: logPath, Replay: "mesosim replay " + shellQuote(yamlPath),
		Steps: []string{},
	}
	for _, st := range res.Steps {
		out.Steps = append(out.Steps, st.Pass+": "+st.What)
	}

	origin := fmt.Sprintf("seed %d of %s", seed, name)
	for _, ov := range ovs {
		origin += " --set " + shellQuote(ov.String())
	}
	header := []string{
		"Reproducer written by mesosim " + version + " (mesosim fuzz --shrink) from",
		origin + ",",
		"which first broke " + res.First.Invariant + " " + violationText(res.First) + ".",
		fmt.Sprintf("Shrunk in %d runs from %s", res.Runs, res.Before),
		"to " + res.After.String() + ".",
		"It breaks " + res.Violation.Invariant + " first, " + violationText(res.Violation) + ".",
		"Replay it with: " + out.Replay,
	}
	comments := "# " + strings.Join(header, "\n# ") + "\n"
	var y strings.Builder
	y.WriteString(comments)
	y.Write(res.YAML)

	// The file as written must replay to the same first violation.
	sc, err := scenarios.Parse(yamlPath, []byte(y.String()))
	if err != nil {
		return nil, fmt.Errorf("shrinking seed %d: the reproducer does not decode (a bug): %w", seed, err)
	}
	rr, err := runReplay(sc, replayContext, false, nil)
	if err != nil {
		return nil, fmt.Errorf("shrinking seed %d: the reproducer does not run (a bug): %w", seed, err)
	}
	if len(rr.violations) == 0 || !sameViolation(rr.violations[0], res.Violation) {
		return nil, fmt.Errorf("shrinking seed %d: the reproducer does not replay to %s at %s (a bug)", seed, res.Violation.Invariant, res.Violation.T)
	}
	var l strings.Builder
	l.WriteString(comments)
	l.WriteString("#\n# The reductions kept, in order:\n")
	for i, st := range out.Steps {
		fmt.Fprintf(&l, "#   %d. %s\n", i+1, st)
	}
	l.WriteString("\n")
	l.WriteString(rr.text(out.Replay))

	if err := writeFilesAtomic(map[string][]byte{yamlPath: []byte(y.String()), logPath: []byte(l.String())}, []string{name}); err != nil {
		return nil, err
	}
	return out, nil
}

// sameViolation reports whether two violations are the same: invariant,
// time and subject.
func sameViolation(a, b report.Violation) bool {
	return a.Invariant == b.Invariant && a.T == b.T && a.Task == b.Task && a.Agent == b.Agent && a.Framework == b.Framework
}

// fileSafe turns a scenario name into a file name part: letters, digits,
// '.', '-' and '_' kept, anything else '_', at most 100 bytes.
func fileSafe(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) > 100 {
		b = b[:100]
	}
	return string(b)
}

// write adds the shrink's lines to the fuzz report's table output.
func (s *fuzzShrunk) write(b *strings.Builder) {
	how := ""
	switch {
	case s.Interrupted:
		how = ", interrupted"
	case s.Exhausted:
		how = ", --shrink-runs spent"
	}
	fmt.Fprintf(b, "shrunk seed %d in %d runs%s: %s -> %s\n", s.Seed, s.Runs, how, s.Before, s.After)
	fmt.Fprintf(b, "  first violation of the reproducer: %s %s\n", s.Invariant, s.Violation)
	fmt.Fprintf(b, "  reproducer: %s (event log excerpt: %s)\n", s.File, s.Log)
	fmt.Fprintf(b, "  replay it: %s\n", s.Replay)
}

// writeFilesAtomic writes each file to a temporary file beside it, and
// renames them all into place only when every one was written: no file
// is ever half-written (see createOutput; none may be one of inputs).
func writeFilesAtomic(files map[string][]byte, inputs []string) error {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var outs []*fsio.Output
	defer func() {
		for _, o := range outs {
			o.Abort() // a no-op once committed
		}
	}()
	for _, p := range paths {
		o, err := createOutput("--shrink-dir", p, inputs)
		if err != nil {
			return err
		}
		outs = append(outs, o)
		if _, err := o.Write(files[p]); err != nil {
			return fmt.Errorf("--shrink-dir: %w", err)
		}
	}
	for _, o := range outs {
		if err := o.Commit(); err != nil {
			return fmt.Errorf("--shrink-dir: %w", err)
		}
	}
	return nil
}
