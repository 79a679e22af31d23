package model

import "github.com/mesosim/mesosim/sim"

// Registry is what the Mesos master persists in its replicated log and a
// new leader recovers after a failover: agents admitted (with their
// resources), unreachable and gone; role weights; quota. Frameworks, tasks,
// offers and failover timeouts are not in it
// (../shared/reference/mesos-protocol.md).
type Registry struct {
	Admitted map[string]Resources
	// Unreachable holds when each unreachable agent was marked so (the
	// TimeInfo of Mesos's registry `unreachable` list).
	Unreachable map[string]sim.Time
	Gone        map[string]bool
	Weights     map[string]float64
	Quota       map[string]Quota
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{Admitted: map[string]Resources{}, Unreachable: map[string]sim.Time{}, Gone: map[string]bool{},
		Weights: map[string]float64{}, Quota: map[string]Quota{}}
}

func (r *Registry) admit(agent string, total Resources) {
	r.Admitted[agent] = total
	delete(r.Unreachable, agent)
}

func (r *Registry) unreachable(agent string, at sim.Time) {
	if _, ok := r.Unreachable[agent]; !ok {
		r.Unreachable[agent] = at
	}
}

func (r *Registry) gone(agent string) {
	delete(r.Admitted, agent)
	delete(r.Unreachable, agent)
	r.Gone[agent] = true
}

func (r *Registry) setWeight(role string, w float64) { r.Weights[role] = w }

func (r *Registry) setQuota(role string, q Quota) {
	if q.IsZero() {
		delete(r.Quota, role)
		return
	}
	r.Quota[role] = q
}

// AgentReregisterTimeout is how long a new leader waits for the agents of
// its registry to re-register before marking them unreachable.
const AgentReregisterTimeout = 10 * 60 * 1000 * 1000

// Recover makes a new leader from the registry: it knows the agents, as
// waiting for re-registration (unreachable after AgentReregisterTimeout) or
// unreachable, and the weights and quota; it knows no framework, task or
// offer.
func (m *Master) Recover(reg *Registry) {
	m.registry = reg
	for _, role := range sortedKeys(reg.Weights) {
		m.alloc.SetWeight(role, reg.Weights[role])
	}
	for _, role := range sortedKeys(reg.Quota) {
		m.alloc.SetQuota(role, reg.Quota[role])
	}
	for _, id := range sortedKeys(reg.Admitted) {
		a := &masterAgent{name: id, total: reg.Admitted[id], tasks: map[string]*masterTask{}, offers: map[string]bool{}}
		m.agents[id] = a
		if _, ok := reg.Unreachable[id]; ok {
			a.status = agentUnreachable
			continue
		}
		a.status = agentRecovered
		a.hasReregTmr = true
		a.reregTimer = m.clock.After(AgentReregisterTimeout, func() {
			a.hasReregTmr = false
			if m.agents[id] == a && a.status == agentRecovered {
				m.markUnreachable(a, "reregister_timeout")
			}
		})
	}
}

// Registry returns the master's registry (what a failover keeps).
func (m *Master) Registry() *Registry { return m.registry }
