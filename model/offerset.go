package model

import (
	"slices"
	"strconv"
	"strings"
)

// offerSide names which of an offer's two sets an offerSet is: every
// outstanding offer is in its framework's set and in its agent's set.
type offerSide uint8

const (
	frameworkSide offerSide = iota
	agentSide
)

// offerSet is the outstanding offers of one framework or one agent: a
// slice in no particular order, with each offer's position in it kept in
// the offer, so that adding and removing are O(1) and hash no string.
// Iteration that decides behaviour goes through sorted.
type offerSet struct {
	side offerSide
	list []*masterOffer
}

// add puts o in the set.
func (s *offerSet) add(o *masterOffer) {
	o.pos[s.side] = len(s.list)
	s.list = append(s.list, o)
}

// remove takes o out of the set; o must be in it.
func (s *offerSet) remove(o *masterOffer) {
	i, last := o.pos[s.side], len(s.list)-1
	moved := s.list[last]
	s.list[i] = moved
	moved.pos[s.side] = i
	s.list[last] = nil
	s.list = s.list[:last]
}

// sorted returns the set's offers in the order of their IDs as strings
// (the order the master has always rescinded them in: "o10" before "o2").
func (s *offerSet) sorted() []*masterOffer {
	out := slices.Clone(s.list)
	slices.SortFunc(out, func(a, b *masterOffer) int { return strings.Compare(a.id, b.id) })
	return out
}

// offerPool keeps the records of ended offers for the next ones (an offer
// is made and ended about once per agent per cycle). An offer goes back
// once its handler is done with it: removed from the master's sets, its
// timer cancelled, and no longer read.
type offerPool struct{ free []*masterOffer }

// get returns an offer record to fill in.
func (p *offerPool) get() *masterOffer {
	if n := len(p.free); n > 0 {
		o := p.free[n-1]
		p.free = p.free[:n-1]
		return o
	}
	return new(masterOffer)
}

// put takes back an ended offer's record.
func (p *offerPool) put(o *masterOffer) {
	*o = masterOffer{}
	p.free = append(p.free, o)
}

// offerID returns the ID of the master's n-th offer ("o1", "o2", ...), in
// one allocation.
func offerID(n uint64) string {
	var b [24]byte
	return string(strconv.AppendUint(append(b[:0], 'o'), n, 10))
}

// offerSeq returns the sequence number that an ID of offerID's form names,
// or 0 when id is not of that form.
func offerSeq(id string) uint64 {
	if len(id) < 2 || id[0] != 'o' {
		return 0
	}
	n, err := strconv.ParseUint(id[1:], 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// offer returns the outstanding offer with ID id, or nil.
func (m *Master) offer(id string) *masterOffer {
	if o := m.offers[offerSeq(id)]; o != nil && o.id == id {
		return o
	}
	return nil
}

// rescindAll rescinds every offer of s (in ID order) for reason.
func (m *Master) rescindAll(s *offerSet, reason string, notify bool) {
	for _, o := range s.sorted() {
		if m.offers[o.seq] == o {
			m.rescind(o, reason, notify)
		}
	}
}
