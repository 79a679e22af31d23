package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/htmlreport"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

// runOptions are the flags of `mesosim run`.
type runOptions struct {
	seed     uint64
	duration string
	events   string
	format   string
	check    bool
	sets     []string
	series   string
	interval string
	tasks    string
	report   string
	wide     bool
}

func (o *runOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.Uint64Var(&o.seed, "seed", 0, "root seed (overrides the scenario's seed)")
	f.StringVar(&o.duration, "duration", "", "simulated horizon, a Go duration such as 10m (overrides the scenario's)")
	f.StringVar(&o.events, "events", "", "write the JSONL event log to FILE (- for stdout)")
	f.StringVar(&o.format, "format", "table", "summary format: table, json or csv")
	f.StringArrayVar(&o.sets, "set", nil, "override a scenario value by path, KEY=VALUE (repeatable; see docs/scenarios.md)")
	f.StringVar(&o.series, "series", "", "write the time series to FILE, .csv or .json (- for stdout as CSV; docs/series.md)")
	f.StringVar(&o.interval, "interval", "1m", "the time series' interval, a Go duration of at least 1ms")
	f.StringVar(&o.tasks, "tasks", "", "write one CSV row per task to FILE (- for stdout; docs/series.md)")
	f.BoolVar(&o.wide, "wide", false, "table: every column, not the ones that fit 120 columns")
	f.StringVar(&o.report, "report", "", "write a one-file HTML report (summary, plots, fault timeline) to FILE")
	f.BoolVar(&o.check, "check", true, "check the invariants as the simulation runs (exit status 1 when one breaks)")
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
			name := scenarios.DefaultName
			if len(args) == 1 {
				name = args[0]
			}
			return runScenario(cmd, opts, name)
		},
	}
	opts.register(cmd)
	return cmd
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

