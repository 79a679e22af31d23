package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

// runOptions are the flags of `mesosim run`.
type runOptions struct {
	seed     uint64
	duration string
	events   string
	// heartbeats: the event log keeps heartbeat records.
	heartbeats bool
	format     string
	check      bool
	sets       []string
	skip       string
	// decisions: write the allocator's decision records to this file.
	decisions string
}

func (o *runOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.Uint64Var(&o.seed, "seed", 0, "root seed (overrides the scenario's seed)")
	f.StringVar(&o.duration, "duration", "", "simulated horizon, a Go duration such as 10m (overrides the scenario's)")
	f.StringVar(&o.events, "events", "", "write the JSONL event log to FILE (- for stdout)")
	f.StringVar(&o.decisions, "decisions", "", "write the allocator's decision records (JSONL, read by mesosim explain) to FILE (- for stdout)")
	f.BoolVar(&o.heartbeats, "events-heartbeats", false, "keep HEARTBEAT events (heartbeat records, dropped HEARTBEAT messages) in the --events log")
	f.StringVar(&o.format, "format", "table", "summary format: table, json or csv")
	f.StringArrayVar(&o.sets, "set", nil, "override a scenario value by path, KEY=VALUE (repeatable; see docs/scenarios.md)")
	f.BoolVar(&o.check, "check", true, "check the invariants as the simulation runs (exit status 1 when one breaks)")
	registerSkip(cmd, &o.skip)
}

func newRunCmd() *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [SCENARIO.yaml|NAME]",
		Short: "Run a scenario and print its summary",
		Long: `Run a scenario file, or an embedded scenario by name (see "mesosim
scenarios"). With no argument, runs the embedded default scenario.`,
		Args: checkArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScenario(cmd, opts, scenarioArg(args))
		},
	}
	opts.register(cmd)
	return cmd
}

// scenarioArg is the scenario an optional argument names: the embedded
// default when there is none.
func scenarioArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return scenarios.DefaultName
}

// load opens a scenario and applies the flag overrides.
func (o *runOptions) load(cmd *cobra.Command, name string) (*scenarios.Scenario, error) {
	var ovs []scenarios.Override
	for _, v := range o.sets {
		ov, err := scenarios.ParseOverride(v)
		if err != nil {
			return nil, badInput("--set: %v", err)
		}
		ovs = append(ovs, ov)
	}
	sc, err := scenarios.OpenWith(name, ovs)
	if err != nil {
		return nil, err
	}
	if cmd.Flags().Changed("seed") {
		sc.Seed = o.seed
	}
	if o.duration != "" {
		d, err := sim.ParseDuration(o.duration)
		if err != nil {
			return nil, badInput("--duration: %v", err)
		}
		if d <= 0 || d > scenarios.MaxDuration {
			return nil, badInput("--duration: %s is out of range (0, %s]", o.duration, scenarios.MaxDuration)
		}
		sc.Duration = d
	}
	return sc, nil
}

// build loads a scenario with the flag overrides and wires it.
func (o *runOptions) build(cmd *cobra.Command, name string) (*scenarios.Sim, error) {
	sc, err := o.load(cmd, name)
	if err != nil {
		return nil, err
	}
	return scenarios.Build(sc)
}

func runScenario(cmd *cobra.Command, o *runOptions, name string) error {
	switch o.format {
	case "table", "json", "csv":
	default:
		return badInput("--format: %q is not one of table, json, csv", o.format)
	}
	if o.heartbeats && o.events == "" {
		return badInput("--events-heartbeats: there is no event log to keep them in (add --events FILE)")
	}
	if o.events != "" && o.events == o.decisions {
		if o.events == "-" {
			return badInput("--events and --decisions cannot both write to stdout")
		}
		return badInput("--decisions: %s is the --events file too", o.decisions)
	}
	skip, err := parseSkip(o.skip)
	if err != nil {
		return err
	}
	sc, err := o.load(cmd, name)
	if err != nil {
		return err
	}
	if o.check {
		if err := checkHorizon(sc, skip, durationFrom(o.duration, o.sets)); err != nil {
			return err
		}
	}
	if err := checkTraceFiles(sc, false); err != nil {
		return err
	}
	stdout := cmd.OutOrStdout()
	var dec *decisionsOut
	if o.decisions != "" {
		if dec, err = openDecisions(o.decisions, sc, stdout); err != nil {
			return err
		}
		defer dec.out.abort()
	}
	s, err := scenarios.BuildWith(sc, scenarios.Options{Decisions: dec.sink()})
	if err != nil {
		return err
	}
	return o.execute(cmd, name, sc, s, skip, dec, func() sim.Time { s.Run(); return sc.Duration })
}

