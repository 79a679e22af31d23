package model

import "github.com/mesosim/mesosim/sim"

// HeartbeatInterval is Mesos's DEFAULT_HEARTBEAT_INTERVAL (15 s), sent to
// schedulers as SUBSCRIBED's heartbeat_interval_seconds.
const HeartbeatInterval = 15 * sim.Second

// sendSubscribed answers a subscription: SUBSCRIBED, then the heartbeats.
// As Mesos's Master::_subscribe, failoverFramework and
// connectAndActivateRecoveredFramework ("start the heartbeat after sending
// SUBSCRIBED"), every SUBSCRIBED (re)starts the framework's heartbeater
// (Framework::heartbeat, a ResponseHeartbeater with no initial delay): one
// HEARTBEAT at once, then one every HeartbeatInterval while the framework
// stays connected. A disconnection stops it (Framework::disconnect resets
// the heartbeater), as does the framework's removal or the master's end.
func (m *Master) sendSubscribed(f *masterFramework) {
	m.send(f.addr, Subscribed{Framework: f.name, HeartbeatInterval: HeartbeatInterval})
	if f.hasHeartbeat {
		m.clock.Cancel(f.heartbeatTimer)
	}
	var beat func()
	beat = func() {
		if m.frameworks[f.name] != f || !f.connected {
			f.hasHeartbeat = false
			return
		}
		if f.heartbeat == nil {
			f.heartbeat = Heartbeat{Framework: f.name}
		}
		m.send(f.addr, f.heartbeat)
		f.heartbeatTimer = m.clock.After(HeartbeatInterval, beat)
	}
	f.hasHeartbeat = true
	beat()
}

// heartbeat is the driver receiving HEARTBEAT: recorded (seen by the
// framework) and passed to a HeartbeatScheduler. One arriving while the
// framework is not subscribed (SUBSCRIBED lost, or a failed-over
// scheduler) is ignored.
func (f *Framework) heartbeat() {
	if !f.subscribed {
		return
	}
	f.rec.record(Record{T: f.clock.Now(), Kind: KindHeartbeat, Framework: f.cfg.Name, SeenBy: "framework"})
	if h, ok := f.sched.(HeartbeatScheduler); ok {
		h.Heartbeat(f)
	}
}
