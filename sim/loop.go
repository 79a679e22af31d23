package sim

// Loop is the single-threaded event loop of one simulation. Events are
// closures run in (time, seq) order; an event may schedule more events.
type Loop struct {
	now    Time
	queue  Heap[event]
	lane   nowLane // deliveries due now, outside the heap
	events uint64
}

// event is one scheduled event: a closure to run, or an envelope a network
// delivers. Deliveries are kept apart so that a message in flight needs no
// closure (and no allocation) of its own.
type event struct {
	fn        func()
	via       Runner // runs fn, when set (AfterVia)
	net       *Network
	env       Envelope
	unordered bool // a delivery outside per-pair order (Route.Unordered)
}

// Timer is a scheduled event that can be cancelled.
type Timer = Handle[event]

// NewLoop returns a loop at time zero with nothing scheduled.
func NewLoop() *Loop { return &Loop{} }

// Now returns the current simulated time.
func (l *Loop) Now() Time { return l.now }

// Events returns how many events the loop has run.
func (l *Loop) Events() uint64 { return l.events }

// Pending returns how many events are scheduled.
func (l *Loop) Pending() int { return l.queue.Len() + l.lane.len() }

// At schedules fn at time at. A time in the past is taken as now, so the
// event still runs after everything already scheduled for now.
func (l *Loop) At(at Time, fn func()) Timer {
	return l.queue.Push(max(at, l.now), event{fn: fn})
}

// deliverAt schedules n's delivery of e at time at, which must not be in
// the past.
func (l *Loop) deliverAt(at Time, n *Network, e Envelope, unordered bool) {
	ev := event{net: n, env: e, unordered: unordered}
	if at == l.now {
		l.lane.push(l.queue.nextSeq(), ev)
		return
	}
	l.queue.Push(at, ev)
}

// inFlight calls fn for every delivery of n in per-pair order still
// scheduled, in no particular order.
func (l *Loop) inFlight(n *Network, fn func(at Time, e Envelope)) {
	for _, en := range l.queue.entries {
		if ev := &l.queue.slots[en.slot].value; ev.net == n && !ev.unordered {
			fn(en.at, ev.env)
		}
	}
	for _, le := range l.lane.entries[l.lane.head:] {
		if le.ev.net == n && !le.ev.unordered {
			fn(l.now, le.ev.env)
		}
	}
}

// After schedules fn d after now, saturating at Never.
func (l *Loop) After(d Time, fn func()) Timer {
	return l.queue.Push(l.after(d), event{fn: fn})
}

// Runner runs the events scheduled through it (AfterVia): it wraps each
// one in what its owner does around every timer event, without a closure
// per event.
type Runner interface {
	RunEvent(fn func())
}

// AfterVia schedules r.RunEvent(fn) d after now, saturating at Never.
func (l *Loop) AfterVia(d Time, r Runner, fn func()) Timer {
	return l.queue.Push(l.after(d), event{fn: fn, via: r})
}

// after returns the time d after now, saturating at Never.
func (l *Loop) after(d Time) Time {
	if d < 0 {
		d = 0
	}
	at := l.now + d
	if at < l.now { // overflow
		at = Never
	}
	return at
}

// Cancel removes a scheduled event; it reports false if it already ran or
// was cancelled.
func (l *Loop) Cancel(t Timer) bool { return l.queue.Cancel(t) }

// Scheduled reports whether t is still waiting to run.
func (l *Loop) Scheduled(t Timer) bool { return l.queue.Pending(t) }

// Step runs the next event if its time is at most until. It reports whether
// an event ran. Events at Never never run: Never is later than any time a
// simulation reaches.
func (l *Loop) Step(until Time) bool {
	var ev event
	if l.lane.len() > 0 && (l.queue.Len() == 0 || !l.queue.before(l.now, l.lane.headSeq())) {
		// The lane's head is the earliest event: every heap entry is
		// later than now, or at now but pushed after it.
		if l.now > until {
			return false
		}
		ev = l.lane.pop()
	} else {
		at, ok := l.queue.Peek()
		if !ok || at > until || at == Never {
			return false
		}
		at, ev, _ = l.queue.Pop()
		l.now = at
	}
	l.events++
	switch {
	case ev.via != nil:
		ev.via.RunEvent(ev.fn)
	case ev.fn != nil:
		ev.fn()
	default:
		ev.net.deliver(ev.env)
	}
	return true
}

// Run runs every event due at or before until, then leaves the clock at
// until (if until is later than the last event).
func (l *Loop) Run(until Time) {
	for l.Step(until) {
	}
	if until > l.now && until != Never {
		l.now = until
	}
}
