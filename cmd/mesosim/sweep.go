package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/internal/shell"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sweep"
)

// sweepOptions are the flags common to the job file generators.
type sweepOptions struct {
	name       string
	shards     int
	maxRunning int
	cpus       int
	mesosim    string
	parts      string
	mergeArgs  []string
}

func (s *sweepOptions) register(cmd *cobra.Command, partsDefault, mesosimDefault string) {
	f := cmd.Flags()
	f.StringVar(&s.name, "name", "mesosim-sweep", "name of the jobs (NAME, NAME-merge): lowercase letters, digits and '-'")
	f.IntVar(&s.shards, "shards", 0, "shards N to split the sweep into (required)")
	f.IntVar(&s.maxRunning, "max-running", 0, "shards run at once at most (0: no limit)")
	f.IntVar(&s.cpus, "cpus-per-task", 1, "CPUs of each shard, its --parallel")
	f.StringVar(&s.mesosim, "mesosim", mesosimDefault, "the mesosim binary the jobs run")
	f.StringVar(&s.parts, "parts", partsDefault, "folder of the parts, the logs and the merged output")
	f.StringArrayVar(&s.mergeArgs, "merge-arg", nil, "an argument of the merge, e.g. --merge-arg=--format=json (repeatable)")
}

func newSweepCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sweep slurm|k8s [flags] -- compare|fuzz ARGS...",
		Short: "Write the job files that run a compare or fuzz sweep on Slurm or Kubernetes",
		Long: `Write a Slurm script (sweep slurm) or a Kubernetes manifest (sweep k8s)
that runs "mesosim compare|fuzz ARGS --shard i/N --out PART.json" for every
shard i, and then "mesosim merge" of the parts. The engine schedules the
shards; the merged output is what the command prints on one machine. See
docs/sweeps.md.`,
		Args: checkArgs(cobra.NoArgs),
	}
	cmd.AddCommand(newSweepSlurmCmd(), newSweepK8sCmd())
	return cmd
}

func newSweepSlurmCmd() *cobra.Command {
	s := &sweepOptions{}
	var extra []string
	cmd := &cobra.Command{
		Use:   "slurm --shards N [flags] -- compare|fuzz ARGS...",
		Short: "Write a bash script that submits the sweep as a Slurm job array and a dependent merge job",
		Args:  checkArgs(cobra.MinimumNArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return s.write(cmd, args, func(job sweep.Job, header string) ([]byte, error) { return sweep.Slurm(job, extra, header) })
		},
	}
	s.register(cmd, "mesosim-sweep-parts", "mesosim")
	cmd.Flags().StringArrayVar(&extra, "sbatch", nil, "an sbatch option for both jobs, e.g. --sbatch=--partition=batch (repeatable)")
	return cmd
}

func newSweepK8sCmd() *cobra.Command {
	s := &sweepOptions{}
	k := sweep.K8s{}
	cmd := &cobra.Command{
		Use:   "k8s --shards N --image IMAGE [flags] -- compare|fuzz ARGS...",
		Short: "Write a Kubernetes manifest: an Indexed Job of the shards and a merge Job",
		Args:  checkArgs(cobra.MinimumNArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return s.write(cmd, args, func(job sweep.Job, header string) ([]byte, error) { return sweep.Kubernetes(job, k, header) })
		},
	}
	s.register(cmd, "/parts", "mesosim")
	f := cmd.Flags()
	f.StringVar(&k.Image, "image", "", "container image with mesosim on its PATH (required)")
	f.StringVar(&k.Claim, "claim", "", "an existing ReadWriteMany PersistentVolumeClaim for the parts (default: the manifest makes NAME-parts)")
	f.StringVar(&k.ClaimSize, "claim-size", "1Gi", "size of the claim the manifest makes")
	f.StringVar(&k.StorageClass, "storage-class", "", "storage class of the claim the manifest makes (default: the cluster's)")
	f.IntVar(&k.Retries, "retries", 2, "retries of each shard (backoffLimitPerIndex) and of the merge")
	return cmd
}

// write checks the sweep's command line and prints the job file that
// generate makes of it; generate's errors are bad input.
func (s *sweepOptions) write(cmd *cobra.Command, args []string, generate func(sweep.Job, string) ([]byte, error)) error {
	job, header, err := s.job(cmd, args)
	if err != nil {
		return err
	}
	out, err := generate(job, header)
	if err != nil {
		return badInput("%v", err)
	}
	_, err = cmd.OutOrStdout().Write(out)
	return err
}

// job checks the sweep's command line (args: compare|fuzz and its
// arguments) as the command itself would, without running anything, and
// returns the job and the header comment of its file.
func (s *sweepOptions) job(cmd *cobra.Command, args []string) (sweep.Job, string, error) {
	if !cmd.Flags().Changed("shards") {
		return sweep.Job{}, "", badInput("--shards N is required")
	}
	command, rest := args[0], args[1:]
	var c *cobra.Command
	var cells func() (int, error)
	switch command {
	case "compare":
		o := &compareOptions{}
		c = compareCommand(o)
		cells = func() (int, error) {
			file, data, err := scenarios.Source(c.Flags().Arg(0))
			if err != nil {
				return 0, err
			}
			sw, err := o.resolve(c, file, data, s.shards, false)
			if err != nil {
				return 0, err
			}
			return sw.cells(), nil
		}
	case "fuzz":
		o := &fuzzOptions{}
		c = fuzzCommand(o)
		cells = func() (int, error) {
			if o.timeBudget != 0 || o.shrink {
				return 0, badInput("fuzz --time-budget and --shrink do not go in a sweep: a part holds its whole shard; shrink with --merge-arg=--shrink")
			}
			file, data, err := scenarios.Source(c.Flags().Arg(0))
			if err != nil {
				return 0, err
			}
			if _, err := o.resolve(c.Flags().Arg(0), file, data, s.shards, false); err != nil {
				return 0, err
			}
			return o.seeds, nil
		}
	default:
		return sweep.Job{}, "", badInput("the sweep's command %q: want compare or fuzz, after --", command)
	}
	if err := c.ParseFlags(rest); err != nil {
		return sweep.Job{}, "", badInput("%s: %v", command, err)
	}
	if n := c.Flags().NArg(); n != 1 {
		return sweep.Job{}, "", badInput("%s: want one scenario argument, got %d", command, n)
	}
	for f := range runFlags {
		if c.Flags().Changed(f) {
			return sweep.Job{}, "", badInput("%s --%s: the job sets --shard, --out and --parallel itself", command, f)
		}
	}
	total, err := cells()
	if err != nil {
		return sweep.Job{}, "", err
	}
	// The recorded arguments: the scenario first, as a part records them.
	recorded := recordedArgs(c, c.Flags().Arg(0))
	job := sweep.Job{Name: s.name, Shards: s.shards, MaxRunning: s.maxRunning, CPUs: s.cpus, Mesosim: s.mesosim,
		Command: command, Args: recorded, MergeArgs: s.mergeArgs, Parts: s.parts}
	header := fmt.Sprintf("A mesosim sweep in %d shards of its %d cells, written by mesosim %s (%s):\n    mesosim %s %s",
		s.shards, total, version, cmd.CommandPath(), command, shell.Join(recorded))
	if s.shards > total {
		warn(cmd.ErrOrStderr(), "%d shards for %d cells: %d shards will be empty", s.shards, total, s.shards-total)
	}
	return job, header, nil
}

func warn(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "mesosim: note: "+format+"\n", args...)
}
