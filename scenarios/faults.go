package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// This file decodes the faults section and the timeline's fault actions
// (crash_agent, restart_agent, master_failover, framework_failover,
// partition, heal); validate.go checks them against the timeline, and
// faults_build.go and swarm.go wire them.

// DefaultConvergeWithin is faults.converge_within when absent: the
// liveness bound after heal_at.
const DefaultConvergeWithin = 15 * sim.Minute

// SwarmPrefix starts the names of the partitions swarm mode draws; in
// swarm mode the
// scenario's own partitions may not use it.
const SwarmPrefix = "swarm-"

// MessageTypes are the message types a network rule may name: the Type()
// of every message of model/messages.go (Mesos's names: scheduler API
// calls and events in capitals, internal agent/master messages in
// CamelCase).
var MessageTypes = []string{
	"SUBSCRIBE", "SUBSCRIBED", "OFFERS", "RESCIND", "ACCEPT", "DECLINE",
	"SUPPRESS", "REVIVE", "KILL", "TEARDOWN", "ACKNOWLEDGE", "UPDATE",
	"RECONCILE", "FAILURE", "ERROR",
	"RegisterSlave", "SlaveRegistered", "ReregisterSlave", "SlaveReregistered",
	"UnregisterSlave", "RunTask", "KillTask", "ShutdownFramework",
	"StatusUpdate", "StatusUpdateAcknowledgement", "PingSlave", "PongSlave",
	"UpdateFramework", "HEARTBEAT",
}

// FaultsSpec is the faults section, and the checker settings that follow
// from it and from the timeline's fault actions.
type FaultsSpec struct {
	// Section reports whether the file has a faults section. With one,
	// Build always installs a sim.Faults network model.
	Section bool
	// Swarm draws further faults from the seed (see swarm.go).
	Swarm bool
	// HealAt is when every fault heals and the liveness phase begins
	// (faults.heal_at): 0 when the scenario has no fault at all (no
	// section, no fault action); sim.Never when its faults never heal (no
	// heal_at, or one not before the duration), and then only safety can
	// be judged. Build sets it to sim.Never when a Duration changed after
	// decoding (--duration) no longer leaves time after it.
	HealAt sim.Time
	// ConvergeWithin is the liveness bound after HealAt (default 15m).
	ConvergeWithin sim.Time
	// Network is faults.network: rules applied in order.
	Network []RuleSpec
	// Partitions is faults.partitions (the timeline's partition actions
	// are events).
	Partitions []PartitionSpec
}

// RuleSpec is a network rule of the faults section.
type RuleSpec struct {
	sim.Rule
	Line int // of the entry; 0 when an override wrote it
}

// PartitionSpec is a partition of the faults section.
type PartitionSpec struct {
	sim.Partition
	Line int // of the entry; 0 when an override wrote it
}

var faultsKeys = []string{"swarm", "heal_at", "converge_within", "network", "partitions"}

// faults decodes the faults section (n may be nil). It runs after the
// agents and frameworks and before the timeline.
func (d *decoder) faults(n *yaml.Node, sc *Scenario) {
	fs := &sc.Faults
	fs.ConvergeWithin = DefaultConvergeWithin
	d.healAt = sim.Never
	d.partLine = map[string]int{}
	if n == nil {
		return
	}
	fs.Section = true
	m := d.mapping(n, "faults", faultsKeys, true)
	if v := m.get("swarm"); v != nil {
		fs.Swarm = d.boolean(v, "faults.swarm")
		d.swarm = fs.Swarm
	}
	if v := m.get("heal_at"); v != nil {
		d.healAt = d.withinHorizon(v, "faults.heal_at")
		d.healLine = v.Line
	}
	if v := m.get("converge_within"); v != nil {
		fs.ConvergeWithin = d.duration(v, "faults.converge_within")
		if fs.ConvergeWithin <= 0 {
			d.failf(v.Line, "faults.converge_within: must be greater than 0")
		}
		if fs.ConvergeWithin > MaxDuration {
			d.failf(v.Line, "faults.converge_within: %s exceeds the limit of 365 days", v.Value)
		}
	}
	if v := m.get("network"); v != nil {
		for _, e := range d.seq(v, "faults.network", "rules") {
			if len(fs.Network) >= MaxFaultRules {
				d.failf(e.Line, "too many faults.network rules: more than the limit of %d", MaxFaultRules)
			}
			fs.Network = append(fs.Network, d.rule(e))
		}
	}
	if v := m.get("partitions"); v != nil {
		for _, e := range d.seq(v, "faults.partitions", "partitions") {
			d.countPartition(e.Line)
			fs.Partitions = append(fs.Partitions, d.sectionPartition(e))
		}
	}
}

