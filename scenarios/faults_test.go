package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/sim"
)

// checkFaultInvariants holds a decoded scenario's faults to what the
// decoder promises (called by checkInvariants, so also by FuzzParse).
func checkFaultInvariants(t *testing.T, sc *Scenario) {
	t.Helper()
	fs := sc.Faults
	if fs.ConvergeWithin <= 0 {
		t.Fatalf("converge_within %v", fs.ConvergeWithin)
	}
	if fs.HealAt != sim.Never && (fs.HealAt < 0 || fs.HealAt >= sc.Duration) {
		t.Fatalf("heal_at %v with duration %v", fs.HealAt, sc.Duration)
	}
	if len(fs.Network) > MaxFaultRules {
		t.Fatalf("%d rules", len(fs.Network))
	}
	names := map[string]bool{}
	for _, r := range fs.Network {
		if err := r.Validate(); err != nil {
			t.Fatalf("rule %+v: %v", r, err)
		}
		if r.End > sc.Duration || r.Start > sc.Duration {
			t.Fatalf("rule %+v beyond the duration", r)
		}
		for _, typ := range r.Types {
			if !slices.Contains(MessageTypes, typ) {
				t.Fatalf("rule type %q", typ)
			}
		}
	}
	for _, p := range fs.Partitions {
		if err := p.Validate(); err != nil || names[p.Name] || strings.HasPrefix(p.Name, SwarmPrefix) {
			t.Fatalf("partition %+v: %v", p, err)
		}
		names[p.Name] = true
	}
	for _, e := range sc.Timeline {
		if e.Kind == KindPartition {
			if names[e.Partition.Name] {
				t.Fatalf("duplicate partition %q", e.Partition.Name)
			}
			names[e.Partition.Name] = true
		}
	}
}

// faultHeader starts inline fault cases: lines 1-5.
const faultHeader = "name: x\nduration: 10s\nagents: [{name: a, resources: \"cpus:1\"}]\nframeworks: [{name: f, behavior: hold}]\n"

