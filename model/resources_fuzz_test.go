package model

import "testing"

// FuzzParseResources: the parser never panics, and whatever it accepts
// prints to a canonical text that parses back to the same resources.
func FuzzParseResources(f *testing.F) {
	for _, s := range []string{
		"cpus:2;mem:1024", "cpus(r1):100;mem:1", "ports:[31000-32000,1-5]",
		"zones:{a,b}", "cpus:0.0005", "cpus:1;cpus:2", "cpus(a/b):1", "cpus:-1",
		"mem:abc", "ports:[5-3]", "cpus(..):1", ";;", "cpus", "gpus:1e3",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r, err := ParseResources(text)
		if err != nil {
			return
		}
		again, err := ParseResources(r.String())
		if err != nil {
			t.Fatalf("canonical text %q of %q does not parse: %v", r.String(), text, err)
		}
		if !again.Equal(r) {
			t.Fatalf("%q -> %q -> %q", text, r.String(), again.String())
		}
	})
}
