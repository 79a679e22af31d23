package model

// Fast paths of Resources arithmetic for two collections that hold the
// same scalar keys at the same positions (the common case: offers,
// holdings and filters of one agent's resources).

// subAligned is Sub for o holding r's scalar keys in r's order:
// each quantity less o's, the exhausted ones dropped. A non-positive
// quantity in o (not canonical) takes the general way, which ignores it.
func subAligned(r, o Resources) Resources {
	a, b := r.items, o.items
	left := 0
	for k := range a {
		if b[k].Scalar <= 0 {
			return r.subGeneral(o)
		}
		if a[k].Scalar > b[k].Scalar {
			left++
		}
	}
	if left == 0 {
		return Resources{}
	}
	out := make([]Resource, 0, left)
	for k := range a {
		if q := a[k].Scalar - b[k].Scalar; q > 0 {
			x := a[k]
			x.Scalar = q
			out = append(out, x)
		}
	}
	return Resources{out}
}

// sameScalarKey reports whether x and y are scalars of the same key. Two
// unreserved entries need no string comparison of their roles.
func sameScalarKey(x, y *Resource) bool {
	return len(x.Ranges)|len(x.Set)|len(y.Ranges)|len(y.Set) == 0 && x.Name == y.Name &&
		(len(x.Role)|len(y.Role) == 0 || x.Role == y.Role)
}

// alignedScalars reports whether a and b hold scalars of the same keys at
// the same positions (then Add and Sub work entry by entry).
func alignedScalars(a, b []Resource) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !sameScalarKey(&a[k], &b[k]) {
			return false
		}
	}
	return true
}

// containsAligned is Contains's fast path for entries of the same keys at
// the same positions, all scalar (the common case: offers, holdings and
// filters of one agent's resources): known is false as soon as a key or
// kind differs, and then Contains walks the general way.
func containsAligned(a, b []Resource) (ok, known bool) {
	for k := range a {
		x, y := &a[k], &b[k]
		if !sameScalarKey(x, y) {
			return false, false
		}
		if x.Scalar < y.Scalar {
			// a[k] is the only entry of a with this key (keys are unique).
			return false, true
		}
	}
	return true, true
}
