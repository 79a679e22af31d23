package policies

// Property tests (pgregory.net/rapid) of the four allocation policies
// (drf, random, fifo, capacity) driven through model.World: the master, the
// network, agents and frameworks, over random clusters and timelines. The
// records are followed into a ledger of the master's state (registered
// agents, subscribed frameworks, outstanding offers, live tasks), against
// which each property is checked.
//
//  1. TestPoliciesPropAccounting, every policy, random capacity settings
//     for capacity and random quota (initial and set_quota) in some runs;
//     agents with random cpus/mem, reservations (to nested roles too) and
//     ports; hold, keep and decline frameworks (with think time and
//     per-framework min_allocatable at times) in random roles, nested
//     included; a timeline of agent and framework churn, declines,
//     releases, suppress / revive, weights and quota. At every record:
//     - per agent, outstanding offers alone, and offers plus live tasks,
//     fit in the agent's total (scalars summed; ranges and sets pairwise
//     disjoint), so no agent is over-allocated and no resource is in two
//     offers at once;
//     - an offer is made once, for a registered agent, to a subscribed and
//     active framework in its own role, holds only what that role may use
//     and is allocatable for that framework; it ends (accepted, declined
//     or rescinded) at most once, and the offers left at the end are
//     exactly the master's outstanding offers;
//     - an offer to a role with quota never takes its consumption (its
//     subroles' allocations included from the next cycle on) past its
//     limit, offers to its subroles are not held to it, nor
//     (capacity) a role's unreserved share of any resource past
//     max_capacity.
//  2. TestPoliciesPropDRFFairness: DRF, no quota, one hold framework per
//     role, 2..4 roles of equal weight, 4..30 agents of one shape: when
//     every agent is allocated, max - min dominant share <= one agent's
//     dominant share (+1e-9). See ppDRFFairness for why the bound holds.
//  3. TestPoliciesPropCapacity: the capacity policy never lets a role with
//     demand starve below its capacity while another role is above its
//     own through its own doing; see ppCapacityChecker for the exact
//     statement and why the literal "never for longer than one allocation
//     interval" cannot hold without preemption.
//
// Run more cases with: go test ./policies -run PoliciesProp -rapid.checks=1000

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// ---- scenarios ----

var (
	ppPolicies  = []string{"drf", "random", "fifo", "capacity"}
	ppRoles     = []string{"r1", "r2", "r3", "r1/sub", "r1/sub/x", "*"}
	ppReserveTo = []string{"r1", "r2", "r1/sub", "r1/sub/x"}
	ppQuotaTo   = []string{"r1", "r2", "r3"}
	ppRefuses   = []float64{0, 0.5, 1, 5, -1}
	ppWeights   = []float64{0.5, 1, 2, 3}
	ppMinAlloc  = []model.Resources{model.MustParseResources("cpus:0.01"), model.MustParseResources("mem:32")}
	ppTerminal  = func() map[string]bool {
		m := map[string]bool{}
		for s := model.TaskStaging; s <= model.TaskUnknown; s++ {
			if s.Terminal() {
				m[s.String()] = true
			}
		}
		return m
	}()
)

type ppAgentSpec struct{ Name, Res string }

type ppFwSpec struct {
	Name, Role, Behavior string
	Refuse               float64  // the decline behaviour's refuse_seconds
	CfgRefuse            float64  // FrameworkConfig.RefuseSeconds
	Think                sim.Time // hold / decline: think time per offer
	// MinAlloc is the framework's own min_allocatable: "" keeps the
	// master's, "any" is an empty list (anything), else one AND-set.
	MinAlloc string
}

func (f ppFwSpec) String() string {
	return fmt.Sprintf("%s role=%s %s refuse=%v cfg_refuse=%v think=%v min_alloc=%q",
		f.Name, f.Role, f.Behavior, f.Refuse, f.CfgRefuse, f.Think, f.MinAlloc)
}

func (f ppFwSpec) minAllocatable() []model.Resources {
	switch f.MinAlloc {
	case "":
		return nil
	case "any":
		return []model.Resources{}
	}
	return []model.Resources{model.MustParseResources(f.MinAlloc)}
}

type ppOp struct {
	At     sim.Time
	Kind   string
	Agent  ppAgentSpec // add_agent
	Fw     ppFwSpec    // add_framework
	Name   string      // the framework, or the agent of remove_agent / release_all
	Target string      // the agent of decline / release
	Refuse float64     // decline
	Role   string      // set_weight, set_quota
	Weight float64     // set_weight
	// set_quota
	Guarantee, Limit string
}

func (o ppOp) String() string {
	switch o.Kind {
	case "add_agent":
		return fmt.Sprintf("%v add_agent %s %q", o.At, o.Agent.Name, o.Agent.Res)
	case "add_framework":
		return fmt.Sprintf("%v add_framework %s", o.At, o.Fw)
	case "decline":
		return fmt.Sprintf("%v decline %s %s refuse=%v", o.At, o.Name, o.Target, o.Refuse)
	case "release":
		return fmt.Sprintf("%v release %s %s", o.At, o.Name, o.Target)
	case "set_weight":
		return fmt.Sprintf("%v set_weight %s %v", o.At, o.Role, o.Weight)
	case "set_quota":
		return fmt.Sprintf("%v set_quota %s guarantee=%q limit=%q", o.At, o.Role, o.Guarantee, o.Limit)
	}
	return fmt.Sprintf("%v %s %s", o.At, o.Kind, o.Name)
}

type ppScenario struct {
	Policy                             string
	Seed                               uint64
	Interval, OfferTimeout, Delay, End sim.Time
	// MinAlloc sets the master's min_allocatable to ppMinAlloc (else
	// anything non-empty is allocatable).
	MinAlloc bool
	Capacity map[string]model.Capacity
	Quota    map[string][2]string // initial quota: guarantee, limit
	Weights  map[string]float64   // set at time 0, before anything else
	// Frameworks subscribe at time 0, before the agents are added.
	Frameworks []ppFwSpec
	Agents     []ppAgentSpec
	Ops        []ppOp
}

func (s ppScenario) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "policy=%s seed=%d interval=%v offer_timeout=%v delay=%v end=%v min_alloc=%v\n",
		s.Policy, s.Seed, s.Interval, s.OfferTimeout, s.Delay, s.End, s.MinAlloc)
	for _, r := range slices.Sorted(maps.Keys(s.Capacity)) {
		fmt.Fprintf(&b, "  capacity %s %v max %v\n", r, s.Capacity[r].Capacity, s.Capacity[r].MaxCapacity)
	}
	for _, r := range slices.Sorted(maps.Keys(s.Quota)) {
		fmt.Fprintf(&b, "  quota %s guarantee=%q limit=%q\n", r, s.Quota[r][0], s.Quota[r][1])
	}
	for _, r := range slices.Sorted(maps.Keys(s.Weights)) {
		fmt.Fprintf(&b, "  weight %s %v\n", r, s.Weights[r])
	}
	for _, f := range s.Frameworks {
		fmt.Fprintf(&b, "  framework %s\n", f)
	}
	for _, a := range s.Agents {
		fmt.Fprintf(&b, "  agent %s %q\n", a.Name, a.Res)
	}
	for _, o := range s.Ops {
		fmt.Fprintf(&b, "  at %s\n", o)
	}
	return b.String()
}

