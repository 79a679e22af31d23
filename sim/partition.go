package sim

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Partition cuts the network between two named sets of actors, given as
// address patterns (see MatchAddress). Messages from a member of A to a
// member of B are dropped while the partition is active, and, unless OneWay,
// so are messages from B to A. It is active from Start until Heal (Heal 0:
// never heals). An address never is partitioned from itself.
type Partition struct {
	Name   string
	A, B   []string
	OneWay bool // only A -> B is cut
	Start  Time
	Heal   Time // 0: never
}

// Validate reports what is wrong with p, if anything.
func (p Partition) Validate() error {
	var errs []error
	if p.Name == "" {
		errs = append(errs, errors.New("partition has no name"))
	}
	if len(p.A) == 0 || len(p.B) == 0 {
		errs = append(errs, fmt.Errorf("partition %q: both sides need at least one address pattern", p.Name))
	}
	if p.Start < 0 {
		errs = append(errs, fmt.Errorf("partition %q: negative start %v", p.Name, p.Start))
	}
	if p.Heal < 0 || (p.Heal != 0 && p.Heal <= p.Start) {
		errs = append(errs, fmt.Errorf("partition %q: heal %v not after start %v", p.Name, p.Heal, p.Start))
	}
	return errors.Join(errs...)
}

// partition is an added Partition with its heal time as a time (Never: not
// healed), since Heal may bring it down to zero.
type partition struct {
	Partition
	until  Time
	reason string // ReasonPartition + Name, made once
}

// active reports whether p cuts the network at now.
func (p *partition) active(now Time) bool { return now >= p.Start && now < p.until }

// Heal ends every partition called name at at (a timeline heal), if that
// is earlier than its own heal time. Unknown names are ignored.
func (f *Faults) Heal(name string, at Time) {
	for i := range f.parts {
		if p := &f.parts[i]; p.Name == name {
			p.until = min(p.until, max(at, 0))
		}
	}
}

// Partitioned reports whether an active partition cuts from -> to at now.
func (f *Faults) Partitioned(now Time, from, to Address) bool {
	return f.partition(now, from, to) != nil
}

// partition returns the first partition added that cuts from -> to at now.
func (f *Faults) partition(now Time, from, to Address) *partition {
	if now >= f.healAll {
		return nil
	}
	for i := range f.parts {
		if p := &f.parts[i]; p.active(now) && p.cuts(from, to) {
			return p
		}
	}
	return nil
}

// cuts reports whether p, if active, drops a message from -> to.
func (p *Partition) cuts(from, to Address) bool {
	if from == to {
		return false
	}
	if matchAny(p.A, from) && matchAny(p.B, to) {
		return true
	}
	return !p.OneWay && matchAny(p.B, from) && matchAny(p.A, to)
}

// matchAny reports whether addr matches one of patterns (none: false).
func matchAny(patterns []string, addr Address) bool {
	for _, p := range patterns {
		if MatchAddress(p, addr) {
			return true
		}
	}
	return false
}

// MatchAddress reports whether addr matches the glob pattern: '*' matches
// any run of characters, '/' included ("agent/*" matches "agent/a1", "*"
// matches every address), '?' matches exactly one character, and every other
// character matches itself. There are no character classes or escapes, so
// every pattern is valid. The empty pattern matches only the empty address;
// rules treat an empty From or To as "any" before calling this.
func MatchAddress(pattern string, addr Address) bool {
	s := string(addr)
	pi, si := 0, 0
	star, mark := -1, 0 // last '*' seen in pattern, and where in s it resumed
	for si < len(s) {
		if pi < len(pattern) {
			switch c := pattern[pi]; c {
			case '*':
				star, mark = pi, si
				pi++
				continue
			case '?':
				_, n := utf8.DecodeRuneInString(s[si:])
				pi, si = pi+1, si+n
				continue
			default:
				if c == s[si] {
					pi, si = pi+1, si+1
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		// Backtrack: let the last '*' swallow one more character.
		_, n := utf8.DecodeRuneInString(s[mark:])
		mark += n
		pi, si = star+1, mark
	}
	for pi < len(pattern) && pattern[pi] == '*' {
		pi++
	}
	return pi == len(pattern)
}
