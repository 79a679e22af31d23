package report

// offerTable maps offer IDs to values as a map[string]V does, without
// hashing the IDs the master generates: "o" followed by a decimal
// sequence number. Such an ID is parsed (no allocation) and kept in a ring
// indexed by its sequence number modulo the ring's size. An ID that does
// not parse as the canonical text of a positive number (no leading zero),
// or whose ring slot holds another outstanding offer (one held while the
// ring's size of newer offers came), is kept in a spill map instead. Each
// ID is in at most one of the two, so the table behaves exactly as one map
// of IDs: two masters' offers with the same ID (a new leader starts its
// sequence again) are one entry, as in a map. The ring doubles when a
// collision finds it a quarter full, so it stays within a small multiple
// of the most offers outstanding at once.
type offerTable[V any] struct {
	ring  []offerSlot[V] // by seq & (len(ring)-1); len(ring) is a power of two
	n     int            // entries in ring
	spill map[string]V
}

type offerSlot[V any] struct {
	seq uint64 // 0: empty (no canonical ID has sequence number 0)
	v   V
}

// offerRingMin is the ring's size when its first offer arrives.
const offerRingMin = 64

// offerSeq returns the sequence number of a canonical offer ID, "o"
// followed by 1 to 19 decimal digits, the first not 0; ok is false for any
// other ID.
func offerSeq(id string) (seq uint64, ok bool) {
	if len(id) < 2 || len(id) > 20 || id[0] != 'o' || id[1] == '0' {
		return 0, false
	}
	for i := 1; i < len(id); i++ {
		d := id[i] - '0'
		if d > 9 {
			return 0, false
		}
		seq = seq*10 + uint64(d)
	}
	return seq, true
}

// get returns the value of id and whether it has one.
func (t *offerTable[V]) get(id string) (V, bool) {
	if seq, ok := offerSeq(id); ok && len(t.ring) > 0 {
		if s := &t.ring[seq&uint64(len(t.ring)-1)]; s.seq == seq {
			return s.v, true
		}
	}
	if len(t.spill) > 0 {
		v, ok := t.spill[id]
		return v, ok
	}
	var zero V
	return zero, false
}

// set sets the value of id.
func (t *offerTable[V]) set(id string, v V) {
	seq, ok := offerSeq(id)
	if !ok {
		t.spillSet(id, v)
		return
	}
	if len(t.ring) == 0 {
		t.ring = make([]offerSlot[V], offerRingMin)
	}
	for {
		s := &t.ring[seq&uint64(len(t.ring)-1)]
		if s.seq == seq {
			s.v = v
			return
		}
		if len(t.spill) > 0 {
			if _, in := t.spill[id]; in {
				t.spill[id] = v
				return
			}
		}
		if s.seq == 0 {
			s.seq, s.v = seq, v
			t.n++
			return
		}
		if t.n < len(t.ring)/4 {
			t.spillSet(id, v)
			return
		}
		t.grow()
	}
}

func (t *offerTable[V]) spillSet(id string, v V) {
	if t.spill == nil {
		t.spill = map[string]V{}
	}
	t.spill[id] = v
}

// grow doubles the ring. Entries in distinct slots of the old ring are in
// distinct slots of the new one (their sequence numbers differ in the low
// bits already).
func (t *offerTable[V]) grow() {
	old := t.ring
	t.ring = make([]offerSlot[V], 2*len(old))
	mask := uint64(len(t.ring) - 1)
	for _, s := range old {
		if s.seq != 0 {
			t.ring[s.seq&mask] = s
		}
	}
}

// del removes id.
func (t *offerTable[V]) del(id string) {
	if seq, ok := offerSeq(id); ok && len(t.ring) > 0 {
		if s := &t.ring[seq&uint64(len(t.ring)-1)]; s.seq == seq {
			*s = offerSlot[V]{}
			t.n--
			return
		}
	}
	if len(t.spill) > 0 {
		delete(t.spill, id)
	}
}

// reset removes every entry, keeping the ring.
func (t *offerTable[V]) reset() {
	clear(t.ring)
	t.n = 0
	clear(t.spill)
}

// len returns the number of entries.
func (t *offerTable[V]) len() int {
	return t.n + len(t.spill)
}
