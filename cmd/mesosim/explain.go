package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report/decisions"
	"github.com/mesosim/mesosim/report/explain"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

// decisionsOut is `run --decisions FILE`: the recorder and the file it
// streams to, renamed into place only when the run succeeded.
type decisionsOut struct {
	out *streamOut
	w   *decisions.Writer
	rec *decisions.Recorder
	tee *teeConsumer // the writer, then any analyzer added
}

// teeConsumer hands every line to each of its consumers in turn.
type teeConsumer struct{ cs []decisions.Consumer }

// Line implements decisions.Consumer.
func (t *teeConsumer) Line(l *decisions.Line) error {
	for _, c := range t.cs {
		if err := c.Line(l); err != nil {
			return err
		}
	}
	return nil
}

// analyze feeds the lines as they are written to an explain analyzer too
// (before the run).
func (d *decisionsOut) analyze(cfg explain.Config) *explain.Analyzer {
	a := explain.New(cfg)
	d.tee.cs = append(d.tee.cs, a)
	return a
}

func openDecisions(path string, sc *scenarios.Scenario, stdout io.Writer) (*decisionsOut, error) {
	out, err := openStream("--decisions", path, stdout, scenarioInputs(sc))
	if err != nil {
		return nil, err
	}
	w := decisions.NewWriter(out.w)
	tee := &teeConsumer{cs: []decisions.Consumer{w}}
	return &decisionsOut{out: out, w: w, rec: newRecorder(tee, sc), tee: tee}, nil
}

func newRecorder(c decisions.Consumer, sc *scenarios.Scenario) *decisions.Recorder {
	return decisions.NewRecorder(c, decisions.Header{Scenario: sc.Name, Seed: sc.Seed, Policy: sc.Master.Allocator}, summaryConfig(sc))
}

// sink is the allocator's sink: none without --decisions.
func (d *decisionsOut) sink() model.DecisionSink {
	if d == nil {
		return nil
	}
	return d.rec
}

// finish writes the end line and puts the file in place.
func (d *decisionsOut) finish(end sim.Time) error {
	if err := d.rec.Finish(end); err != nil {
		return fmt.Errorf("--decisions: %w", err)
	}
	if err := d.w.Flush(); err != nil {
		return fmt.Errorf("--decisions: %w", err)
	}
	if err := d.out.commit(); err != nil {
		return fmt.Errorf("--decisions: %w", err)
	}
	return nil
}

// explainOptions are the flags of `mesosim explain`.
type explainOptions struct {
	run       runOptions // --seed, --duration, --set for a scenario
	framework string
	agent     string
	from, to  string
	min       string
	format    string
}

func newExplainCmd() *cobra.Command {
	o := &explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain [SCENARIO.yaml|NAME|DECISIONS.jsonl]",
		Short: "Explain why frameworks got no offers: the allocator's reasons behind each starvation episode",
		Long: `Run a scenario (the embedded default with no argument) recording the
allocator's decisions, or read a decisions file written by
"mesosim run --decisions FILE", and explain starvation.

With --framework F: each of F's starvation episodes (offerless intervals
with demand, as the summary's starvation metric defines them) at least
--min long, in plain words: the allocator's reasons summed over agents and
cycles, and the first cycle after which the episode could no longer end by
itself. Without --framework: a table of every framework's starvation and
main cause. docs/explain.md defines every reason and rule.`,
		Example: `  mesosim explain
  mesosim explain --framework spark --format json
  mesosim run my.yaml --decisions d.jsonl && mesosim explain d.jsonl --framework f1 --from 5m --to 20m --agent a-3`,
		Args: checkArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExplain(cmd, o, scenarioArg(args))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.framework, "framework", "", "the framework to explain (none: a table of every framework)")
	f.StringVar(&o.agent, "agent", "", "count only the visits of this agent")
	f.StringVar(&o.from, "from", "", "start of the time window, a duration such as 5m (default: the start)")
	f.StringVar(&o.to, "to", "", "end of the time window, a duration such as 20m (default: the end)")
	f.StringVar(&o.min, "min", "10s", "shortest episode reported")
	f.StringVar(&o.format, "format", "text", "output format: text or json")
	f.Uint64Var(&o.run.seed, "seed", 0, "root seed (overrides the scenario's seed; not for a decisions file)")
	f.StringVar(&o.run.duration, "duration", "", "simulated horizon (overrides the scenario's; not for a decisions file)")
	f.StringArrayVar(&o.run.sets, "set", nil, "override a scenario value by path, KEY=VALUE (repeatable; not for a decisions file)")
	return cmd
}