func ppQuota(guarantee, limit string) model.Quota {
	g, err := model.ParseQuantities(guarantee)
	if err != nil {
		panic(err)
	}
	l, err := model.ParseQuantities(limit)
	if err != nil {
		panic(err)
	}
	return model.Quota{Guarantee: g, Limit: l}
}

func ppScheduler(f ppFwSpec) model.Scheduler {
	switch f.Behavior {
	case "hold":
		return &Hold{Think: ThinkTime{Base: f.Think}}
	case "keep":
		return Keep{}
	}
	return NewDecliner(f.Refuse, ThinkTime{Base: f.Think})
}

// ppRun builds the scenario's world with the scenario's policy, runs it to
// s.End and returns it; observe sees every record.
func ppRun(s ppScenario, fatalf func(string, ...any), observe func(r *model.Record)) *model.World {
	cfg := model.AllocatorConfig{AllocationInterval: s.Interval, Capacity: s.Capacity}
	if s.MinAlloc {
		cfg.MinAllocatable = ppMinAlloc
	}
	if len(s.Quota) > 0 {
		cfg.Quota = map[string]model.Quota{}
		for r, q := range s.Quota {
			cfg.Quota[r] = ppQuota(q[0], q[1])
		}
	}
	w := model.NewWorld(model.WorldConfig{
		Seed:         s.Seed,
		NetworkDelay: s.Delay,
		Master:       model.MasterConfig{AllocationInterval: s.Interval, OfferTimeout: s.OfferTimeout},
	}, func(clock model.Clock, streams sim.Streams) model.Allocator {
		c := cfg
		c.Clock, c.Rand = clock, streams.Get("allocator")
		a, err := NewAllocator(s.Policy, c)
		if err != nil {
			fatalf("NewAllocator(%q): %v", s.Policy, err)
		}
		return a
	})
	w.Observe(model.ObserverFunc(observe))
	must := func(what string, err error) {
		if err != nil {
			fatalf("scenario step %s: %v", what, err)
		}
	}
	removed := map[string]bool{} // frameworks torn down
	addFw := func(f ppFwSpec) {
		must("add framework "+f.Name, w.AddFramework(model.FrameworkConfig{Name: f.Name, Role: f.Role,
			RefuseSeconds: f.CfgRefuse, MinAllocatable: f.minAllocatable()}, ppScheduler(f)))
	}
	w.Start()
	for _, r := range slices.Sorted(maps.Keys(s.Weights)) {
		w.SetWeight(r, s.Weights[r])
	}
	for _, f := range s.Frameworks {
		addFw(f)
	}
	for _, a := range s.Agents {
		must("add agent "+a.Name, w.AddAgent(a.Name, model.MustParseResources(a.Res)))
	}
	for _, op := range s.Ops {
		w.At(op.At, func() {
			switch op.Kind {
			case "add_agent":
				must(op.String(), w.AddAgent(op.Agent.Name, model.MustParseResources(op.Agent.Res)))
			case "add_framework":
				addFw(op.Fw)
			case "remove_agent":
				must(op.String(), w.RemoveAgent(op.Name))
			case "remove_framework":
				removed[op.Name] = true
				must(op.String(), w.RemoveFramework(op.Name))
			case "suppress":
				must(op.String(), w.CallFramework(op.Name, func(d model.Driver) { d.Suppress() }))
			case "revive":
				must(op.String(), w.CallFramework(op.Name, func(d model.Driver) { d.Revive() }))
			case "set_weight":
				w.SetWeight(op.Role, op.Weight)
			case "set_quota":
				w.SetQuota(op.Role, ppQuota(op.Guarantee, op.Limit))
			case "decline":
				must(op.String(), w.DeclineAgent(op.Name, op.Target, op.Refuse))
			case "release":
				must(op.String(), w.Release(op.Name, op.Target))
			case "release_all":
				// every framework kills its tasks on the agent
				for _, f := range w.FrameworkNames() {
					if !removed[f] {
						must(op.String(), w.Release(f, op.Name))
					}
				}
			}
		})
	}
	w.Run(s.End)
	return w
}

// ---- generators ----

func ppHalves(n int) string { return model.Milli(n * 500).String() }

func ppGenAgent(t *rapid.T, name string) ppAgentSpec {
	parts := []string{
		"cpus:" + ppHalves(rapid.IntRange(1, 32).Draw(t, name+".cpus")),
		fmt.Sprintf("mem:%d", rapid.IntRange(64, 8192).Draw(t, name+".mem")),
	}
	if rapid.Bool().Draw(t, name+".reserved") {
		role := rapid.SampledFrom(ppReserveTo).Draw(t, name+".reserved_role")
		parts = append(parts, fmt.Sprintf("cpus(%s):%s", role, ppHalves(rapid.IntRange(1, 8).Draw(t, name+".reserved_cpus"))))
		if rapid.Bool().Draw(t, name+".reserved_has_mem") {
			parts = append(parts, fmt.Sprintf("mem(%s):%d", role, rapid.IntRange(32, 2048).Draw(t, name+".reserved_mem")))
		}
	}
	if rapid.Bool().Draw(t, name+".has_ports") {
		lo := rapid.IntRange(31000, 31900).Draw(t, name+".ports_lo")
		hi := lo + rapid.IntRange(0, 99).Draw(t, name+".ports_len")
		parts = append(parts, fmt.Sprintf("ports:[%d-%d]", lo, hi))
	}
	return ppAgentSpec{Name: name, Res: strings.Join(parts, ";")}
}

func ppGenFw(t *rapid.T, name string) ppFwSpec {
	return ppFwSpec{
		Name:      name,
		Role:      rapid.SampledFrom(ppRoles).Draw(t, name+".role"),
		Behavior:  rapid.SampledFrom([]string{"hold", "keep", "decline"}).Draw(t, name+".behavior"),
		Refuse:    rapid.SampledFrom(ppRefuses).Draw(t, name+".refuse"),
		CfgRefuse: rapid.SampledFrom(ppRefuses).Draw(t, name+".cfg_refuse"),
		Think:     rapid.SampledFrom([]sim.Time{0, 0, 300 * sim.Millisecond, 2 * sim.Second}).Draw(t, name+".think"),
		MinAlloc:  rapid.SampledFrom([]string{"", "", "any", "cpus:1", "mem:512;cpus:0.5"}).Draw(t, name+".min_alloc"),
	}
}

// ppGenCapacity draws capacity queues for some of roles: capacities (in
// whole percent) summing to at most 1, max_capacity between the capacity
// and 1.
func ppGenCapacity(t *rapid.T, roles []string, all bool) map[string]model.Capacity {
	pct := map[string]int{}
	sum := 0
	for _, r := range roles {
		if !all && !rapid.Bool().Draw(t, "capacity."+r+".set") {
			continue
		}
		pct[r] = rapid.IntRange(0, 100).Draw(t, "capacity."+r)
		sum += pct[r]
	}
	out := map[string]model.Capacity{}
	for _, r := range roles {
		p, ok := pct[r]
		if !ok {
			continue
		}
		if sum > 100 {
			p = p * 100 / sum
		}
		maxPct := rapid.IntRange(p, 100).Draw(t, "max_capacity."+r)
		out[r] = model.Capacity{Capacity: float64(p) / 100, MaxCapacity: float64(maxPct) / 100}
	}
	return out
}