// finishFaults sets the checker settings once the timeline is known.
func (d *decoder) finishFaults(sc *Scenario) {
	fs := &sc.Faults
	switch {
	case d.healAt < sc.Duration:
		fs.HealAt = d.healAt
	case fs.Section || d.faultActions > 0:
		fs.HealAt = sim.Never
	default:
		fs.HealAt = 0 // nothing to heal
	}
}

func (d *decoder) countPartition(line int) {
	if d.nPartitions >= MaxPartitions {
		d.failf(line, "too many partitions: more than the limit of %d", MaxPartitions)
	}
	d.nPartitions++
}

// withinHorizon decodes a duration that must not pass the scenario's.
func (d *decoder) withinHorizon(n *yaml.Node, path string) sim.Time {
	t := d.duration(n, path)
	if t > d.horizon {
		d.failf(n.Line, "%s: %s is beyond the scenario duration %s", path, t, d.horizon)
	}
	return t
}

// beforeHeal fails unless a fault starting at t starts before heal_at.
func (d *decoder) beforeHeal(t sim.Time, line int, path string) {
	if d.healAt != sim.Never && t >= d.healAt {
		d.failf(line, "%s: %s is not before faults.heal_at %s (%s): no fault applies from heal_at on", path, t, d.healAt, d.lineRef(d.healLine))
	}
}

// probability decodes a number in [0, 1].
func (d *decoder) probability(n *yaml.Node, path string) float64 {
	p := d.number(n, path)
	if p < 0 || p > 1 {
		d.failf(n.Line, "%s: probability %s outside [0, 1]", path, n.Value)
	}
	return p
}

var ruleKeys = []string{"types", "from", "to", "loss", "duplicate", "delay", "reorder", "start", "end"}

// rule decodes one faults.network entry.
func (d *decoder) rule(n *yaml.Node) RuleSpec {
	const path = "faults.network"
	m := d.mapping(n, path, ruleKeys, false)
	var r sim.Rule
	if v := m.get("types"); v != nil {
		r.Types = []string{}
		for _, e := range d.seq(v, m.field("types"), "message types") {
			t := d.str(e, m.field("types"))
			if !slices.Contains(MessageTypes, t) {
				d.failf(e.Line, "%s: unknown message type %q (known: %s)", m.field("types"), t, strings.Join(MessageTypes, ", "))
			}
			if slices.Contains(r.Types, t) {
				d.failf(e.Line, "%s: duplicate message type %q", m.field("types"), t)
			}
			r.Types = append(r.Types, t)
		}
		if len(r.Types) == 0 {
			d.failf(v.Line, "%s: empty list; leave types out to match every message type", m.field("types"))
		}
	}
	if v := m.get("from"); v != nil {
		r.From = d.pattern(v, m.field("from"))
	}
	if v := m.get("to"); v != nil {
		r.To = d.pattern(v, m.field("to"))
	}
	if v := m.get("loss"); v != nil {
		r.Loss = d.probability(v, m.field("loss"))
	}
	if v := m.get("duplicate"); v != nil {
		r.Duplicate = d.probability(v, m.field("duplicate"))
	}
	if v := m.get("delay"); v != nil {
		r.Delay = d.delay(v, m.field("delay"))
	}
	if v := m.get("reorder"); v != nil {
		r.Reorder = d.boolean(v, m.field("reorder"))
	}
	if v := m.get("start"); v != nil {
		r.Start = d.withinHorizon(v, m.field("start"))
		d.beforeHeal(r.Start, v.Line, m.field("start"))
	}
	if v := m.get("end"); v != nil {
		r.End = d.withinHorizon(v, m.field("end"))
		if r.End <= r.Start {
			d.failf(v.Line, "%s: %s is not after start %s", m.field("end"), r.End, r.Start)
		}
	}
	if err := r.Validate(); err != nil {
		d.failf(n.Line, "%s: %v", path, err)
	}
	return RuleSpec{Rule: r, Line: n.Line}
}