// execute runs a built scenario with run's observers (the event log, the
// decision records when dec is not nil, the summary, the invariant
// checker): run runs it and returns the virtual time it ended at. It
// prints the summary and reports violations as run does; skip lists the
// invariants not judged.
func (o *runOptions) execute(cmd *cobra.Command, name string, sc *scenarios.Scenario, s *scenarios.Sim, skip []string,
	dec *decisionsOut, run func() sim.Time) error {
	stdout := cmd.OutOrStdout()
	var err error

	// The event log goes to a temporary file renamed into place only when
	// the run succeeded: never a half-written log.
	var log *report.EventLog
	var logOut *streamOut
	if o.events != "" {
		if logOut, err = openStream("--events", o.events, stdout, scenarioInputs(sc)); err != nil {
			return err
		}
		// On every way out, a panic included: no temporary file left.
		defer logOut.abort()
		log = report.NewEventLog(logOut.w, &report.Header{Seed: sc.Seed, Scenario: sc.Name, Version: version}).WithHeartbeats(o.heartbeats)
		s.World.Observe(log)
	}
	if dec != nil {
		s.World.Observe(dec.rec)
	}
	summary, checker := observe(s, o.check, skip)

	what := "run"
	if cmd.Name() == "serve" {
		what = "serve"
	}
	restore := exitOnStop(cmd.ErrOrStderr(), what)
	end := run()
	restore()
	if err := s.Err(); err != nil {
		return traceErr(err)
	}
	if checker != nil {
		checker.Finish(end)
	}
	if counts, st, _ := s.ReplayStats(); counts != nil {
		var parts []string
		for _, fw := range sortedKeys(counts) {
			if fw != "" {
				parts = append(parts, fmt.Sprintf("%s %d", fw, counts[fw]))
			}
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "trace: %d rows read, tasks replayed: %s; %d matched no rule; %d malformed rows skipped\n",
			st.Rows, strings.Join(parts, ", "), counts[""], st.Bad)
	}

	if log != nil {
		if err := log.Close(); err != nil {
			return fmt.Errorf("--events: %w", err)
		}
		if err := logOut.commit(); err != nil {
			return fmt.Errorf("--events: %w", err)
		}
	}
	if dec != nil {
		if err := dec.finish(end); err != nil {
			return err
		}
	}
	res := summary.Finish(end)
	out := stdout
	if o.events == "-" || o.decisions == "-" {
		// The log owns stdout; the summary goes to stderr.
		out = cmd.ErrOrStderr()
	}
	if err := writeResult(out, res, o.format); err != nil {
		return err
	}
	if checker != nil {
		if v := checker.Violations(); len(v) > 0 {
			return violationsError(cmd, name, sc, v, skip)
		}
		if !allJudged(sc, skip) && (o.events != "-" || o.format == "table") {
			// A pass that judged less than every invariant says so (but
			// not into a JSON or CSV summary that stderr carries).
			if _, err := fmt.Fprintln(cmd.ErrOrStderr(), "mesosim: note: no invariant broke; "+judgedText(sc, skip)); err != nil {
				return err
			}
		}
	}
	return nil
}

// observe attaches what every run has, the summary and (with check) the
// invariant checker judging all but the skipped invariants, to a built
// scenario.
func observe(s *scenarios.Sim, check bool, skip []string) (*report.Summary, *report.Checker) {
	sc := s.Scenario
	summary := report.NewSummary(summaryConfig(sc))
	s.World.Observe(summary)
	var checker *report.Checker
	if check {
		cfg := checkerConfig(sc, skip)
		cfg.Emit = s.World.Emit
		checker = report.NewChecker(s.World, cfg)
		s.World.Observe(checker)
	}
	return summary, checker
}

