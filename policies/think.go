package policies

import (
	"slices"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// For returns the think time for an offer from which the framework
// launches n tasks: Base + PerTask × n. A negative result counts as zero.
func (t ThinkTime) For(n int) sim.Time {
	return max(t.Base+sim.Time(n)*t.PerTask, 0)
}

// IsZero reports whether the framework answers every offer at once.
func (t ThinkTime) IsZero() bool { return t.Base <= 0 && t.PerTask <= 0 }

// thought is what a framework decided to do with one offer: the tasks to
// launch from it (none: decline it). taken holds the workload's queue
// entries behind launch, so that they can go back if the offer is
// rescinded before the answer is sent.
type thought struct {
	offer  model.OfferOut
	launch []model.TaskInfo
	taken  []*pendingTask
}

// answerer is a behaviour whose offers go through a desk.
type answerer interface {
	// decide chooses what to do with an offer when the framework starts
	// thinking about it (for the workload: takes the tasks off its queue).
	decide(d model.Driver, o model.OfferOut) thought
	// answer sends the accept or decline once the thinking is over.
	answer(d model.Driver, th *thought)
	// abandon drops a decision whose offer was rescinded while the
	// framework was thinking about it: no answer is sent.
	abandon(d model.Driver, th *thought)
	// idle runs when every offer received so far has been answered.
	idle(d model.Driver)
}

// desk is a framework's single decision thread, the Omega paper's model of
// a scheduler's decision time. Offers are thought about one at a time, in
// the order they arrived (within an OFFERS callback, in the callback's
// order; a later callback's offers queue behind the earlier ones): the
// framework decides on an offer when it starts thinking about it, holds
// the offer for ThinkTime.For(tasks it launches from it), then answers and
// moves on to the next. So offer k of a callback received at time t is
// answered at t + the think times of offers 1..k, and an offer waiting its
// turn keeps its resources locked too (it may even be rescinded by the
// master's offer_timeout before the framework looks at it).
//
// With a zero think time the answer is sent within the same event (no
// timer), so a framework that does not think behaves exactly as before
// think time existed.
//
// When an offer is rescinded, the driver calls Rescind: an offer still
// waiting in the queue is dropped, and an offer being thought about is
// abandoned (its answer is never sent, its tasks go back to the queue) and
// the framework moves on to the next offer at once.
type desk struct {
	queue []model.OfferOut // offers not thought about yet, from head
	head  int
	busy  bool    // thinking about cur
	cur   thought // the offer being thought about
	gen   uint64  // identifies the current thinking; stale timers see a change
}

// offers queues this callback's offers and, unless the framework is busy
// thinking, starts working through them.
func (k *desk) offers(d model.Driver, a answerer, think ThinkTime, offers []model.OfferOut) {
	k.queue = append(k.queue, offers...)
	if !k.busy {
		k.work(d, a, think)
	}
}

// work decides on queued offers in order, answering at once those with a
// zero think time, until one needs time to think or the queue is empty.
func (k *desk) work(d model.Driver, a answerer, think ThinkTime) {
	for k.head < len(k.queue) {
		o := k.queue[k.head]
		k.queue[k.head] = model.OfferOut{}
		k.head++
		th := a.decide(d, o)
		t := think.For(len(th.launch))
		if t <= 0 {
			a.answer(d, &th)
			continue
		}
		k.busy = true
		k.cur = th
		k.gen++
		gen := k.gen
		d.After(t, func() {
			if !k.busy || k.gen != gen {
				return // abandoned: the offer was rescinded meanwhile
			}
			th := k.cur
			k.busy = false
			k.cur = thought{}
			a.answer(d, &th)
			k.work(d, a, think)
		})
		return
	}
	k.queue = k.queue[:0]
	k.head = 0
	a.idle(d)
}

// rescind handles RESCIND for offer id.
func (k *desk) rescind(d model.Driver, a answerer, think ThinkTime, id string) {
	if k.busy && k.cur.offer.ID == id {
		th := k.cur
		k.busy = false
		k.cur = thought{}
		a.abandon(d, &th)
		k.work(d, a, think)
		return
	}
	for i := k.head; i < len(k.queue); i++ {
		if k.queue[i].ID == id {
			k.queue = slices.Delete(k.queue, i, i+1)
			return
		}
	}
}
