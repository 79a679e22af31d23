package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/shrink"
	"github.com/mesosim/mesosim/sweep"
)

// maxMergeParts is the most part files one merge reads (every shard of
// the largest sweep, each given up to 4 times by retries).
const maxMergeParts = 4 * sweep.MaxShards

type mergeOptions struct {
	format     string
	shrink     bool
	shrinkRuns int
	shrinkDir  string
	parallel   int
}

func newMergeCmd() *cobra.Command {
	m := &mergeOptions{}
	cmd := &cobra.Command{
		Use:   "merge PART.json...",
		Short: "Merge the parts of a sharded compare or fuzz sweep into its output",
		Long: `Merge the parts that "compare --shard i/N --out PART.json" or "fuzz
--shard i/N --out PART.json" wrote, and print exactly what the command
would have printed run on one machine (wall times apart), with the same
exit status. Every part must be of the same sweep (the same fingerprint)
and architecture; every cell must be present, once or as identical
copies. --format overrides the sweep's format; --shrink shrinks the first
failing seed of a fuzz sweep as "fuzz --shrink" does. See docs/sweeps.md.`,
		Args: checkArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return m.run(cmd, args) },
	}
	f := cmd.Flags()
	f.StringVar(&m.format, "format", "", "output format (default: the sweep's own --format)")
	f.BoolVar(&m.shrink, "shrink", false, "fuzz: shrink the first failing seed (as fuzz --shrink)")
	f.IntVar(&m.shrinkRuns, "shrink-runs", shrink.DefaultMaxRuns, "fuzz: candidate scenarios --shrink may run at most")
	f.StringVar(&m.shrinkDir, "shrink-dir", ".", "fuzz: directory --shrink writes the reproducer and its event log excerpt to")
	f.IntVar(&m.parallel, "parallel", runtime.GOMAXPROCS(0), "fuzz --shrink: simulations run at once")
	return cmd
}

func (m *mergeOptions) run(cmd *cobra.Command, paths []string) error {
	if len(paths) > maxMergeParts {
		return badInput("%d parts given; at most %d", len(paths), maxMergeParts)
	}
	parts := make([]sweep.Named, len(paths))
	for i, p := range paths {
		part, err := sweep.Read(p)
		if err != nil {
			return badInput("%v", err)
		}
		parts[i] = sweep.Named{Name: p, Part: part}
	}
	ref, err := sweep.Check(parts)
	if err != nil {
		return badInput("%v", err)
	}
	for _, p := range parts[1:] {
		if a, b := parts[0].Part.Build, p.Part.Build; a.Version != b.Version || a.Revision != b.Revision || a.Modified != b.Modified {
			warn(cmd.ErrOrStderr(), "%s and %s were written by different mesosim builds (%s, %s): results may differ between them",
				parts[0].Name, p.Name, buildText(a), buildText(b))
			break
		}
	}
	shards, _ := ref.ParsedShard()
	fuzzOnly := []string{"shrink", "shrink-runs", "shrink-dir", "parallel"}
	switch ref.Command {
	case "compare":
		for _, f := range fuzzOnly {
			if cmd.Flags().Changed(f) {
				return badInput("--%s is for fuzz parts; these are compare parts", f)
			}
		}
		o := &compareOptions{}
		c := compareCommand(o)
		if _, err := parseRecorded(c, ref); err != nil {
			return err
		}
		if cmd.Flags().Changed("format") {
			o.format = m.format
		}
		s, err := o.resolve(c, ref.File, []byte(ref.Scenario), shards.Count, false)
		if err != nil {
			return err
		}
		values, err := collect(parts, ref, s.spec, s.cells(), s.describe)
		if err != nil {
			return err
		}
		results := make([]*report.Result, len(values))
		for i, v := range values {
			results[i] = &report.Result{}
			if err := decodeCell(v, results[i]); err != nil {
				return badInput("cell %d (%s): %v", i, s.describe(i), err)
			}
		}
		return s.write(cmd.OutOrStdout(), results, nil)
	default: // "fuzz": sweep.Decode accepts no other command
		o := &fuzzOptions{}
		c := fuzzCommand(o)
		name, err := parseRecorded(c, ref)
		if err != nil {
			return err
		}
		if cmd.Flags().Changed("format") {
			o.format = m.format
		}
		o.shrink, o.shrinkRuns, o.shrinkDir, o.parallel = m.shrink, m.shrinkRuns, m.shrinkDir, m.parallel
		s, err := o.resolve(name, ref.File, []byte(ref.Scenario), shards.Count, false)
		if err != nil {
			return err
		}
		values, err := collect(parts, ref, s.spec, o.seeds, s.describe)
		if err != nil {
			return err
		}
		outcomes := make([]fuzzOutcome, len(values))
		for i, v := range values {
			var fc fuzzCell
			if err := decodeCell(v, &fc); err != nil {
				return badInput("cell %d (%s): %v", i, s.describe(i), err)
			}
			outcomes[i] = fc.outcome()
		}
		// A stop signal during --shrink keeps the smallest reproducer so far.
		sigc := make(chan os.Signal, 1)
		notifyStop(sigc)
		defer stopNotify(sigc)
		return s.finish(cmd, outcomes, "", nil, partsWall(parts), sigc)
	}
}

// buildText names a build: its version, and its revision when known.
func buildText(b sweep.Build) string {
	s := b.Version
	if b.Revision != "" {
		s += " " + b.Revision
		if b.Modified {
			s += "-dirty"
		}
	}
	return s
}

// parseRecorded parses a part's recorded arguments with the command that
// wrote it (c, whose flags fill its options) and returns the scenario
// argument.
func parseRecorded(c *cobra.Command, ref *sweep.Part) (string, error) {
	if len(ref.Args) == 0 {
		return "", badInput("the part holds no arguments (no scenario)")
	}
	if err := c.ParseFlags(ref.Args[1:]); err != nil {
		return "", badInput("the part's arguments %q: %v", ref.Args, err)
	}
	if rest := c.Flags().Args(); len(rest) > 0 {
		return "", badInput("the part's arguments %q: unexpected %q", ref.Args, rest)
	}
	return ref.Args[0], nil
}

// collect checks that the sweep the part's arguments describe is the one
// its fingerprint names, with total cells, and returns every cell's value.
func collect(parts []sweep.Named, ref *sweep.Part, spec sweep.Spec, total int, describe func(int) string) ([]json.RawMessage, error) {
	if spec.Fingerprint() != ref.Fingerprint || total != ref.Total {
		return nil, badInput("the parts' arguments %q do not give their fingerprint %s or their %d cells: a part was edited", ref.Args, ref.Fingerprint, ref.Total)
	}
	values, err := sweep.Collect(parts, describe)
	if err != nil {
		return nil, badInput("%v", err)
	}
	return values, nil
}

// decodeCell decodes one cell's value strictly into v.
func decodeCell(value json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(value))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("not a result of this mesosim: %v", err)
	}
	return nil
}

// partsWall is the wall time of the sweep: the sum over its shards (each
// counted once, however many copies of its part were given) of the time
// each took.
func partsWall(parts []sweep.Named) time.Duration {
	seen := map[string]bool{}
	var total float64
	for _, p := range parts {
		if !seen[p.Part.Shard] {
			seen[p.Part.Shard] = true
			total += p.Part.WallSeconds
		}
	}
	return time.Duration(total * float64(time.Second))
}