// violationsError reports broken invariants with the seed and the command
// that reproduces them (exit status 1).
func violationsError(cmd *cobra.Command, name string, sc *scenarios.Scenario, v []report.Violation, skip []string) error {
	w := cmd.ErrOrStderr()
	fmt.Fprintf(w, "%d invariant violation(s) in %s with seed %d (%s):\n", len(v), sc.Name, sc.Seed, judgedText(sc, skip))
	for i, x := range v {
		if i == 10 {
			fmt.Fprintf(w, "  ... and %d more (see the event log's invariant_violated lines)\n", len(v)-10)
			break
		}
		subject := x.Task
		if subject == "" {
			subject = x.Agent
		}
		fmt.Fprintf(w, "  %s %s %s: %s\n", x.T, x.Invariant, subject, x.Detail)
	}
	// serve's violations need the framework run again, against mesosim
	// serve with the same flags.
	command := "run"
	if cmd.Name() == "serve" {
		command = "serve"
	}
	repro := fmt.Sprintf("mesosim %s %s --seed %d", command, name, sc.Seed)
	for _, v := range cmd.Flags().Lookup("set").Value.(interface{ GetSlice() []string }).GetSlice() {
		repro += fmt.Sprintf(" --set '%s'", v)
	}
	if cmd.Flags().Changed("duration") {
		repro += " --duration " + sc.Duration.String()
	}
	if len(skip) > 0 {
		repro += " --" + skipFlag + " " + strings.Join(skip, ",")
	}
	fmt.Fprintf(w, "reproduce: %s --events log.jsonl\n", repro)
	return fmt.Errorf("%d invariant violation(s); reproduce with: %s", len(v), repro)
}

func writeResult(w io.Writer, res *report.Result, format string) error {
	switch format {
	case "json":
		return res.WriteJSON(w)
	case "csv":
		return res.WriteCSV(w)
	}
	return res.WriteTable(w)
}

func newValidateCmd() *cobra.Command {
	o := &runOptions{}
	var deep bool
	cmd := &cobra.Command{
		Use:   "validate SCENARIO.yaml|NAME",
		Short: "Check a scenario without running it",
		Args:  checkArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			skip, err := parseSkip(o.skip)
			if err != nil {
				return err
			}
			sc, err := o.load(cmd, args[0])
			if err != nil {
				return err
			}
			if err := checkHorizon(sc, skip, durationFrom(o.duration, o.sets)); err != nil {
				return err
			}
			if err := checkTraceFiles(sc, deep); err != nil {
				return err
			}
			if _, err := scenarios.BuildServed(sc); err != nil { // external frameworks are fine here
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%d agents, %d frameworks, %d timeline entries, %s)\n",
				sc.File, len(sc.Agents), len(sc.Frameworks), len(sc.Timeline), sc.Duration)
			return err
		},
	}
	cmd.Flags().StringArrayVar(&o.sets, "set", nil, "override a scenario value by path, KEY=VALUE (repeatable), as run does")
	cmd.Flags().BoolVar(&deep, "deep", false, "read every trace file whole (every row parsed, every gzip block checked), not only its first rows")
	registerSkip(cmd, &o.skip)
	return cmd
}

func newScenariosCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List the embedded scenarios",
		Args:  checkArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			width := 0
			for _, n := range scenarios.Builtin() {
				width = max(width, len(n))
			}
			for _, n := range scenarios.Builtin() {
				src, _ := scenarios.BuiltinSource(n)
				fmt.Fprintf(w, "%-*s  %s\n", width, n, firstComment(string(src)))
			}
			return nil
		},
	}
	cmd.AddCommand(newScenariosShowCmd())
	return cmd
}

// firstComment returns the first comment line of a YAML text, unprefixed.
func firstComment(src string) string {
	for _, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(line, "#") {
			return strings.TrimSpace(strings.TrimPrefix(line, "#"))
		}
	}
	return ""
}

// summaryConfig is the summary's configuration for a scenario: the
// excluded resources, and the frameworks that submit tasks (the others are
// taken as always wanting offers).
func summaryConfig(sc *scenarios.Scenario) report.SummaryConfig {
	cfg := report.SummaryConfig{FairSharingExcluded: sc.Master.FairSharingExcluded}
	add := func(f *scenarios.FrameworkSpec) {
		if f.Workload != nil {
			cfg.Submitters = append(cfg.Submitters, f.Name)
		}
	}
	for i := range sc.Frameworks {
		add(&sc.Frameworks[i])
	}
	for i := range sc.Timeline {
		if f := sc.Timeline[i].Framework; f != nil {
			add(f)
		}
	}
	return cfg
}
