package model

import "github.com/mesosim/mesosim/sim"

// Registry is what the Mesos master persists in its replicated log and a
// new leader recovers after a failover: agents admitted (with their
// resources), unreachable (with the time they were marked) and gone; role
// weights; quota. Frameworks, tasks, offers and failover timeouts are not in
// it (../shared/reference/mesos-protocol.md).
type Registry struct {
	Admitted map[string]Resources
	// Unreachable holds when each unreachable agent was marked so
	// (Mesos's registry `unreachable` list with its TimeInfo); Gone when
	// each gone agent was marked gone.
	Unreachable map[string]sim.Time
	Gone        map[string]sim.Time
	Weights     map[string]float64
	Quota       map[string]Quota

	// unreachableOrder and goneOrder list the agents of Unreachable and
	// Gone in the order they were added (Mesos keeps both lists in
	// insertion order: the count-based GC removes from the front).
	unreachableOrder, goneOrder []string
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{Admitted: map[string]Resources{}, Unreachable: map[string]sim.Time{}, Gone: map[string]sim.Time{},
		Weights: map[string]float64{}, Quota: map[string]Quota{}}
}

func (r *Registry) admit(agent string, total Resources) {
	r.Admitted[agent] = total
	r.forgetUnreachable(agent)
}

func (r *Registry) unreachable(agent string, at sim.Time) {
	if _, ok := r.Unreachable[agent]; ok {
		return
	}
	r.Unreachable[agent] = at
	r.unreachableOrder = append(r.unreachableOrder, agent)
}

func (r *Registry) forgetUnreachable(agent string) {
	if _, ok := r.Unreachable[agent]; !ok {
		return
	}
	delete(r.Unreachable, agent)
	r.unreachableOrder = without(r.unreachableOrder, agent)
}

func (r *Registry) gone(agent string, at sim.Time) {
	delete(r.Admitted, agent)
	r.forgetUnreachable(agent)
	if _, ok := r.Gone[agent]; ok {
		return
	}
	r.Gone[agent] = at
	r.goneOrder = append(r.goneOrder, agent)
}

func (r *Registry) setWeight(role string, w float64) { r.Weights[role] = w }

func (r *Registry) setQuota(role string, q Quota) {
	if q.IsZero() {
		delete(r.Quota, role)
		return
	}
	r.Quota[role] = q
}

// without returns list without the first occurrence of s.
func without(list []string, s string) []string {
	for i, x := range list {
		if x == s {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

// prune returns the agents of order (with their marking times in at) that
// the registry GC removes at now: from the front while more than maxCount
// remain, and any older than maxAge (Mesos's doRegistryGc, `prune`: the
// count criterion first, then the age of every entry). A zero maxCount or
// maxAge disables that criterion.
func prune(order []string, at map[string]sim.Time, now, maxAge sim.Time, maxCount int) []string {
	var out []string
	for _, id := range order {
		live := len(order) - len(out)
		if maxCount > 0 && live > maxCount {
			out = append(out, id)
			continue
		}
		if maxAge > 0 && now-at[id] > maxAge {
			out = append(out, id)
		}
	}
	return out
}

// Registry GC defaults (Mesos's src/master/constants.hpp:
// DEFAULT_REGISTRY_GC_INTERVAL, DEFAULT_REGISTRY_MAX_AGENT_AGE,
// DEFAULT_REGISTRY_MAX_AGENT_COUNT).
const (
	DefaultRegistryGCInterval    = 15 * sim.Minute
	DefaultRegistryMaxAgentAge   = 14 * 24 * sim.Hour
	DefaultRegistryMaxAgentCount = 100 * 1024
)

// DefaultAgentReregisterTimeout is Mesos's agent_reregister_timeout (10 min,
// also its minimum, MIN_AGENT_REREGISTER_TIMEOUT): how long a new leader
// waits for the agents of its registry to re-register, and how long the
// master waits for an agent whose connection broke.
const DefaultAgentReregisterTimeout = 10 * sim.Minute

// Recover makes a new leader from the registry: it knows the agents, as
// waiting for re-registration (unreachable after the agent re-register
// timeout) or unreachable, and the weights and quota; it knows no framework,
// task or offer.
func (m *Master) Recover(reg *Registry) {
	m.registry = reg
	for _, role := range sortedKeys(reg.Weights) {
		m.alloc.SetWeight(role, reg.Weights[role])
	}
	for _, role := range sortedKeys(reg.Quota) {
		m.alloc.SetQuota(role, reg.Quota[role])
	}
	for _, id := range sortedKeys(reg.Admitted) {
		a := newMasterAgent(id, reg.Admitted[id])
		m.agents[id] = a
		if _, ok := reg.Unreachable[id]; ok {
			// In Mesos's slaves.unreachable: its re-registration is that of
			// an agent neither registered nor recovered.
			a.status = agentUnreachable
			continue
		}
		a.status = agentRecovered
		a.hasReregTmr = true
		a.reregTimer = m.clock.After(m.cfg.AgentReregisterTimeout, func() {
			a.hasReregTmr = false
			if m.agents[id] == a && a.status == agentRecovered {
				// Master::recoveredSlavesTimeout -> markUnreachable with
				// duringMasterFailover: the leader knows no task there,
				// so only the lost-agent notice goes out (sendSlaveLost).
				m.markUnreachable(a, "reregister_timeout")
			}
		})
	}
	m.startRegistryGC()
}

// Registry returns the master's registry (what a failover keeps).
func (m *Master) Registry() *Registry { return m.registry }

// startRegistryGC arms the periodic registry GC (Master::scheduleRegistryGc,
// every registry_gc_interval). Without health checks no agent can become
// unreachable and none can be marked gone but by the timeline, so the GC
// still runs; its timer only matters when there is something to prune.
func (m *Master) startRegistryGC() {
	if m.gcStarted || m.cfg.RegistryGCInterval <= 0 {
		return
	}
	m.gcStarted = true
	var tick func()
	tick = func() {
		m.registryGC()
		m.clock.After(m.cfg.RegistryGCInterval, tick)
	}
	m.clock.After(m.cfg.RegistryGCInterval, tick)
}

// registryGC is Master::doRegistryGc and _doRegistryGc: unreachable and
// gone agents beyond registry_max_agent_count (oldest first) or older than
// registry_max_agent_age leave the registry. A pruned unreachable agent's
// tasks leave the framework's unreachable tasks with no update sent, so it
// is unknown from then on: explicit reconciliation answers TASK_UNKNOWN
// (TASK_LOST for frameworks that are not partition-aware).
func (m *Master) registryGC() {
	now := m.clock.Now()
	reg := m.registry
	unreachable := prune(reg.unreachableOrder, reg.Unreachable, now, m.cfg.RegistryMaxAgentAge, m.cfg.RegistryMaxAgentCount)
	gone := prune(reg.goneOrder, reg.Gone, now, m.cfg.RegistryMaxAgentAge, m.cfg.RegistryMaxAgentCount)
	for _, id := range unreachable {
		reg.forgetUnreachable(id)
		delete(reg.Admitted, id)
		if a := m.agents[id]; a != nil && a.status == agentUnreachable {
			for _, key := range sortedKeys(a.tasks) {
				m.forgetTask(a.tasks[key])
			}
			delete(m.agents, id)
		}
		m.record(Record{Kind: KindAgentPruned, Agent: id, Reason: "unreachable"})
	}
	for _, id := range gone {
		delete(reg.Gone, id)
		reg.goneOrder = without(reg.goneOrder, id)
		m.record(Record{Kind: KindAgentPruned, Agent: id, Reason: "gone"})
	}
}
