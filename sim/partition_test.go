package sim

import (
	"path"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestMatchAddress(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		addr    Address
		want    bool
	}{
		{"master", "master", true},
		{"master", "master2", false},
		{"master", "maste", false},
		{"agent/*", "agent/a1", true},
		{"agent/*", "agent/", true},
		{"agent/*", "agent", false},
		{"agent/*", "agents/a1", false},
		{"agent/*", "framework/a1", false},
		{"framework/web-*", "framework/web-1", true},
		{"framework/web-*", "framework/web-", true},
		{"framework/web-*", "framework/batch-1", false},
		{"*", "master", true},
		{"*", "agent/a1", true}, // '*' crosses '/', unlike path.Match
		{"*", "", true},
		{"*/a1", "agent/a1", true},
		{"*/a1", "agent/a10", false},
		{"agent/a?", "agent/a1", true},
		{"agent/a?", "agent/a", false},
		{"agent/a?", "agent/a12", false},
		{"a?c", "aéc", true}, // '?' is one character, not one byte
		{"a??c", "aéc", false},
		{"*é", "xxé", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"**", "anything/at/all", true},
		{"*a*", "banana", true},
		{"*x*", "banana", false},
		{"", "", true},
		{"", "master", false},
		{"[a]", "[a]", true}, // no character classes: brackets are literal
		{"[a]", "a", false},
		{`a\*`, `a\zz`, true}, // no escapes: backslash is literal
	} {
		if got := MatchAddress(tc.pattern, tc.addr); got != tc.want {
			t.Errorf("MatchAddress(%q, %q) = %v; want %v", tc.pattern, tc.addr, got, tc.want)
		}
	}
}

// Without '/' and without path.Match's own syntax ('[', '\\'), our glob and
// path.Match agree.
func TestMatchAddressAgreesWithPathMatch(t *testing.T) {
	alphabet := []rune{'a', 'b', '-', 'é', '*', '?'}
	str := func(t *rapid.T, label string, syntax bool) string {
		n := rapid.IntRange(0, 8).Draw(t, label+"-len")
		var b strings.Builder
		for range n {
			r := rapid.SampledFrom(alphabet).Draw(t, label)
			if !syntax && (r == '*' || r == '?') {
				r = 'a'
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	rapid.Check(t, func(t *rapid.T) {
		pattern := str(t, "pattern", true)
		addr := str(t, "addr", false)
		want, err := path.Match(pattern, addr)
		if err != nil {
			t.Fatalf("path.Match(%q): %v", pattern, err)
		}
		if got := MatchAddress(pattern, Address(addr)); got != want {
			t.Fatalf("MatchAddress(%q, %q) = %v; path.Match says %v", pattern, addr, got, want)
		}
	})
}

func TestPartitionValidate(t *testing.T) {
	ok := Partition{Name: "p", A: []string{"master"}, B: []string{"agent/*"}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid partition: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Partition)
		want string
	}{
		{"no name", func(p *Partition) { p.Name = "" }, "no name"},
		{"no A", func(p *Partition) { p.A = nil }, "both sides"},
		{"no B", func(p *Partition) { p.B = []string{} }, "both sides"},
		{"negative start", func(p *Partition) { p.Start = -1 }, "negative start"},
		{"heal at start", func(p *Partition) { p.Start, p.Heal = 5, 5 }, "not after start"},
		{"heal before start", func(p *Partition) { p.Start, p.Heal = 5, 3 }, "not after start"},
		{"negative heal", func(p *Partition) { p.Heal = -1 }, "not after start"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ok
			tc.edit(&p)
			err := p.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v; want an error with %q", err, tc.want)
			}
			defer func() {
				if r := recover(); r == nil {
					t.Fatalf("AddPartition accepted an invalid partition")
				}
			}()
			NewFaults(testRNG(1)).AddPartition(p)
		})
	}
}

// probe is one (time, from, to) question and whether it should be cut.
type probe struct {
	at       Time
	from, to Address
	want     bool
}

func checkPartitioned(t *testing.T, f *Faults, probes []probe) {
	t.Helper()
	for _, p := range probes {
		if got := f.Partitioned(p.at, p.from, p.to); got != p.want {
			t.Errorf("Partitioned(%d, %s, %s) = %v; want %v", p.at, p.from, p.to, got, p.want)
		}
		// Route agrees with Partitioned.
		r := f.Route(p.at, Envelope{From: p.from, To: p.to, Msg: fmsg{"PING", 0}})
		if dropped := len(r.Delays) == 0; dropped != p.want {
			t.Errorf("Route(%d, %s->%s) = %+v; want dropped=%v", p.at, p.from, p.to, r, p.want)
		}
	}
}

func TestPartitionDirections(t *testing.T) {
	for _, oneWay := range []bool{false, true} {
		f := NewFaults(testRNG(1))
		f.AddPartition(Partition{Name: "p", A: []string{"master"}, B: []string{"agent/*", "framework/web-*"}, OneWay: oneWay})
		checkPartitioned(t, f, []probe{
			{0, "master", "agent/a1", true},
			{0, "master", "framework/web-1", true},
			{0, "agent/a1", "master", !oneWay},
			{0, "framework/web-1", "master", !oneWay},
			{0, "master", "framework/batch", false},
			{0, "framework/batch", "master", false},
			{0, "agent/a1", "agent/a2", false}, // both on side B
			{0, "agent/a1", "framework/web-1", false},
			{Hour, "master", "agent/a1", true}, // Heal 0: never heals
		})
	}
}

