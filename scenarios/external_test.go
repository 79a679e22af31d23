package scenarios

import (
	"errors"
	"strings"
	"testing"
)

const externalHead = `name: x
duration: 1m
agents:
  - {name: a, resources: "cpus:1;mem:1"}
frameworks:
`

func TestExternalEntries(t *testing.T) {
	sc, err := Parse("t.yaml", []byte(externalHead+`  - {name: e, behavior: external, task_duration: {dist: uniform, min: 10s, max: 20s}, task_failure_rate: 0.25, pin: [role, checkpoint]}
  - {name: w, behavior: hold}
serve: {admit_unknown: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	ext := sc.Externals()
	if len(ext) != 1 || ext[0].Name != "e" || ext[0].External.TaskFailureRate != 0.25 || strings.Join(ext[0].External.Pin, ",") != "role,checkpoint" ||
		*ext[0].External.TaskDuration != (Dist{Kind: DistUniform, Min: 10, Max: 20}) || !sc.Serve.AdmitUnknown {
		t.Fatalf("externals %+v, serve %+v", ext, sc.Serve)
	}
	// run refuses it; serve builds it without the external framework.
	var se *Error
	if _, err := Build(sc); !errors.As(err, &se) || se.Line != 6 {
		t.Errorf("Build: %v, want an error at line 6", err)
	}
	s, err := BuildServed(sc)
	if err != nil {
		t.Fatal(err)
	}
	s.World.Run(sc.Duration)
	if names := s.World.FrameworkNames(); len(names) != 1 || names[0] != "w" {
		t.Errorf("frameworks in the world: %v, want only w", names)
	}
}

func TestExternalBad(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{externalHead + "  - {name: e, behavior: hold, task_duration: 5}\n",
			"t.yaml:6: frameworks.task_duration: only allowed with behavior external (this framework's behavior is hold)"},
		{externalHead + "  - {name: e, behavior: external, task_failure_rate: 1.5}\n",
			"t.yaml:6: frameworks.task_failure_rate: must be between 0 and 1, got 1.5"},
		{externalHead + "  - {name: e, behavior: external, task_duration: -1}\n",
			`t.yaml:6: frameworks.task_duration: negative duration "-1"`},
		{externalHead + "  - {name: w, behavior: hold}\ntimeline:\n  - {at: 1s, add_framework: {name: e, behavior: external}}\n",
			"t.yaml:8: timeline.add_framework.behavior: behavior external is only allowed in the frameworks section (an outside process subscribes when it likes)"},
		{externalHead + "  - {name: w, behavior: hold}\nserve: {admit_unknown: maybe}\n",
			`t.yaml:7: serve.admit_unknown: expected true or false, got a string ("maybe")`},
		{externalHead + "  - {name: e, behavior: external, pin: [role, colour]}\n",
			`t.yaml:6: frameworks.pin: "colour" cannot be pinned (known: role, capabilities, checkpoint, failover_timeout)`},
		{externalHead + "  - {name: e, behavior: hold, pin: [role]}\n",
			"t.yaml:6: frameworks.pin: only allowed with behavior external (this framework's behavior is hold)"},
		{externalHead + "  - {name: w, behavior: hold}\nserve: {port: 1}\n",
			`t.yaml:7: unknown key "port" in serve; allowed keys: admit_unknown`},
	} {
		_, err := Parse("t.yaml", []byte(c.in))
		if err == nil || err.Error() != c.want {
			t.Errorf("\n got %v\nwant %s", err, c.want)
		}
	}
}