var faultBadCases = []struct {
	name string
	in   string
	want string
}{
	{"unknown faults key", header + "faults: {swarmy: true}\n",
		`t.yaml:3: unknown key "swarmy" in faults; allowed keys: swarm, heal_at, converge_within, network, partitions`},
	{"swarm not a bool", header + "faults: {swarm: yes}\n",
		`t.yaml:3: faults.swarm: expected true or false, got a string ("yes")`},
	{"heal_at beyond duration", header + "faults: {heal_at: 11s}\n",
		`t.yaml:3: faults.heal_at: 11s is beyond the scenario duration 10s`},
	{"zero converge_within", header + "faults:\n  converge_within: 0s\n",
		`t.yaml:4: faults.converge_within: must be greater than 0`},
	{"faults network not a list", header + "faults: {network: {loss: 1}}\n",
		`t.yaml:3: faults.network: expected a list of rules, got a mapping`},
	{"unknown rule key", header + "faults:\n  network:\n    - {los: 0.1}\n",
		`t.yaml:5: unknown key "los" in faults.network; allowed keys: types, from, to, loss, duplicate, delay, reorder, start, end`},
	{"loss above 1", header + "faults:\n  network:\n    - {loss: 1.5}\n",
		`t.yaml:5: faults.network.loss: probability 1.5 outside [0, 1]`},
	{"negative duplicate", header + "faults:\n  network:\n    - loss: 0.1\n      duplicate: -0.01\n",
		`t.yaml:6: faults.network.duplicate: probability -0.01 outside [0, 1]`},
	{"loss not a number", header + "faults:\n  network:\n    - {loss: \"0.1\"}\n",
		`t.yaml:5: faults.network.loss: expected a number, got a string ("0.1")`},
	{"unknown message type", header + "faults:\n  network:\n    - {types: [StatusUpdateMessage], loss: 1}\n",
		`t.yaml:5: faults.network.types: unknown message type "StatusUpdateMessage" (known: ` + strings.Join(MessageTypes, ", ") + `)`},
	{"duplicate message type", header + "faults:\n  network:\n    - types:\n        - UPDATE\n        - UPDATE\n",
		`t.yaml:7: faults.network.types: duplicate message type "UPDATE"`},
	{"empty types", header + "faults:\n  network:\n    - {types: [], loss: 1}\n",
		`t.yaml:5: faults.network.types: empty list; leave types out to match every message type`},
	{"unknown delay dist", header + "faults:\n  network:\n    - delay: {dist: normal, mean: 1s}\n",
		`t.yaml:5: faults.network.delay.dist: unknown delay distribution "normal" (known: exponential, fixed, uniform)`},
	{"uniform delay max below min", header + "faults:\n  network:\n    - delay:\n        dist: uniform\n        min: 5ms\n        max: 1ms\n",
		`t.yaml:8: faults.network.delay: max 1ms is less than min 5ms`},
	{"delay key of another kind", header + "faults:\n  network:\n    - delay: {dist: fixed, value: 1ms, mean: 2ms}\n",
		`t.yaml:5: faults.network.delay: key "mean" does not apply to a fixed delay (allowed: dist, value)`},
	{"delay missing max", header + "faults:\n  network:\n    - delay: {dist: uniform, min: 1ms}\n",
		`t.yaml:5: faults.network.delay: missing required key "max"`},
	{"exponential delay zero mean", header + "faults:\n  network:\n    - delay: {dist: exponential, mean: 0s}\n",
		`t.yaml:5: faults.network.delay.mean: must be greater than 0`},
	{"negative delay", header + "faults:\n  network:\n    - delay: -1ms\n",
		`t.yaml:5: faults.network.delay: negative duration "-1ms"`},
	{"end not after start", header + "faults:\n  network:\n    - {loss: 0.1, start: 5s, end: 5s}\n",
		`t.yaml:5: faults.network.end: 5s is not after start 5s`},
	{"end beyond duration", header + "faults:\n  network:\n    - {loss: 0.1, end: 1m}\n",
		`t.yaml:5: faults.network.end: 1m0s is beyond the scenario duration 10s`},
	{"rule starts at heal_at", header + "faults:\n  heal_at: 5s\n  network:\n    - {loss: 0.1, start: 5s}\n",
		`t.yaml:6: faults.network.start: 5s is not before faults.heal_at 5s (line 4): no fault applies from heal_at on`},
	{"from names no agent", header + "faults:\n  network:\n    - {from: agent/zz, loss: 0.1}\n",
		`t.yaml:5: faults.network.from: "agent/zz" matches no actor of the scenario (want master, agent/NAME or framework/NAME with names of this scenario; * and ? are globs)`},
	{"glob matches nothing", faultHeader + "faults:\n  network:\n    - {to: \"agents/*\", loss: 0.1}\n",
		`t.yaml:7: faults.network.to: "agents/*" matches no actor of the scenario (want master, agent/NAME or framework/NAME with names of this scenario; * and ? are globs)`},
	{"unknown reboot incarnation form", faultHeader + "faults:\n  network:\n    - {to: \"agent/a#1\", loss: 0.1}\n",
		`t.yaml:7: faults.network.to: "agent/a#1" matches no actor of the scenario (want master, agent/NAME or framework/NAME with names of this scenario; * and ? are globs)`},
	{"too many rules", header + "faults:\n  network:\n" + strings.Repeat("    - {loss: 0.1}\n", MaxFaultRules+1),
		fmt.Sprintf(`t.yaml:%d: too many faults.network rules: more than the limit of 1000`, 5+MaxFaultRules)},
	{"partition missing b", header + "faults:\n  partitions:\n    - {name: p, a: [master]}\n",
		`t.yaml:5: faults.partitions: missing required key "b"`},
	{"partition empty side", header + "faults:\n  partitions:\n    - {name: p, a: [], b: [master]}\n",
		`t.yaml:5: faults.partitions.a: expected at least one address pattern (master, agent/NAME, framework/NAME)`},
	{"partition side not a list", header + "faults:\n  partitions:\n    - {name: p, a: master, b: [master]}\n",
		`t.yaml:5: faults.partitions.a: expected a list of address patterns, got a string ("master")`},
	{"partition heals before it starts", faultHeader + "faults:\n  partitions:\n    - {name: p, a: [master], b: [\"*\"], start: 5s, heal: 2s}\n",
		`t.yaml:7: faults.partitions.heal: 2s is not after start 5s`},
	{"partition starts after heal_at", faultHeader + "faults:\n  heal_at: 3s\n  partitions:\n    - {name: p, a: [master], b: [\"*\"], start: 5s}\n",
		`t.yaml:8: faults.partitions.start: 5s is not before faults.heal_at 3s (line 6): no fault applies from heal_at on`},
	{"partition one_way not a bool", faultHeader + "faults:\n  partitions:\n    - {name: p, a: [master], b: [\"*\"], one_way: 1}\n",
		`t.yaml:7: faults.partitions.one_way: expected true or false, got an integer (1)`},
	{"swarm prefix", faultHeader + "faults:\n  swarm: true\n  partitions:\n    - {name: swarm-1, a: [master], b: [\"*\"]}\n",
		`t.yaml:8: faults.partitions.name: in swarm mode, names starting with "swarm-" are kept for the partitions swarm mode draws`},
	{"duplicate partition name", faultHeader + "faults:\n  partitions:\n    - {name: p, a: [master], b: [\"*\"]}\ntimeline:\n  - {at: 1s, partition: {name: p, a: [master], b: [\"*\"]}}\n",
		`t.yaml:9: timeline.partition.name: duplicate partition name "p" (first defined at line 7)`},
	{"too many partitions", faultHeader + "faults:\n  partitions:\n" + partitionLines(MaxPartitions) + "timeline:\n  - {at: 1s, partition: {name: last, a: [master], b: [\"*\"]}}\n",
		fmt.Sprintf(`t.yaml:%d: too many partitions: more than the limit of 1000`, 8+MaxPartitions)},
	{"crash unknown agent", header + "timeline:\n  - {at: 1s, crash_agent: {agent: a9}}\n",
		`t.yaml:4: timeline.crash_agent.agent: unknown agent "a9"`},
	{"crash twice", faultHeader + "timeline:\n  - {at: 1s, crash_agent: {agent: a}}\n  - {at: 2s, crash_agent: {agent: a}}\n",
		`t.yaml:7: timeline.crash_agent.agent: agent "a" is already crashed (at 1s, line 6)`},
	{"restart without crash", faultHeader + "timeline:\n  - {at: 1s, restart_agent: {agent: a}}\n",
		`t.yaml:6: timeline.restart_agent.agent: agent "a" is not crashed (a restart needs an earlier crash_agent)`},
	{"restart before crash in time", faultHeader + "timeline:\n  - {at: 2s, crash_agent: {agent: a}}\n  - {at: 1s, restart_agent: {agent: a, reboot: true}}\n",
		`t.yaml:7: timeline.restart_agent.agent: agent "a" is not crashed (a restart needs an earlier crash_agent)`},
	{"reboot not a bool", faultHeader + "timeline:\n  - {at: 1s, restart_agent: {agent: a, reboot: 1}}\n",
		`t.yaml:6: timeline.restart_agent.reboot: expected true or false, got an integer (1)`},
	{"remove crashed agent", faultHeader + "timeline:\n  - {at: 1s, crash_agent: {agent: a}}\n  - {at: 2s, remove_agent: {name: a}}\n",
		`t.yaml:7: timeline.remove_agent.name: agent "a" is crashed (at 1s, line 6); restart it before removing it`},
	{"crash of a removed agent", faultHeader + "timeline:\n  - {at: 1s, remove_agent: {name: a}}\n  - {at: 2s, crash_agent: {agent: a}}\n",
		`t.yaml:7: timeline.crash_agent.agent: agent "a" was removed at 1s (line 6)`},
	{"crash at heal_at", faultHeader + "faults: {heal_at: 5s}\ntimeline:\n  - {at: 5s, crash_agent: {agent: a}}\n",
		`t.yaml:7: timeline.crash_agent.at: 5s is not before faults.heal_at 5s (line 5): no fault applies from heal_at on`},
	{"restart after heal_at", faultHeader + "faults: {heal_at: 5s}\ntimeline:\n  - {at: 1s, crash_agent: {agent: a}}\n  - at: 7s\n    restart_agent: {agent: a}\n",
		`t.yaml:8: timeline.restart_agent.at: ends at 7s, after faults.heal_at 5s (line 5): the agent must be back by then`},
	{"master failover while electing", header + "timeline:\n  - {at: 1s, master_failover: {}}\n  - {at: 5s, master_failover: {election_delay: 1s}}\n",
		`t.yaml:5: timeline.master_failover: the master is being elected until 11s (the failover of line 4)`},
	{"election after heal_at", header + "faults: {heal_at: 5s}\ntimeline:\n  - at: 1s\n    master_failover:\n      election_delay: 5s\n",
		`t.yaml:7: timeline.master_failover.election_delay: ends at 6s, after faults.heal_at 5s (line 3): a new leader must be elected by then`},
	{"master failover default delay after heal_at", header + "faults: {heal_at: 5s}\ntimeline:\n  - {at: 1s, master_failover: }\n",
		`t.yaml:5: timeline.master_failover.election_delay: ends at 11s, after faults.heal_at 5s (line 3): a new leader must be elected by then`},
	{"framework failover unknown framework", faultHeader + "timeline:\n  - {at: 1s, framework_failover: {framework: g, down: 1s}}\n",
		`t.yaml:6: timeline.framework_failover.framework: unknown framework "g"`},
	{"framework failover without down", faultHeader + "timeline:\n  - {at: 1s, framework_failover: {framework: f}}\n",
		`t.yaml:6: timeline.framework_failover: missing required key "down"`},
	{"framework failover zero down", faultHeader + "timeline:\n  - {at: 1s, framework_failover: {framework: f, down: 0s}}\n",
		`t.yaml:6: timeline.framework_failover.down: must be greater than 0`},
	{"action while failing over", faultHeader + "timeline:\n  - {at: 1s, framework_failover: {framework: f, down: 5s}}\n  - {at: 5s, suppress: {framework: f}}\n",
		`t.yaml:7: timeline.suppress.framework: framework "f" is failing over (down from 1s to 6s, line 6)`},
	{"failover while failing over", faultHeader + "timeline:\n  - {at: 1s, framework_failover: {framework: f, down: 3s}}\n  - {at: 2s, framework_failover: {framework: f, down: 1s}}\n",
		`t.yaml:7: timeline.framework_failover.framework: framework "f" is failing over (down from 1s to 4s, line 6)`},
	{"framework back after heal_at", faultHeader + "faults: {heal_at: 5s}\ntimeline:\n  - {at: 1s, framework_failover: {framework: f, down: 5s}}\n",
		`t.yaml:7: timeline.framework_failover.down: ends at 6s, after faults.heal_at 5s (line 5): the scheduler must be back by then`},
	{"heal unknown partition", faultHeader + "timeline:\n  - {at: 1s, heal: {partition: p}}\n",
		`t.yaml:6: timeline.heal.partition: unknown partition "p"`},
	{"heal before the partition starts", faultHeader + "faults:\n  partitions: [{name: p, a: [master], b: [\"*\"], start: 5s}]\ntimeline:\n  - {at: 2s, heal: {partition: p}}\n",
		`t.yaml:8: timeline.heal.partition: partition "p" has not started yet (it starts at 5s, line 6)`},
	{"heal a healed partition", faultHeader + "faults:\n  partitions:\n    - {name: p, a: [master], b: [\"*\"], start: 1s, heal: 3s}\ntimeline:\n  - {at: 4s, heal: {partition: p}}\n",
		`t.yaml:9: timeline.heal.partition: partition "p" is already healed at 3s (line 7)`},
	{"heal twice", faultHeader + "timeline:\n  - {at: 1s, partition: {name: p, a: [master], b: [\"*\"]}}\n  - {at: 2s, heal: {partition: p}}\n  - {at: 3s, heal: {partition: p}}\n",
		`t.yaml:8: timeline.heal.partition: partition "p" is already healed at 2s (line 7)`},
	{"heal after heal_at", faultHeader + "faults: {heal_at: 5s}\ntimeline:\n  - {at: 1s, partition: {name: p, a: [master], b: [\"*\"]}}\n  - {at: 6s, heal: {partition: p}}\n",
		`t.yaml:8: timeline.heal.partition: partition "p" is already healed at 5s (line 5)`},
	{"heal before the partition is added", faultHeader + "timeline:\n  - {at: 1s, heal: {partition: p}}\n  - {at: 2s, partition: {name: p, a: [master], b: [\"*\"]}}\n",
		`t.yaml:6: timeline.heal.partition: partition "p" is not added yet (it is added at 2s, line 7)`},
	{"partition heals beyond duration", faultHeader + "timeline:\n  - {at: 8s, partition: {name: p, a: [master], b: [\"*\"], heal_after: 3s}}\n",
		`t.yaml:6: timeline.partition.heal_after: the partition would heal at 11s, beyond the scenario duration 10s`},
	{"partition at heal_at", faultHeader + "faults: {heal_at: 5s}\ntimeline:\n  - {at: 5s, partition: {name: p, a: [master], b: [\"*\"]}}\n",
		`t.yaml:7: timeline.partition.at: 5s is not before faults.heal_at 5s (line 5): no fault applies from heal_at on`},
	{"partition unknown key", faultHeader + "timeline:\n  - {at: 1s, partition: {name: p, a: [master], b: [\"*\"], heal: 3s}}\n",
		`t.yaml:6: unknown key "heal" in timeline.partition; allowed keys: name, a, b, one_way, heal_after`},
	{"timeline partition names no actor", faultHeader + "timeline:\n  - {at: 1s, partition: {name: p, a: [master], b: [framework/g]}}\n",
		`t.yaml:6: timeline.partition.b: "framework/g" matches no actor of the scenario (want master, agent/NAME or framework/NAME with names of this scenario; * and ? are globs)`},
	{"checkpoint not a bool", header + "frameworks:\n  - {name: f, behavior: hold, checkpoint: \"true\"}\n",
		`t.yaml:4: frameworks.checkpoint: expected true or false, got a string ("true")`},
	{"negative failover_timeout", header + "frameworks:\n  - {name: f, behavior: hold, failover_timeout: -1s}\n",
		`t.yaml:4: frameworks.failover_timeout: negative duration "-1s"`},
	{"naive without workload", header + "frameworks:\n  - {name: f, behavior: naive}\n",
		`t.yaml:4: frameworks: behavior naive needs a workload mapping`},
	{"reconciling without workload", header + "frameworks:\n  - {name: f, behavior: reconciling}\n",
		`t.yaml:4: frameworks: behavior reconciling needs a workload mapping`},
}

