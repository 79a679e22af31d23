package model

// startPings starts the master's health checks of an agent: a PingSlave
// every PingInterval; MaxMissedPings pings in a row without a pong mark the
// agent unreachable.
func (m *Master) startPings(a *masterAgent) {
	m.stopPings(a)
	a.missed, a.awaitPong = 0, false
	var tick func()
	tick = func() {
		if m.agents[a.name] != a || a.status != agentActive {
			a.hasPing = false
			return
		}
		if a.awaitPong {
			a.missed++
			if a.missed >= MaxMissedPings {
				a.hasPing = false
				m.markUnreachable(a, "unreachable")
				return
			}
		}
		a.awaitPong = true
		m.send(a.addr, a.ping)
		a.pingTimer = m.clock.After(PingInterval, tick)
	}
	a.hasPing = true
	a.pingTimer = m.clock.After(PingInterval, tick)
}

func (m *Master) stopPings(a *masterAgent) {
	if a.hasPing {
		m.clock.Cancel(a.pingTimer)
		a.hasPing = false
	}
}

// FrameworkDisconnected is the master noticing a scheduler's connection
// closed: its offers are rescinded, it gets no more, and it is removed
// (its tasks killed) if it does not re-subscribe within its failover
// timeout (Mesos default 0: at once).
func (m *Master) FrameworkDisconnected(name string) {
	f := m.frameworks[name]
	if f == nil || !f.connected {
		return
	}
	f.connected = false
	m.rescindAll(&f.offers, "framework_disconnected", false)
	m.alloc.Suppress(name)
	if f.failoverTimeout <= 0 {
		m.RemoveFramework(name, "failover_timeout")
		return
	}
	f.hasFailover = true
	f.failoverTimer = m.clock.After(f.failoverTimeout, func() {
		f.hasFailover = false
		if m.frameworks[name] == f && !f.connected {
			m.RemoveFramework(name, "failover_timeout")
		}
	})
}
