package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/policies"
)

func newBenchCmd() *cobra.Command {
	var agents, frameworks, cycles int
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Time allocation cycles in the shape of Mesos's DeclineOffers benchmark",
		Long: `Time DRF allocation cycles in the shape of Mesos's allocator benchmark
DeclineOffers: agents of cpus:24;mem:4096 with 16 CPUs of each in use, all
frameworks in one role, every offer declined with a filter longer than the
run. Prints the mean and the slowest cycle in wall time (the CLI reads the
wall clock for this; simulations never do). The Go benchmark
BenchmarkDeclineOffers in package policies measures the same thing.`,
		Args: checkArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if agents < 1 || agents > 100_000 || frameworks < 1 || frameworks > 10_000 || cycles < 1 || cycles > 10_000 {
				return badInput("--agents must be in [1, 100000], --frameworks in [1, 10000], --cycles in [1, 10000]")
			}
			b := policies.NewDeclineOffers(agents, frameworks, 1)
			var total, worst time.Duration
			for i := 0; i < cycles; i++ {
				start := time.Now()
				g := b.Allocate()
				d := time.Since(start)
				total += d
				worst = max(worst, d)
				b.Decline(g)
			}
			_, err := fmt.Fprintf(cmd.OutOrStdout(),
				"DeclineOffers agents=%d frameworks=%d cycles=%d: mean %.2f ms/cycle, slowest %.2f ms, %d offers\n",
				agents, frameworks, cycles, float64(total.Microseconds())/1000/float64(cycles),
				float64(worst.Microseconds())/1000, b.Offers())
			return err
		},
	}
	cmd.Flags().IntVar(&agents, "agents", 10_000, "agents")
	cmd.Flags().IntVar(&frameworks, "frameworks", 1_000, "frameworks")
	cmd.Flags().IntVar(&cycles, "cycles", 20, "allocation cycles to time")
	return cmd
}
