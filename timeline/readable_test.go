package timeline

import "testing"

// Event log lines become `TIME  kind  key=value ...`: the time in Go
// duration form, the fields in the log's order, empty strings left out,
// strings with spaces or quotes quoted, objects as k:v,k:v; a line that is
// not a JSON object is kept as it is.
func TestReadable(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{`{"t":15000000,"kind":"task_launched","task":"f1-j1-t1","agent":"a-2","resources":{"cpus":1,"mem":512}}`,
			`15s  task_launched  task=f1-j1-t1 agent=a-2 resources=cpus:1,mem:512`},
		{`{"t":0,"kind":"agent_added","agent":"a-1","role":""}`, `0s  agent_added  agent=a-1`},
		{`{"t":1000000,"kind":"fault","detail":"cut: agent/a-2 <-> master"}`, `1s  fault  detail="cut: agent/a-2 <-> master"`},
		{`{"t":1500,"kind":"offer","detail":"say \"hi\""}`, `1.5ms  offer  detail="say \"hi\""`},
		{`not json`, `not json`},
		{`{"t":"x","kind":"offer"}`, `{"t":"x","kind":"offer"}`},
	} {
		if got := Readable(tc.line); got != tc.want {
			t.Errorf("Readable(%s) = %q, want %q", tc.line, got, tc.want)
		}
	}
}
