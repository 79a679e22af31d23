package yamlnode

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func parse(t *testing.T, s string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

func text(t *testing.T, n *yaml.Node) string {
	t.Helper()
	b, err := yaml.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestEdits(t *testing.T) {
	cases := []struct {
		name, in string
		edit     func(m *yaml.Node)
		want     string
	}{
		{"set existing", "{a: 1, b: 2}", func(m *yaml.Node) { Set(m, "b", Scalar("!!int", "3"), "a") }, "{a: 1, b: 3}"},
		{"set after", "{a: 1, c: 2}", func(m *yaml.Node) { Set(m, "b", Str("x"), "a") }, "{a: 1, b: x, c: 2}"},
		{"set at end", "{a: 1}", func(m *yaml.Node) { Set(m, "z", Str("x"), "nope") }, "{a: 1, z: x}"},
		{"delete", "{a: 1, b: 2}", func(m *yaml.Node) { Delete(m, "a") }, "{b: 2}"},
		{"delete absent", "{a: 1}", func(m *yaml.Node) { Delete(m, "q") }, "{a: 1}"},
		{"ensure new", "{a: 1}", func(m *yaml.Node) {
			s := EnsureSeq(m, "l")
			s.Content = append(s.Content, FlowMap("k", Str("v")))
		}, "{a: 1, l: [{k: v}]}"},
		{"ensure existing", "{l: [1]}", func(m *yaml.Node) {
			s := EnsureSeq(m, "l")
			s.Content = append(s.Content, Scalar("!!int", "2"))
		}, "{l: [1, 2]}"},
		{"quoted string", "{a: 1}", func(m *yaml.Node) { Set(m, "a", Str("1"), "") }, `{a: "1"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := parse(t, c.in)
			m.Style = yaml.FlowStyle
			c.edit(m)
			if got := text(t, m); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestCloneIsDeep(t *testing.T) {
	m := parse(t, "{a: [1, 2], b: {c: d}}")
	m.Style = yaml.FlowStyle
	c := Clone(m)
	Delete(Get(c, "b"), "c")
	Get(c, "a").Content = Get(c, "a").Content[:1]
	if got := text(t, m); got != "{a: [1, 2], b: {c: d}}" {
		t.Errorf("the original changed: %s", got)
	}
	if got := text(t, c); got != "{a: [1], b: {}}" {
		t.Errorf("clone: %s", got)
	}
}
