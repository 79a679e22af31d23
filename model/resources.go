package model

import (
	"errors"
	"math"
	"slices"
	"strconv"
)

// Milli is a fixed-point scalar quantity in thousandths: Mesos rounds scalar
// resources to three decimals, so 1000 == 1.0 and 1 == 0.001.
type Milli int64

// MaxScalar is the largest scalar quantity ParseScalar and ParseResources
// accept: 1e12 units (1e15 thousandths). Arithmetic on Resources is not
// capped at MaxScalar; it only saturates at the int64 limits.
const MaxScalar Milli = 1e15

// scalar parse failures; callers turn them into messages.
const (
	scalarOK = iota
	scalarEmpty
	scalarNotNumber
	scalarNegative
	scalarTooLarge
)

// ParseScalar parses a non-negative decimal quantity such as "2", "2.5",
// "0.001" or "1024" and rounds it to the nearest thousandth, halves away
// from zero, as Mesos does (llround(v*1000)). It rejects the empty string,
// negative numbers, NaN, infinities, non-decimal notation and values above
// MaxScalar.
func ParseScalar(s string) (Milli, error) {
	m, code := parseScalar(s)
	if code != scalarOK {
		return 0, errors.New("scalar " + strconv.Quote(s) + ": " + scalarReason(s, code))
	}
	return m, nil
}

func scalarReason(s string, code int) string {
	switch code {
	case scalarEmpty:
		return "empty value"
	case scalarNegative:
		return "negative quantity"
	case scalarTooLarge:
		return "quantity above maximum " + MaxScalar.String()
	default:
		return strconv.Quote(s) + " is not a number"
	}
}

func parseScalar(s string) (Milli, int) {
	if s == "" {
		return 0, scalarEmpty
	}
	digits := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-':
		default:
			return 0, scalarNotNumber
		}
	}
	if !digits {
		return 0, scalarNotNumber
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		switch {
		case !errors.As(err, &ne) || ne.Err != strconv.ErrRange:
			return 0, scalarNotNumber
		case s[0] == '-':
			return 0, scalarNegative
		case v != 0:
			return 0, scalarTooLarge
		}
		// Underflow to zero is a valid, tiny quantity.
	}
	if s[0] == '-' || v < 0 {
		return 0, scalarNegative
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, scalarNotNumber
	}
	x := v * 1000
	if x > float64(MaxScalar) {
		return 0, scalarTooLarge
	}
	return Milli(math.Round(x)), scalarOK
}

// String formats m as the shortest exact decimal: 2500 -> "2.5",
// 1024000 -> "1024", 1 -> "0.001", 0 -> "0".
func (m Milli) String() string {
	var buf [24]byte
	return string(appendMilli(buf[:0], m))
}

// Float returns m as a float64 number of units (m / 1000).
func (m Milli) Float() float64 { return float64(m) / 1000 }

func appendMilli(b []byte, m Milli) []byte {
	u := uint64(m)
	if m < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/1000, 10)
	frac := u % 1000
	if frac == 0 {
		return b
	}
	d := [3]byte{byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
	n := 3
	for d[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, d[:n]...)
}

