package model

import "github.com/mesosim/mesosim/sim"

// recorder hands an actor's records to the observers through a scratch
// Record, by pointer, so that a record does not escape to the heap:
// observers must not keep the pointer (Observer). recording is set while
// emit runs; a record made meanwhile (an observer's own, say) gets a copy
// of its own.
type recorder struct {
	emit      func(*Record)
	rec       Record
	recording bool
}

// record hands r to the observers.
func (rc *recorder) record(r Record) {
	if rc.recording {
		emitCopy(rc.emit, r)
		return
	}
	rc.recording = true
	rc.rec = r
	rc.emit(&rc.rec)
	rc.rec = Record{}
	rc.recording = false
}

// emitCopy hands emit a Record of its own (it escapes to the heap). Not
// inlined: inlined, its escaping copy would make record's r escape too.
//
//go:noinline
func emitCopy(emit func(*Record), r Record) { emit(&r) }

// outbox is an actor's messages waiting to be sent. The world sends what
// take returns before the actor handles anything else, and clears it
// (World.send), so the next messages reuse the same array.
type outbox struct{ buf []sim.Envelope }

// add appends one message.
func (o *outbox) add(from, to sim.Address, msg sim.Message) {
	o.buf = append(o.buf, sim.Envelope{From: from, To: to, Msg: msg})
}

// take returns the waiting messages and empties the outbox; the slice is
// valid until the actor's next message.
func (o *outbox) take() []sim.Envelope {
	out := o.buf
	o.buf = out[:0]
	return out
}
