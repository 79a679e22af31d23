package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/shrink"
	"github.com/mesosim/mesosim/sim"
)

// maxContext bounds --context: the records kept per task and per agent.
const maxContext = 10_000

// replayOptions are the flags of `mesosim replay`. The scenario flags are
// those of `mesosim run`, so runOptions.load applies them.
type replayOptions struct {
	run     runOptions
	context int
	all     bool
	report  string
}

func newReplayCmd() *cobra.Command {
	o := &replayOptions{}
	cmd := &cobra.Command{
		Use:   "replay SCENARIO.yaml|NAME",
		Short: "Re-run a scenario and print the records that led to its first invariant violation",
		Long: `Re-run a scenario with the invariant checker on and print a readable
timeline of the records that led to the first invariant violation (every
violation with --all): the last --context records about the violating task
or agent, and the fault records before it. The simulation is deterministic,
so the same invariant breaks at the same simulated time on every replay.

Exit status 1 when an invariant broke, 0 when none did.`,
		Args: checkArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return replayScenario(cmd, o, args[0])
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&o.run.seed, "seed", 0, "root seed (overrides the scenario's seed)")
	f.StringVar(&o.run.duration, "duration", "", "simulated horizon, a Go duration such as 10m (overrides the scenario's)")
	f.StringArrayVar(&o.run.sets, "set", nil, "override a scenario value by path, KEY=VALUE (repeatable; see docs/scenarios.md)")
	f.IntVar(&o.context, "context", 30, "records to show about the violating task or agent")
	f.BoolVar(&o.all, "all", false, "show every violation, not only the first")
	f.StringVar(&o.report, "report", "", "write a one-file HTML report (violations by invariant, the fault timeline) to FILE")
	return cmd
}

// replayEntry is one kept record: its position in the stream and its event
// log line.
type replayEntry struct {
	seq  int64
	line string
}

// replayRing keeps the last len(buf) entries appended to it.
type replayRing struct {
	buf  []replayEntry
	next int
	full bool
}

func newReplayRing(n int) *replayRing { return &replayRing{buf: make([]replayEntry, n)} }

func (r *replayRing) add(e replayEntry) {
	r.buf[r.next] = e
	r.next++
	if r.next == len(r.buf) {
		r.next, r.full = 0, true
	}
}

// entries returns the kept entries, oldest first.
func (r *replayRing) entries() []replayEntry {
	if r == nil {
		return nil
	}
	if !r.full {
		return append([]replayEntry(nil), r.buf[:r.next]...)
	}
	return append(append([]replayEntry(nil), r.buf[r.next:]...), r.buf[:r.next]...)
}

// replayShot is the context captured when a violation was reported.
type replayShot struct {
	violation replayEntry
	records   []replayEntry
}

// replayRecorder observes the simulation and keeps, per task and per agent,
// the last few records about it, and the last few fault records. At each
// invariant violation (only the first without --all) it takes a snapshot
// of the records that led to it.
type replayRecorder struct {
	n     int
	all   bool
	seq   int64
	buf   []byte
	tasks map[string]*replayRing // by framework "\x00" task
	// agents: every record naming the agent; agentOwn: those naming no
	// task, the routine offers and declines left out.
	agents, agentOwn map[string]*replayRing
	faults           *replayRing
	violations       int
	shots            []replayShot
}

func newReplayRecorder(n int, all bool) *replayRecorder {
	return &replayRecorder{n: n, all: all, tasks: map[string]*replayRing{},
		agents: map[string]*replayRing{}, agentOwn: map[string]*replayRing{}, faults: newReplayRing(n)}
}

func (p *replayRecorder) ring(m map[string]*replayRing, key string) *replayRing {
	r := m[key]
	if r == nil {
		r = newReplayRing(p.n)
		m[key] = r
	}
	return r
}

// Observe implements model.Observer.
func (p *replayRecorder) Observe(r *model.Record) {
	p.seq++
	p.buf = report.AppendRecord(p.buf[:0], r)
	e := replayEntry{seq: p.seq, line: string(bytes.TrimSuffix(p.buf, []byte("\n")))}
	if r.Kind == model.KindInvariantViolation {
		i := p.violations
		p.violations++
		if i == 0 || p.all {
			p.shots = append(p.shots, p.snapshot(e, r.Task, r.Agent, r.Framework))
		}
		return
	}
	if r.Task != "" {
		p.ring(p.tasks, r.Framework+"\x00"+r.Task).add(e)
	}
	if r.Agent != "" {
		p.ring(p.agents, r.Agent).add(e)
		if r.Task == "" && r.Kind != model.KindOffer && r.Kind != model.KindOfferDeclined {
			p.ring(p.agentOwn, r.Agent).add(e)
		}
	}
	if r.Kind == model.KindFault {
		p.faults.add(e)
	}
}

// snapshot returns the records that led to violation e: the last n records
// about its task (when it names one) or its agent (when it names a task,
// only the agent's records that name no task, routine offers and declines
// left out), and the fault records before it, in stream order.
func (p *replayRecorder) snapshot(e replayEntry, task, agent, fw string) replayShot {
	var about []replayEntry
	if task != "" {
		about = append(about, p.tasks[fw+"\x00"+task].entries()...)
		if agent != "" {
			about = append(about, p.agentOwn[agent].entries()...)
		}
	} else if agent != "" {
		about = append(about, p.agents[agent].entries()...)
	}
	about = replaySort(about)
	if len(about) > p.n {
		about = about[len(about)-p.n:]
	}
	return replayShot{violation: e, records: replaySort(append(about, p.faults.entries()...))}
}