func ppGenQuantities(t *rapid.T, label string) string {
	var parts []string
	if rapid.Bool().Draw(t, label+".has_cpus") {
		parts = append(parts, "cpus:"+ppHalves(rapid.IntRange(0, 16).Draw(t, label+".cpus")))
	}
	if rapid.Bool().Draw(t, label+".has_mem") {
		parts = append(parts, fmt.Sprintf("mem:%d", rapid.IntRange(0, 8192).Draw(t, label+".mem")))
	}
	return strings.Join(parts, ";")
}

// ppGenQuota draws a quota as scenarios accept it (and Mesos's quota
// handler: guarantees at most the limits): a guarantee and a limit, each
// guaranteed amount lowered to the limit of its name where one is drawn.
func ppGenQuota(t *rapid.T, label string) [2]string {
	q := ppQuota(ppGenQuantities(t, label+".guarantee"), ppGenQuantities(t, label+".limit"))
	g := q.Guarantee
	for _, x := range q.Guarantee {
		if l, ok := q.Limit.Lookup(x.Name); ok && x.Value > l {
			g = g.With(x.Name, l)
		}
	}
	return [2]string{g.String(), q.Limit.String()}
}

var ppTimeGen = rapid.OneOf(
	// on a 0.5 s grid, to meet allocation ticks and filter expiries
	rapid.Map(rapid.IntRange(0, 60), func(i int) sim.Time { return sim.Time(i) * 500 * sim.Millisecond }),
	rapid.Map(rapid.IntRange(0, 30000), func(ms int) sim.Time { return sim.Time(ms) * sim.Millisecond }),
)

func ppGenInterval(t *rapid.T) sim.Time {
	return rapid.OneOf(
		rapid.SampledFrom([]sim.Time{500 * sim.Millisecond, sim.Second, 2 * sim.Second}),
		rapid.Map(rapid.IntRange(500, 2000), func(ms int) sim.Time { return sim.Time(ms) * sim.Millisecond }),
	).Draw(t, "interval")
}

// ppGenAccountingScenario draws a scenario for property 1.
func ppGenAccountingScenario(t *rapid.T) ppScenario {
	s := ppScenario{
		Policy:       rapid.SampledFrom(ppPolicies).Draw(t, "policy"),
		Seed:         rapid.Uint64().Draw(t, "seed"),
		Interval:     ppGenInterval(t),
		OfferTimeout: rapid.SampledFrom([]sim.Time{0, 3 * sim.Second}).Draw(t, "offer_timeout"),
		Delay:        rapid.SampledFrom([]sim.Time{0, sim.Millisecond, 3 * sim.Millisecond}).Draw(t, "network_delay"),
		End:          40 * sim.Second,
		MinAlloc:     rapid.Bool().Draw(t, "min_alloc"),
	}
	if s.Policy == "capacity" {
		s.Capacity = ppGenCapacity(t, ppRoles, false)
	}
	if rapid.IntRange(0, 2).Draw(t, "has_quota") == 0 {
		s.Quota = map[string][2]string{}
		for _, r := range ppQuotaTo {
			if rapid.Bool().Draw(t, "quota."+r) {
				s.Quota[r] = ppGenQuota(t, "quota."+r)
			}
		}
	}
	const maxAgents, maxFws = 10, 8
	var liveAgents, liveFws []string
	fwRole := map[string]string{}
	nAgents, nFws := 0, 0
	for range rapid.IntRange(1, 6).Draw(t, "frameworks") {
		nFws++
		f := ppGenFw(t, fmt.Sprintf("f%d", nFws))
		s.Frameworks = append(s.Frameworks, f)
		liveFws = append(liveFws, f.Name)
		fwRole[f.Name] = f.Role
	}
	for range rapid.IntRange(1, 8).Draw(t, "agents") {
		nAgents++
		a := ppGenAgent(t, fmt.Sprintf("a%d", nAgents))
		s.Agents = append(s.Agents, a)
		liveAgents = append(liveAgents, a.Name)
	}
	nOps := rapid.IntRange(0, 30).Draw(t, "ops")
	times := make([]sim.Time, nOps)
	for i := range times {
		times[i] = ppTimeGen.Draw(t, fmt.Sprintf("op%d.at", i))
	}
	slices.Sort(times)
	drop := func(list []string, name string) []string {
		return slices.DeleteFunc(list, func(x string) bool { return x == name })
	}
	for i, at := range times {
		l := fmt.Sprintf("op%d", i)
		kinds := []string{"set_quota"}
		if nAgents < maxAgents {
			kinds = append(kinds, "add_agent")
		}
		if nFws < maxFws {
			kinds = append(kinds, "add_framework")
		}
		if len(liveAgents) > 0 {
			kinds = append(kinds, "remove_agent")
		}
		if len(liveFws) > 0 {
			kinds = append(kinds, "remove_framework", "suppress", "revive", "set_weight")
			if len(liveAgents) > 0 {
				kinds = append(kinds, "decline", "decline", "release", "release")
			}
		}
		op := ppOp{At: at, Kind: rapid.SampledFrom(kinds).Draw(t, l+".kind")}
		switch op.Kind {
		case "add_agent":
			nAgents++
			op.Agent = ppGenAgent(t, fmt.Sprintf("a%d", nAgents))
			liveAgents = append(liveAgents, op.Agent.Name)
		case "add_framework":
			nFws++
			op.Fw = ppGenFw(t, fmt.Sprintf("f%d", nFws))
			liveFws = append(liveFws, op.Fw.Name)
			fwRole[op.Fw.Name] = op.Fw.Role
		case "remove_agent":
			op.Name = rapid.SampledFrom(liveAgents).Draw(t, l+".agent")
			liveAgents = drop(liveAgents, op.Name)
		case "remove_framework":
			op.Name = rapid.SampledFrom(liveFws).Draw(t, l+".framework")
			liveFws = drop(liveFws, op.Name)
		case "suppress", "revive":
			op.Name = rapid.SampledFrom(liveFws).Draw(t, l+".framework")
		case "set_weight":
			op.Role = fwRole[rapid.SampledFrom(liveFws).Draw(t, l+".role_of")]
			op.Weight = rapid.SampledFrom(ppWeights).Draw(t, l+".weight")
		case "set_quota":
			op.Role = rapid.SampledFrom(ppQuotaTo).Draw(t, l+".role")
			if rapid.IntRange(0, 3).Draw(t, l+".clear") > 0 {
				q := ppGenQuota(t, l)
				op.Guarantee, op.Limit = q[0], q[1]
			}
		case "decline", "release":
			op.Name = rapid.SampledFrom(liveFws).Draw(t, l+".framework")
			op.Target = rapid.SampledFrom(liveAgents).Draw(t, l+".agent")
			if op.Kind == "decline" {
				op.Refuse = rapid.SampledFrom(ppRefuses).Draw(t, l+".refuse")
			}
		}
		s.Ops = append(s.Ops, op)
	}
	return s
}

// ---- the ledger ----

type ppFw struct {
	spec   ppFwSpec
	active bool
}

type ppOffer struct {
	id, fw, role, agent string
	res                 model.Resources
}

type ppTask struct {
	fw, role, agent string
	res             model.Resources
}

