package simtest

import (
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/policies"
)

// standInWorkload is the workload of Behavior's schedulers in the scenario
// language (docs/scenarios.md, workload).
const standInWorkload = `{interarrival: {dist: exponential, mean: 20s}, tasks_per_job: {dist: uniform, min: 1, max: 3}, task_cpus: 1, task_mem: 512, task_duration: {dist: uniform, min: 1m, max: 4m}, max_jobs: 10}`

// DefaultStandIn is the framework a cluster's scenario YAML runs in place
// of the user's scheduler when Options.StandIn is empty: StandIn of
// mesosim's reconciling behaviour.
const DefaultStandIn = `{behavior: reconciling, refuse_seconds: 5, workload: ` + standInWorkload + `}`

// Behavior returns a NewScheduler of one of mesosim's built-in behaviours
// (naive, reconciling, or another of the scenario language's, see
// policies.NewBehavior) with a small workload: up to 10 jobs of 1-3 tasks
// of one cpu and 512 MiB for 1-4 minutes, a job every 20 s on average,
// and refuse_seconds 5. It is a yardstick to run beside one's own
// scheduler, and what a failure's scenario runs with StandIn(name). It
// panics on an unknown name.
func Behavior(name string) NewScheduler {
	cfg := policies.BehaviorConfig{
		RefuseSeconds: 5,
		Workload: &policies.WorkloadConfig{
			Interarrival: policies.Dist{Kind: "exponential", Mean: 20},
			TasksPerJob:  policies.Dist{Kind: "uniform", Min: 1, Max: 3},
			TaskCPUs:     policies.Dist{Kind: "constant", Value: 1},
			TaskMem:      policies.Dist{Kind: "constant", Value: 512},
			TaskDuration: policies.Dist{Kind: "uniform", Min: 60, Max: 240},
			MaxJobs:      10,
		},
	}
	if _, err := policies.NewBehavior(name, cfg); err != nil {
		panic("simtest: Behavior: " + err.Error())
	}
	return func() model.Scheduler {
		s, _ := policies.NewBehavior(name, cfg) // accepted above
		return s
	}
}

// StandIn returns Behavior(name) in the scenario language: the framework
// keys (behavior, refuse_seconds, workload) for Options.StandIn and
// Cluster.Scenario, so that the scenario of a failure found with
// Behavior(name) replays to the same violations.
func StandIn(name string) string {
	return `{behavior: ` + name + `, refuse_seconds: 5, workload: ` + standInWorkload + `}`
}
