package scenarios

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Override sets the value at a dotted path of a scenario's YAML tree before
// decoding (`mesosim compare --set KEY=VALUE` and `--vary KEY=V1,V2`).
//
// Path is a list of segments separated by '.'. In a mapping a segment is a
// key, created if absent (a null value on the way is taken as an empty
// mapping). In a list a segment is either a decimal index, counted from 0,
// or the name of an element: the element whose `name` key is that segment
// (the name written in the file, before count expansion). Value is YAML
// text (a scalar, "[a, b]", "{base: 2s, per_task: 10ms}"; empty means
// null); it replaces the node at the path, and the tree is then decoded as
// strictly as a file.
//
// Flag is the command-line flag the override came from, which errors name:
// empty or "--set" and "--vary" give PATH=VALUE ("--vary seed=3"); any
// other flag (such as "--duration") sets its one key and is named with the
// value alone ("--duration 12m").
type Override struct {
	Path, Value string
	Flag        string
}

// String returns the override as "PATH=VALUE".
func (o Override) String() string { return o.Path + "=" + o.Value }

// Source names the override as the user wrote it: "--set PATH=VALUE",
// "--vary PATH=VALUE", or "FLAG VALUE" for a one-key flag such as
// --duration.
func (o Override) Source() string {
	switch o.Flag {
	case "", "--set", "--vary":
		flag := o.Flag
		if flag == "" {
			flag = "--set"
		}
		return flag + " " + o.String()
	}
	return o.Flag + " " + o.Value
}

// ParseOverride parses "KEY=VALUE" (the first '=' ends the key).
func ParseOverride(s string) (Override, error) {
	path, value, ok := strings.Cut(s, "=")
	if !ok {
		return Override{}, fmt.Errorf("override %q: want KEY=VALUE, such as frameworks.web.think_time=2s", s)
	}
	o := Override{Path: strings.TrimSpace(path), Value: value}
	if _, err := o.segments(); err != nil {
		return Override{}, fmt.Errorf("override %q: %v", s, err)
	}
	return o, nil
}

// segments splits the path, refusing empty segments.
func (o Override) segments() ([]string, error) {
	if o.Path == "" {
		return nil, errors.New("empty path")
	}
	segs := strings.Split(o.Path, ".")
	for _, s := range segs {
		if s == "" {
			return nil, fmt.Errorf("path %q has an empty segment", o.Path)
		}
	}
	return segs, nil
}

// OpenWith is Open with overrides (see ParseWith).
func OpenWith(arg string, overrides []Override) (*Scenario, error) {
	return open(arg, overrides)
}

// applyOverride applies override i to the tree under root (a mapping).
// Every node it adds carries the line -(i+1), so that errors about them
// name the override.
func (d *decoder) applyOverride(root *yaml.Node, i int, o Override) {
	fail := func(format string, args ...any) {
		panic(failure{&Error{File: d.file, Msg: o.Source() + ": " + fmt.Sprintf(format, args...)}})
	}
	segs, err := o.segments()
	if err != nil {
		fail("%v", err)
	}
	mark := -(i + 1)
	val := overrideValue(o.Value, mark, fail)
	n := root
	at := "" // the path walked so far
	for k, seg := range segs {
		last := k == len(segs)-1
		var slot **yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for j := 0; j+1 < len(n.Content); j += 2 {
				if key := n.Content[j]; key.Kind == yaml.ScalarNode && key.Value == seg {
					slot = &n.Content[j+1]
					break
				}
			}
			if slot == nil {
				key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: seg, Line: mark}
				n.Content = append(n.Content, key, emptyMapping(mark))
				slot = &n.Content[len(n.Content)-1]
			}
		case yaml.SequenceNode:
			slot = &n.Content[element(n, seg, at, fail)]
		default:
			fail("%s is %s, not a mapping or a list", pathName(at), describe(n))
		}
		if last {
			*slot = val
			return
		}
		if isNull(*slot) {
			*slot = emptyMapping(mark)
		}
		n = *slot
		if at != "" {
			at += "."
		}
		at += seg
	}
}

// element returns the index in list of the element seg names: a decimal
// index, or else the element whose name key is seg.
func element(list *yaml.Node, seg, at string, fail func(string, ...any)) int {
	if seg[0] >= '0' && seg[0] <= '9' {
		i, err := strconv.Atoi(seg)
		if err != nil || i >= len(list.Content) {
			fail("%s has %d elements: no element %s (indices count from 0)", pathName(at), len(list.Content), seg)
		}
		return i
	}
	for i, e := range list.Content {
		if e.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(e.Content); j += 2 {
			k, v := e.Content[j], e.Content[j+1]
			if k.Kind == yaml.ScalarNode && k.Value == "name" && v.Kind == yaml.ScalarNode && v.Value == seg {
				return i
			}
		}
	}
	fail("no element of %s named %q", pathName(at), seg)
	return 0
}

func emptyMapping(line int) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line}
}

// overrideValue parses the YAML text of an override's value (empty text is
// null) and marks every node with line.
func overrideValue(text string, line int, fail func(string, ...any)) *yaml.Node {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if err != nil && err != io.EOF {
		fail("the value is not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var v *yaml.Node
	if err == io.EOF || len(doc.Content) == 0 {
		v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	} else {
		var next yaml.Node
		if dec.Decode(&next) != io.EOF {
			fail("the value holds more than one YAML document")
		}
		v = doc.Content[0]
	}
	stack := []*yaml.Node{v}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n.Line, n.Column = line, 0
		stack = append(stack, n.Content...)
	}
	return v
}

// clearOverrideLines sets the Line of specs that came from an override to
// 0 (no line), as the public fields promise.
func clearOverrideLines(sc *Scenario) {
	fix := func(l *int) {
		if *l < 0 {
			*l = 0
		}
	}
	for i := range sc.Agents {
		fix(&sc.Agents[i].Line)
	}
	for i := range sc.Frameworks {
		fix(&sc.Frameworks[i].Line)
	}
	for i := range sc.Faults.Network {
		fix(&sc.Faults.Network[i].Line)
	}
	for i := range sc.Faults.Partitions {
		fix(&sc.Faults.Partitions[i].Line)
	}
	for i := range sc.Timeline {
		e := &sc.Timeline[i]
		fix(&e.Line)
		if e.Agent != nil {
			fix(&e.Agent.Line)
		}
		if e.Framework != nil {
			fix(&e.Framework.Line)
		}
	}
}
