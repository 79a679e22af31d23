package sim

// nowLane holds the deliveries due at the current instant, in the order
// they were sent: with no network delay most messages arrive at the
// instant they are sent, and a first-in first-out lane takes them without
// a heap push and pop each. They keep their place in the loop's (time,
// seq) order: each takes the heap's next seq, and Step runs whichever of
// the lane's head and the heap's earliest comes first. The lane only ever
// holds entries of the current instant (Step drains it before the clock
// moves on), and deliveries are never cancelled, so it needs no handles.
type nowLane struct {
	entries []laneEntry
	head    int // index of the next entry to run
}

// laneEntry is one delivery in the lane.
type laneEntry struct {
	seq uint64
	ev  event
}

// len returns how many deliveries wait in the lane.
func (q *nowLane) len() int { return len(q.entries) - q.head }

// push appends a delivery with its seq. Before the array would grow, the
// waiting entries move to its front if the ones already run take half of
// it: one instant can cascade through many deliveries (a cycle's offers
// and their answers), and the lane's memory follows how many wait at
// once, not how many ran.
func (q *nowLane) push(seq uint64, ev event) {
	if q.head > 0 && (q.head == len(q.entries) || (len(q.entries) == cap(q.entries) && 2*q.head >= len(q.entries))) {
		n := copy(q.entries, q.entries[q.head:])
		clear(q.entries[n:]) // the moved entries' old copies
		q.entries, q.head = q.entries[:n], 0
	}
	q.entries = append(q.entries, laneEntry{seq: seq, ev: ev})
}

// pop removes and returns the earliest delivery; the lane must not be
// empty.
func (q *nowLane) pop() event {
	e := &q.entries[q.head]
	ev := e.ev
	*e = laneEntry{} // release the envelope
	q.head++
	return ev
}

// headSeq returns the seq of the earliest delivery; the lane must not be
// empty.
func (q *nowLane) headSeq() uint64 { return q.entries[q.head].seq }
