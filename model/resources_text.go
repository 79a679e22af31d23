package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The Mesos text notation of Resources: parsing and formatting.

const (
	maxEntries = 128
	maxRanges  = 4096
)

type parsedEntry struct {
	res Resource
	tok string
}

// ParseResources parses Mesos resource text: entries separated by ';'
// (surrounding whitespace trimmed, empty entries ignored), each
// NAME[(ROLE)]:VALUE, where VALUE is a scalar number, ranges "[b-e,b-e]" or
// a set "{a,b}". ROLE "*" means unreserved; any other role must pass
// ValidateRole. Repeated (name, role) entries are added together; using one
// name with two kinds is an error. At most 128 entries and 4096 ranges are
// accepted per text.
func ParseResources(text string) (Resources, error) {
	var entries []parsedEntry
	kinds := map[string]int{}
	nEntries, nRanges := 0, 0
	rest := text
	for more := true; more; {
		var tok string
		tok, rest, more = strings.Cut(rest, ";")
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue
		}
		nEntries++
		if nEntries > maxEntries {
			return Resources{}, fmt.Errorf("too many resource entries: more than %d", maxEntries)
		}
		res, n, err := parseEntry(tok)
		if err != nil {
			return Resources{}, err
		}
		nRanges += n
		if nRanges > maxRanges {
			return Resources{}, fmt.Errorf("bad resource %q: too many ranges: more than %d in total", tok, maxRanges)
		}
		k := res.kind()
		if len(res.Ranges) == 0 && len(res.Set) == 0 && res.Scalar == 0 {
			// An empty value still has a kind, as written.
			k = kindOfValue(tok)
		}
		if prev, ok := kinds[res.Name]; ok && prev != k {
			return Resources{}, fmt.Errorf("bad resource %q: %s is %s here but %s elsewhere",
				tok, res.Name, kindNames[k], kindNames[prev])
		}
		kinds[res.Name] = k
		if !res.empty() {
			entries = append(entries, parsedEntry{res, tok})
		}
	}
	if len(entries) == 0 {
		return Resources{}, nil
	}
	slices.SortStableFunc(entries, func(a, b parsedEntry) int { return cmpKey(&a.res, &b.res) })
	items := make([]Resource, 0, len(entries))
	for _, e := range entries {
		n := len(items)
		if n > 0 && cmpKey(&items[n-1], &e.res) == 0 {
			items[n-1] = combine(items[n-1], e.res)
			if items[n-1].Scalar > MaxScalar {
				return Resources{}, fmt.Errorf("bad resource %q: total %s is above maximum %s",
					e.tok, items[n-1].Scalar, MaxScalar)
			}
			continue
		}
		items = append(items, e.res)
	}
	return Resources{items}, nil
}

var kindNames = [...]string{kindScalar: "a scalar", kindRanges: "ranges", kindSet: "a set"}

func kindOfValue(tok string) int {
	_, v, _ := strings.Cut(tok, ":")
	v = strings.TrimSpace(v)
	switch {
	case strings.HasPrefix(v, "["):
		return kindRanges
	case strings.HasPrefix(v, "{"):
		return kindSet
	}
	return kindScalar
}

