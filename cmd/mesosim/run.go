package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/explain"
	"github.com/mesosim/mesosim/report/htmlreport"
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
	// series, tasks, report: the time series, per-task CSV and HTML
	// report files; interval the series' interval.
	series   string
	interval string
	tasks    string
	report   string
	// wide: the table summary has every column.
	wide bool
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
	f.StringVar(&o.series, "series", "", "write the time series to FILE, .csv or .json (- for stdout as CSV; docs/series.md)")
	f.StringVar(&o.interval, "interval", "1m", "the time series' interval, a Go duration of at least 1ms")
	f.StringVar(&o.tasks, "tasks", "", "write one CSV row per task to FILE (- for stdout; docs/series.md)")
	f.BoolVar(&o.wide, "wide", false, "table: every column, not the ones that fit 120 columns")
	f.StringVar(&o.report, "report", "", "write a one-file HTML report (summary, plots, fault timeline; with --decisions, starvation by cause) to FILE")
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
	ovs, err := o.overrides()
	if err != nil {
		return nil, err
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
	if _, err := o.checkOutputs(sc); err != nil {
		return err
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
// decision records when dec is not nil, the time series, task rows and
// HTML report of --series, --tasks and --report, the summary, the
// invariant checker): run runs it and returns the virtual time it ended
// at. It prints the summary (with the run's provenance) and reports
// violations as run does; skip lists the invariants not judged.
func (o *runOptions) execute(cmd *cobra.Command, name string, sc *scenarios.Scenario, s *scenarios.Sim, skip []string,
	dec *decisionsOut, run func() sim.Time) error {
	stdout := cmd.OutOrStdout()
	interval, err := o.checkOutputs(sc)
	if err != nil {
		return err
	}
	prov, text, err := o.provenance(name, sc)
	if err != nil {
		return err
	}

	// Every output file goes to a temporary file renamed into place only
	// when the run succeeded: never a half-written file.
	var outs []*streamOut
	defer func() {
		for _, f := range outs {
			f.abort() // on every way out, a panic included
		}
	}()
	open := func(flag, path string) (*streamOut, error) {
		if path == "" {
			return nil, nil
		}
		f, err := openStream(flag, path, stdout, scenarioInputs(sc))
		if err == nil {
			outs = append(outs, f)
		}
		return f, err
	}
	logOut, err := open("--events", o.events)
	if err != nil {
		return err
	}
	seriesOut, err := open("--series", o.series)
	if err != nil {
		return err
	}
	tasksOut, err := open("--tasks", o.tasks)
	if err != nil {
		return err
	}
	reportOut, err := open("--report", o.report)
	if err != nil {
		return err
	}

	var log *report.EventLog
	if logOut != nil {
		log = report.NewEventLog(logOut.w, &report.Header{Seed: sc.Seed, Scenario: sc.Name, Version: version, Provenance: prov}).WithHeartbeats(o.heartbeats)
		s.World.Observe(log)
	}
	if dec != nil {
		s.World.Observe(dec.rec)
	}
	var series *report.Series
	var wrap func(*report.Summary) model.Observer
	if seriesOut != nil || reportOut != nil {
		wrap = func(sum *report.Summary) model.Observer {
			series = report.NewSeries(sum, interval, sc.Duration)
			return series // it hands every record on to the summary
		}
	}
	var extra []model.Observer
	var tasks *report.TaskLog
	if tasksOut != nil || reportOut != nil {
		tasks = report.NewTaskLog()
		extra = append(extra, tasks)
	}
	var tl *report.Timeline
	var starve *explain.Analyzer
	if reportOut != nil {
		tl = report.NewTimeline()
		extra = append(extra, tl)
		if dec != nil {
			starve = dec.analyze(explain.Config{Min: reportStarveMin, Spans: reportStarveSpans})
		}
	}
	summary, checker := observe(s, o.check, skip, wrap, extra...)

	// Progress on stderr only, and not while stderr carries the summary;
	// none for serve, whose stderr is its log.
	var prog *workProgress
	if cmd.Name() != "serve" && !o.stdoutTaken() {
		stderr := cmd.ErrOrStderr()
		prog = startProgress(stderr, isTerminal(stderr), "run", "s simulated", int64(sc.Duration/sim.Second), runProgressText)
		s.World.Observe(prog)
	}
	what := "run"
	if cmd.Name() == "serve" {
		what = "serve"
	}
	restore := exitOnStop(cmd.ErrOrStderr(), what)
	end := run()
	restore()
	prog.finish()
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
	var rows []report.SeriesRow
	if series != nil {
		rows = series.Finish(end)
	}
	if seriesOut != nil {
		var err error
		if strings.HasSuffix(strings.TrimSuffix(o.series, ".gz"), ".json") {
			err = report.WriteSeriesJSON(seriesOut.w, rows, interval.Seconds(), prov)
		} else {
			err = report.WriteSeriesCSV(seriesOut.w, rows, prov)
		}
		if err == nil {
			err = seriesOut.commit()
		}
		if err != nil {
			return fmt.Errorf("--series: %w", err)
		}
	}
	if tasksOut != nil {
		err := report.WriteTasksCSV(tasksOut.w, tasks.Rows(), prov)
		if err == nil {
			err = tasksOut.commit()
		}
		if err != nil {
			return fmt.Errorf("--tasks: %w", err)
		}
	}
	res := summary.Finish(end)
	res.Provenance = prov
	if checker != nil {
		res.Violations = report.ViolationRows(checker.Violations())
	}
	if reportOut != nil {
		tl.Finish(end)
		in := &htmlreport.Run{
			Title: "mesosim " + cmd.Name() + ": " + sc.Name, Description: firstComment(string(text)), Provenance: prov,
			Result: res, Series: rows, Tasks: tasks.Rows(), Timeline: tl, Repro: o.reproCommand(cmd, name, sc, skip),
			StarvationHint: starveHint}
		if starve != nil {
			rep, err := starve.Report()
			if err != nil {
				return fmt.Errorf("--report: %w", err)
			}
			in.Starvation = &htmlreport.Starvation{Report: rep, End: end, Min: reportStarveMin}
		}
		doc, err := htmlreport.RunDoc(in)
		if err == nil {
			err = doc.Write(reportOut.w)
		}
		if err == nil {
			err = reportOut.commit()
		}
		if err != nil {
			return fmt.Errorf("--report: %w", err)
		}
	}
	out := stdout
	if o.stdoutTaken() {
		// An output file owns stdout; the summary goes to stderr.
		out = cmd.ErrOrStderr()
	}
	if err := writeResult(out, res, o.format, o.wide); err != nil {
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

// The report's starvation section counts episodes as mesosim explain
// does by default (--min 10s) and draws at most reportStarveSpans of each
// framework's episodes.
const (
	reportStarveMin   = 10 * sim.Second
	reportStarveSpans = 2000
)

// starveHint is the report's line when the run has no --decisions.
const starveHint = "Run with --decisions FILE as well to add a section \"" + htmlreport.StarvationHeading +
	"\": each framework's starvation episodes coloured by their main cause, as mesosim explain finds them."

// observe attaches what every run has, the summary and (with check) the
// invariant checker judging all but the skipped invariants, to a built
// scenario. With wrap, the observer wrap returns for the summary (one
// that hands every record on to it, such as a time series) is attached
// in its place; extra observers are attached after it, before the
// checker.
func observe(s *scenarios.Sim, check bool, skip []string, wrap func(*report.Summary) model.Observer, extra ...model.Observer) (*report.Summary, *report.Checker) {
	sc := s.Scenario
	summary := report.NewSummary(summaryConfig(sc))
	if wrap != nil {
		s.World.Observe(wrap(summary))
	} else {
		s.World.Observe(summary)
	}
	for _, x := range extra {
		s.World.Observe(x)
	}
	var checker *report.Checker
	if check {
		cfg := checkerConfig(sc, skip)
		cfg.Emit = s.World.Emit
		checker = report.NewChecker(s.World, cfg)
		s.World.Observe(checker)
	}
	return summary, checker
}

// checkOutputs checks --interval against sc's horizon (when a series is
// kept) and that at most one output asks for stdout, and returns the
// series interval.
func (o *runOptions) checkOutputs(sc *scenarios.Scenario) (sim.Time, error) {
	interval, err := o.seriesInterval()
	if err != nil {
		return 0, err
	}
	if (o.series != "" || o.report != "") && sc.Duration/interval > report.MaxSeriesIntervals {
		return 0, badInput("--interval: %s over a horizon of %s gives more than %d intervals", interval, sc.Duration, report.MaxSeriesIntervals)
	}
	if err := o.checkStdout(); err != nil {
		return 0, err
	}
	return interval, nil
}

// stdoutTaken is whether an output file writes to stdout (-): the summary
// then goes to stderr.
func (o *runOptions) stdoutTaken() bool {
	return o.events == "-" || o.decisions == "-" || o.series == "-" || o.tasks == "-" || o.report == "-"
}

// seriesInterval parses --interval: a Go duration of at least 1ms.
func (o *runOptions) seriesInterval() (sim.Time, error) {
	d, err := sim.ParseDuration(o.interval)
	if err != nil {
		return 0, badInput("--interval: %v", err)
	}
	if d < sim.Millisecond {
		return 0, badInput("--interval: %s is shorter than 1ms", o.interval)
	}
	return d, nil
}

// checkStdout refuses two outputs asking for stdout at once.
func (o *runOptions) checkStdout() error {
	var on []string
	for _, x := range [][2]string{{"--events", o.events}, {"--decisions", o.decisions}, {"--series", o.series}, {"--tasks", o.tasks}, {"--report", o.report}} {
		if x[1] == "-" {
			on = append(on, x[0])
		}
	}
	if len(on) > 1 {
		return badInput("%s all ask for stdout (-): give all but one a file name", strings.Join(on, " and "))
	}
	return nil
}

// overrides parses the --set values.
func (o *runOptions) overrides() ([]scenarios.Override, error) {
	var ovs []scenarios.Override
	for _, v := range o.sets {
		ov, err := scenarios.ParseOverride(v)
		if err != nil {
			return nil, badInput("--set: %v", err)
		}
		ovs = append(ovs, ov)
	}
	return ovs, nil
}

// provenance is what names a run of sc: its resolved text's hash, seed,
// allocator, overrides, horizon and the binary.
func (o *runOptions) provenance(name string, sc *scenarios.Scenario) (*report.Provenance, []byte, error) {
	ovs, err := o.overrides()
	if err != nil {
		return nil, nil, err
	}
	text, err := scenarios.ResolvedText(name, ovs)
	if err != nil {
		return nil, nil, err
	}
	p := report.NewProvenance(text, version)
	p.Scenario, p.Seed, p.Allocator = sc.Name, sc.Seed, sc.Master.Allocator
	p.Overrides = append(p.Overrides, o.sets...)
	p.Duration = sc.Duration.String()
	return p, text, nil
}

// reproCommand is the command line that reruns this run: `mesosim run`,
// or `mesosim serve` for serve, whose frameworks must be run against it
// again with the same flags.
func (*runOptions) reproCommand(cmd *cobra.Command, name string, sc *scenarios.Scenario, skip []string) string {
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
	return repro
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
	repro := (&runOptions{}).reproCommand(cmd, name, sc, skip)
	fmt.Fprintf(w, "reproduce: %s --events log.jsonl\n", repro)
	return fmt.Errorf("%d invariant violation(s); reproduce with: %s", len(v), repro)
}

func writeResult(w io.Writer, res *report.Result, format string, wide bool) error {
	switch format {
	case "json":
		return res.WriteJSON(w)
	case "csv":
		return res.WriteCSV(w)
	}
	if wide {
		return res.WriteWideTable(w)
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