func runScenario(cmd *cobra.Command, o *runOptions, name string) error {
	switch o.format {
	case "table", "json", "csv":
	default:
		return badInput("--format: %q is not one of table, json, csv", o.format)
	}
	interval, err := o.seriesInterval()
	if err != nil {
		return err
	}
	sc, err := o.load(cmd, name)
	if err != nil {
		return err
	}
	if (o.series != "" || o.report != "") && sc.Duration/interval > report.MaxSeriesIntervals {
		return badInput("--interval: %s over a horizon of %s gives more than %d intervals", interval, sc.Duration, report.MaxSeriesIntervals)
	}
	prov, text, err := o.provenance(name, sc)
	if err != nil {
		return err
	}
	s, err := scenarios.Build(sc)
	if err != nil {
		return err
	}
	stdout := cmd.OutOrStdout()
	if err := o.checkStdout(); err != nil {
		return err
	}

	// Every output file goes to a temporary file renamed into place only
	// when the run succeeded: never a half-written file.
	var outs []*output
	defer func() {
		for _, f := range outs {
			f.abort() // on every way out, a panic included
		}
	}()
	open := func(flag, path string) (*output, error) {
		if path == "" {
			return nil, nil
		}
		f, err := openOutput(flag, path, stdout)
		if err == nil {
			outs = append(outs, f)
		}
		return f, err
	}
	evOut, err := open("--events", o.events)
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
	if evOut != nil {
		log = report.NewEventLog(evOut.w, &report.Header{Seed: sc.Seed, Scenario: sc.Name, Version: version, Provenance: prov})
		s.World.Observe(log)
	}
	summary := report.NewSummary(summaryConfig(sc))
	var series *report.Series
	if seriesOut != nil || reportOut != nil {
		series = report.NewSeries(summary, interval, sc.Duration)
		s.World.Observe(series) // it hands every record on to the summary
	} else {
		s.World.Observe(summary)
	}
	var tasks *report.TaskLog
	if tasksOut != nil || reportOut != nil {
		tasks = report.NewTaskLog()
		s.World.Observe(tasks)
	}
	var timeline *report.Timeline
	if reportOut != nil {
		timeline = report.NewTimeline()
		s.World.Observe(timeline)
	}
	var checker *report.Checker
	if o.check {
		checker = report.NewChecker(s.World, report.CheckerConfig{
			HealAt: sc.Faults.HealAt, ConvergeWithin: sc.Faults.ConvergeWithin, Emit: s.World.Emit})
		s.World.Observe(checker)
	}

	// Progress on stderr only, and not while stderr carries the summary.
	var prog *workProgress
	if !(o.events == "-" || o.series == "-" || o.tasks == "-" || o.report == "-") {
		stderr := cmd.ErrOrStderr()
		prog = startProgress(stderr, isTerminal(stderr), "run", "s simulated", int64(sc.Duration/sim.Second), runProgressText)
		s.World.Observe(prog)
	}
	s.Run()
	prog.finish()
	if err := s.Err(); err != nil {
		return traceErr(err)
	}
	if checker != nil {
		checker.Finish(sc.Duration)
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
		if err := evOut.commit(); err != nil {
			return err
		}
	}
	var rows []report.SeriesRow
	if series != nil {
		rows = series.Finish(sc.Duration)
	}
	if seriesOut != nil {
		var err error
		if strings.HasSuffix(strings.TrimSuffix(o.series, ".gz"), ".json") {
			err = report.WriteSeriesJSON(seriesOut.w, rows, interval.Seconds(), prov)
		} else {
			err = report.WriteSeriesCSV(seriesOut.w, rows, prov)
		}
		if err != nil {
			return fmt.Errorf("--series: %w", err)
		}
		if err := seriesOut.commit(); err != nil {
			return err
		}
	}
	if tasksOut != nil {
		if err := report.WriteTasksCSV(tasksOut.w, tasks.Rows(), prov); err != nil {
			return fmt.Errorf("--tasks: %w", err)
		}
		if err := tasksOut.commit(); err != nil {
			return err
		}
	}
	res := summary.Finish(sc.Duration)
	res.Provenance = prov
	if checker != nil {
		res.Violations = report.ViolationRows(checker.Violations())
	}
	if reportOut != nil {
		timeline.Finish(sc.Duration)
		doc, err := htmlreport.RunDoc(&htmlreport.Run{
			Title: "mesosim run: " + sc.Name, Description: firstComment(string(text)), Provenance: prov,
			Result: res, Series: rows, Tasks: tasks.Rows(), Timeline: timeline, Repro: o.reproCommand(cmd, name, sc)})
		if err != nil {
			return fmt.Errorf("--report: %w", err)
		}
		if err := doc.Write(reportOut.w); err != nil {
			return fmt.Errorf("--report: %w", err)
		}
		if err := reportOut.commit(); err != nil {
			return err
		}
	}
	out := stdout
	if o.events == "-" || o.series == "-" || o.tasks == "-" || o.report == "-" {
		// An output file owns stdout; the summary goes to stderr.
		out = cmd.ErrOrStderr()
	}
	if err := writeResult(out, res, o.format, o.wide); err != nil {
		return err
	}
	if checker != nil {
		if v := checker.Violations(); len(v) > 0 {
			return violationsError(cmd, name, sc, v)
		}
	}
	return nil
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
	for _, x := range [][2]string{{"--events", o.events}, {"--series", o.series}, {"--tasks", o.tasks}, {"--report", o.report}} {
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

// reproCommand is the `mesosim run` command line that reruns this run.
func (*runOptions) reproCommand(cmd *cobra.Command, name string, sc *scenarios.Scenario) string {
	repro := fmt.Sprintf("mesosim run %s --seed %d", name, sc.Seed)
	for _, v := range cmd.Flags().Lookup("set").Value.(interface{ GetSlice() []string }).GetSlice() {
		repro += fmt.Sprintf(" --set '%s'", v)
	}
	if cmd.Flags().Changed("duration") {
		repro += " --duration " + sc.Duration.String()
	}
	return repro
}

// violationsError reports broken invariants with the seed and the command
// that reproduces them (exit status 1).
func violationsError(cmd *cobra.Command, name string, sc *scenarios.Scenario, v []report.Violation) error {
	w := cmd.ErrOrStderr()
	fmt.Fprintf(w, "%d invariant violation(s) in %s with seed %d:\n", len(v), sc.Name, sc.Seed)
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
	repro := (&runOptions{}).reproCommand(cmd, name, sc)
	fmt.Fprintf(w, "reproduce: %s --events log.jsonl\n", repro)
	return fmt.Errorf("%d invariant violation(s); reproduce with: %s", len(v), repro)
}

// createTemp creates the temporary file an output (of the flag named flag) is written to before
// it is renamed to path: a new file beside path, created with mode 0666
// less the umask as a plain create would be (os.CreateTemp's 0600 would
// leave the renamed log readable by its owner only).
func createTemp(flag, path string) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, badInput("%s: %s is a directory", flag, path)
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		if err == nil {
			return nil, fmt.Errorf("%s: cannot create %s: %s is not a directory", flag, path, dir)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: cannot create %s: directory %s: %w", flag, path, dir, err)
	}
	base := "." + filepath.Base(path) + "." + strconv.Itoa(os.Getpid()) + "."
	for i := 0; ; i++ {
		f, err := os.OpenFile(filepath.Join(dir, base+strconv.Itoa(i)+".tmp"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrExist) || i >= 10_000 {
			return nil, fmt.Errorf("%s: cannot create %s: %w", flag, path, err)
		}
	}
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
	return &cobra.Command{
		Use:   "validate SCENARIO.yaml|NAME",
		Short: "Check a scenario without running it",
		Args:  checkArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := scenarios.Open(args[0])
			if err != nil {
				return err
			}
			if _, err := scenarios.Build(sc); err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%d agents, %d frameworks, %d timeline entries, %s)\n",
				sc.File, len(sc.Agents), len(sc.Frameworks), len(sc.Timeline), sc.Duration)
			return err
		},
	}
}

func newScenariosCmd() *cobra.Command {
	return &cobra.Command{
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
