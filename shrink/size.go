package shrink

import (
	"fmt"
	"strings"

	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

// Size measures a scenario the way the search reduces it.
type Size struct {
	// Faults counts network rules, partitions, agent crashes (with their
	// restarts), master failovers and framework failovers.
	Faults     int
	Agents     int // including timeline add_agent
	Frameworks int // including timeline add_framework
	// Jobs sums the workload frameworks' max_jobs; Unbounded is set when
	// one has none (it submits jobs until the horizon).
	Jobs      int
	Unbounded bool
	Duration  sim.Time
}

// Measure returns the size of a decoded scenario.
func Measure(sc *scenarios.Scenario) Size {
	z := Size{
		Faults:     len(sc.Faults.Network) + len(sc.Faults.Partitions),
		Agents:     len(sc.Agents),
		Frameworks: len(sc.Frameworks),
		Duration:   sc.Duration,
	}
	jobs := func(f *scenarios.FrameworkSpec) {
		if f.Workload == nil {
			return
		}
		if f.Workload.MaxJobs == 0 {
			z.Unbounded = true
		}
		z.Jobs += f.Workload.MaxJobs
	}
	for i := range sc.Frameworks {
		jobs(&sc.Frameworks[i])
	}
	for _, e := range sc.Timeline {
		switch e.Kind {
		case scenarios.KindCrashAgent, scenarios.KindMasterFailover, scenarios.KindFrameworkFailover, scenarios.KindPartition:
			z.Faults++
		case scenarios.KindAddAgent:
			z.Agents++
		case scenarios.KindAddFramework:
			z.Frameworks++
			jobs(e.Framework)
		}
	}
	return z
}

// String is "3 faults, 8 agents, 2 frameworks, 55 jobs, 30m0s"; jobs are
// "unbounded" when a workload framework has no max_jobs.
func (z Size) String() string {
	jobs := fmt.Sprintf("%d jobs", z.Jobs)
	if z.Unbounded {
		jobs = "unbounded jobs"
	}
	parts := []string{plural(z.Faults, "fault"), plural(z.Agents, "agent"), plural(z.Frameworks, "framework"), jobs, z.Duration.String()}
	return strings.Join(parts, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
