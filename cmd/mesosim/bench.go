package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/policies"
)

// declineOptions are the flags of `mesosim bench` and `mesosim bench decline`.
type declineOptions struct{ agents, frameworks, cycles int }

func (o *declineOptions) register(cmd *cobra.Command) {
	cmd.Flags().IntVar(&o.agents, "agents", 10_000, "agents")
	cmd.Flags().IntVar(&o.frameworks, "frameworks", 1_000, "frameworks")
	cmd.Flags().IntVar(&o.cycles, "cycles", 20, "allocation cycles to time")
}

const declineLong = `Time DRF allocation cycles in the shape of Mesos's allocator benchmark
DeclineOffers: agents of cpus:24;mem:4096 with 16 CPUs of each in use, all
frameworks in one role, every offer declined with a filter longer than the
run. Prints the mean and the slowest cycle in wall time (the CLI reads the
wall clock for this; simulations never do). The Go benchmark
BenchmarkDeclineOffers in package policies measures the same thing.`

func newBenchCmd() *cobra.Command {
	opts := &declineOptions{}
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Time allocation cycles (DeclineOffers shape) or the event loop (bench events)",
		Long: declineLong + `

With no subcommand, bench is bench decline. bench events measures a
scenario's event rate against the empty event loop's.`,
		Args: checkArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return benchDecline(cmd, opts) },
	}
	opts.register(cmd)
	dopts := &declineOptions{}
	decline := &cobra.Command{
		Use:   "decline",
		Short: "Time allocation cycles in the shape of Mesos's DeclineOffers benchmark",
		Long:  declineLong,
		Args:  checkArgs(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, args []string) error { return benchDecline(cmd, dopts) },
	}
	dopts.register(decline)
	cmd.AddCommand(decline, newBenchEventsCmd())
	return cmd
}

func benchDecline(cmd *cobra.Command, o *declineOptions) error {
	if o.agents < 1 || o.agents > 100_000 || o.frameworks < 1 || o.frameworks > 10_000 || o.cycles < 1 || o.cycles > 10_000 {
		return badInput("--agents must be in [1, 100000], --frameworks in [1, 10000], --cycles in [1, 10000]")
	}
	b := policies.NewDeclineOffers(o.agents, o.frameworks, 1)
	var total, worst time.Duration
	for i := 0; i < o.cycles; i++ {
		start := time.Now()
		g := b.Allocate()
		d := time.Since(start)
		total += d
		worst = max(worst, d)
		b.Decline(g)
	}
	_, err := fmt.Fprintf(cmd.OutOrStdout(),
		"DeclineOffers agents=%d frameworks=%d cycles=%d: mean %.2f ms/cycle, slowest %.2f ms, %d offers\n",
		o.agents, o.frameworks, o.cycles, float64(total.Microseconds())/1000/float64(o.cycles),
		float64(worst.Microseconds())/1000, b.Offers())
	return err
}