var delayKeys = []string{"dist", "value", "min", "max", "mean"}

// delay decodes a delay distribution: a bare duration (fixed), or a
// mapping with dist fixed (value), uniform (min, max) or exponential
// (mean; min and max optional clamps).
func (d *decoder) delay(n *yaml.Node, path string) sim.DelayDist {
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		return sim.DelayDist{Kind: sim.DelayFixed, Value: d.withinHorizon(n, path)}
	}
	m := d.mapping(n, path, delayKeys, false)
	kn := d.require(m, "dist")
	dd := sim.DelayDist{Kind: d.str(kn, m.field("dist"))}
	need := map[string][]string{
		sim.DelayFixed:       {"value"},
		sim.DelayUniform:     {"min", "max"},
		sim.DelayExponential: {"mean"},
	}
	allowed := map[string][]string{
		sim.DelayFixed:       {"value"},
		sim.DelayUniform:     {"min", "max"},
		sim.DelayExponential: {"mean", "min", "max"},
	}
	if _, ok := need[dd.Kind]; !ok {
		d.failf(kn.Line, "%s: unknown delay distribution %q (known: exponential, fixed, uniform)", m.field("dist"), dd.Kind)
	}
	for _, k := range need[dd.Kind] {
		d.require(m, k)
	}
	for _, k := range []string{"value", "min", "max", "mean"} {
		if m.get(k) != nil && !slices.Contains(allowed[dd.Kind], k) {
			d.failf(m.keys[k].Line, "%s: key %q does not apply to a %s delay (allowed: dist, %s)", path, k, dd.Kind, strings.Join(allowed[dd.Kind], ", "))
		}
	}
	get := func(k string) sim.Time {
		if v := m.get(k); v != nil {
			return d.withinHorizon(v, m.field(k))
		}
		return 0
	}
	dd.Value, dd.Min, dd.Max, dd.Mean = get("value"), get("min"), get("max"), get("mean")
	switch dd.Kind {
	case sim.DelayUniform:
		if dd.Max < dd.Min {
			d.failf(m.vals["max"].Line, "%s: max %s is less than min %s", path, dd.Max, dd.Min)
		}
	case sim.DelayExponential:
		if dd.Mean <= 0 {
			d.failf(m.vals["mean"].Line, "%s: must be greater than 0", m.field("mean"))
		}
		if m.get("min") != nil && m.get("max") != nil && dd.Max < dd.Min {
			d.failf(m.vals["max"].Line, "%s: max %s is less than min %s", path, dd.Max, dd.Min)
		}
	}
	if err := dd.Validate(); err != nil {
		d.failf(n.Line, "%s: %v", path, err)
	}
	return dd
}

var sectionPartitionKeys = []string{"name", "a", "b", "one_way", "start", "heal"}