// partitionLines writes n partitions p0..p(n-1), one a line.
func partitionLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "    - {name: p%d, a: [master], b: [\"*\"]}\n", i)
	}
	return b.String()
}

func TestFaultsBad(t *testing.T) {
	for _, c := range faultBadCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(c.in))
			if err == nil {
				t.Fatalf("no error; want %s", c.want)
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if err.Error() != c.want {
				t.Errorf("\n got %s\nwant %s", err, c.want)
			}
		})
	}
}

func TestFaultsGood(t *testing.T) {
	sc := mustLoad(t, "testdata/good/faults.yaml")
	fs := sc.Faults
	if !fs.Section || !fs.Swarm || fs.HealAt != 20*sim.Minute || fs.ConvergeWithin != 5*sim.Minute {
		t.Fatalf("faults: %+v", fs)
	}
	want := []RuleSpec{
		{Rule: sim.Rule{Types: []string{"StatusUpdate", "UPDATE"}, From: "agent/*", To: "master", Loss: 0.2, Duplicate: 0.01,
			Delay: sim.DelayDist{Kind: "uniform", Min: sim.Millisecond, Max: 50 * sim.Millisecond}, End: 10 * sim.Minute}, Line: 20},
		{Rule: sim.Rule{Loss: 0.05}, Line: 22},
		{Rule: sim.Rule{To: "framework/*", Delay: sim.DelayDist{Kind: "fixed", Value: 5 * sim.Millisecond}, Reorder: true}, Line: 23},
		{Rule: sim.Rule{Types: []string{"RunTask"}, Delay: sim.DelayDist{Kind: "exponential", Mean: 10 * sim.Millisecond, Max: sim.Second}}, Line: 24},
	}
	if fmt.Sprint(fs.Network) != fmt.Sprint(want) {
		t.Errorf("network:\n got %+v\nwant %+v", fs.Network, want)
	}
	wantP := []PartitionSpec{
		{Partition: sim.Partition{Name: "p1", A: []string{"agent/a-1"}, B: []string{"master"}, Start: sim.Minute, Heal: 3 * sim.Minute}, Line: 26},
		{Partition: sim.Partition{Name: "p2", A: []string{"master"}, B: []string{"*"}, OneWay: true, Start: 5 * sim.Minute}, Line: 27},
	}
	if fmt.Sprint(fs.Partitions) != fmt.Sprint(wantP) {
		t.Errorf("partitions:\n got %+v\nwant %+v", fs.Partitions, wantP)
	}
	f := sc.Frameworks[0]
	if !f.Checkpoint || f.FailoverTimeout != 5*sim.Minute || f.Workload == nil || sc.Frameworks[1].Checkpoint || sc.Frameworks[1].FailoverTimeout != 0 {
		t.Errorf("frameworks: %+v", sc.Frameworks)
	}
	if cfg := frameworkConfig(&f); !cfg.Checkpoint || cfg.FailoverTimeout != 5*sim.Minute || !cfg.PartitionAware {
		t.Errorf("framework config: %+v", cfg)
	}
	var got []string
	for _, e := range sc.Timeline {
		s := fmt.Sprintf("%s %s %s", e.At, e.Kind, e.Name)
		switch e.Kind {
		case KindRestartAgent:
			s += fmt.Sprint(" reboot=", e.Reboot)
		case KindMasterFailover, KindFrameworkFailover:
			s += " " + e.Delay.String()
		case KindPartition:
			s += fmt.Sprintf(" %+v", *e.Partition)
		}
		got = append(got, s)
	}
	wantT := []string{
		"30s crash_agent a-2",
		"2m0s restart_agent a-2 reboot=true",
		"4m0s master_failover  10s",
		"4m30s master_failover  20s",
		"6m0s framework_failover f 30s",
		"7m0s partition  {Name:p3 A:[agent/a-3 agent/a-3#*] B:[master framework/g] OneWay:true Start:7m0s Heal:9m0s}",
		"8m0s heal p2",
		"10m0s partition  {Name:p4 A:[agent/a-2#2] B:[master] OneWay:false Start:10m0s Heal:0s}",
		"11m0s heal p4",
		"12m0s crash_agent a-1",
	}
	if strings.Join(got, "\n") != strings.Join(wantT, "\n") {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantT, "\n"))
	}
	s, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	s.Run()
}

