package report

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/mesosim/mesosim/model"
)

// invSlot names one scalar (resource name, reservation role) pair; its
// index in Checker.slots is the pair's slot in every invRes.
type invSlot struct{ name, role string }

// slot returns the slot of e's (name, role), adding it if new; e is at
// position pos in its resources.
func (c *Checker) slot(e *model.Resource, pos int) int {
	return c.slots.index(invSlot{e.Name, e.Role}, pos)
}

// invRes is an account of resources owned by the checker and updated in
// place, with the semantics of model.Tally: its scalars as a pointer-free
// vector by slot (zero: none), its ranges and sets (rare: ports) in a
// Tally. Adding and subtracting scalars allocates nothing once the vector
// has grown to the slots in use.
type invRes struct {
	scal  []model.Milli
	other model.Tally
}

// add adds r: scalars add (saturating at the int64 limit, as
// model.Resources.Add), ranges and sets unite.
func (c *Checker) add(a *invRes, r model.Resources) {
	nonScalar := false
	items := r.Items()
	for j := range items {
		e := &items[j]
		if !e.IsScalar() {
			nonScalar = true
			continue
		}
		i := c.slot(e, j)
		for len(a.scal) <= i {
			a.scal = append(a.scal, 0)
		}
		a.scal[i] = invAddMilli(a.scal[i], e.Scalar)
	}
	if nonScalar {
		a.other.Add(r.Filter(func(e model.Resource) bool { return !e.IsScalar() }))
	}
}

// sub subtracts r, saturating at zero per (name, role) as model.Tally.Sub.
func (c *Checker) sub(a *invRes, r model.Resources) {
	items := r.Items()
	for j := range items {
		if e := &items[j]; e.IsScalar() && e.Scalar > 0 {
			if i := c.slot(e, j); i < len(a.scal) {
				a.scal[i] = max(a.scal[i]-e.Scalar, 0)
			}
		}
	}
	if !a.other.IsEmpty() {
		a.other.Sub(r) // its scalar entries match none of other's
	}
}

// reset empties a, keeping its capacity.
func (a *invRes) reset() {
	clear(a.scal)
	a.other.Reset()
}

// scalars sets dst to r's scalars by slot and returns it.
func (c *Checker) scalars(dst []model.Milli, r model.Resources) []model.Milli {
	clear(dst)
	items := r.Items()
	for j := range items {
		if e := &items[j]; e.IsScalar() {
			i := c.slot(e, j)
			for len(dst) <= i {
				dst = append(dst, 0)
			}
			dst[i] = e.Scalar
		}
	}
	return dst
}

// fits reports whether total (with its scalars by slot, totalScal) holds
// used + offered, as total.ContainsSum(used, offered) on the Tally
// sums: every scalar sum within total's scalar of the same (name, role),
// and the union of the ranges and sets within total's.
func fits(total model.Resources, totalScal []model.Milli, used, offered *invRes) bool {
	for i := range max(len(used.scal), len(offered.scal)) {
		sum := invAddMilli(invAt(used.scal, i), invAt(offered.scal, i))
		if sum > 0 && invAt(totalScal, i) < sum {
			return false
		}
	}
	if used.other.IsEmpty() && offered.other.IsEmpty() {
		return true
	}
	return total.Contains(used.other.View().Add(offered.other.View()))
}

func invAt(v []model.Milli, i int) model.Milli {
	if i < len(v) {
		return v[i]
	}
	return 0
}

// invAddMilli adds non-negative quantities, saturating at the int64 limit.
func invAddMilli(a, b model.Milli) model.Milli {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// text formats a as its model.Resources text: entries in canonical order
// (name, then role with unreserved first, then scalars before ranges and
// sets). Used only to describe a violation.
func (c *Checker) text(a *invRes) string {
	type entry struct {
		name, role string
		scalar     bool
		text       string
	}
	var es []entry
	for i, q := range a.scal {
		if q > 0 {
			s := c.slots.keys[i]
			key := s.name
			if s.role != "" {
				key += "(" + s.role + ")"
			}
			es = append(es, entry{s.name, s.role, true, key + ":" + q.String()})
		}
	}
	if v := a.other.View(); !v.IsEmpty() {
		// A ';' separates entries and appears in no value.
		for j, t := range strings.Split(v.String(), ";") {
			e := v.Items()[j]
			es = append(es, entry{e.Name, e.Role, false, t})
		}
	}
	// Stable: the Tally's entries are in canonical order already, and
	// a scalar sorts before the ranges or set of its (name, role).
	slices.SortStableFunc(es, func(x, y entry) int {
		return cmp.Or(strings.Compare(x.name, y.name), strings.Compare(x.role, y.role), invRank(x.scalar)-invRank(y.scalar))
	})
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.text
	}
	return strings.Join(out, ";")
}

// invRank orders a scalar entry before the others.
func invRank(scalar bool) int {
	if scalar {
		return 0
	}
	return 1
}
