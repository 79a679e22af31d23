package sim

// Address names an actor on the simulated network ("master", "agent/a1",
// "framework/f1").
type Address string

// Message is anything actors send each other. Type returns the Mesos name of
// the message (SUBSCRIBE, OFFERS, RunTask, StatusUpdate, ...).
type Message interface{ Type() string }

// Envelope is one message in flight.
type Envelope struct {
	From, To Address
	Msg      Message
}

// Route is what a fault model decides for one envelope: the extra delays of
// each copy to deliver. No copies means the message is dropped, and Reason
// then says why ("loss", "partition:NAME"; free text for other models).
//
// Unordered lets the copies escape per-pair FIFO: their delivery times are
// not held back behind earlier messages of the same (sender, receiver) pair,
// and later messages are not held back behind them, so they may overtake or
// be overtaken. This is beyond real Mesos, whose links between two processes
// are ordered (../shared/reference/mesos-protocol.md, "Delivery"); it
// exists to inject reordering as an extra fault.
type Route struct {
	Delays    []Time
	Reason    string
	Unordered bool
}

// FaultModel is the network's seam for faults (loss, delay, duplication,
// partitions). It is consulted for every send; nil means a perfect network.
type FaultModel interface {
	Route(now Time, e Envelope) Route
}

// perfectModel is a FaultModel that can tell when it would route every
// message sent at now as one ordered copy with no extra delay and without
// drawing a random number; the network then skips Route for that send.
// Faults implements it.
type perfectModel interface {
	Perfect(now Time) bool
}

// Network delivers envelopes through the loop. Messages between one
// (sender, receiver) pair arrive in the order they were sent (unless the
// fault model marks a Route Unordered); with zero delay a message sent at t
// arrives at t, after the events already queued for t.
type Network struct {
	loop    *Loop
	deliver func(Envelope)
	delay   Time
	faults  FaultModel
	perfect perfectModel // faults, when it implements perfectModel
	last    map[[2]Address]Time
	// horizon is the latest delivery time recorded in last. A perfect
	// send delivers at now + delay; when that is not before horizon, no
	// pair's last delivery can hold it back, and the send need not look up
	// or record its pair: its delivery time is never later than that of
	// any message sent after it while the delay does not shrink (now only
	// grows), so it cannot hold a later message back either. When the
	// delay shrinks, SetDelay records the deliveries still in flight.
	horizon Time
	sent    uint64
	dropped uint64
	onDrop  func(Envelope)
	onWhy   func(Envelope, string)
}

// NewNetwork returns a network that hands every arriving envelope to
// deliver.
func NewNetwork(l *Loop, deliver func(Envelope)) *Network {
	return &Network{loop: l, deliver: deliver, last: map[[2]Address]Time{}}
}

// SetDelay sets the base one-way delay of every message (default zero).
func (n *Network) SetDelay(d Time) {
	if d < 0 {
		d = 0
	}
	if d < n.delay {
		// Later messages may now be due before earlier ones of their pair:
		// record every ordered delivery in flight, fast-path ones included.
		n.loop.inFlight(n, func(at Time, e Envelope) { n.record([2]Address{e.From, e.To}, at) })
	}
	n.delay = d
}

// SetFaults installs a fault model (nil for a perfect network).
func (n *Network) SetFaults(f FaultModel) {
	n.faults = f
	n.perfect, _ = f.(perfectModel)
}

// OnDrop registers a callback told of every dropped envelope.
func (n *Network) OnDrop(fn func(Envelope)) { n.onDrop = fn }

// OnDropReason registers a callback told of every dropped envelope with the
// fault model's Route.Reason. It is independent of OnDrop: when both are
// set, OnDrop is called first.
func (n *Network) OnDropReason(fn func(Envelope, string)) { n.onWhy = fn }

// Sent returns how many envelopes were sent.
func (n *Network) Sent() uint64 { return n.sent }

// Dropped returns how many envelopes the fault model dropped.
func (n *Network) Dropped() uint64 { return n.dropped }

// Send puts e on the wire.
func (n *Network) Send(e Envelope) {
	n.sent++
	now := n.loop.Now()
	if n.faults != nil && (n.perfect == nil || !n.perfect.Perfect(now)) {
		n.route(e, n.faults.Route(now, e))
		return
	}
	// A perfect network here: one ordered copy with no extra delay.
	if at := addSat(now, n.delay); at >= n.horizon {
		n.loop.deliverAt(at, n, e, false)
		return
	}
	n.route(e, Route{Delays: []Time{0}})
}

// route delivers e's copies as route says, or drops e when it has none.
func (n *Network) route(e Envelope, route Route) {
	if len(route.Delays) == 0 {
		n.dropped++
		if n.onDrop != nil {
			n.onDrop(e)
		}
		if n.onWhy != nil {
			n.onWhy(e, route.Reason)
		}
		return
	}
	key := [2]Address{e.From, e.To}
	for _, extra := range route.Delays {
		at := addSat(n.loop.Now(), addSat(n.delay, max(extra, 0)))
		if !route.Unordered {
			if last, ok := n.last[key]; ok && at < last {
				at = last // per-pair order: never overtake an earlier message
			}
			n.record(key, at)
		}
		n.loop.deliverAt(at, n, e, route.Unordered)
	}
}

// record notes at as the pair's latest delivery time, unless a later one
// is noted already.
func (n *Network) record(key [2]Address, at Time) {
	if last, ok := n.last[key]; !ok || at > last {
		n.last[key] = at
	}
	n.horizon = max(n.horizon, at)
}