// HealAt: 0 without any fault, Never when faults never heal, else heal_at.
func TestFaultsHealAt(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     sim.Time
	}{
		{"no faults", faultHeader, 0},
		{"empty section", faultHeader + "faults:\n", sim.Never},
		{"no heal_at", faultHeader + "faults: {swarm: true}\n", sim.Never},
		{"heal_at at the duration", faultHeader + "faults: {heal_at: 10s}\n", sim.Never},
		{"heal_at", faultHeader + "faults: {heal_at: 4s}\n", 4 * sim.Second},
		{"a fault action only", faultHeader + "timeline:\n  - {at: 1s, crash_agent: {agent: a}}\n", sim.Never},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc, err := Parse("t.yaml", []byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if sc.Faults.HealAt != c.want || sc.Faults.ConvergeWithin != DefaultConvergeWithin {
				t.Fatalf("HealAt %v, ConvergeWithin %v; want %v, 15m", sc.Faults.HealAt, sc.Faults.ConvergeWithin, c.want)
			}
		})
	}
}

// faultRecords runs a scenario and returns its fault records as
// "TIME FAULT agent=A framework=F DETAIL" lines.
func faultRecords(t *testing.T, s *Sim) []string {
	t.Helper()
	var got []string
	s.World.Observe(model.ObserverFunc(func(r *model.Record) {
		if r.Kind == model.KindFault {
			got = append(got, fmt.Sprintf("%s %s agent=%s framework=%s %s", r.T, r.Fault, r.Agent, r.Framework, r.Detail))
		}
	}))
	s.Run()
	return got
}