// replaySort sorts entries into stream order, without duplicates.
func replaySort(es []replayEntry) []replayEntry {
	slices.SortFunc(es, func(a, b replayEntry) int { return int(a.seq - b.seq) })
	return slices.CompactFunc(es, func(a, b replayEntry) bool { return a.seq == b.seq })
}

func replayScenario(cmd *cobra.Command, o *replayOptions, name string) error {
	if o.context < 1 || o.context > maxContext {
		return badInput("--context: %d is out of range [1, %d]", o.context, maxContext)
	}
	sc, err := o.run.load(cmd, name)
	if err != nil {
		return err
	}
	reportOut, err := openReport(o.report)
	if err != nil {
		return err
	}
	defer reportOut.abort()
	var tl *report.Timeline
	if reportOut != nil {
		tl = report.NewTimeline()
	}
	rep, err := runReplay(sc, o.context, o.all, tl)
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	repro := "mesosim replay " + shellQuote(name)
	if cmd.Flags().Changed("seed") {
		repro += fmt.Sprintf(" --seed %d", sc.Seed)
	}
	for _, v := range o.run.sets {
		repro += fmt.Sprintf(" --set '%s'", v)
	}
	if cmd.Flags().Changed("duration") {
		repro += " --duration " + sc.Duration.String()
	}
	if reportOut != nil {
		if err := o.writeReport(reportOut, name, sc, rep, tl, repro); err != nil {
			return err
		}
	}
	if len(rep.violations) == 0 {
		_, err := fmt.Fprintf(w, "%s with seed %d: no invariant violated in %s\n", sc.Name, sc.Seed, sc.Duration)
		return err
	}
	if _, err := io.WriteString(w, rep.text(repro)); err != nil {
		return err
	}
	vs := rep.violations
	return fmt.Errorf("%d invariant violation(s); the first: %s at %s; reproduce with: %s",
		len(vs), vs[0].Invariant, vs[0].T, repro)
}

// replayResult is what a replay found: the violations, and the records
// that led to the first (to each, with all).
type replayResult struct {
	sc         *scenarios.Scenario
	context    int
	all        bool
	violations []report.Violation
	shots      []replayShot
}

// runReplay runs a scenario with the invariant checker and keeps, for the
// first violation (each, with all), the last context records about it and
// the fault records before it.
func runReplay(sc *scenarios.Scenario, context int, all bool, tl *report.Timeline) (*replayResult, error) {
	rec := newReplayRecorder(context, all)
	// The recorder observes each record before the checker does, so the
	// record that breaks an invariant is kept before the violation the
	// checker emits for it reaches the recorder.
	obs := []model.Observer{rec}
	if tl != nil {
		obs = append(obs, tl)
	}
	vs, err := shrink.Violations(sc, obs...)
	if err != nil {
		return nil, traceErr(err)
	}
	if tl != nil {
		tl.Finish(sc.Duration)
	}
	return &replayResult{sc: sc, context: context, all: all, violations: vs, shots: rec.shots}, nil
}

// text is the readable timeline `mesosim replay` prints for a run with
// violations, ending with the command that reproduces it.
func (r *replayResult) text(repro string) string {
	var b strings.Builder
	vs := r.violations
	fmt.Fprintf(&b, "%s with seed %d: %d invariant violation(s)", r.sc.Name, r.sc.Seed, len(vs))
	if !r.all && len(vs) > 1 {
		fmt.Fprint(&b, "; the first below (--all for every one)")
	}
	fmt.Fprintln(&b)
	for i, shot := range r.shots {
		v := vs[i]
		subject := "task " + v.Task
		if v.Task == "" {
			subject = "agent " + v.Agent
		} else if v.Agent != "" {
			subject += " on agent " + v.Agent
		}
		if v.Framework != "" {
			subject += " of framework " + v.Framework
		}
		fmt.Fprintf(&b, "\nviolation %d of %d: %s at %s, %s\n", i+1, len(vs), v.Invariant, v.T, subject)
		fmt.Fprintf(&b, "the last %d records about it, and the faults before it:\n", r.context)
		for _, e := range shot.records {
			fmt.Fprintf(&b, "  %s\n", readableRecord(e.line))
		}
		fmt.Fprintf(&b, "> %s\n", readableRecord(shot.violation.line))
	}
	fmt.Fprintf(&b, "\nreproduce: %s\n", repro)
	return b.String()
}

// readableRecord turns one event log line into `TIME  kind  key=value ...`,
// with the fields in the log's order and empty strings left out.
func readableRecord(line string) string {
	d := json.NewDecoder(strings.NewReader(line))
	d.UseNumber()
	var t, kind string
	var fields []string
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return line
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return line
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return line
		}
		switch key {
		case "t":
			n, err := strconv.ParseInt(string(raw), 10, 64)
			if err != nil {
				return line
			}
			t = sim.Time(n).String()
		case "kind":
			kind = readableValue(raw)
		default:
			if v := readableValue(raw); v != "" {
				fields = append(fields, key+"="+v)
			}
		}
	}
	return strings.TrimRight(t+"  "+kind+"  "+strings.Join(fields, " "), " ")
}

// readableValue renders one JSON value: strings unquoted unless they hold
// spaces or quotes, objects as k:v,k:v.
func readableValue(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return string(raw)
		}
		if strings.ContainsAny(s, " \t\n\"=") {
			return strconv.Quote(s)
		}
		return s
	case '{':
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if _, err := d.Token(); err != nil {
			return string(raw)
		}
		var parts []string
		for d.More() {
			tok, err := d.Token()
			if err != nil {
				return string(raw)
			}
			var v json.RawMessage
			if err := d.Decode(&v); err != nil {
				return string(raw)
			}
			parts = append(parts, fmt.Sprint(tok)+":"+readableValue(v))
		}
		return strings.Join(parts, ",")
	}
	return string(raw)
}