// addMilli adds with saturation at the int64 limits.
func addMilli(a, b Milli) Milli {
	s := a + b
	if (s > a) != (b > 0) {
		if b > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return s
}

// Range is an inclusive interval [Begin, End] of a range resource such as
// ports.
type Range struct{ Begin, End uint64 }

// Resource is one entry of a Resources collection: a named quantity,
// optionally reserved to a role. Exactly one of Scalar, Ranges and Set is
// meaningful, as reported by IsScalar, IsRanges and IsSet.
type Resource struct {
	// Name is the resource name, e.g. "cpus", "mem", "ports".
	Name string
	// Role is the reservation role; "" means unreserved (Mesos writes "*").
	Role string
	// Scalar is the quantity of a scalar resource.
	Scalar Milli
	// Ranges are the intervals of a range resource (e.g. ports): sorted,
	// non-overlapping and coalesced.
	Ranges []Range
	// Set holds the items of a set resource: sorted and unique.
	Set []string
}

// IsScalar reports whether r is a scalar resource (it has neither ranges
// nor set items).
func (r Resource) IsScalar() bool { return len(r.Ranges) == 0 && len(r.Set) == 0 }

// IsRanges reports whether r is a range resource.
func (r Resource) IsRanges() bool { return len(r.Ranges) > 0 }

// IsSet reports whether r is a set resource.
func (r Resource) IsSet() bool { return len(r.Set) > 0 && len(r.Ranges) == 0 }

const (
	kindScalar = iota
	kindRanges
	kindSet
)

func (r *Resource) kind() int {
	switch {
	case len(r.Ranges) > 0:
		return kindRanges
	case len(r.Set) > 0:
		return kindSet
	}
	return kindScalar
}

func (r *Resource) empty() bool {
	return r.Scalar <= 0 && len(r.Ranges) == 0 && len(r.Set) == 0
}

// cmpKey orders entries by (Name, Role, kind); "" (unreserved) sorts first.
func cmpKey(a, b *Resource) int {
	if a.Name != b.Name {
		if a.Name < b.Name {
			return -1
		}
		return 1
	}
	if a.Role != b.Role {
		if a.Role < b.Role {
			return -1
		}
		return 1
	}
	return a.kind() - b.kind()
}

// Resources is an immutable canonical collection of resources: entries
// sorted by (Name, Role) with "" (unreserved) first, at most one entry per
// (Name, Role), and no empty entries (zero scalar, no ranges, empty set).
// The zero value is empty. Methods never modify the receiver, and results
// may share read-only backing arrays with their inputs.
//
// Resources built from different texts could in principle hold the same
// (Name, Role) with different kinds (e.g. "x:1" added to "x:[1-2]"); such
// entries are kept apart, ordered scalar, ranges, set.
type Resources struct{ items []Resource }

// Items returns the entries in canonical order. The slice and the Ranges
// and Set slices inside it are a read-only view: callers must not modify
// them.
func (r Resources) Items() []Resource { return slices.Clip(r.items) }

// Len returns the number of entries.
func (r Resources) Len() int { return len(r.items) }

// IsEmpty reports whether r has no entries.
func (r Resources) IsEmpty() bool { return len(r.items) == 0 }

// combine adds two entries with the same key.
func combine(a, b Resource) Resource {
	switch a.kind() {
	case kindRanges:
		a.Ranges = unionRanges(a.Ranges, b.Ranges)
	case kindSet:
		a.Set = unionSet(a.Set, b.Set)
	default:
		a.Scalar = addMilli(a.Scalar, b.Scalar)
	}
	return a
}

// Add returns the sum of r and o: scalars add, ranges and sets unite.
func (r Resources) Add(o Resources) Resources {
	if len(o.items) == 0 {
		return r
	}
	if len(r.items) == 0 {
		return o
	}
	a, b := r.items, o.items
	if alignedScalars(a, b) {
		out := slices.Clone(a)
		for k := range out {
			out[k].Scalar = addMilli(out[k].Scalar, b[k].Scalar)
		}
		return Resources{out}
	}
	out := make([]Resource, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch c := cmpKey(&a[i], &b[j]); {
		case c < 0:
			out = append(out, a[i])
			i++
		case c > 0:
			out = append(out, b[j])
			j++
		default:
			out = append(out, combine(a[i], b[j]))
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	out = append(out, b[j:]...)
	return Resources{out}
}

// subEntry returns a minus b for entries with the same key, and whether
// anything changed.
func subEntry(a, b *Resource) (Resource, bool) {
	x := *a
	switch a.kind() {
	case kindRanges:
		x.Ranges = subRanges(a.Ranges, b.Ranges)
		return x, len(x.Ranges) != len(a.Ranges) || !slices.Equal(x.Ranges, a.Ranges)
	case kindSet:
		x.Set = subSet(a.Set, b.Set)
		return x, len(x.Set) != len(a.Set)
	}
	if b.Scalar <= 0 {
		return x, false
	}
	x.Scalar = a.Scalar - b.Scalar
	if x.Scalar < 0 {
		x.Scalar = 0
	}
	return x, true
}

// Sub returns r minus o, saturating per (name, role): a scalar that would
// go negative is dropped, ranges and sets are subtracted set-wise, and
// entries of o absent from r are ignored.
func (r Resources) Sub(o Resources) Resources {
	if len(o.items) == 0 || len(r.items) == 0 {
		return r
	}
	if alignedScalars(r.items, o.items) {
		return subAligned(r, o)
	}
	return r.subGeneral(o)
}

// subGeneral is Sub merging by key.
func (r Resources) subGeneral(o Resources) Resources {
	a, b := r.items, o.items
	var out []Resource
	changed := false
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		c := cmpKey(&a[i], &b[j])
		if c > 0 {
			j++
			continue
		}
		if c < 0 {
			if changed {
				out = append(out, a[i])
			}
			i++
			continue
		}
		x, diff := subEntry(&a[i], &b[j])
		if diff && !changed {
			if o.Contains(r) {
				// o covers every entry of r: nothing is left, and
				// nothing need be allocated (releasing all of an
				// agent's offer, say).
				return Resources{}
			}
			changed = true
			out = make([]Resource, 0, len(a))
			out = append(out, a[:i]...)
		}
		if changed && !x.empty() {
			out = append(out, x)
		}
		i++
		j++
	}
	if !changed {
		return r
	}
	out = append(out, a[i:]...)
	if len(out) == 0 {
		return Resources{}
	}
	return Resources{out}
}

// covers reports whether entry a covers entry b of the same key.
func covers(a, b *Resource) bool {
	switch a.kind() {
	case kindRanges:
		return rangesContain(a.Ranges, b.Ranges)
	case kindSet:
		return setContains(a.Set, b.Set)
	}
	return a.Scalar >= b.Scalar
}

// Contains reports whether every entry of o is covered by r's entry with
// the same (name, role): a larger or equal scalar, a superset of ranges or
// set items.
func (r Resources) Contains(o Resources) bool {
	a, b := r.items, o.items
	if len(b) > len(a) {
		return false
	}
	if len(a) == len(b) {
		if ok, known := containsAligned(a, b); known {
			return ok
		}
	}
	i := 0
	for j := range b {
		var found bool
		if i, found = seekKey(a, i, &b[j]); !found || !covers(&a[i], &b[j]) {
			return false
		}
		i++
	}
	return true
}

// Equal reports whether r and o hold the same entries.
func (r Resources) Equal(o Resources) bool {
	a, b := r.items, o.items
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		// One backing array: the same entries (Resources are immutable).
		return true
	}
	for i := range a {
		x, y := &a[i], &b[i]
		// The quantity first: it differs most often and costs least.
		if x.Scalar != y.Scalar || x.Name != y.Name || x.Role != y.Role ||
			!slices.Equal(x.Ranges, y.Ranges) || !slices.Equal(x.Set, y.Set) {
			return false
		}
	}
	return true
}

// Scalar returns the total scalar quantity named name, summed over all
// roles.
func (r Resources) Scalar(name string) Milli {
	var sum Milli
	for i := range r.items {
		e := &r.items[i]
		if e.Name == name {
			if e.kind() == kindScalar {
				sum = addMilli(sum, e.Scalar)
			}
		} else if e.Name > name {
			break
		}
	}
	return sum
}

// ScalarNames returns the sorted distinct names of scalar entries.
func (r Resources) ScalarNames() []string {
	var names []string
	for i := range r.items {
		e := &r.items[i]
		if e.kind() == kindScalar && (len(names) == 0 || names[len(names)-1] != e.Name) {
			names = append(names, e.Name)
		}
	}
	return names
}

// Filter returns the entries of r for which keep returns true.
func (r Resources) Filter(keep func(Resource) bool) Resources {
	var out []Resource
	all := true
	for i := range r.items {
		if keep(r.items[i]) {
			if !all {
				out = append(out, r.items[i])
			}
			continue
		}
		if all {
			all = false
			out = make([]Resource, 0, len(r.items)-1)
			out = append(out, r.items[:i]...)
		}
	}
	if all {
		return r
	}
	if len(out) == 0 {
		return Resources{}
	}
	return Resources{out}
}

// unreservedOnly reports whether no entry of r is reserved.
func (r Resources) unreservedOnly() bool {
	for i := range r.items {
		if r.items[i].Role != "" {
			return false
		}
	}
	return true
}

// Unreserved returns the unreserved entries of r.
func (r Resources) Unreserved() Resources {
	if r.unreservedOnly() {
		return r
	}
	return r.Filter(func(e Resource) bool { return e.Role == "" })
}

// Reserved returns the entries of r reserved to some role.
func (r Resources) Reserved() Resources {
	return r.Filter(func(e Resource) bool { return e.Role != "" })
}

// Scalars returns the scalar entries of r.
func (r Resources) Scalars() Resources {
	return r.Filter(func(e Resource) bool { return e.IsScalar() })
}

// AllocatableTo returns what role may be offered from r: unreserved entries
// plus entries reserved to role or to any ancestor of role (a reservation
// to "a" is usable by "a/b").
func (r Resources) AllocatableTo(role string) Resources {
	if r.unreservedOnly() {
		return r // Filter would keep every entry
	}
	return r.Filter(func(e Resource) bool { return e.Role == "" || IsAncestorOrSelf(e.Role, role) })
}

// ReservedToSubtree returns the entries of r reserved to role or to any of
// its descendants.
func (r Resources) ReservedToSubtree(role string) Resources {
	return r.Filter(func(e Resource) bool { return e.Role != "" && IsAncestorOrSelf(role, e.Role) })
}

// AppendJSON appends r as a JSON object in canonical order, keyed by
// NAME or NAME(ROLE): scalars are bare numbers formatted by Milli.String
// (never exponent form), ranges and sets are strings in Mesos notation,
// e.g. {"cpus":2,"cpus(r1)":100,"ports":"[31000-32000]"}. Empty gives {}.
func (r Resources) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	var tmp []byte
	for i := range r.items {
		e := &r.items[i]
		if i > 0 {
			b = append(b, ',')
		}
		tmp = appendKey(tmp[:0], e)
		b = appendJSONString(b, tmp)
		b = append(b, ':')
		if e.kind() == kindScalar {
			b = appendMilli(b, e.Scalar)
		} else {
			tmp = appendValue(tmp[:0], e)
			b = appendJSONString(b, tmp)
		}
	}
	return append(b, '}')
}

