package model

import "slices"

// Tally is a mutable sum of resources owned by one holder: an agent's
// allocation in an allocator, what a checker counts on an agent. Add and
// Sub update it in place, with exactly the results of Resources.Add and
// Resources.Sub, and allocate only when it must grow (a new entry beyond
// its capacity) or an entry's ranges or set change; scalars, the hot case,
// never allocate. A Tally must not be copied once used (copies would share
// its entries). The zero value is empty. The immutable Resources stays the
// type at the edges: Resources copies the sum out, View lends it.
type Tally struct{ items []Resource }

// Add adds o: scalars add, ranges and sets unite (as Resources.Add).
func (t *Tally) Add(o Resources) {
	i := 0
	for j := range o.items {
		b := &o.items[j]
		var found bool
		i, found = t.seek(i, b)
		if i == len(t.items) {
			// Past every entry of t: the rest of o goes at the end as it
			// is (o is sorted), in one append.
			t.items = append(t.items, o.items[j:]...)
			return
		}
		if found {
			if e := &t.items[i]; e.kind() == kindScalar {
				e.Scalar = addMilli(e.Scalar, b.Scalar) // combine's scalar case, in place
			} else {
				t.items[i] = combine(*e, *b)
			}
		} else {
			t.items = slices.Insert(t.items, i, *b)
		}
		i++
	}
}

// seek returns the index of the first entry from i on whose key is not
// below b's, and whether its key is b's.
func (t *Tally) seek(i int, b *Resource) (int, bool) {
	return seekKey(t.items, i, b)
}

// seekKey returns the index of the first entry of items from i on whose
// key is not below b's, and whether its key is b's.
func seekKey(items []Resource, i int, b *Resource) (int, bool) {
	for ; i < len(items); i++ {
		if c := cmpKey(&items[i], b); c >= 0 {
			return i, c == 0
		}
	}
	return i, false
}

// Sub subtracts o, saturating per (name, role), as Resources.Sub: a scalar
// that would go negative drops out, ranges and sets are subtracted
// set-wise, entries of o absent from t are ignored.
func (t *Tally) Sub(o Resources) {
	i := 0
	for j := range o.items {
		b := &o.items[j]
		var found bool
		if i, found = t.seek(i, b); !found {
			continue
		}
		if e := &t.items[i]; e.kind() == kindScalar {
			// subEntry's scalar case, in place.
			switch {
			case b.Scalar <= 0:
				i++
			case e.Scalar <= b.Scalar:
				t.items = slices.Delete(t.items, i, i+1)
			default:
				e.Scalar -= b.Scalar
				i++
			}
			continue
		}
		x, diff := subEntry(&t.items[i], b)
		switch {
		case !diff:
			i++
		case x.empty():
			t.items = slices.Delete(t.items, i, i+1)
		default:
			t.items[i] = x
			i++
		}
	}
}

// Set makes the tally r.
func (t *Tally) Set(r Resources) { t.items = append(t.items[:0], r.items...) }

// Reset empties the tally, keeping its capacity.
func (t *Tally) Reset() { t.items = t.items[:0] }

// IsEmpty reports whether the tally holds nothing.
func (t *Tally) IsEmpty() bool { return len(t.items) == 0 }

// Resources returns a copy of the sum, as an immutable Resources.
func (t *Tally) Resources() Resources {
	if len(t.items) == 0 {
		return Resources{}
	}
	return Resources{slices.Clone(t.items)}
}

// View returns the sum without copying it: it is valid only until the
// tally next changes, so it must be used at once (an argument to Contains,
// Sub, String...) and never kept.
func (t *Tally) View() Resources { return Resources{t.items} }

// ContainsSum reports whether r contains a + b (r.Contains(a.Add(b)))
// without building the sum when both are scalars only.
func (r Resources) ContainsSum(a, b Resources) bool {
	if !a.scalarsOnly() || !b.scalarsOnly() {
		return r.Contains(a.Add(b))
	}
	i, j, k := 0, 0, 0
	for i < len(a.items) || j < len(b.items) {
		var e Resource
		switch {
		case j == len(b.items) || (i < len(a.items) && cmpKey(&a.items[i], &b.items[j]) < 0):
			e = a.items[i]
			i++
		case i == len(a.items) || cmpKey(&a.items[i], &b.items[j]) > 0:
			e = b.items[j]
			j++
		default:
			e = combine(a.items[i], b.items[j])
			i++
			j++
		}
		for k < len(r.items) && cmpKey(&r.items[k], &e) < 0 {
			k++
		}
		if k == len(r.items) || cmpKey(&r.items[k], &e) != 0 || !covers(&r.items[k], &e) {
			return false
		}
		k++
	}
	return true
}

func (r Resources) scalarsOnly() bool {
	for i := range r.items {
		if !r.items[i].IsScalar() {
			return false
		}
	}
	return true
}
