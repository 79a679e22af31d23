// Package yamlnode edits go-yaml node trees: look-ups, insertions and
// deletions in mappings, and the small flow-style nodes mesosim writes
// into scenario files (the explicit form of a swarm scenario, and the
// reducer's edits). It knows nothing of scenarios.
package yamlnode

import (
	"bytes"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/sim"
)

// Scalar returns a scalar node with the given tag ("!!str", "!!int", ...).
func Scalar(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// Str returns a string scalar (the encoder quotes it when needed).
func Str(s string) *yaml.Node { return Scalar("!!str", s) }

// Dur returns a duration scalar in Go syntax ("1m30s"), as scenario files
// write them.
func Dur(t sim.Time) *yaml.Node { return Str(t.String()) }

// True returns the boolean scalar true.
func True() *yaml.Node { return Scalar("!!bool", "true") }

// StrSeq returns a flow sequence of strings.
func StrSeq(ss []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, s := range ss {
		n.Content = append(n.Content, Str(s))
	}
	return n
}

// FlowMap builds a flow mapping from alternating keys (strings) and values
// (*yaml.Node).
func FlowMap(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, Str(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}

// Get returns the value of key in mapping m (nil when m is not a mapping
// or has no such key).
func Get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// Set sets key in mapping m to v: in place when the key exists, else right
// after the key `after` (at the end when m has none).
func Set(m *yaml.Node, key string, v *yaml.Node, after string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	at := len(m.Content)
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == after {
			at = i + 2
		}
	}
	m.Content = slices.Insert(m.Content, at, Str(key), v)
}

// Delete removes key from mapping m (nothing when m is nil or lacks it).
func Delete(m *yaml.Node, key string) {
	if m == nil {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = slices.Delete(m.Content, i, i+2)
			return
		}
	}
}

// EnsureSeq returns the sequence at key of mapping m in block style, made
// (at the end of m) when absent or not a sequence.
func EnsureSeq(m *yaml.Node, key string) *yaml.Node {
	if v := Get(m, key); v != nil && v.Kind == yaml.SequenceNode {
		v.Style = 0
		return v
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	Delete(m, key)
	m.Content = append(m.Content, Str(key), seq)
	return seq
}

// Clone returns a deep copy of the tree under n (aliases are copied as
// the alias node, pointing into the copy when their anchor is inside it).
func Clone(n *yaml.Node) *yaml.Node {
	copies := map[*yaml.Node]*yaml.Node{}
	var walk func(*yaml.Node) *yaml.Node
	walk = func(n *yaml.Node) *yaml.Node {
		if n == nil {
			return nil
		}
		c := *n
		copies[n] = &c
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, k := range n.Content {
			c.Content[i] = walk(k)
		}
		return &c
	}
	root := walk(n)
	for _, c := range copies {
		if c.Alias != nil {
			if a, ok := copies[c.Alias]; ok {
				c.Alias = a
			}
		}
	}
	return root
}

// Encode writes a tree as a YAML document indented by two spaces, as
// scenario files are.
func Encode(root *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