// sectionPartition decodes one faults.partitions entry.
func (d *decoder) sectionPartition(n *yaml.Node) PartitionSpec {
	const path = "faults.partitions"
	m := d.mapping(n, path, sectionPartitionKeys, false)
	p := d.partitionBody(m, n)
	if v := m.get("start"); v != nil {
		p.Start = d.withinHorizon(v, m.field("start"))
	}
	d.beforeHeal(p.Start, lineOf(m, "start", n), m.field("start"))
	if v := m.get("heal"); v != nil {
		p.Heal = d.withinHorizon(v, m.field("heal"))
		if p.Heal <= p.Start {
			d.failf(v.Line, "%s: %s is not after start %s", m.field("heal"), p.Heal, p.Start)
		}
	}
	if err := p.Validate(); err != nil {
		d.failf(n.Line, "%s: %v", path, err)
	}
	return PartitionSpec{Partition: p, Line: n.Line}
}

// lineOf is the line of key's value, or of n when the key is absent.
func lineOf(m *mapping, key string, n *yaml.Node) int {
	if v := m.get(key); v != nil {
		return v.Line
	}
	return n.Line
}

// partitionBody decodes the keys a partition has wherever it is written:
// name (unique among all partitions), a, b and one_way.
func (d *decoder) partitionBody(m *mapping, n *yaml.Node) sim.Partition {
	nn := d.require(m, "name")
	name := d.name(nn, m.field("name"))
	if d.swarm && strings.HasPrefix(name, SwarmPrefix) {
		d.failf(nn.Line, "%s: in swarm mode, names starting with %q are kept for the partitions swarm mode draws", m.field("name"), SwarmPrefix)
	}
	if prev, dup := d.partLine[name]; dup {
		d.failf(nn.Line, "%s: duplicate partition name %q (first defined at %s)", m.field("name"), name, d.lineRef(prev))
	}
	d.partLine[name] = n.Line
	p := sim.Partition{Name: name}
	p.A = d.sides(d.require(m, "a"), m.field("a"))
	p.B = d.sides(d.require(m, "b"), m.field("b"))
	if v := m.get("one_way"); v != nil {
		p.OneWay = d.boolean(v, m.field("one_way"))
	}
	return p
}

// sides decodes one side of a partition: a non-empty list of address
// patterns.
func (d *decoder) sides(n *yaml.Node, path string) []string {
	list := d.seq(n, path, "address patterns")
	if len(list) == 0 {
		d.failf(n.Line, "%s: expected at least one address pattern (master, agent/NAME, framework/NAME)", path)
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		out = append(out, d.pattern(e, path))
	}
	return out
}

// patternRef is an address pattern to check once every agent and
// framework name is known.
type patternRef struct {
	pattern string
	line    int
	path    string
}

// pattern decodes an address pattern; whether it names an actor is
// checked after the timeline (checkPatterns).
func (d *decoder) pattern(n *yaml.Node, path string) string {
	s := d.str(n, path)
	d.checkName(s, n.Line, path)
	d.patterns = append(d.patterns, patternRef{pattern: s, line: n.Line, path: path})
	return s
}

// checkPatterns fails on an address pattern that matches no actor of the
// scenario: the master, an agent (under its name, or the name a reboot
// gives it, NAME#2) or a framework.
func (d *decoder) checkPatterns() {
	seen := map[string]bool{}
	for _, ref := range d.patterns {
		if seen[ref.pattern] {
			continue
		}
		if !d.matchesActor(ref.pattern) {
			d.failf(ref.line, "%s: %q matches no actor of the scenario (want master, agent/NAME or framework/NAME with names of this scenario; * and ? are globs)", ref.path, ref.pattern)
		}
		seen[ref.pattern] = true
	}
	d.patterns = nil
}