// parseEntry parses one NAME[(ROLE)]:VALUE token; it also returns the
// number of ranges written.
func parseEntry(tok string) (Resource, int, error) {
	bad := func(format string, args ...any) (Resource, int, error) {
		return Resource{}, 0, fmt.Errorf("bad resource %q: "+format, append([]any{tok}, args...)...)
	}
	colon := strings.IndexByte(tok, ':')
	paren := strings.IndexByte(tok, '(')
	var name, role, value string
	hasRole := false
	switch {
	case paren >= 0 && (colon < 0 || paren < colon):
		end := strings.Index(tok[paren:], "):")
		if end < 0 {
			return bad("want NAME(ROLE):VALUE")
		}
		name, role, value = tok[:paren], tok[paren+1:paren+end], tok[paren+end+2:]
		hasRole = true
	case colon >= 0:
		name, value = tok[:colon], tok[colon+1:]
	default:
		return bad("want NAME:VALUE")
	}
	name = strings.TrimSpace(name)
	value = strings.TrimSpace(value)
	if reason := nameProblem(name); reason != "" {
		return bad("bad name %q: %s", name, reason)
	}
	if hasRole {
		if reason := roleProblem(role); reason != "" {
			return bad("bad role %q: %s", role, reason)
		}
		if role == DefaultRole {
			role = ""
		}
	}
	r := Resource{Name: knownName(name), Role: role}
	switch {
	case value == "":
		return bad("empty value")
	case value[0] == '[':
		if value[len(value)-1] != ']' {
			return bad("ranges %q: want [BEGIN-END,...]", value)
		}
		inner := strings.TrimSpace(value[1 : len(value)-1])
		if inner == "" {
			return r, 0, nil
		}
		var rs []Range
		for part := range strings.SplitSeq(inner, ",") {
			part = strings.TrimSpace(part)
			b, e, ok := strings.Cut(part, "-")
			if !ok {
				return bad("range %q: want BEGIN-END", part)
			}
			b, e = strings.TrimSpace(b), strings.TrimSpace(e)
			lo, err := strconv.ParseUint(b, 10, 64)
			if err != nil {
				return bad("range %q: %q is not a non-negative integer", part, b)
			}
			hi, err := strconv.ParseUint(e, 10, 64)
			if err != nil {
				return bad("range %q: %q is not a non-negative integer", part, e)
			}
			if lo > hi {
				return bad("range begin %d after end %d", lo, hi)
			}
			if len(rs) >= maxRanges {
				return bad("too many ranges: more than %d", maxRanges)
			}
			rs = append(rs, Range{lo, hi})
		}
		n := len(rs)
		r.Ranges = normalizeRanges(rs)
		return r, n, nil
	case value[0] == '{':
		if value[len(value)-1] != '}' {
			return bad("set %q: want {ITEM,...}", value)
		}
		inner := strings.TrimSpace(value[1 : len(value)-1])
		if inner == "" {
			return r, 0, nil
		}
		var set []string
		for item := range strings.SplitSeq(inner, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				return bad("empty set item")
			}
			if reason := setItemProblem(item); reason != "" {
				return bad("set item %q: %s", item, reason)
			}
			set = append(set, item)
		}
		slices.Sort(set)
		r.Set = slices.Compact(set)
		return r, 0, nil
	default:
		m, code := parseScalar(value)
		if code != scalarOK {
			return bad("%s", scalarReason(value, code))
		}
		r.Scalar = m
		return r, 0, nil
	}
}

// knownName returns the program's own copy of the common resource names
// (one string literal each), else name: entries parsed from different
// texts then share their names' bytes, and comparing two names (cmpKey,
// sameScalarKey) finds them equal at the first pointer check.
func knownName(name string) string {
	switch name {
	case "cpus":
		return "cpus"
	case "mem":
		return "mem"
	case "disk":
		return "disk"
	case "gpus":
		return "gpus"
	case "ports":
		return "ports"
	}
	return name
}

func nameProblem(name string) string {
	if name == "" {
		return "empty name"
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '-' || c == '.') {
			return "only letters, digits, '_', '-' and '.' are allowed"
		}
	}
	return ""
}

func setItemProblem(item string) string {
	if !utf8.ValidString(item) {
		return "invalid UTF-8"
	}
	for _, c := range item {
		if c < 0x20 || c == 0x7f {
			return "contains a control character"
		}
		if c == '{' || c == '}' {
			return "contains a brace"
		}
	}
	return ""
}

// normalizeRanges sorts and coalesces rs in place (overlapping or adjacent
// intervals merge) and returns the result.
func normalizeRanges(rs []Range) []Range {
	slices.SortFunc(rs, func(a, b Range) int {
		switch {
		case a.Begin < b.Begin:
			return -1
		case a.Begin > b.Begin:
			return 1
		}
		return 0
	})
	out := rs[:0]
	for _, x := range rs {
		out = appendCoalesced(out, x)
	}
	return slices.Clip(out)
}

// MustParseResources is ParseResources that panics on error; for tests and
// embedded constants only.
func MustParseResources(text string) Resources {
	r, err := ParseResources(text)
	if err != nil {
		panic(err)
	}
	return r
}

// String returns the canonical Mesos text, entries ordered by name, then
// role ("" first), e.g. "cpus:2;cpus(r1):100;mem:1024;ports:[31000-32000]";
// the empty collection gives "".
func (r Resources) String() string {
	if len(r.items) == 0 {
		return ""
	}
	b := make([]byte, 0, 16*len(r.items))
	for i := range r.items {
		if i > 0 {
			b = append(b, ';')
		}
		b = appendKey(b, &r.items[i])
		b = append(b, ':')
		b = appendValue(b, &r.items[i])
	}
	return string(b)
}

func appendKey(b []byte, e *Resource) []byte {
	b = append(b, e.Name...)
	if e.Role != "" {
		b = append(b, '(')
		b = append(b, e.Role...)
		b = append(b, ')')
	}
	return b
}

func appendValue(b []byte, e *Resource) []byte {
	switch e.kind() {
	case kindRanges:
		b = append(b, '[')
		for i, x := range e.Ranges {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(b, x.Begin, 10)
			b = append(b, '-')
			b = strconv.AppendUint(b, x.End, 10)
		}
		return append(b, ']')
	case kindSet:
		b = append(b, '{')
		for i, x := range e.Set {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, x...)
		}
		return append(b, '}')
	}
	return appendMilli(b, e.Scalar)
}