// ppLedger follows the records into the master's state as they show it and
// checks the accounting and offer-lifecycle parts of property 1 (every
// property test runs it). Hooks let a property look at each offer before
// and after it is booked, and at each allocation cycle once its offers are
// all made.
type ppLedger struct {
	scenario ppScenario
	fatalf   func(string, ...any)
	now      sim.Time
	recent   []string

	fwSpec      map[string]ppFwSpec
	agents      map[string]model.Resources // registered: total
	fws         map[string]*ppFw           // subscribed
	offers      map[string]*ppOffer        // outstanding
	ended       map[string]string          // offer id: how it ended
	made        int
	tasks       map[string]*ppTask // framework/task: live as the master sees it
	agentOffers map[string]map[string]bool
	agentTasks  map[string]map[string]bool

	// an accept being recorded: task_launched ... offer_accepted
	inAccept         bool
	launched, parts  model.Resources
	touched          map[string]bool
	inCycle          bool
	cycleAll         bool
	cycleAt          sim.Time
	beforeOffer      func(r *model.Record)
	afterOffer       func(o *ppOffer)
	onCycleEnd       func(all bool)
	onCycleStart     func()
	acceptsCompleted int
}

func newPPLedger(s ppScenario, fatalf func(string, ...any)) *ppLedger {
	l := &ppLedger{
		scenario: s, fatalf: fatalf, fwSpec: map[string]ppFwSpec{},
		agents: map[string]model.Resources{}, fws: map[string]*ppFw{},
		offers: map[string]*ppOffer{}, ended: map[string]string{}, tasks: map[string]*ppTask{},
		agentOffers: map[string]map[string]bool{}, agentTasks: map[string]map[string]bool{},
		touched: map[string]bool{},
	}
	for _, f := range s.Frameworks {
		l.fwSpec[f.Name] = f
	}
	for _, o := range s.Ops {
		if o.Kind == "add_framework" {
			l.fwSpec[o.Fw.Name] = o.Fw
		}
	}
	return l
}

func (l *ppLedger) fail(format string, args ...any) {
	l.fatalf("at %v: %s\nlast records:\n  %s\nscenario:\n%s", l.now, fmt.Sprintf(format, args...),
		strings.Join(l.recent, "\n  "), l.scenario)
}

func ppSetAdd(m map[string]map[string]bool, k, v string) {
	if m[k] == nil {
		m[k] = map[string]bool{}
	}
	m[k][v] = true
}

