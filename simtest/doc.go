// Package simtest checks a Mesos framework scheduler against the bad days
// of a cluster, from the framework author's own go test: it draws small
// clusters and schedules of Mesos-realistic faults with
// pgregory.net/rapid, runs the author's model.Scheduler in each, holds
// the run to the invariants of package report (update order, no
// resurrection, reconciliation and convergence after healing, liveness,
// ack before forget, a single leader, resources), and when one breaks
// fails the test with the invariant, the simulation seed and rapid's
// shrunk cluster, printed as a Go literal; it logs the event log excerpt
// and replay timeline of that cluster (the records that led to its first
// violation, as `mesosim replay` prints them) and writes the cluster as
// scenario YAML for `mesosim replay` (Options.FailureDir, Cluster.Scenario).
//
//   - Check(t, newScheduler, opt) is the property test.
//   - Run(cluster, newScheduler, invariants...) runs one explicit Cluster
//     (a shrunk failure pasted into a regression test, or a hand-written
//     one) and returns its violations; the same cluster gives the same
//     violations every time.
//   - ClusterGen(opt) is the cluster generator, for rapid properties of
//     one's own.
//   - Find(newScheduler, opt) searches and shrinks like Check without
//     failing a test, for tests that expect a failure.
//   - Invariant (Options.Invariants) is a check of one's own over the
//     records and the world, held alongside the built-in ones.
//   - Cluster.Scenario writes a cluster as scenario YAML; since mesosim
//     cannot run the user's Go scheduler, its frameworks run a stand-in
//     (Options.StandIn, StandIn(name)): the replay is exact when the
//     stand-in behaves as the scheduler does, as Behavior(name) does.
//   - Behavior(name) is a built-in mesosim behaviour (naive, reconciling)
//     with a small workload, a yardstick beside one's own scheduler.
//
// A cluster's faults are explicit (FaultPlan: loss rules, agent-master
// partitions, agent crash/restart pairs, master failovers), all over by
// HealAt; after it the views of frameworks, master and agents must agree
// within ConvergeWithin and every launched task must settle.
//
// Failfiles are rapid's own mechanism: when Check fails, rapid writes the
// failing input to testdata/rapid/TESTNAME/*.fail and replays every such
// file first on the next run, so the failure keeps failing until it is
// fixed; rapid's flags (-rapid.checks, -rapid.seed, -rapid.failfile,
// -rapid.shrinktime, -rapid.v) work as for any rapid property and win over
// Options.
//
// A framework author's repository (the scheduler's workload is its own:
// it decides what to launch on each offer; README.md, "Testing your
// scheduler from go test", says how to depend on the module):
//
//	package myframework_test
//
//	import (
//		"testing"
//
//		"github.com/mesosim/mesosim/model"
//		"github.com/mesosim/mesosim/sim"
//		"github.com/mesosim/mesosim/simtest"
//
//		"example.com/myframework"
//	)
//
//	func newScheduler() model.Scheduler { return myframework.NewScheduler() }
//
//	// go test -run TestSurvivesFaults -rapid.checks=5000 hunts longer.
//	func TestSurvivesFaults(t *testing.T) {
//		simtest.Check(t, newScheduler, simtest.Options{
//			Agents:     4,
//			Frameworks: 2,
//			MaxFaults:  4,
//			Checks:     1000,
//		})
//	}
//
//	// A failure Check found, pasted from its report, kept as a regression
//	// test.
//	func TestPartitionDuringLaunch(t *testing.T) {
//		c := simtest.Cluster{
//			Agents:     []simtest.Agent{{Name: "a-1", Resources: "cpus:2;mem:4096"}},
//			Frameworks: []simtest.Framework{{Name: "f1", FailoverTimeout: 1 * sim.Hour}},
//			Faults: simtest.FaultPlan{
//				Partitions: []sim.Partition{
//					{Name: "p1", A: []string{"agent/a-1"}, B: []string{"master"}, Start: 1 * sim.Second, Heal: 19 * sim.Second},
//				},
//			},
//			HealAt: 5 * sim.Minute, ConvergeWithin: 15 * sim.Minute, Horizon: 25 * sim.Minute,
//			Seed: 2,
//		}
//		if vs := simtest.Run(c, newScheduler); len(vs) > 0 {
//			t.Fatalf("violations: %v", vs)
//		}
//	}
//
// The runs use the DRF allocator with a one-second allocation interval
// and no network delay. Not drawn: agent reboots (a new agent ID leaves
// the old one unreachable for good, so convergence could never be
// judged), framework failovers, duplication and reordering (beyond real
// Mesos's ordered, at-most-once links).
package simtest
