package model

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestParseScalar(t *testing.T) {
	ok := []struct {
		in   string
		want Milli
	}{
		{"2", 2000},
		{"2.5", 2500},
		{"0.001", 1},
		{"1024", 1024000},
		{"0", 0},
		{"0.0005", 1},
		{"0.0004", 0},
		{"1.0004", 1000},
		{"1.0005", 1001},
		{"1e3", 1000000},
		{"+3", 3000},
		{".5", 500},
		{"1e-999", 0},
		{"1000000000000", MaxScalar},
	}
	for _, c := range ok {
		got, err := ParseScalar(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseScalar(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	bad := []struct{ in, want string }{
		{"", "empty value"},
		{"-1", "negative quantity"},
		{"-0", "negative quantity"},
		{"abc", `"abc" is not a number`},
		{"NaN", "is not a number"},
		{"Inf", "is not a number"},
		{"+Inf", "is not a number"},
		{"0x10", "is not a number"},
		{"1_000", "is not a number"},
		{"1.2.3", "is not a number"},
		{".", "is not a number"},
		{"1000000000000.001", "above maximum"},
		{"1e999", "above maximum"},
	}
	for _, c := range bad {
		_, err := ParseScalar(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseScalar(%q) error = %v, want %q", c.in, err, c.want)
		}
	}
}

func TestMilliString(t *testing.T) {
	cases := []struct {
		m    Milli
		want string
	}{
		{2500, "2.5"}, {1024000, "1024"}, {1, "0.001"}, {0, "0"}, {10, "0.01"},
		{100, "0.1"}, {1230, "1.23"}, {-1500, "-1.5"}, {MaxScalar, "1000000000000"},
	}
	for _, c := range cases {
		if got := c.m.String(); got != c.want {
			t.Errorf("Milli(%d).String() = %q, want %q", c.m, got, c.want)
		}
	}
	if f := Milli(2500).Float(); f != 2.5 {
		t.Errorf("Float = %v", f)
	}
}

func TestParseResourcesCanonical(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{" ; ;", ""},
		{"cpus:2;mem:1024", "cpus:2;mem:1024"},
		{"mem:1024; cpus:2 ;", "cpus:2;mem:1024"},
		{"cpus(r1):100;cpus:2;mem:1024", "cpus:2;cpus(r1):100;mem:1024"},
		{"cpus(*):2", "cpus:2"},
		{"cpus(b):1;cpus(a/x):1;cpus(a):1;cpus:1", "cpus:1;cpus(a):1;cpus(a/x):1;cpus(b):1"},
		{"cpus:0.0005", "cpus:0.001"},
		{"cpus:1.0004", "cpus:1"},
		{"cpus:0.0004", ""},
		{"cpus:0;mem:1", "mem:1"},
		{"cpus:1;cpus:2.5", "cpus:3.5"},
		{"cpus(r):1;cpus(r):1", "cpus(r):2"},
		{"ports:[1-3,4-6]", "ports:[1-6]"},
		{"ports:[10-20,1-5,3-8]", "ports:[1-8,10-20]"},
		{"ports:[5-5]", "ports:[5-5]"},
		{"ports:[ 1 - 2 , 4-5 ]", "ports:[1-2,4-5]"},
		{"ports:[1-2];ports:[3-3];ports:[10-11]", "ports:[1-3,10-11]"},
		{"ports:[0-18446744073709551615];ports:[5-6]", "ports:[0-18446744073709551615]"},
		{"ports:[]", ""},
		{"zones:{b,a}", "zones:{a,b}"},
		{"zones:{a, b ,a}", "zones:{a,b}"},
		{"zones:{a};zones:{c,b}", "zones:{a,b,c}"},
		{"zones:{}", ""},
		{"disk.v2-x_y:1", "disk.v2-x_y:1"},
		{"cpus:2;mem:1024;cpus(r1):100;ports:[31000-32000,33000-33010];zones:{a,b}",
			"cpus:2;cpus(r1):100;mem:1024;ports:[31000-32000,33000-33010];zones:{a,b}"},
	}
	for _, c := range cases {
		r, err := ParseResources(c.in)
		if err != nil {
			t.Errorf("ParseResources(%q): %v", c.in, err)
			continue
		}
		if got := r.String(); got != c.want {
			t.Errorf("ParseResources(%q).String() = %q, want %q", c.in, got, c.want)
		}
		back, err := ParseResources(r.String())
		if err != nil || !back.Equal(r) {
			t.Errorf("round trip of %q: %v, %v", r.String(), back, err)
		}
	}
}

func TestParseResourcesErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"cpus=2", `bad resource "cpus=2": want NAME:VALUE`},
		{"cpus:-1", `bad resource "cpus:-1": negative quantity`},
		{"mem:abc", `bad resource "mem:abc": "abc" is not a number`},
		{"ports:[5-3]", `bad resource "ports:[5-3]": range begin 5 after end 3`},
		{"cpus(..):1", `bad resource "cpus(..):1": bad role "..": path component ".." not allowed`},
		{"cpus(a//b):1", `bad resource "cpus(a//b):1": bad role "a//b": empty path component`},
		{"cpus():1", `bad resource "cpus():1": bad role "": empty role name`},
		{"cpus(a/*):1", `bad resource "cpus(a/*):1": bad role "a/*"`},
		{"cpus(r:1", `bad resource "cpus(r:1": want NAME(ROLE):VALUE`},
		{"cpus:", `bad resource "cpus:": empty value`},
		{":1", `bad resource ":1": bad name "": empty name`},
		{"cp us:1", `bad resource "cp us:1": bad name "cp us"`},
		{"cpu$:1", `bad resource "cpu$:1": bad name "cpu$"`},
		{"cpus:NaN", `bad resource "cpus:NaN": "NaN" is not a number`},
		{"cpus:inf", `bad resource "cpus:inf": "inf" is not a number`},
		{"cpus:2e12", `bad resource "cpus:2e12": quantity above maximum`},
		{"cpus:1e12;cpus:1", `bad resource "cpus:1": total 1000000000001 is above maximum`},
		{"ports:[1-2", `bad resource "ports:[1-2": ranges "[1-2": want [BEGIN-END,...]`},
		{"ports:[1]", `bad resource "ports:[1]": range "1": want BEGIN-END`},
		{"ports:[a-2]", `bad resource "ports:[a-2]": range "a-2": "a" is not a non-negative integer`},
		{"ports:[1-2,]", `bad resource "ports:[1-2,]": range "": want BEGIN-END`},
		{"ports:[-1-2]", `bad resource "ports:[-1-2]": range "-1-2": "" is not a non-negative integer`},
		{"zones:{a", `bad resource "zones:{a": set "{a": want {ITEM,...}`},
		{"zones:{a,,b}", `bad resource "zones:{a,,b}": empty set item`},
		{"zones:{a{b}", `bad resource "zones:{a{b}": set item "a{b": contains a brace`},
		{"cpus:1;cpus(r):[1-2]", `bad resource "cpus(r):[1-2]": cpus is ranges here but a scalar elsewhere`},
		{"zones:{a};zones:1", `bad resource "zones:1": zones is a scalar here but a set elsewhere`},
		{"ports:[];ports:{a}", `bad resource "ports:{a}": ports is a set here but ranges elsewhere`},
	}
	for _, c := range cases {
		_, err := ParseResources(c.in)
		if err == nil {
			t.Errorf("ParseResources(%q) = nil error, want %q", c.in, c.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("ParseResources(%q) error\n got %q\nwant %q...", c.in, err, c.want)
		}
	}
}

