package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/sim"
)

// Bounds of the empty loop's run in `bench events`: as many events as the
// scenario ran, but at least enough for a stable rate and at most a few
// seconds' worth.
const (
	minChurnEvents = 200_000
	maxChurnEvents = 20_000_000
)

func newBenchEventsCmd() *cobra.Command {
	opts := &runOptions{duration: "15m"}
	cmd := &cobra.Command{
		Use:   "events [SCENARIO.yaml|NAME]",
		Short: "Compare a scenario's event rate with the empty event loop's",
		Long: `Run a scenario (default: the embedded default scenario for 15 simulated
minutes) with the summary and, unless --check=false, the invariant checker
attached, as mesosim run does; then run an empty event loop (events that
only reschedule themselves) at the scenario's mean queue depth in the same
process. Prints both rates in events per wall-clock second and their ratio:
how close the simulation runs to the loop's own ceiling.`,
		Args: checkArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return benchEvents(cmd, opts, scenarioArg(args))
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&opts.seed, "seed", 0, "root seed (overrides the scenario's)")
	f.StringVar(&opts.duration, "duration", opts.duration, "simulated horizon, a Go duration such as 1h")
	f.StringArrayVar(&opts.sets, "set", nil, "override a scenario value by path, KEY=VALUE (repeatable)")
	f.BoolVar(&opts.check, "check", true, "run the invariant checker too")
	return cmd
}

func benchEvents(cmd *cobra.Command, o *runOptions, name string) error {
	s, err := o.build(cmd, name)
	if err != nil {
		return err
	}
	sc := s.Scenario
	_, checker := observe(s, o.check, nil, nil)
	loop := s.World.Loop()
	start := time.Now()
	var depth uint64 // queue depth summed over the events run
	for loop.Step(sc.Duration) {
		depth += uint64(loop.Pending())
	}
	if checker != nil {
		checker.Finish(sc.Duration)
	}
	simWall := time.Since(start)
	if err := s.Err(); err != nil {
		return traceErr(err)
	}
	events := loop.Events()
	meanDepth := 1
	if events > 0 {
		meanDepth = max(1, int((depth+events/2)/events))
	}

	n := int(min(max(events, minChurnEvents), maxChurnEvents))
	churn := sim.NewChurn(sim.NewLoop(), meanDepth, sim.Second, 1)
	start = time.Now()
	churn.Steps(n)
	loopWall := time.Since(start)

	simRate := rate(events, simWall)
	loopRate := rate(uint64(n), loopWall)
	ratio := 0.0
	if loopRate > 0 {
		ratio = simRate / loopRate
	}
	checks := "checker on"
	if checker == nil {
		checks = "checker off"
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(),
		"scenario %s, %s simulated (%s): %d events in %.3f s, %.0f events/s, mean queue depth %d\n"+
			"empty loop at depth %d: %d events in %.3f s, %.0f events/s\n"+
			"ratio %.3f\n",
		sc.Name, sc.Duration, checks, events, simWall.Seconds(), simRate, meanDepth,
		meanDepth, n, loopWall.Seconds(), loopRate, ratio)
	return err
}

// rate is events per second of d (0 for no time at all).
func rate(events uint64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(events) / d.Seconds()
}