const scripted = `name: scripted
duration: 10m
agents:
  - {name: a1, resources: "cpus:2;mem:1024"}
  - {name: a2, resources: "cpus:2;mem:1024"}
frameworks:
  - {name: f, behavior: hold, failover_timeout: 1m, checkpoint: true}
faults:
  heal_at: 8m
  partitions:
    - {name: p1, a: [agent/a1], b: [master], start: 1m, heal: 3m}
    - {name: p2, a: [agent/a2], b: [master], one_way: true, start: 2m}
timeline:
  - {at: 30s, crash_agent: {agent: a2}}
  - {at: 90s, restart_agent: {agent: a2}}
  - {at: 2m30s, heal: {partition: p1}}
  - {at: 4m, master_failover: {}}
  - {at: 4m30s, crash_agent: {agent: a1}}
  - {at: 4m40s, restart_agent: {agent: a1, reboot: true}}
  - {at: 5m, framework_failover: {framework: f, down: 30s}}
  - {at: 6m, partition: {name: p3, a: [master], b: [framework/f], heal_after: 30s}}
  - {at: 7m, partition: {name: p4, a: ["agent/a1*"], b: [master]}}
`

// A scripted timeline of every fault action gives its fault records at
// the expected times, in the expected order.
func TestFaultRecords(t *testing.T) {
	sc, err := Parse("scripted.yaml", []byte(scripted))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	got := faultRecords(t, s)
	want := []string{
		"30s agent_crash agent=a2 framework= ",
		"1m0s partition agent= framework= p1: agent/a1 <-> master",
		"1m30s agent_restart agent=a2 framework= ",
		"2m0s partition agent= framework= p2: agent/a2 -> master",
		"2m30s heal agent= framework= p1: agent/a1 <-> master",
		"4m0s master_failover agent= framework= leader 1 died",
		"4m10s leader_elected agent= framework= leader 2",
		"4m30s agent_crash agent=a1 framework= ",
		"4m40s agent_reboot agent=a1#2 framework= was a1",
		"5m0s framework_disconnect agent= framework=f ",
		"5m30s framework_reconnect agent= framework=f ",
		"6m0s partition agent= framework= p3: master <-> framework/f",
		"6m30s heal agent= framework= p3: master <-> framework/f",
		"7m0s partition agent= framework= p4: agent/a1* <-> master",
		"8m0s heal agent= framework= p2: agent/a2 -> master (heal_at)",
		"8m0s heal agent= framework= p4: agent/a1* <-> master (heal_at)",
		"8m0s heal_all agent= framework= no fault applies from here on; views must converge within 15m0s",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("fault records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The partitions cut what they say, and heal_at heals everything.
	f := s.faults.f
	if !f.Partitioned(7*sim.Minute+sim.Second, "agent/a1#2", "master") || f.Partitioned(8*sim.Minute, "agent/a1#2", "master") {
		t.Error("p4 does not cut agent/a1#2 from the master between 7m and 8m")
	}
	if !f.Partitioned(2*sim.Minute, "agent/a2", "master") || f.Partitioned(2*sim.Minute, "master", "agent/a2") {
		t.Error("p2 is not one way")
	}
}

// swarmRun builds the reconciliation-under-loss scenario in swarm mode
// with a seed and returns the schedule and the event log.
func swarmRun(t *testing.T, seed string) ([]string, []byte) {
	t.Helper()
	sc, err := OpenWith("reconciliation-under-loss", []Override{{Path: "faults.swarm", Value: "true"}, {Path: "seed", Value: seed}})
	if err != nil {
		t.Fatal(err)
	}
	sc.Duration = 12 * sim.Minute
	s, log := logOf(t, sc)
	return s.SwarmSchedule(), log
}

// logOf builds and runs a scenario and returns it with its event log.
func logOf(t *testing.T, sc *Scenario) (*Sim, []byte) {
	t.Helper()
	s, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := report.NewEventLog(&buf, &report.Header{Seed: sc.Seed, Scenario: sc.Name, Version: "test"})
	s.World.Observe(log)
	s.Run()
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	return s, buf.Bytes()
}

func TestSwarmDeterminism(t *testing.T) {
	a, logA := swarmRun(t, "3")
	b, logB := swarmRun(t, "3")
	if len(a) < 2 || !slices.Equal(a, b) {
		t.Fatalf("same seed, schedules\n%s\nand\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	if string(logA) != string(logB) {
		t.Fatal("same seed, different event logs")
	}
	c, logC := swarmRun(t, "4")
	if slices.Equal(a, c) || string(logA) == string(logC) {
		t.Fatalf("seeds 3 and 4 drew the same faults:\n%s", strings.Join(a, "\n"))
	}
	// The schedule is logged at t=0, first.
	lines := strings.Split(string(logA), "\n")[1:] // after the header
	for i, want := range a {
		if !strings.Contains(lines[i], `"t":0,"kind":"fault","fault":"swarm"`) || !strings.Contains(lines[i], fmt.Sprintf("%q", want)) {
			t.Fatalf("event log line %d: %s; want the swarm record %q", i+2, lines[i], want)
		}
	}
}

// Many seeds build and run without a validation gap, and draw different
// kinds of faults.
func TestSwarmSeeds(t *testing.T) {
	kinds := map[string]bool{}
	for seed := range 40 {
		sc, err := OpenWith("reconciliation-under-loss", []Override{{Path: "faults.swarm", Value: "true"}, {Path: "seed", Value: fmt.Sprint(seed)}})
		if err != nil {
			t.Fatal(err)
		}
		sc.Duration = 11 * sim.Minute
		s, err := Build(sc)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range s.SwarmSchedule() {
			kinds[strings.Fields(l)[0]] = true
		}
		s.Run()
	}
	for _, k := range []string{"loss", "delay", "partition", "crash_agent", "master_failover", "framework_failover"} {
		if !kinds[k] {
			t.Errorf("40 seeds drew no %s", k)
		}
	}
	// Swarm mode stays within what Mesos can meet: no duplication or
	// reordering (beyond real Mesos, which delivers at most once per pair).
	for _, k := range []string{"duplicate", "reorder"} {
		if kinds[k] {
			t.Errorf("swarm drew %s, a fault beyond real Mesos", k)
		}
	}
}

// Swarm faults stay inside [0, heal_at) and never hit a busy actor.
func TestSwarmWindows(t *testing.T) {
	sc, err := Parse("t.yaml", []byte(`name: w
duration: 1h
agents: [{name: a, count: 2, resources: "cpus:1"}]
frameworks: [{name: f, behavior: hold}, {name: g, behavior: hold}]
faults: {swarm: true, heal_at: 6m}
timeline:
  - {at: 0s, crash_agent: {agent: a-1}}
  - {at: 1m, remove_framework: {name: g}}
`))
	if err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(200) {
		sc.Seed = seed
		s, err := Build(sc)
		if err != nil {
			t.Fatal(err)
		}
		p := s.swarm
		for _, c := range p.crashes {
			if c.agent != "a-2" || c.restart > 6*sim.Minute || c.restart-c.at < 10*sim.Second {
				t.Fatalf("seed %d: crash %+v", seed, c)
			}
		}
		for _, f := range p.fwDowns {
			if (f.framework != "f" && f.at+f.down >= sim.Minute) || f.at+f.down > 6*sim.Minute {
				t.Fatalf("seed %d: failover %+v", seed, f)
			}
		}
		for _, q := range p.partitions {
			if q.Heal > 6*sim.Minute || q.Heal <= q.Start {
				t.Fatalf("seed %d: partition %+v", seed, q)
			}
		}
		if p.failover > 6*sim.Minute-model.LeaderElectionDelay {
			t.Fatalf("seed %d: master failover at %v", seed, p.failover)
		}
	}
}

// The embedded scenario builds and runs with reconciling frameworks, with
// naive ones, and with only the first switched to naive (as the README
// shows it): the faults are the same, and the invariant checkers find
// nothing wrong with reconciling frameworks but a named invariant broken
// by naive ones.
func TestReconciliationUnderLoss(t *testing.T) {
	for _, c := range []struct {
		name      string
		overrides []Override
		violated  bool
	}{
		{"reconciling", nil, false},
		{"naive", []Override{{Path: "frameworks.0.behavior", Value: "naive"}, {Path: "frameworks.1.behavior", Value: "naive"}}, true},
		{"first naive", []Override{{Path: "frameworks.0.behavior", Value: "naive"}}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc, err := OpenWith("reconciliation-under-loss", c.overrides)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Faults.HealAt != 10*sim.Minute || sc.Faults.ConvergeWithin != 15*sim.Minute || sc.Duration != 30*sim.Minute {
				t.Fatalf("faults %+v, duration %v", sc.Faults, sc.Duration)
			}
			s, err := Build(sc)
			if err != nil {
				t.Fatal(err)
			}
			checker := report.NewChecker(s.World, report.CheckerConfig{HealAt: sc.Faults.HealAt, ConvergeWithin: sc.Faults.ConvergeWithin, Emit: s.World.Emit})
			s.World.Observe(checker)
			counts := map[string]int{}
			s.World.Observe(model.ObserverFunc(func(r *model.Record) { counts[r.Kind]++ }))
			got := faultRecords(t, s)
			checker.Finish(sc.Duration)
			want := []string{
				"2m0s partition agent= framework= a3-cut: agent/a-3 <-> master",
				"4m0s heal agent= framework= a3-cut: agent/a-3 <-> master",
				"6m0s master_failover agent= framework= leader 1 died",
				"6m10s leader_elected agent= framework= leader 2",
				"10m0s heal_all agent= framework= no fault applies from here on; views must converge within 15m0s",
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("fault records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if counts[model.KindMessageDropped] < 20 || counts[model.KindTaskLaunched] < 50 {
				t.Fatalf("too little happened: %v", counts)
			}
			vs := checker.Violations()
			if !c.violated && len(vs) > 0 {
				t.Errorf("%d invariants violated, first: %+v", len(vs), vs[0])
			}
			if c.violated && len(vs) == 0 {
				t.Error("no invariant violated")
			}
			for _, v := range vs {
				if v.Invariant == "" || v.Task == "" {
					t.Errorf("violation without a name or a task: %+v", v)
				}
			}
		})
	}
}

// A duration cut short after decoding (--duration) leaves no time after
// heal_at: Build takes the faults as never healed.
func TestFaultsHealAtCutShort(t *testing.T) {
	sc, err := Parse("t.yaml", []byte(faultHeader+"faults:\n  heal_at: 5s\n  partitions: [{name: p, a: [master], b: [\"*\"], start: 1s}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	sc.Duration = 5 * sim.Second
	s, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	got := faultRecords(t, s)
	if sc.Faults.HealAt != sim.Never || strings.Join(got, "\n") != "1s partition agent= framework= p: master <-> *" {
		t.Fatalf("HealAt %v, records %q", sc.Faults.HealAt, got)
	}
}
