package simtest_test

import (
	"fmt"

	"github.com/mesosim/mesosim/sim"
	"github.com/mesosim/mesosim/simtest"
)

// A cluster as scenario YAML for `mesosim replay`, every kind of fault
// written out: the loss rule and the partition under faults, the crash,
// restart and master failover in the timeline. Its framework runs the
// stand-in given (here mesosim's naive behaviour with Behavior's
// workload) in place of the test's scheduler.
func ExampleCluster_Scenario() {
	c := simtest.Cluster{
		Agents:     []simtest.Agent{{Name: "a-1", Resources: "cpus:2;mem:4096"}, {Name: "a-2", Resources: "cpus:4;mem:8192"}},
		Frameworks: []simtest.Framework{{Name: "f1", PartitionAware: true, Checkpoint: true, FailoverTimeout: sim.Hour}},
		Faults: simtest.FaultPlan{
			Loss:            []sim.Rule{{Types: []string{"StatusUpdate"}, Loss: 0.25, Start: 10 * sim.Second, End: 2 * sim.Minute}},
			Partitions:      []sim.Partition{{Name: "p1", A: []string{"agent/a-2"}, B: []string{"master"}, Start: 30 * sim.Second, Heal: 90 * sim.Second}},
			Crashes:         []simtest.Crash{{Agent: "a-1", At: sim.Minute, Restart: 3 * sim.Minute}},
			MasterFailovers: []sim.Time{4 * sim.Minute},
		},
		HealAt: 5 * sim.Minute, ConvergeWithin: 15 * sim.Minute, Horizon: 25 * sim.Minute,
		Seed: 9,
	}
	data, err := c.Scenario("shrunk", "found by TestSurvivesFaults", simtest.StandIn("naive"))
	if err != nil {
		panic(err)
	}
	fmt.Print(string(data))
	// Output:
	// # found by TestSurvivesFaults
	// name: shrunk
	// seed: 9
	// duration: 25m0s
	// master: {allocator: drf, allocation_interval: 1s}
	// agents:
	//   - {name: a-1, resources: 'cpus:2;mem:4096'}
	//   - {name: a-2, resources: 'cpus:4;mem:8192'}
	// frameworks:
	//   - name: f1
	//     behavior: naive
	//     refuse_seconds: 5
	//     workload: {interarrival: {dist: exponential, mean: 20s}, tasks_per_job: {dist: uniform, min: 1, max: 3}, task_cpus: 1, task_mem: 512, task_duration: {dist: uniform, min: 1m, max: 4m}, max_jobs: 10}
	//     capabilities: [partition_aware]
	//     checkpoint: true
	//     failover_timeout: 1h0m0s
	// faults:
	//   heal_at: 5m0s
	//   converge_within: 15m0s
	//   network:
	//     - {types: [StatusUpdate], loss: 0.25, start: 10s, end: 2m0s}
	//   partitions:
	//     - {name: p1, a: [agent/a-2], b: [master], start: 30s, heal: 1m30s}
	// timeline:
	//   - {at: 1m0s, crash_agent: {agent: a-1}}
	//   - {at: 3m0s, restart_agent: {agent: a-1}}
	//   - {at: 4m0s, master_failover: {election_delay: 10s}}
}