// MarshalJSON implements json.Marshaler with AppendJSON.
func (r Resources) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

const hexDigits = "0123456789abcdef"

func appendJSONString(b, s []byte) []byte {
	b = append(b, '"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// appendCoalesced appends x to out, a sorted coalesced range list whose
// last range begins at or before x: x merges into that range when they
// overlap or touch.
func appendCoalesced(out []Range, x Range) []Range {
	if n := len(out); n > 0 && (out[n-1].End == math.MaxUint64 || x.Begin <= out[n-1].End+1) {
		out[n-1].End = max(out[n-1].End, x.End)
		return out
	}
	return append(out, x)
}

// unionRanges merges two normalized range lists.
func unionRanges(a, b []Range) []Range {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make([]Range, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var x Range
		if j == len(b) || (i < len(a) && a[i].Begin <= b[j].Begin) {
			x = a[i]
			i++
		} else {
			x = b[j]
			j++
		}
		out = appendCoalesced(out, x)
	}
	return slices.Clip(out)
}

// subRanges returns a minus b for normalized range lists.
func subRanges(a, b []Range) []Range {
	if len(a) == 0 || len(b) == 0 {
		return a
	}
	var out []Range
	j := 0
	for _, x := range a {
		for j < len(b) && b[j].End < x.Begin {
			j++
		}
		cur := x
		alive := true
		for k := j; k < len(b) && b[k].Begin <= cur.End; k++ {
			y := b[k]
			if y.Begin > cur.Begin {
				out = append(out, Range{cur.Begin, y.Begin - 1})
			}
			if y.End >= cur.End {
				alive = false
				break
			}
			cur.Begin = y.End + 1
		}
		if alive {
			out = append(out, cur)
		}
	}
	return slices.Clip(out)
}

// rangesContain reports whether normalized list a covers normalized list b.
func rangesContain(a, b []Range) bool {
	i := 0
	for _, y := range b {
		for i < len(a) && a[i].End < y.Begin {
			i++
		}
		if i == len(a) || a[i].Begin > y.Begin || a[i].End < y.End {
			return false
		}
	}
	return true
}

func unionSet(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make([]string, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	out = append(out, b[j:]...)
	return slices.Clip(out)
}

func subSet(a, b []string) []string {
	var out []string
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j < len(b) && b[j] == x {
			continue
		}
		out = append(out, x)
	}
	if len(out) == len(a) {
		return a
	}
	return slices.Clip(out)
}

func setContains(a, b []string) bool {
	i := 0
	for _, y := range b {
		for i < len(a) && a[i] < y {
			i++
		}
		if i == len(a) || a[i] != y {
			return false
		}
		i++
	}
	return true
}

// ScalarResource returns resources holding one unreserved scalar entry
// (empty when q <= 0).
func ScalarResource(name string, q Milli) Resources {
	if q <= 0 {
		return Resources{}
	}
	return Resources{items: []Resource{{Name: name, Scalar: q}}}
}

// CapScalars returns r with each unreserved scalar entry capped at
// limit(name) when limit reports a cap (entries capped to zero or below are
// dropped). Reserved and non-scalar entries are kept as they are.
func (r Resources) CapScalars(limit func(name string) (Milli, bool)) Resources {
	changed := false
	for _, it := range r.items {
		if it.Role == "" && it.IsScalar() {
			if c, ok := limit(it.Name); ok && it.Scalar > c {
				changed = true
				break
			}
		}
	}
	if !changed {
		return r
	}
	out := make([]Resource, 0, len(r.items))
	for _, it := range r.items {
		if it.Role == "" && it.IsScalar() {
			if c, ok := limit(it.Name); ok && it.Scalar > c {
				if c <= 0 {
					continue
				}
				it.Scalar = c
			}
		}
		out = append(out, it)
	}
	if len(out) == 0 {
		return Resources{}
	}
	return Resources{items: out}
}