func (d *decoder) matchesActor(p string) bool {
	if !strings.ContainsAny(p, "*?") {
		if p == string(model.MasterAddress) {
			return true
		}
		if name, ok := strings.CutPrefix(p, "agent/"); ok {
			if _, known := d.agentLine[name]; known {
				return true
			}
			base, inc, found := cutLast(name, '#')
			if _, known := d.agentLine[base]; known && found {
				if k, err := strconv.Atoi(inc); err == nil && k >= 2 && inc == strconv.Itoa(k) {
					return true
				}
			}
			return false
		}
		if name, ok := strings.CutPrefix(p, "framework/"); ok {
			_, known := d.frameLine[name]
			return known
		}
		return false
	}
	if sim.MatchAddress(p, model.MasterAddress) {
		return true
	}
	for name := range d.agentLine {
		if sim.MatchAddress(p, model.AgentAddress(name)) || sim.MatchAddress(p, model.AgentAddress(name+"#2")) {
			return true
		}
	}
	for name := range d.frameLine {
		if sim.MatchAddress(p, model.FrameworkAddress(name)) {
			return true
		}
	}
	return false
}

func cutLast(s string, sep byte) (before, after string, found bool) {
	if i := strings.LastIndexByte(s, sep); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// faultAction decodes the body of a timeline fault action into ev (whose
// At, Line and Kind are set) and returns the pending event.
func (d *decoder) faultAction(kind string, body *yaml.Node, ev Event) pending {
	path := "timeline." + kind
	d.faultActions++
	p := pending{}
	switch kind {
	case KindCrashAgent, KindRestartAgent:
		keys := []string{"agent"}
		if kind == KindRestartAgent {
			keys = append(keys, "reboot")
		}
		bm := d.mapping(body, path, keys, false)
		an := d.require(bm, "agent")
		ev.Name = d.name(an, bm.field("agent"))
		p.nameLine = an.Line
		if v := bm.get("reboot"); v != nil {
			ev.Reboot = d.boolean(v, bm.field("reboot"))
		}
	case KindMasterFailover:
		bm := d.mapping(body, path, []string{"election_delay"}, true)
		ev.Delay = model.LeaderElectionDelay
		p.auxLine = ev.Line
		if v := bm.get("election_delay"); v != nil {
			ev.Delay = d.withinHorizon(v, bm.field("election_delay"))
			p.auxLine = v.Line
		}
	case KindFrameworkFailover:
		bm := d.mapping(body, path, []string{"framework", "down"}, false)
		fn, dn := d.require(bm, "framework"), d.require(bm, "down")
		ev.Name = d.name(fn, bm.field("framework"))
		p.nameLine = fn.Line
		ev.Delay = d.withinHorizon(dn, bm.field("down"))
		if ev.Delay <= 0 {
			d.failf(dn.Line, "%s: must be greater than 0", bm.field("down"))
		}
		p.auxLine = dn.Line
	case KindPartition:
		d.countPartition(ev.Line)
		bm := d.mapping(body, path, []string{"name", "a", "b", "one_way", "heal_after"}, false)
		part := d.partitionBody(bm, body)
		part.Start = ev.At
		if v := bm.get("heal_after"); v != nil {
			after := d.duration(v, bm.field("heal_after"))
			if after <= 0 {
				d.failf(v.Line, "%s: must be greater than 0", bm.field("heal_after"))
			}
			if after > d.horizon-ev.At {
				d.failf(v.Line, "%s: the partition would heal at %s, beyond the scenario duration %s", bm.field("heal_after"), ev.At+after, d.horizon)
			}
			part.Heal = ev.At + after
			p.auxLine = v.Line
		}
		if err := part.Validate(); err != nil {
			d.failf(ev.Line, "%s: %v", path, err)
		}
		ev.Partition = &part
		p.nameLine = bm.vals["name"].Line
	case KindHeal:
		bm := d.mapping(body, path, []string{"partition"}, false)
		pn := d.require(bm, "partition")
		ev.Name = d.name(pn, bm.field("partition"))
		p.nameLine = pn.Line
	default:
		panic(fmt.Sprintf("scenarios: faultAction(%q)", kind))
	}
	p.ev = ev
	return p
}
