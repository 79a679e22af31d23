package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/scenarios"
)

// The conventions users bring from kubectl and go.
func TestConventions(t *testing.T) {
	t.Parallel()
	quota, _ := scenarios.BuiltinSource("drf-quota")
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string // stdout starts with it
		stderr string // the first line of stderr, whole
	}{
		{[]string{"--version"}, 0, "mesosim " + version + "\n", ""},
		{[]string{"rnu"}, 2, "", `mesosim: unknown command "rnu" for "mesosim"; did you mean run?`},
		{[]string{"fuz", "default"}, 2, "", `mesosim: unknown command "fuz" for "mesosim"; did you mean fuzz?`},
		{[]string{"trace", "inspec", "x"}, 2, "", `mesosim: unknown command "inspec" for "mesosim trace"; did you mean inspect?`},
		{[]string{"help", "nosuch"}, 2, "", `mesosim: help: unknown command "nosuch"`},
		{[]string{"help", "valdate"}, 2, "", `mesosim: help: unknown command "valdate"; did you mean validate?`},
		{[]string{"help", "fuzz"}, 0, "Run a scenario once per seed", ""},
		{[]string{"run", "defualt"}, 2, "", `mesosim: defualt: no such file, and no embedded scenario of that name; did you mean default? (embedded: ` + strings.Join(scenarios.Builtin(), ", ") + ")"},
		{[]string{"scenarios", "show", "drf-quota"}, 0, string(quota), ""},
		{[]string{"scenarios", "show", "drf-quot"}, 2, "", `mesosim: scenarios show: no embedded scenario "drf-quot"; did you mean drf-quota? (embedded: ` + strings.Join(scenarios.Builtin(), ", ") + ")"},
		{[]string{"__complete", "run", ""}, 0, strings.Join(scenarios.Builtin(), "\n") + "\n", ""},
		{[]string{"__complete", "compare", "default", "--allocators", "drf,"}, 0, "drf,capacity\ndrf,drf\ndrf,fifo\ndrf,random\n", ""},
		{[]string{"__complete", "compare", "default", "--format", ""}, 0, "table\njson\ncsv\n", ""},
		{[]string{"__complete", "fuzz", "default", "--format", ""}, 0, "table\njson\n:", ""},
		{[]string{"__complete", "compare", "default", "--metrics", "cpu_util,"}, 0, "cpu_util,cpu_util\n", ""},
	} {
		r := cli(t, tc.args...)
		name := strings.Join(tc.args, " ")
		if r.code != tc.code || firstLine(r.stderr) != tc.stderr && !(tc.stderr == "" && tc.args[0] == "__complete") {
			t.Errorf("mesosim %s: exit %d, stderr %q; want %d and %q", name, r.code, firstLine(r.stderr), tc.code, tc.stderr)
		}
		if !strings.HasPrefix(r.stdout, tc.stdout) {
			t.Errorf("mesosim %s: stdout %.200q, want it to start %.200q", name, r.stdout, tc.stdout)
		}
	}
}

// Every command's help has an Examples section.
func TestExamplesEverywhere(t *testing.T) {
	t.Parallel()
	root := newRoot(&bytes.Buffer{}, &bytes.Buffer{})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no Examples", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