// flagTime parses a time flag: empty is def; otherwise a duration in
// [0, scenarios.MaxDuration].
func flagTime(flag, v string, def sim.Time) (sim.Time, error) {
	if v == "" {
		return def, nil
	}
	t, err := sim.ParseDuration(v)
	if err != nil {
		return 0, badInput("--%s: %v", flag, err)
	}
	if t < 0 || t > scenarios.MaxDuration {
		return 0, badInput("--%s: %s is out of range [0, %s]", flag, v, scenarios.MaxDuration)
	}
	return t, nil
}

func (o *explainOptions) config() (explain.Config, error) {
	cfg := explain.Config{Framework: o.framework, Agent: o.agent}
	var err error
	if cfg.From, err = flagTime("from", o.from, 0); err != nil {
		return cfg, err
	}
	if cfg.To, err = flagTime("to", o.to, 0); err != nil {
		return cfg, err
	}
	if o.to != "" && cfg.To <= cfg.From {
		return cfg, badInput("--to: %s is not after --from %s", cfg.To, cfg.From)
	}
	if cfg.Min, err = flagTime("min", o.min, 0); err != nil {
		return cfg, err
	}
	switch o.format {
	case "text", "json":
	default:
		return cfg, badInput("--format: %q is not one of text, json", o.format)
	}
	return cfg, nil
}

// decisionsHeader is how every decisions file begins.
var decisionsHeader = []byte(`{"kind":"header"`)

// isDecisionsFile reports whether name is a file that begins as a
// decisions file does (plain or gzip).
func isDecisionsFile(name string) bool {
	f, err := openInput(name)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(decisionsHeader))
	n, _ := io.ReadFull(f, head)
	return bytes.Equal(head[:n], decisionsHeader)
}

func runExplain(cmd *cobra.Command, o *explainOptions, name string) error {
	cfg, err := o.config()
	if err != nil {
		return err
	}
	a := explain.New(cfg)
	if isDecisionsFile(name) {
		for _, flag := range []string{"seed", "duration", "set"} {
			if cmd.Flags().Changed(flag) {
				return badInput("--%s: %s is a decisions file, a finished run: nothing to override", flag, name)
			}
		}
		f, err := openInput(name)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := decisions.Read(f, name, a); err != nil {
			return inputError{err}
		}
	} else {
		sc, err := o.run.load(cmd, name)
		if err != nil {
			return err
		}
		if err := checkTraceFiles(sc, false); err != nil {
			return err
		}
		if o.framework != "" && !hasFramework(sc, o.framework) {
			return badInput("--framework: scenario %s has no framework %q", sc.Name, o.framework)
		}
		rec := newRecorder(a, sc)
		s, err := scenarios.BuildWith(sc, scenarios.Options{Decisions: rec})
		if err != nil {
			return err
		}
		s.World.Observe(rec)
		s.Run()
		if err := s.Err(); err != nil {
			return traceErr(err)
		}
		if err := rec.Finish(sc.Duration); err != nil {
			return err
		}
	}
	rep, err := a.Report()
	if err != nil {
		return inputError{err}
	}
	if o.format == "json" {
		return rep.WriteJSON(cmd.OutOrStdout())
	}
	return rep.WriteText(cmd.OutOrStdout())
}

// hasFramework reports whether the scenario subscribes a framework named
// name, at the start or on its timeline.
func hasFramework(sc *scenarios.Scenario, name string) bool {
	if slices.ContainsFunc(sc.Frameworks, func(f scenarios.FrameworkSpec) bool { return f.Name == name }) {
		return true
	}
	return slices.ContainsFunc(sc.Timeline, func(e scenarios.Event) bool {
		return e.Kind == scenarios.KindAddFramework && e.Framework.Name == name
	})
}