func TestPartitionOverlappingSides(t *testing.T) {
	// Isolate a1 from everyone: "*" also matches a1, but an address is never
	// cut off from itself.
	f := NewFaults(testRNG(1))
	f.AddPartition(Partition{Name: "isolate", A: []string{"agent/a1"}, B: []string{"*"}})
	checkPartitioned(t, f, []probe{
		{0, "agent/a1", "master", true},
		{0, "master", "agent/a1", true},
		{0, "agent/a1", "agent/a2", true},
		{0, "agent/a1", "agent/a1", false},
		{0, "agent/a2", "master", false},
	})
}

func TestPartitionWindow(t *testing.T) {
	f := NewFaults(testRNG(1))
	f.AddPartition(Partition{Name: "p", A: []string{"a"}, B: []string{"b"}, Start: 10 * Second, Heal: 20 * Second})
	checkPartitioned(t, f, []probe{
		{0, "a", "b", false},
		{10*Second - 1, "a", "b", false},
		{10 * Second, "a", "b", true}, // start is inclusive
		{15 * Second, "b", "a", true},
		{20*Second - 1, "a", "b", true},
		{20 * Second, "a", "b", false}, // heal is exclusive
		{Hour, "a", "b", false},
	})
}

func TestPartitionHeal(t *testing.T) {
	newF := func() *Faults {
		f := NewFaults(testRNG(1))
		f.AddPartition(Partition{Name: "p", A: []string{"a"}, B: []string{"b"}, Start: 10, Heal: 100})
		f.AddPartition(Partition{Name: "q", A: []string{"c"}, B: []string{"d"}, Start: 10})
		return f
	}
	t.Run("earlier", func(t *testing.T) {
		f := newF()
		f.Heal("p", 50)
		f.Heal("q", 60)
		checkPartitioned(t, f, []probe{
			{49, "a", "b", true}, {50, "a", "b", false},
			{59, "c", "d", true}, {60, "c", "d", false}, {Hour, "c", "d", false},
		})
	})
	t.Run("later does not extend", func(t *testing.T) {
		f := newF()
		f.Heal("p", 500)
		checkPartitioned(t, f, []probe{{99, "a", "b", true}, {100, "a", "b", false}})
	})
	t.Run("before start", func(t *testing.T) {
		f := newF()
		f.Heal("p", 0) // zero is a time here, not "never"
		f.Heal("q", -5)
		checkPartitioned(t, f, []probe{{10, "a", "b", false}, {10, "c", "d", false}})
	})
	t.Run("unknown name", func(t *testing.T) {
		f := newF()
		f.Heal("nope", 0)
		checkPartitioned(t, f, []probe{{10, "a", "b", true}, {10, "c", "d", true}})
	})
	t.Run("same name heals all", func(t *testing.T) {
		f := newF()
		f.AddPartition(Partition{Name: "p", A: []string{"x"}, B: []string{"y"}})
		f.Heal("p", 30)
		checkPartitioned(t, f, []probe{{29, "x", "y", true}, {30, "x", "y", false}, {30, "a", "b", false}, {30, "c", "d", true}})
	})
}

func TestPartitionHealAll(t *testing.T) {
	f := NewFaults(testRNG(1))
	f.AddPartition(Partition{Name: "p", A: []string{"a"}, B: []string{"b"}})
	f.AddRule(Rule{To: "c", Loss: 1})
	f.HealAll(100)
	f.HealAll(200) // a later call cannot postpone the liveness phase
	checkPartitioned(t, f, []probe{{99, "a", "b", true}, {100, "a", "b", false}, {Hour, "b", "a", false}})
	if r := f.Route(99, Envelope{From: "a", To: "c", Msg: fmsg{"X", 0}}); len(r.Delays) != 0 {
		t.Fatalf("rule not applied before HealAll: %+v", r)
	}
	if r := f.Route(100, Envelope{From: "a", To: "c", Msg: fmsg{"X", 0}}); !slices.Equal(r.Delays, []Time{0}) || r.Reason != "" || r.Unordered {
		t.Fatalf("rule applied after HealAll: %+v", r)
	}
	f.HealAll(50) // an earlier one can bring it forward
	checkPartitioned(t, f, []probe{{49, "a", "b", true}, {50, "a", "b", false}})
}

// The drop reason names the first partition added that cuts the message.
func TestPartitionReason(t *testing.T) {
	f := NewFaults(testRNG(1))
	f.AddRule(Rule{Loss: 1})
	f.AddPartition(Partition{Name: "late", A: []string{"a"}, B: []string{"b"}, Start: 10})
	f.AddPartition(Partition{Name: "wide", A: []string{"*"}, B: []string{"b"}})
	for _, tc := range []struct {
		at   Time
		from Address
		want string
	}{
		{0, "a", "partition:wide"},
		{10, "a", "partition:late"},
		{10, "x", "partition:wide"},
		{10, "b", "loss"}, // b -> b is not partitioned
	} {
		to := Address("b")
		if r := f.Route(tc.at, Envelope{From: tc.from, To: to, Msg: fmsg{"X", 0}}); r.Reason != tc.want || r.Delays != nil {
			t.Errorf("Route(%d, %s->%s) = %+v; want reason %q", tc.at, tc.from, to, r, tc.want)
		}
	}
}
