package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mesosim/mesosim/internal/fsio"
	"github.com/mesosim/mesosim/sweep"
)

// shardOptions are the flags that run one shard of a compare or fuzz
// sweep and write its part (docs/sweeps.md).
type shardOptions struct {
	shardText string
	out       string
	shard     sweep.Shard
}

func (s *shardOptions) register(f *pflag.FlagSet) {
	f.StringVar(&s.shardText, "shard", "", "run only shard i/N of the sweep's cells (dealt round-robin); needs --out")
	f.StringVar(&s.out, "out", "", "write this shard's results to PART.json, for mesosim merge, instead of printing them")
}

// check parses --shard and checks --out; it is done before anything runs.
func (s *shardOptions) check() error {
	s.shard = sweep.Whole
	if s.shardText != "" {
		sh, err := sweep.ParseShard(s.shardText)
		if err != nil {
			return badInput("--shard: %v", err)
		}
		s.shard = sh
		if s.out == "" {
			return badInput("--shard %s needs --out PART.json: a shard's results are a part, merged by mesosim merge", s.shardText)
		}
	}
	return nil
}

// partOutput is the --out file being written (see createOutput).
type partOutput struct {
	path string
	out  *fsio.Output
}

// create opens --out before anything runs, as every output of mesosim is
// (createOutput: a directory or one of inputs is bad input, a missing
// folder an I/O failure); abort removes it unless commit wrote it.
func (s *shardOptions) create(inputs []string) (*partOutput, error) {
	out, err := createOutput("--out", s.out, inputs)
	if err != nil {
		return nil, err
	}
	return &partOutput{path: s.out, out: out}, nil
}

func (p *partOutput) abort() { p.out.Abort() }

// commit writes the part and renames it into place, and says so on
// stderr.
func (p *partOutput) commit(cmd *cobra.Command, part *sweep.Part) error {
	b, err := part.Encode()
	if err != nil {
		return err
	}
	if _, err := p.out.Write(b); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if err := p.out.Commit(); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "mesosim: wrote part %s (%d of %d cells) to %s\n", part.Shard, len(part.Cells), part.Total, p.path)
	return nil
}

// sharded reports whether the run writes a part rather than its output.
func (s *shardOptions) sharded() bool { return s.out != "" }

// runFlags are the flags that say how to run a shard, not what it
// computes: they are left out of a part's recorded arguments.
var runFlags = map[string]bool{"shard": true, "out": true, "parallel": true}

// recordedArgs are the command's arguments as a part records them: the
// scenario argument, then every flag the user set as --name=value (a
// repeated flag once per value), in flag-name order, without runFlags.
// Parsing them again with the same command gives the same options.
func recordedArgs(cmd *cobra.Command, name string) []string {
	args := []string{name}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if runFlags[f.Name] {
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				args = append(args, "--"+f.Name+"="+v)
			}
			return
		}
		args = append(args, "--"+f.Name+"="+f.Value.String())
	})
	return args
}

// buildInfo identifies this binary, for a part's header.
func buildInfo() sweep.Build {
	b := sweep.Build{Version: version, GOARCH: runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		b.Module = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Revision = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	return b
}

// newPart is the header of the part of shard sh of a sweep.
func newPart(command string, args []string, file string, data []byte, spec sweep.Spec, sh sweep.Shard, total int) *sweep.Part {
	return &sweep.Part{
		Format:      sweep.FormatVersion,
		Build:       buildInfo(),
		Fingerprint: spec.Fingerprint(),
		Shard:       sh.String(),
		Command:     command,
		Args:        args,
		File:        file,
		Scenario:    string(data),
		Total:       total,
		Cells:       []sweep.Cell{},
	}
}

// addCell appends one cell's result to a part.
func addCell(p *sweep.Part, index int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("cell %d: encoding its result: %w", index, err)
	}
	p.Cells = append(p.Cells, sweep.Cell{Index: index, Value: b})
	return nil
}