func (l *ppLedger) observe(r *model.Record) {
	if len(l.recent) == 16 {
		l.recent = l.recent[1:]
	}
	l.recent = append(l.recent, fmt.Sprintf("%v %s fw=%s agent=%s role=%s offer=%s task=%s res=%s state=%s seen_by=%s cycle=%d agents=%d",
		r.T, r.Kind, r.Framework, r.Agent, r.Role, r.Offer, r.Task, r.Resources, r.State, r.SeenBy, r.Cycle, r.Agents))
	if r.T < l.now {
		l.fail("time went back from %v to %v", l.now, r.T)
	}
	l.now = r.T
	if l.inCycle && r.Kind != model.KindOffer {
		l.closeCycle()
	}
	if l.inAccept && r.Kind != model.KindTaskLaunched && r.Kind != model.KindOfferAccepted {
		l.closeAccept()
	}
	switch r.Kind {
	case model.KindAgentAdded:
		if _, ok := l.agents[r.Agent]; ok {
			l.fail("agent %s added while registered", r.Agent)
		}
		l.agents[r.Agent] = r.Resources
	case model.KindAgentRemoved:
		if _, ok := l.agents[r.Agent]; !ok {
			l.fail("agent %s removed but not registered", r.Agent)
		}
		if n := len(l.agentOffers[r.Agent]); n > 0 {
			l.fail("agent %s removed with %d outstanding offers", r.Agent, n)
		}
		if n := len(l.agentTasks[r.Agent]); n > 0 {
			l.fail("agent %s removed with %d live tasks", r.Agent, n)
		}
		delete(l.agents, r.Agent)
	case model.KindFrameworkAdded:
		if l.fws[r.Framework] != nil {
			l.fail("framework %s added while subscribed", r.Framework)
		}
		l.fws[r.Framework] = &ppFw{spec: l.fwSpec[r.Framework], active: true}
	case model.KindFrameworkRemoved:
		if l.fws[r.Framework] == nil {
			l.fail("framework %s removed but not subscribed", r.Framework)
		}
		for _, id := range slices.Sorted(maps.Keys(l.offers)) {
			if l.offers[id].fw == r.Framework {
				l.fail("framework %s removed with outstanding offer %s", r.Framework, id)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(l.tasks)) {
			if l.tasks[k].fw == r.Framework {
				l.fail("framework %s removed with live task %s", r.Framework, k)
			}
		}
		delete(l.fws, r.Framework)
	case model.KindFrameworkSuppress, model.KindFrameworkRevive:
		f := l.fws[r.Framework]
		if f == nil {
			l.fail("%s of framework %s that is not subscribed", r.Kind, r.Framework)
		}
		f.active = r.Kind == model.KindFrameworkRevive
	case model.KindAllocation:
		l.inCycle, l.cycleAt = true, r.T
		l.cycleAll = r.Agents == len(l.agents)
		if l.onCycleStart != nil {
			l.onCycleStart()
		}
	case model.KindOffer:
		l.checkOffer(r)
		if l.beforeOffer != nil {
			l.beforeOffer(r)
		}
		o := &ppOffer{id: r.Offer, fw: r.Framework, role: r.Role, agent: r.Agent, res: r.Resources}
		l.offers[o.id] = o
		ppSetAdd(l.agentOffers, o.agent, o.id)
		l.made++
		if l.afterOffer != nil {
			l.afterOffer(o)
		}
	case model.KindOfferDeclined, model.KindOfferRescinded:
		o := l.endOffer(r)
		if !r.Resources.Equal(o.res) {
			l.fail("%s %s with resources %s, offered %s", r.Kind, o.id, r.Resources, o.res)
		}
	case model.KindOfferAccepted:
		o := l.endOffer(r)
		if !o.res.Contains(r.Resources) {
			l.fail("offer %s accepted with %s, more than offered %s", o.id, r.Resources, o.res)
		}
		l.inAccept = true
		l.parts = l.parts.Add(r.Resources)
		l.touched[o.agent] = true
	case model.KindTaskLaunched:
		f := l.fws[r.Framework]
		if f == nil {
			l.fail("task %s launched for framework %s that is not subscribed", r.Task, r.Framework)
		}
		if _, ok := l.agents[r.Agent]; !ok {
			l.fail("task %s launched on agent %s that is not registered", r.Task, r.Agent)
		}
		key := r.Framework + "/" + r.Task
		if l.tasks[key] != nil {
			l.fail("task %s launched twice", key)
		}
		l.tasks[key] = &ppTask{fw: r.Framework, role: f.spec.Role, agent: r.Agent, res: r.Resources}
		ppSetAdd(l.agentTasks, r.Agent, key)
		l.inAccept = true
		l.launched = l.launched.Add(r.Resources)
		l.touched[r.Agent] = true
	case model.KindTaskStatus:
		if r.SeenBy == "master" && ppTerminal[r.State] {
			key := r.Framework + "/" + r.Task
			if t := l.tasks[key]; t != nil {
				delete(l.tasks, key)
				delete(l.agentTasks[t.agent], key)
			}
		}
	}
	if !l.inAccept && r.Agent != "" {
		l.checkAgent(r.Agent)
	}
}

func (l *ppLedger) closeCycle() {
	l.inCycle = false
	if l.onCycleEnd != nil {
		l.onCycleEnd(l.cycleAll)
	}
}

func (l *ppLedger) closeAccept() {
	if !l.launched.Equal(l.parts) {
		l.fail("tasks launched with %s but offers accepted for %s", l.launched, l.parts)
	}
	l.inAccept = false
	l.launched, l.parts = model.Resources{}, model.Resources{}
	for _, a := range slices.Sorted(maps.Keys(l.touched)) {
		l.checkAgent(a)
	}
	clear(l.touched)
	l.acceptsCompleted++
}

// endOffer ends an offer: it must be outstanding, made to that framework
// on that agent, and not ended before.
func (l *ppLedger) endOffer(r *model.Record) *ppOffer {
	if how, ok := l.ended[r.Offer]; ok {
		l.fail("offer %s ended twice: %s then %s", r.Offer, how, r.Kind)
	}
	o := l.offers[r.Offer]
	if o == nil {
		l.fail("%s of offer %s that was never made", r.Kind, r.Offer)
	}
	if o.fw != r.Framework || o.agent != r.Agent {
		l.fail("%s of offer %s names %s on %s; it was made to %s on %s", r.Kind, o.id, r.Framework, r.Agent, o.fw, o.agent)
	}
	l.ended[o.id] = r.Kind
	delete(l.offers, o.id)
	delete(l.agentOffers[o.agent], o.id)
	return o
}

// checkOffer checks an offer record against the ledger before it is booked.
func (l *ppLedger) checkOffer(r *model.Record) {
	if !l.inCycle {
		l.fail("offer %s outside an allocation cycle", r.Offer)
	}
	if _, ok := l.ended[r.Offer]; ok || l.offers[r.Offer] != nil {
		l.fail("offer id %s made twice", r.Offer)
	}
	if _, ok := l.agents[r.Agent]; !ok {
		l.fail("offer %s on agent %s that is not registered", r.Offer, r.Agent)
	}
	f := l.fws[r.Framework]
	if f == nil {
		l.fail("offer %s to framework %s that is not subscribed", r.Offer, r.Framework)
	}
	if f.spec.Role != r.Role {
		l.fail("offer %s to %s in role %q; the framework's role is %q", r.Offer, r.Framework, r.Role, f.spec.Role)
	}
	if !f.active {
		l.fail("offer %s to suppressed framework %s", r.Offer, r.Framework)
	}
	if !r.Resources.AllocatableTo(r.Role).Equal(r.Resources) {
		l.fail("offer %s of %s to role %s holds resources reserved to another role", r.Offer, r.Resources, r.Role)
	}
	minAlloc := f.spec.minAllocatable()
	if minAlloc == nil && l.scenario.MinAlloc {
		minAlloc = ppMinAlloc
	}
	if !allocatable(r.Resources, minAlloc) {
		l.fail("offer %s of %s to %s is not allocatable (min_allocatable %v)", r.Offer, r.Resources, r.Framework, minAlloc)
	}
}

// ppDisjoint reports whether two collections of ranges and sets share no
// item.
func ppDisjoint(a, b model.Resources) bool { return a.Sub(b).Equal(a) }

// checkAgent: outstanding offers alone, and offers plus live tasks, fit in
// the agent; no range or set item is in two of them.
func (l *ppLedger) checkAgent(agent string) {
	total, ok := l.agents[agent]
	if !ok {
		if len(l.agentOffers[agent]) > 0 || len(l.agentTasks[agent]) > 0 {
			l.fail("agent %s is not registered but has offers or live tasks", agent)
		}
		return
	}
	var offered, all model.Resources
	var who []string
	var nonScalar []model.Resources
	keep := func(name string, res model.Resources) {
		if ns := res.Filter(func(e model.Resource) bool { return !e.IsScalar() }); !ns.IsEmpty() {
			who, nonScalar = append(who, name), append(nonScalar, ns)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(l.agentOffers[agent])) {
		offered = offered.Add(l.offers[id].res)
		keep("offer "+id, l.offers[id].res)
	}
	all = offered
	for _, k := range slices.Sorted(maps.Keys(l.agentTasks[agent])) {
		all = all.Add(l.tasks[k].res)
		keep("task "+k, l.tasks[k].res)
	}
	if !total.Contains(offered) {
		l.fail("agent %s (%s): outstanding offers add up to %s", agent, total, offered)
	}
	if !total.Contains(all) {
		l.fail("agent %s (%s): outstanding offers and live tasks add up to %s", agent, total, all)
	}
	for i := range nonScalar {
		for j := i + 1; j < len(nonScalar); j++ {
			if !ppDisjoint(nonScalar[i], nonScalar[j]) {
				l.fail("agent %s: %s (%s) and %s (%s) overlap", agent, who[i], nonScalar[i], who[j], nonScalar[j])
			}
		}
	}
}

// free returns what of an agent is neither offered nor used by a live task.
func (l *ppLedger) free(agent string) model.Resources {
	res := l.agents[agent]
	for id := range l.agentOffers[agent] {
		res = res.Sub(l.offers[id].res)
	}
	for k := range l.agentTasks[agent] {
		res = res.Sub(l.tasks[k].res)
	}
	return res
}

// allocatedTo sums outstanding offers and live tasks of frameworks whose
// role satisfies in.
func (l *ppLedger) allocatedTo(in func(role string) bool) model.Resources {
	var res model.Resources
	for _, o := range l.offers {
		if in(o.role) {
			res = res.Add(o.res)
		}
	}
	for _, t := range l.tasks {
		if in(t.role) {
			res = res.Add(t.res)
		}
	}
	return res
}

func (l *ppLedger) roleAlloc(role string) model.Resources {
	return l.allocatedTo(func(r string) bool { return r == role })
}

func (l *ppLedger) clusterTotal() model.Resources {
	var total model.Resources
	for _, r := range l.agents {
		total = total.Add(r)
	}
	return total
}

// ppShare is the unweighted dominant share of alloc in total, computed as
// the allocator does: max over scalar names of alloc / total.
func ppShare(alloc, total model.Resources) float64 {
	share := 0.0
	for _, name := range alloc.ScalarNames() {
		q, tq := alloc.Scalar(name), total.Scalar(name)
		if q <= 0 || tq <= 0 {
			continue
		}
		share = max(share, float64(q)/float64(tq))
	}
	return share
}

// finish: the offers left are exactly the master's outstanding offers and
// every offer made is either ended or outstanding.
func (l *ppLedger) finish(w *model.World) {
	if l.inCycle {
		l.closeCycle()
	}
	if l.inAccept {
		l.closeAccept()
	}
	got := w.Master().OutstandingOffers()
	want := slices.Sorted(maps.Keys(l.offers))
	if !slices.Equal(got, want) {
		l.fail("outstanding offers: master has %v, the records leave %v", got, want)
	}
	if n := len(l.ended) + len(l.offers); n != l.made {
		l.fail("%d offers made, %d ended and %d outstanding", l.made, len(l.ended), len(l.offers))
	}
}

// ---- property 1: accounting for every policy ----

// ppLimits is the policy-specific part of property 1: quota limits (every
// policy) and max_capacity (capacity), checked at each offer against the
// state just before it.
type ppLimits struct {
	*ppLedger
	quota map[string]model.Quota // by top-level role
	// subOffers holds the offers made to subroles in the current cycle:
	// they count toward their top-level role's consumption only from the
	// next cycle on (__generateOffers adds a fair-share offer to
	// rolesConsumedQuota only for a role with a quota of its own).
	subOffers   map[string]bool
	quotaChecks int
	capChecks   int
}

func newPPLimits(s ppScenario, fatalf func(string, ...any)) *ppLimits {
	c := &ppLimits{ppLedger: newPPLedger(s, fatalf), quota: map[string]model.Quota{}, subOffers: map[string]bool{}}
	for r, q := range s.Quota {
		c.quota[r] = ppQuota(q[0], q[1])
	}
	c.beforeOffer = c.checkLimits
	c.onCycleStart = func() { clear(c.subOffers) }
	c.afterOffer = func(o *ppOffer) {
		if o.role != model.TopLevelRole(o.role) {
			c.subOffers[o.id] = true
		}
	}
	return c
}

func (c *ppLimits) observe(r *model.Record) {
	c.ppLedger.observe(r)
	if r.Kind == model.KindQuotaSet {
		g, lim, ok := strings.Cut(strings.TrimPrefix(r.Detail, "guarantee="), " limit=")
		if !ok {
			c.fail("quota_set detail %q", r.Detail)
		}
		c.quota[r.Role] = ppQuota(g, lim)
	}
}

func (c *ppLimits) checkLimits(r *model.Record) {
	unreserved := r.Resources.Unreserved()
	top := model.TopLevelRole(r.Role)
	// Quota: an offer to a role with a quota never takes its consumption
	// (unreserved scalars offered or allocated to the role's subtree, its
	// subroles' offers of this cycle left out, plus every reservation to
	// the subtree on the registered agents) past its limit. A subrole has
	// no quota: its parent's limit does not cap its offers.
	if q, ok := c.quota[top]; ok && r.Role == top {
		inTop := func(role string) bool { return model.TopLevelRole(role) == top }
		alloc := c.allocatedTo(inTop).Unreserved()
		for _, id := range slices.Sorted(maps.Keys(c.subOffers)) {
			if o := c.offers[id]; o != nil && inTop(o.role) {
				alloc = alloc.Sub(o.res.Unreserved())
			}
		}
		var reserved model.Resources
		for _, a := range c.agents {
			reserved = reserved.Add(a.Filter(func(e model.Resource) bool { return e.Role != "" && inTop(e.Role) }))
		}
		for _, x := range q.Limit {
			add := unreserved.Scalar(x.Name)
			if add <= 0 {
				continue
			}
			c.quotaChecks++
			if consumed := alloc.Scalar(x.Name) + reserved.Scalar(x.Name); consumed+add > x.Value {
				c.fail("offer %s gives role %s %v unreserved %s on top of a consumption of %v: past its limit %v",
					r.Offer, r.Role, add, x.Name, consumed, x.Value)
			}
		}
	}
	// Capacity: the role's allocation of each resource (all of its
	// scalars, as the policy counts them) grows by unreserved scalars
	// only up to max_capacity of the cluster total.
	if c.scenario.Policy != "capacity" {
		return
	}
	cp, ok := c.scenario.Capacity[r.Role]
	if !ok || cp.MaxCapacity >= 1 {
		return
	}
	alloc, total := c.roleAlloc(r.Role), c.clusterTotal()
	for _, name := range unreserved.ScalarNames() {
		add := unreserved.Scalar(name)
		if add <= 0 {
			continue
		}
		c.capChecks++
		ceiling := model.Milli(math.Floor(cp.MaxCapacity * float64(total.Scalar(name))))
		if alloc.Scalar(name)+add > ceiling {
			c.fail("offer %s gives role %s %v unreserved %s on top of %v: past max_capacity %v of %v",
				r.Offer, r.Role, add, name, alloc.Scalar(name), cp.MaxCapacity, total.Scalar(name))
		}
	}
}

// TestPoliciesPropAccounting is property 1, for every policy.
func TestPoliciesPropAccounting(t *testing.T) {
	runs := map[string]int{}
	var offers, accepts, quotaChecks, capChecks int
	rapid.Check(t, func(t *rapid.T) {
		s := ppGenAccountingScenario(t)
		c := newPPLimits(s, t.Fatalf)
		w := ppRun(s, t.Fatalf, c.observe)
		c.finish(w)
		runs[s.Policy]++
		offers += c.made
		accepts += c.acceptsCompleted
		quotaChecks += c.quotaChecks
		capChecks += c.capChecks
	})
	t.Logf("scenarios by policy %v; %d offers, %d accept groups, %d quota-limit and %d max_capacity checks",
		runs, offers, accepts, quotaChecks, capChecks)
}

// ---- property 2: DRF fairness by whole agents ----

// ppGenFairScenario draws a scenario for property 2: DRF, no quota, roles
// d1..dR (R in 2..4) of one common weight with one hold framework each,
// subscribed at time 0; 4..30 agents of one shape (no reservations), some at
// time 0 (after the frameworks), the others joining later; nothing else
// happens. End is late enough for every agent to be offered.
func ppGenFairScenario(t *rapid.T) (ppScenario, model.Resources) {
	s := ppScenario{
		Policy:   "drf",
		Seed:     rapid.Uint64().Draw(t, "seed"),
		Interval: ppGenInterval(t),
		Delay:    rapid.SampledFrom([]sim.Time{0, sim.Millisecond, 3 * sim.Millisecond}).Draw(t, "network_delay"),
		End:      25 * sim.Second,
		MinAlloc: rapid.Bool().Draw(t, "min_alloc"),
		Weights:  map[string]float64{},
	}
	weight := rapid.SampledFrom(ppWeights).Draw(t, "weight")
	for i := range rapid.IntRange(2, 4).Draw(t, "roles") {
		role := fmt.Sprintf("d%d", i+1)
		s.Frameworks = append(s.Frameworks, ppFwSpec{Name: fmt.Sprintf("f%d", i+1), Role: role, Behavior: "hold"})
		if weight != 1 {
			s.Weights[role] = weight
		}
	}
	shape := fmt.Sprintf("cpus:%s;mem:%d", ppHalves(rapid.IntRange(1, 32).Draw(t, "agent.cpus")),
		rapid.IntRange(64, 16384).Draw(t, "agent.mem"))
	n := rapid.IntRange(4, 30).Draw(t, "agents")
	for i := range n {
		a := ppAgentSpec{Name: fmt.Sprintf("a%d", i+1), Res: shape}
		if at := rapid.IntRange(-20, 20).Draw(t, a.Name+".at"); at <= 0 {
			s.Agents = append(s.Agents, a)
		} else {
			s.Ops = append(s.Ops, ppOp{At: sim.Time(at) * 500 * sim.Millisecond, Kind: "add_agent", Agent: a})
		}
	}
	slices.SortStableFunc(s.Ops, func(a, b ppOp) int { return int(a.At - b.At) })
	return s, model.MustParseResources(shape)
}

// ppDRFFairness checks property 2 at the start of every allocation cycle and
// at the end of the run, where it also requires every agent to be wholly
// allocated.
//
// Why the bound holds. Every agent has the same resources and the roles
// have no reservations or quota, so one agent is the same fraction 1/n of
// the cluster (n agents registered) in every resource: its dominant share
// is 1/n. An agent is offered only when it is wholly free (a hold
// framework accepts every offer whole with a task that never ends, and no
// agent is ever released), and an offer holds everything of the agent the
// role may use, i.e. the whole agent. So each role r holds k_r whole
// agents and its dominant share is k_r/n. DRF's progressive filling visits
// the roles, for each agent, in increasing (equally) weighted dominant
// share, i.e. increasing k_r; each role has exactly one framework, always
// active, never filtering, so the first role visited takes the agent: the
// agent goes to a role with the least k_r (ties broken by allocation count
// and name, whichever it is). By induction max k - min k <= 1 at all
// times: it holds at the start (all 0); giving one agent to a role with
// k = min k makes it at most min k + 1 and moves no other role; adding an
// agent changes no k_r (only n, which scales every share alike). Hence
// max share - min share = (max k - min k)/n <= 1/n, one agent's dominant
// share; it cannot be tighter, as n mod R agents are left over after equal
// rounds. The frameworks subscribe before any agent registers, so no role
// starts behind.
type ppDRFFairness struct {
	*ppLedger
	shape  model.Resources
	checks int
}

func (c *ppDRFFairness) check(atEnd bool) {
	total := c.clusterTotal()
	if total.IsEmpty() {
		return
	}
	if atEnd {
		for _, a := range slices.Sorted(maps.Keys(c.agents)) {
			if free := c.free(a); !free.IsEmpty() {
				c.fail("at the end, agent %s still has %s free", a, free)
			}
		}
	}
	one := ppShare(c.shape, total)
	lo, hi := math.Inf(1), math.Inf(-1)
	var loRole, hiRole string
	for _, f := range c.scenario.Frameworks {
		s := ppShare(c.roleAlloc(f.Role), total)
		if s < lo {
			lo, loRole = s, f.Role
		}
		if s > hi {
			hi, hiRole = s, f.Role
		}
	}
	c.checks++
	if hi-lo > one+1e-9 {
		c.fail("dominant shares %s %v and %s %v differ by %v, more than one agent's dominant share %v (%d agents)",
			hiRole, hi, loRole, lo, hi-lo, one, len(c.agents))
	}
}

// TestPoliciesPropDRFFairness is property 2.
func TestPoliciesPropDRFFairness(t *testing.T) {
	var runs, checks int
	rapid.Check(t, func(t *rapid.T) {
		s, shape := ppGenFairScenario(t)
		c := &ppDRFFairness{ppLedger: newPPLedger(s, t.Fatalf), shape: shape}
		c.onCycleStart = func() { c.check(false) }
		w := ppRun(s, t.Fatalf, c.observe)
		c.finish(w)
		if got := len(c.agents); got != len(s.Agents)+len(s.Ops) {
			c.fail("%d agents registered at the end, want %d", got, len(s.Agents)+len(s.Ops))
		}
		c.check(true)
		runs++
		checks += c.checks
	})
	t.Logf("%d scenarios, %d share checks", runs, checks)
}

// ---- property 3: capacity ----

// ppGenCapacityScenario draws a scenario for property 3: the capacity
// policy, roles q1..qR (R in 2..4) with random capacities (sum <= 1) and
// max_capacity (some roles with none: capacity 0, max 1), one hold
// framework per role at time 0, agents of one shape, and a timeline that
// makes resources come and go: agents added and removed, every framework
// releasing its tasks on an agent, hold frameworks added and removed,
// suppress and revive (demand going and coming).
func ppGenCapacityScenario(t *rapid.T) (ppScenario, model.Resources) {
	s := ppScenario{
		Policy:   "capacity",
		Seed:     rapid.Uint64().Draw(t, "seed"),
		Interval: ppGenInterval(t),
		Delay:    rapid.SampledFrom([]sim.Time{0, sim.Millisecond, 3 * sim.Millisecond}).Draw(t, "network_delay"),
		End:      35 * sim.Second,
	}
	var roles []string
	for i := range rapid.IntRange(2, 4).Draw(t, "roles") {
		roles = append(roles, fmt.Sprintf("q%d", i+1))
	}
	s.Capacity = ppGenCapacity(t, roles, rapid.IntRange(0, 3).Draw(t, "all_capacities") > 0)
	shape := fmt.Sprintf("cpus:%s;mem:%d", ppHalves(rapid.IntRange(1, 16).Draw(t, "agent.cpus")),
		rapid.IntRange(128, 16384).Draw(t, "agent.mem"))
	nFws := 0
	var liveFws []string
	for _, r := range roles {
		nFws++
		f := ppFwSpec{Name: fmt.Sprintf("f%d", nFws), Role: r, Behavior: "hold"}
		s.Frameworks = append(s.Frameworks, f)
		liveFws = append(liveFws, f.Name)
	}
	const maxAgents = 24
	nAgents := 0
	var liveAgents []string
	for range rapid.IntRange(2, 16).Draw(t, "agents") {
		nAgents++
		s.Agents = append(s.Agents, ppAgentSpec{Name: fmt.Sprintf("a%d", nAgents), Res: shape})
		liveAgents = append(liveAgents, fmt.Sprintf("a%d", nAgents))
	}
	nOps := rapid.IntRange(0, 40).Draw(t, "ops")
	times := make([]sim.Time, nOps)
	for i := range times {
		times[i] = ppTimeGen.Draw(t, fmt.Sprintf("op%d.at", i))
	}
	slices.Sort(times)
	drop := func(list []string, name string) []string {
		return slices.DeleteFunc(list, func(x string) bool { return x == name })
	}
	for i, at := range times {
		l := fmt.Sprintf("op%d", i)
		kinds := []string{"add_framework"}
		if nAgents < maxAgents {
			kinds = append(kinds, "add_agent")
		}
		if len(liveAgents) > 0 {
			kinds = append(kinds, "remove_agent", "release_all", "release_all", "release_all")
		}
		if len(liveFws) > 0 {
			kinds = append(kinds, "remove_framework", "suppress", "revive", "revive")
		}
		op := ppOp{At: at, Kind: rapid.SampledFrom(kinds).Draw(t, l+".kind")}
		switch op.Kind {
		case "add_agent":
			nAgents++
			op.Agent = ppAgentSpec{Name: fmt.Sprintf("a%d", nAgents), Res: shape}
			liveAgents = append(liveAgents, op.Agent.Name)
		case "add_framework":
			nFws++
			op.Fw = ppFwSpec{Name: fmt.Sprintf("f%d", nFws), Role: rapid.SampledFrom(roles).Draw(t, l+".role"), Behavior: "hold"}
			liveFws = append(liveFws, op.Fw.Name)
		case "remove_agent":
			op.Name = rapid.SampledFrom(liveAgents).Draw(t, l+".agent")
			liveAgents = drop(liveAgents, op.Name)
		case "release_all":
			op.Name = rapid.SampledFrom(liveAgents).Draw(t, l+".agent")
		case "remove_framework":
			op.Name = rapid.SampledFrom(liveFws).Draw(t, l+".framework")
			liveFws = drop(liveFws, op.Name)
		case "suppress", "revive":
			op.Name = rapid.SampledFrom(liveFws).Draw(t, l+".framework")
		}
		s.Ops = append(s.Ops, op)
	}
	return s, model.MustParseResources(shape)
}

// ppCapacityChecker checks property 3.
//
// Terms, at an instant, from the records: n agents are registered, all of
// one shape, so one agent's dominant share is d = 1/n. used_X is role X's
// dominant share (unweighted) of what is offered to or running for its
// frameworks; c_X and m_X are its capacity and max_capacity (0 and 1 when
// unset). X has demand when one of its frameworks is subscribed and not
// suppressed (a hold framework accepts any offer, whole, and never declines
// or filters). X is starved when it has demand and used_X < c_X - d; it is
// over when used_X > c_X.
//
// The literal statement "a role with demand never stays below its capacity
// while another is above its own for longer than one allocation interval"
// is false for this policy, as for YARN's CapacityScheduler without its
// preemption monitor: the policy never takes back what it granted. If
// role B took the whole cluster while A had no framework (or was
// suppressed), and A's framework then subscribes, A stays at 0 for as long
// as B's hold tasks run, any number of intervals. What the policy does
// guarantee, and what is checked, is that it never prolongs such a state
// itself:
//
//	(a) no offer goes to a role at or above its capacity (used >= c) while
//	    another role is starved;
//	(b) no offer goes to a role X below its capacity while a starved role A
//	    has a lower ratio (used_A/c_A < used_X/c_X): the agent goes to the
//	    role furthest below its capacity first;
//	(c) at the end of every allocation cycle over all agents (the batch
//	    cycle, every allocation interval), if some role is starved, no agent
//	    has anything free.
//
// Hence the exact temporal form: a starved role A and an over role B can
// coexist for longer than one allocation interval only while B is offered
// nothing (by (a), as B is above its capacity) and every batch cycle in
// between left nothing free (by (c)): the state outlives an interval only
// because of resources granted before it arose. Resources that come free
// (a release, a framework or agent leaving, an agent joining) are offered
// by the next batch cycle at the latest, and while a role is starved only
// to roles below their capacity, never to one further from its capacity
// than a starved role (by (a) and (b)).
//
// Why (a)-(c) hold: the policy visits roles below their capacity before
// the others, by increasing used/c. A starved role A has room: for every
// resource j, used_A,j/T_j <= used_A < c_A - d <= m_A - d (the generator
// keeps max_capacity >= capacity) and d = a_j/T_j (a_j: one agent's j, T_j:
// the cluster's), so its ceiling floor(m_A*T_j) - used_A,j exceeds
// a_j - 1 milli and, being whole millis, is at least a_j: the cap cannot
// trim an offer of an agent's free resources. There are no reservations,
// and min_allocatable is unset, so any non-empty offer is allocatable.
// Visited before X, A takes everything free on the agent, leaving nothing
// for X. The margin d is needed: a role just under its capacity may be
// held at its ceiling (when m = c, floor(m*T) < c*T) and is then rightly
// passed over.
type ppCapacityChecker struct {
	*ppLedger
	shape model.Resources
	// coverage
	offersWhileStarved, laterOffersWhileStarved, cyclesWhileStarved, inversions, stuck int
	lastInverted                                                                       map[[2]string]bool
}

func (c *ppCapacityChecker) limits(role string) (float64, float64) {
	if cp, ok := c.scenario.Capacity[role]; ok {
		return cp.Capacity, cp.MaxCapacity
	}
	return 0, 1
}

// state returns each role's used share, the roles with demand and d.
func (c *ppCapacityChecker) state() (used map[string]float64, demand map[string]bool, d float64) {
	total := c.clusterTotal()
	used, demand = map[string]float64{}, map[string]bool{}
	for _, f := range c.scenario.Frameworks {
		used[f.Role] = ppShare(c.roleAlloc(f.Role), total)
	}
	for _, name := range slices.Sorted(maps.Keys(c.fws)) {
		if f := c.fws[name]; f.active {
			demand[f.spec.Role] = true
		}
	}
	return used, demand, ppShare(c.shape, total)
}

func (c *ppCapacityChecker) starved(used map[string]float64, demand map[string]bool, d float64) []string {
	var out []string
	for _, r := range slices.Sorted(maps.Keys(used)) {
		if cp, _ := c.limits(r); demand[r] && used[r] < cp-d-1e-9 {
			out = append(out, r)
		}
	}
	return out
}

func (c *ppCapacityChecker) beforeOffer(r *model.Record) {
	if len(c.agents) == 0 {
		return
	}
	used, demand, d := c.state()
	starved := c.starved(used, demand, d)
	if len(starved) == 0 {
		return
	}
	c.offersWhileStarved++
	if r.T > 0 {
		c.laterOffersWhileStarved++
	}
	x := r.Role
	cx, _ := c.limits(x)
	for _, a := range starved {
		if a == x {
			continue
		}
		ca, _ := c.limits(a)
		if !(used[x] < cx) {
			c.fail("(a) agent %s offered to role %s at or above its capacity (used %v >= %v) while role %s is starved (used %v < capacity %v - one agent %v)",
				r.Agent, x, used[x], cx, a, used[a], ca, d)
		}
		if used[a]/ca < used[x]/cx-1e-12 {
			c.fail("(b) agent %s offered to role %s (used/capacity %v) while starved role %s is further below its capacity (used/capacity %v)",
				r.Agent, x, used[x]/cx, a, used[a]/ca)
		}
	}
}

func (c *ppCapacityChecker) cycleEnd(all bool) {
	if !all || len(c.agents) == 0 {
		return
	}
	used, demand, d := c.state()
	starved := c.starved(used, demand, d)
	// coverage: inversions (a starved role while another is over) at
	// batch-cycle ends, and those that outlived an allocation interval
	inverted := map[[2]string]bool{}
	for _, a := range starved {
		for _, b := range slices.Sorted(maps.Keys(used)) {
			if cb, _ := c.limits(b); b != a && used[b] > cb {
				inverted[[2]string{a, b}] = true
				c.inversions++
				if c.lastInverted[[2]string{a, b}] {
					c.stuck++
				}
			}
		}
	}
	c.lastInverted = inverted
	if len(starved) == 0 {
		return
	}
	c.cyclesWhileStarved++
	for _, ag := range slices.Sorted(maps.Keys(c.agents)) {
		if free := c.free(ag); !free.IsEmpty() {
			ca, _ := c.limits(starved[0])
			c.fail("(c) the allocation cycle at %v over all agents left %s of agent %s free while role %s is starved (used %v < capacity %v - one agent %v)",
				c.cycleAt, free, ag, starved[0], used[starved[0]], ca, d)
		}
	}
}

// TestPoliciesPropCapacity is property 3.
func TestPoliciesPropCapacity(t *testing.T) {
	var runs, offers, offersStarved, laterStarved, cyclesStarved, inversions, stuck int
	rapid.Check(t, func(t *rapid.T) {
		s, shape := ppGenCapacityScenario(t)
		c := &ppCapacityChecker{ppLedger: newPPLedger(s, t.Fatalf), shape: shape}
		c.ppLedger.beforeOffer = c.beforeOffer
		c.onCycleEnd = c.cycleEnd
		w := ppRun(s, t.Fatalf, c.observe)
		c.finish(w)
		runs++
		offers += c.made
		offersStarved += c.offersWhileStarved
		laterStarved += c.laterOffersWhileStarved
		cyclesStarved += c.cyclesWhileStarved
		inversions += c.inversions
		stuck += c.stuck
	})
	t.Logf("%d scenarios, %d offers (%d made while a role was starved, %d of them after time 0), "+
		"%d batch cycles ended with a role starved; %d starved/over pairs at batch-cycle ends, "+
		"%d of them already there one interval before (the cluster full)",
		runs, offers, offersStarved, laterStarved, cyclesStarved, inversions, stuck)
}