func TestParseResourcesLimits(t *testing.T) {
	var entries []string
	for i := range 128 {
		entries = append(entries, fmt.Sprintf("r%d:1", i))
	}
	if _, err := ParseResources(strings.Join(entries, ";")); err != nil {
		t.Fatalf("128 entries: %v", err)
	}
	entries = append(entries, "x:1")
	if _, err := ParseResources(strings.Join(entries, ";")); err == nil || !strings.Contains(err.Error(), "too many resource entries") {
		t.Errorf("129 entries: %v", err)
	}
	var rs []string
	for i := range 4096 {
		rs = append(rs, fmt.Sprintf("%d-%d", 2*i, 2*i))
	}
	text := "ports:[" + strings.Join(rs, ",") + "]"
	if _, err := ParseResources(text); err != nil {
		t.Fatalf("4096 ranges: %v", err)
	}
	if _, err := ParseResources(text + ";ports(r):[1-1]"); err == nil || !strings.Contains(err.Error(), "too many ranges") {
		t.Errorf("4097 ranges over two entries: %v", err)
	}
	if _, err := ParseResources("ports:[" + strings.Join(rs, ",") + ",9999-9999]"); err == nil || !strings.Contains(err.Error(), "too many ranges") {
		t.Errorf("4097 ranges in one entry: %v", err)
	}
}

func TestMustParseResourcesPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	MustParseResources("cpus:x")
}

func TestResourcesArithmetic(t *testing.T) {
	m := MustParseResources
	add := []struct{ a, b, want string }{
		{"", "", ""},
		{"cpus:1", "", "cpus:1"},
		{"", "cpus:1", "cpus:1"},
		{"cpus:1", "cpus:2", "cpus:3"},
		{"cpus:1", "mem:2", "cpus:1;mem:2"},
		{"cpus:1", "cpus(r):2", "cpus:1;cpus(r):2"},
		{"cpus(r):1;mem:5", "cpus(r):0.5;disk:1", "cpus(r):1.5;disk:1;mem:5"},
		{"ports:[1-3]", "ports:[4-6]", "ports:[1-6]"},
		{"ports:[1-3,10-12]", "ports:[2-11]", "ports:[1-12]"},
		{"ports:[1-3]", "ports(r):[4-6]", "ports:[1-3];ports(r):[4-6]"},
		{"zones:{a}", "zones:{b}", "zones:{a,b}"},
		{"zones:{b,d}", "zones:{a,b,c,e}", "zones:{a,b,c,d,e}"},
		{"zones:{a,b}", "", "zones:{a,b}"},
	}
	for _, c := range add {
		if got := m(c.a).Add(m(c.b)); !got.Equal(m(c.want)) || got.String() != c.want {
			t.Errorf("%q + %q = %q, want %q", c.a, c.b, got, c.want)
		}
	}
	sub := []struct{ a, b, want string }{
		{"", "cpus:1", ""},
		{"cpus:1", "", "cpus:1"},
		{"cpus:3", "cpus:1", "cpus:2"},
		{"cpus:1", "cpus:3", ""},
		{"cpus:1;mem:4", "cpus:1", "mem:4"},
		{"cpus:1;mem:4", "disk:1", "cpus:1;mem:4"},
		{"cpus:2;cpus(r):2", "cpus(r):1", "cpus:2;cpus(r):1"},
		{"cpus:2", "cpus(r):1", "cpus:2"},
		{"cpus(r):2", "cpus:1", "cpus(r):2"},
		{"ports:[1-10]", "ports:[3-4]", "ports:[1-2,5-10]"},
		{"ports:[1-10]", "ports:[1-10]", ""},
		{"ports:[1-10,20-30]", "ports:[5-25]", "ports:[1-4,26-30]"},
		{"ports:[1-10]", "ports:[0-0,10-12]", "ports:[1-9]"},
		{"ports:[1-10]", "ports:[2-2,4-4,6-6]", "ports:[1-1,3-3,5-5,7-10]"},
		{"ports:[0-18446744073709551615]", "ports:[18446744073709551615-18446744073709551615]", "ports:[0-18446744073709551614]"},
		{"zones:{a,b,c}", "zones:{b,d}", "zones:{a,c}"},
		{"zones:{a}", "zones:{a}", ""},
	}
	for _, c := range sub {
		if got := m(c.a).Sub(m(c.b)); !got.Equal(m(c.want)) || got.String() != c.want {
			t.Errorf("%q - %q = %q, want %q", c.a, c.b, got, c.want)
		}
	}
	contains := []struct {
		a, b string
		want bool
	}{
		{"", "", true},
		{"cpus:1", "", true},
		{"", "cpus:1", false},
		{"cpus:2;mem:3", "cpus:2", true},
		{"cpus:2;mem:3", "cpus:2.001", false},
		{"cpus:2;mem:3", "mem:3;cpus:1", true},
		{"cpus:2", "cpus(r):1", false},
		{"cpus(r):2", "cpus:1", false},
		{"cpus:1;cpus(r):2", "cpus(r):1", true},
		{"cpus:1;mem:1", "disk:1", false},
		{"cpus:1;mem:1", "zzz:1", false},
		{"ports:[1-10,20-30]", "ports:[2-3,25-30]", true},
		{"ports:[1-10,20-30]", "ports:[9-21]", false},
		{"ports:[1-10]", "ports:[10-11]", false},
		{"zones:{a,b}", "zones:{b}", true},
		{"zones:{a,b}", "zones:{c}", false},
	}
	for _, c := range contains {
		if got := m(c.a).Contains(m(c.b)); got != c.want {
			t.Errorf("%q contains %q = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	equal := []struct {
		a, b string
		want bool
	}{
		{"", "", true},
		{"cpus:1", "cpus:1", true},
		{"cpus:1", "cpus:2", false},
		{"cpus:1", "cpus(r):1", false},
		{"cpus:1", "mem:1", false},
		{"ports:[1-3]", "ports:[1-2,3-3]", true},
		{"ports:[1-3]", "ports:[1-4]", false},
		{"zones:{a}", "zones:{b}", false},
		{"cpus:1;mem:1", "cpus:1", false},
	}
	for _, c := range equal {
		if got := m(c.a).Equal(m(c.b)); got != c.want {
			t.Errorf("%q equal %q = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestResourcesMixedKinds(t *testing.T) {
	a, b := MustParseResources("x:1"), MustParseResources("x:[1-2]")
	sum := a.Add(b)
	if sum.Len() != 2 || !sum.Contains(a) || !sum.Contains(b) || a.Contains(b) {
		t.Errorf("mixed kinds: %q", sum)
	}
	if got := sum.Sub(b); !got.Equal(a) {
		t.Errorf("mixed kinds sub: %q", got)
	}
	if got := sum.Scalar("x"); got != 1000 {
		t.Errorf("Scalar(x) = %d", got)
	}
}

func TestResourcesQueries(t *testing.T) {
	r := MustParseResources("cpus:2;cpus(a):1;cpus(a/b):0.5;cpus(a/b/c):0.25;cpus(ab):4;cpus(z):8;mem:100;mem(a/b):10;ports:[1-5];ports(a):[7-8];zones:{x}")
	if r.Len() != 11 || r.IsEmpty() || !(Resources{}).IsEmpty() {
		t.Fatalf("Len = %d", r.Len())
	}
	if got := r.Scalar("cpus"); got != 15750 {
		t.Errorf("Scalar(cpus) = %d", got)
	}
	if got := r.Scalar("nope"); got != 0 {
		t.Errorf("Scalar(nope) = %d", got)
	}
	if got := r.ScalarNames(); !slices.Equal(got, []string{"cpus", "mem"}) {
		t.Errorf("ScalarNames = %q", got)
	}
	cases := []struct {
		name string
		got  Resources
		want string
	}{
		{"Unreserved", r.Unreserved(), "cpus:2;mem:100;ports:[1-5];zones:{x}"},
		{"Reserved", r.Reserved(), "cpus(a):1;cpus(a/b):0.5;cpus(a/b/c):0.25;cpus(ab):4;cpus(z):8;mem(a/b):10;ports(a):[7-8]"},
		{"Scalars", r.Scalars(), "cpus:2;cpus(a):1;cpus(a/b):0.5;cpus(a/b/c):0.25;cpus(ab):4;cpus(z):8;mem:100;mem(a/b):10"},
		{"AllocatableTo(a/b)", r.AllocatableTo("a/b"), "cpus:2;cpus(a):1;cpus(a/b):0.5;mem:100;mem(a/b):10;ports:[1-5];ports(a):[7-8];zones:{x}"},
		{"AllocatableTo(a)", r.AllocatableTo("a"), "cpus:2;cpus(a):1;mem:100;ports:[1-5];ports(a):[7-8];zones:{x}"},
		{"AllocatableTo(a/b/c/d)", r.AllocatableTo("a/b/c/d"), "cpus:2;cpus(a):1;cpus(a/b):0.5;cpus(a/b/c):0.25;mem:100;mem(a/b):10;ports:[1-5];ports(a):[7-8];zones:{x}"},
		{"AllocatableTo(q)", r.AllocatableTo("q"), "cpus:2;mem:100;ports:[1-5];zones:{x}"},
		{"AllocatableTo(*)", r.AllocatableTo("*"), "cpus:2;mem:100;ports:[1-5];zones:{x}"},
		{"ReservedToSubtree(a)", r.ReservedToSubtree("a"), "cpus(a):1;cpus(a/b):0.5;cpus(a/b/c):0.25;mem(a/b):10;ports(a):[7-8]"},
		{"ReservedToSubtree(a/b)", r.ReservedToSubtree("a/b"), "cpus(a/b):0.5;cpus(a/b/c):0.25;mem(a/b):10"},
		{"ReservedToSubtree(q)", r.ReservedToSubtree("q"), ""},
		{"Filter(none)", r.Filter(func(Resource) bool { return false }), ""},
		{"Filter(all)", r.Filter(func(Resource) bool { return true }), r.String()},
	}
	for _, c := range cases {
		if got := c.got.String(); got != c.want {
			t.Errorf("%s = %q\nwant %q", c.name, got, c.want)
		}
	}
	items := MustParseResources("ports:[1-2];zones:{a};cpus(r):1").Items()
	if len(items) != 3 || !items[0].IsScalar() || items[0].Role != "r" || items[0].Scalar != 1000 ||
		!items[1].IsRanges() || items[1].IsScalar() || items[1].IsSet() || !slices.Equal(items[1].Ranges, []Range{{1, 2}}) ||
		!items[2].IsSet() || items[2].IsRanges() || !slices.Equal(items[2].Set, []string{"a"}) {
		t.Errorf("Items = %+v", items)
	}
}

func TestResourcesImmutable(t *testing.T) {
	a := MustParseResources("cpus:1;ports:[1-2];zones:{a}")
	b := MustParseResources("cpus:1;mem:1;ports:[5-6];zones:{b}")
	before := a.String()
	s1 := a.Add(b)
	s2 := a.Add(MustParseResources("ports:[9-9]"))
	_ = a.Sub(b)
	_ = s1.Sub(a)
	if a.String() != before || s1.String() != "cpus:2;mem:1;ports:[1-2,5-6];zones:{a,b}" ||
		s2.String() != "cpus:1;ports:[1-2,9-9];zones:{a}" {
		t.Errorf("a=%q s1=%q s2=%q", a, s1, s2)
	}
	// Appending to the Items view must not reach a later result.
	items := a.Items()
	_ = append(items, Resource{Name: "zzz", Scalar: 1})
	if a.String() != before {
		t.Errorf("a changed: %q", a)
	}
}

func TestResourcesJSON(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", `{}`},
		{"cpus:2;mem:1024;cpus(r1):100;ports:[31000-32000]",
			`{"cpus":2,"cpus(r1)":100,"mem":1024,"ports":"[31000-32000]"}`},
		{"cpus:0.001;disk:1000000000000;zones:{a,b};ports(a/b):[1-2,4-4]",
			`{"cpus":0.001,"disk":1000000000000,"ports(a/b)":"[1-2,4-4]","zones":"{a,b}"}`},
		{`cpus(we"ird\r):1.5`, `{"cpus(we\"ird\\r)":1.5}`},
	}
	for _, c := range cases {
		r := MustParseResources(c.in)
		if got := string(r.AppendJSON([]byte("x"))); got != "x"+c.want {
			t.Errorf("AppendJSON(%q) = %s, want %s", c.in, got, c.want)
		}
		got, err := json.Marshal(struct{ R Resources }{r})
		if err != nil || string(got) != `{"R":`+c.want+`}` {
			t.Errorf("json.Marshal(%q) = %s, %v", c.in, got, err)
		}
		var v map[string]any
		if err := json.Unmarshal(r.AppendJSON(nil), &v); err != nil {
			t.Errorf("AppendJSON(%q) is not valid JSON: %v", c.in, err)
		}
	}
}

func genScalarResources(t *rapid.T, label string) Resources {
	names := []string{"cpus", "mem", "disk", "gpus"}
	roles := []string{"", "a", "a/b", "b"}
	n := rapid.IntRange(0, 8).Draw(t, label+"_n")
	var parts []string
	for range n {
		name := rapid.SampledFrom(names).Draw(t, label+"_name")
		role := rapid.SampledFrom(roles).Draw(t, label+"_role")
		q := Milli(rapid.Int64Range(0, 1e9).Draw(t, label+"_q"))
		if role != "" {
			name += "(" + role + ")"
		}
		parts = append(parts, name+":"+q.String())
	}
	return MustParseResources(strings.Join(parts, ";"))
}

func TestResourcesScalarProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := genScalarResources(t, "a")
		b := genScalarResources(t, "b")
		sum := a.Add(b)
		if got := sum.Sub(b); !got.Equal(a) {
			t.Fatalf("(%q + %q) - %q = %q", a, b, b, got)
		}
		if !sum.Contains(a) || !sum.Contains(b) {
			t.Fatalf("%q does not contain its parts %q, %q", sum, a, b)
		}
		if !sum.Equal(b.Add(a)) {
			t.Fatalf("Add not commutative: %q vs %q", sum, b.Add(a))
		}
		if a.Sub(b).IsEmpty() != b.Contains(a) {
			t.Fatalf("%q - %q = %q, but Contains says %v", a, b, a.Sub(b), b.Contains(a))
		}
		if a.Contains(b) != a.Sub(b).Add(b).Equal(a) {
			t.Fatalf("Contains(%q, %q) disagrees with Sub/Add", a, b)
		}
		for _, r := range []Resources{a, b, sum, a.Sub(b)} {
			back, err := ParseResources(r.String())
			if err != nil || !back.Equal(r) {
				t.Fatalf("round trip %q: %q, %v", r, back, err)
			}
		}
		if got := sum.Scalar("cpus"); got != a.Scalar("cpus")+b.Scalar("cpus") {
			t.Fatalf("Scalar(cpus) of sum = %d", got)
		}
	})
}

func BenchmarkResourcesAddSubContains(b *testing.B) {
	x := MustParseResources("cpus:32;mem:65536;disk:100000;gpus:4;cpus(a):4;mem(a):1024")
	y := MustParseResources("cpus:1.5;mem:2048;cpus(a):1")
	b.ReportAllocs()
	for b.Loop() {
		s := x.Add(y)
		d := s.Sub(y)
		if !d.Contains(y) {
			b.Fatal("contains")
		}
	}
}
