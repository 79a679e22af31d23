package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/shrink"
	"github.com/mesosim/mesosim/timeline"
)

// maxContext bounds --context: the records kept per task and per agent.
const maxContext = 10_000

// replayOptions are the flags of `mesosim replay`. The scenario flags are
// those of `mesosim run`, so runOptions.load applies them.
type replayOptions struct {
	run     runOptions
	context int
	all     bool
	log     string
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

With --log FILE it reads the violations and the records before them
from an event log (run's or serve's --events) instead of re-running: the
way to replay a served run, whose external frameworks mesosim cannot run.

Exit status 1 when an invariant broke, 0 when none did; SIGINT or SIGTERM
stop it at once, as they stop run (exit status 130 or 143).`,
		Args: checkArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case o.log != "" && o.report != "":
				return badInput("replay: --report needs a scenario to re-run, not --log")
			case o.log != "" && len(args) == 0:
				return replayLog(cmd, o, o.log)
			case o.log != "":
				return badInput("replay: give a scenario or --log FILE, not both")
			case len(args) == 0:
				return badInput("replay: give a scenario (or --log FILE)")
			}
			return replayScenario(cmd, o, args[0])
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&o.run.seed, "seed", 0, "root seed (overrides the scenario's seed)")
	f.StringVar(&o.run.duration, "duration", "", "simulated horizon, a Go duration such as 10m (overrides the scenario's)")
	f.StringArrayVar(&o.run.sets, "set", nil, "override a scenario value by path, KEY=VALUE (repeatable; see docs/scenarios.md)")
	f.IntVar(&o.context, "context", 30, "records to show about the violating task or agent")
	f.BoolVar(&o.all, "all", false, "show every violation, not only the first")
	f.StringVar(&o.log, "log", "", "read the violations and the records before them from an event log (run's or serve's --events) instead of re-running")
	f.StringVar(&o.report, "report", "", "write a one-file HTML report (violations by invariant, the fault timeline) to FILE")
	return cmd
}

func replayScenario(cmd *cobra.Command, o *replayOptions, name string) error {
	if o.context < 1 || o.context > maxContext {
		return badInput("--context: %d is out of range [1, %d]", o.context, maxContext)
	}
	sc, err := o.run.load(cmd, name)
	if err != nil {
		return err
	}
	reportOut, err := openReport(o.report, scenarioInputs(sc))
	if err != nil {
		return err
	}
	defer reportOut.abort()
	var tl *report.Timeline
	if reportOut != nil {
		tl = report.NewTimeline()
	}
	// A replay is one simulation, like run: a stop signal ends it at once.
	restore := exitOnStop(cmd.ErrOrStderr(), "replay")
	rep, err := runReplay(sc, o.context, o.all, tl)
	restore()
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
	rec        *timeline.Recorder
}

// runReplay runs a scenario with the invariant checker and keeps, for the
// first violation (each, with all), the last context records about it and
// the fault records before it.
func runReplay(sc *scenarios.Scenario, context int, all bool, tl *report.Timeline) (*replayResult, error) {
	rec := timeline.NewRecorder(context, all)
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
	return &replayResult{sc: sc, context: context, all: all, violations: vs, rec: rec}, nil
}

// text is the readable timeline `mesosim replay` prints for a run with
// violations, ending with the command that reproduces it.
func (r *replayResult) text(repro string) string {
	var b strings.Builder
	timeline.Write(&b, r.sc.Name, r.sc.Seed, r.violations, r.rec)
	fmt.Fprintf(&b, "\nreproduce: %s\n", repro)
	return b.String()
}
