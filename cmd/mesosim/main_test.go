package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
)

// result is what one in-process run of the CLI produced.
type result struct {
	code           int
	stdout, stderr string
}

// cli runs the CLI in-process with args and returns its exit status and
// output. A panic fails the test (execute must never panic on any input).
func cli(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	var code int
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("mesosim %s panicked: %v", strings.Join(args, " "), r)
			}
		}()
		code = execute(args, &stdout, &stderr)
	}()
	return result{code, stdout.String(), stderr.String()}
}

// want fails unless r exited with code.
func (r result) want(t *testing.T, code int, args ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("mesosim %s: exit status %d, want %d\nstdout:\n%s\nstderr:\n%s",
			strings.Join(args, " "), r.code, code, r.stdout, r.stderr)
	}
}

// mustRun runs the CLI and fails unless it exits with code.
func mustRun(t *testing.T, code int, args ...string) result {
	t.Helper()
	r := cli(t, args...)
	r.want(t, code, args...)
	return r
}

// writeFile writes text to name in dir and returns the path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// dirNames returns the sorted names of the entries of dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// jsonLines parses data as JSON Lines, failing on any line that is not a
// JSON object.
func jsonLines(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	if len(data) == 0 {
		t.Fatal("empty event log")
	}
	if data[len(data)-1] != '\n' {
		t.Error("event log does not end with a newline")
	}
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for n := 1; sc.Scan(); n++ {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("event log line %d is not a JSON object: %v\n%s", n, err, sc.Text())
		}
		if _, ok := m["t"]; !ok {
			t.Fatalf("event log line %d has no t: %s", n, sc.Text())
		}
		if _, ok := m["kind"].(string); !ok {
			t.Fatalf("event log line %d has no kind: %s", n, sc.Text())
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkHeader checks that the first line of a log is the header of a run
// of scenario with seed.
func checkHeader(t *testing.T, lines []map[string]any, scenario, seed string) {
	t.Helper()
	h := lines[0]
	if h["kind"] != "header" {
		t.Fatalf("first line is %v, want kind header", h)
	}
	if got := h["seed"].(json.Number).String(); got != seed {
		t.Errorf("header seed = %s, want %s", got, seed)
	}
	if h["scenario"] != scenario {
		t.Errorf("header scenario = %v, want %s", h["scenario"], scenario)
	}
	if h["version"] != version {
		t.Errorf("header version = %v, want %s", h["version"], version)
	}
	if h["t"].(json.Number).String() != "0" {
		t.Errorf("header t = %v, want 0", h["t"])
	}
}

// defaultFrameworks are the framework names of the embedded default
// scenario.
var defaultFrameworks = []string{"spark", "hadoop", "web", "cache", "ml"}

func TestDefaultScenarioTable(t *testing.T) {
	t.Parallel()
	var outputs []string
	for _, args := range [][]string{
		{"run", "--duration", "1m"}, // run with no scenario
		{"--duration", "1m"},        // the root with no subcommand
	} {
		r := mustRun(t, exitOK, args...)
		for _, s := range append([]string{"ROLE", "FRAMEWORK", "MEAN DS", "cluster: 1m0s simulated, 400 agents",
			"analytics", "services", "research"}, defaultFrameworks...) {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("mesosim %s: the summary lacks %q:\n%s", strings.Join(args, " "), s, r.stdout)
			}
		}
		// The 1m run is too short to judge liveness and convergence, and says so.
		if want := "mesosim: note: no invariant broke; invariants judged: update-order, no-resurrection, reconciliation (answers only), ack-before-forget, single-leader, resources; not judged: liveness (the run ends at 1m0s, before faults.converge_within 15m0s), convergence (the run ends at 1m0s, before faults.converge_within 15m0s)\n"; r.stderr != want {
			t.Errorf("mesosim %s: stderr %q, want %q", strings.Join(args, " "), r.stderr, want)
		}
		outputs = append(outputs, r.stdout)
	}
	if outputs[0] != outputs[1] {
		t.Error(`"mesosim" and "mesosim run" printed different summaries`)
	}
	// The embedded name given explicitly is the same run.
	if r := mustRun(t, exitOK, "run", "default", "--duration", "1m"); r.stdout != outputs[0] {
		t.Error(`"mesosim run default" differs from "mesosim run"`)
	}
}

func TestFormatJSON(t *testing.T) {
	t.Parallel()
	r := mustRun(t, exitOK, "run", "drf-unreserved", "--format", "json")
	var res struct {
		DurationUS *int64           `json:"duration_us"`
		Roles      []map[string]any `json:"roles"`
		Frameworks []map[string]any `json:"frameworks"`
		Cluster    map[string]any   `json:"cluster"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("--format json output does not parse: %v\n%s", err, r.stdout)
	}
	var top map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"duration_us", "roles", "frameworks", "cluster"} {
		if _, ok := top[k]; !ok {
			t.Errorf("JSON summary lacks key %q", k)
		}
	}
	if res.DurationUS == nil || *res.DurationUS != 5_000_000 {
		t.Errorf("duration_us = %v, want 5000000", res.DurationUS)
	}
	var names, roles []string
	for _, f := range res.Frameworks {
		names = append(names, f["name"].(string))
		for _, k := range []string{"role", "mean_dominant_share", "final_dominant_share", "offers", "tasks_launched", "wait_p99"} {
			if _, ok := f[k]; !ok {
				t.Errorf("framework row %v lacks %q", f["name"], k)
			}
		}
	}
	for _, x := range res.Roles {
		roles = append(roles, x["name"].(string))
	}
	if want := []string{"f1", "f2", "f3", "f4"}; !slices.Equal(names, want) {
		t.Errorf("frameworks = %v, want %v", names, want)
	}
	if want := []string{"r1", "r2"}; !slices.Equal(roles, want) {
		t.Errorf("roles = %v, want %v", roles, want)
	}
	for _, k := range []string{"agents", "cpus", "mem", "cpu_util", "mem_util", "offers", "cycles"} {
		if _, ok := res.Cluster[k]; !ok {
			t.Errorf("cluster lacks %q", k)
		}
	}
	if res.Cluster["agents"] != float64(5) {
		t.Errorf("cluster agents = %v, want 5", res.Cluster["agents"])
	}
	if !strings.HasPrefix(r.stderr, "mesosim: note: no invariant broke; invariants judged: ") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr %q: want only the note of what was judged", r.stderr)
	}
}

func TestFormatCSV(t *testing.T) {
	t.Parallel()
	r := mustRun(t, exitOK, "run", "drf-unreserved", "--format", "csv")
	cr := csv.NewReader(strings.NewReader(r.stdout))
	cr.Comment = '#' // the provenance lines
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("--format csv output does not parse: %v\n%s", err, r.stdout)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], report.CSVHeader) {
		t.Fatalf("CSV header = %v, want %v", rows[0], report.CSVHeader)
	}
	var scopes []string
	for _, row := range rows[1:] {
		scopes = append(scopes, row[0]+":"+row[1])
	}
	want := []string{"role:r1", "role:r2", "framework:f1", "framework:f2", "framework:f3", "framework:f4", "cluster:cluster"}
	if !slices.Equal(scopes, want) {
		t.Errorf("CSV rows = %v, want %v", scopes, want)
	}
	if last := rows[len(rows)-1]; last[len(last)-1] != "5000000" {
		t.Errorf("duration_us = %q, want 5000000", last[len(last)-1])
	}
}

func TestFormatTableIsDefault(t *testing.T) {
	t.Parallel()
	a := mustRun(t, exitOK, "run", "drf-offer-filter")
	b := mustRun(t, exitOK, "run", "drf-offer-filter", "--format", "table")
	if a.stdout != b.stdout || !strings.Contains(a.stdout, "FRAMEWORK") {
		t.Errorf("--format table differs from the default:\n%s\n%s", a.stdout, b.stdout)
	}
}

func TestFormatUnknown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	for _, args := range [][]string{
		{"run", "drf-unreserved", "--format", "xml"},
		{"--format", "xml"},
		{"run", "drf-unreserved", "--format", "xml", "--events", out},
	} {
		r := mustRun(t, exitInput, args...)
		if !strings.Contains(r.stderr, "--format") {
			t.Errorf("mesosim %s: stderr does not name --format: %q", strings.Join(args, " "), r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("mesosim %s: unexpected stdout %q", strings.Join(args, " "), r.stdout)
		}
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("a refused run left files: %v", names)
	}
}

func TestEventsFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	r := mustRun(t, exitOK, "run", "drf-unreserved", "--events", out)
	if !strings.Contains(r.stdout, "FRAMEWORK") {
		t.Errorf("with --events FILE the summary still goes to stdout; got:\n%s", r.stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := jsonLines(t, data)
	checkHeader(t, lines, "drf-unreserved", "1")
	kinds := map[string]int{}
	for _, l := range lines {
		kinds[l["kind"].(string)]++
	}
	for _, k := range []string{"agent_added", "framework_added", "allocation", "offer"} {
		if kinds[k] == 0 {
			t.Errorf("the log has no %s line", k)
		}
	}
	if kinds["header"] != 1 {
		t.Errorf("the log has %d header lines, want 1", kinds["header"])
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"out.jsonl"}) {
		t.Errorf("directory holds %v, want only out.jsonl (no temporary files)", names)
	}

	// The log gets the mode of a plainly created file, not a temporary
	// file's 0600.
	plain := writeFile(t, t.TempDir(), "plain", "")
	pi, err := os.Stat(plain)
	if err != nil {
		t.Fatal(err)
	}
	oi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if oi.Mode().Perm() != pi.Mode().Perm() {
		t.Errorf("event log mode %v, want %v (as os.Create gives)", oi.Mode().Perm(), pi.Mode().Perm())
	}

	// A second run replaces the file; --seed reaches the header.
	mustRun(t, exitOK, "run", "drf-unreserved", "--events", out, "--seed", "12345")
	data2, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	checkHeader(t, jsonLines(t, data2), "drf-unreserved", "12345")
	if names := dirNames(t, dir); !slices.Equal(names, []string{"out.jsonl"}) {
		t.Errorf("directory holds %v after a second run, want only out.jsonl", names)
	}
}

// The event log leaves heartbeats out unless --events-heartbeats; the rest
// of the log is the same either way (heartbeats are simulated regardless).
func TestEventsHeartbeats(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain, beats := filepath.Join(dir, "plain.jsonl"), filepath.Join(dir, "beats.jsonl")
	mustRun(t, exitOK, "run", "drf-unreserved", "--events", plain)
	mustRun(t, exitOK, "run", "drf-unreserved", "--events", beats, "--events-heartbeats")
	read := func(path string) (rest []string, heartbeats int) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			if strings.Contains(l, `"kind":"heartbeat"`) {
				heartbeats++
				continue
			}
			rest = append(rest, l)
		}
		return rest, heartbeats
	}
	restPlain, n := read(plain)
	if n != 0 {
		t.Errorf("without --events-heartbeats the log has %d heartbeat lines", n)
	}
	restBeats, n := read(beats)
	if n == 0 {
		t.Error("with --events-heartbeats the log has no heartbeat line")
	}
	if !slices.Equal(restPlain, restBeats) {
		t.Error("the logs differ in more than the heartbeat lines")
	}
}

func TestEventsRelativePath(t *testing.T) {
	// Not parallel: it changes the working directory.
	dir := t.TempDir()
	t.Chdir(dir)
	mustRun(t, exitOK, "run", "drf-offer-filter", "--events", "rel.jsonl")
	if names := dirNames(t, dir); !slices.Equal(names, []string{"rel.jsonl"}) {
		t.Errorf("directory holds %v, want only rel.jsonl", names)
	}
}

func TestEventsStdout(t *testing.T) {
	t.Parallel()
	r := mustRun(t, exitOK, "run", "drf-unreserved", "--events", "-")
	lines := jsonLines(t, []byte(r.stdout))
	checkHeader(t, lines, "drf-unreserved", "1")
	if strings.Contains(r.stdout, "FRAMEWORK") {
		t.Error("with --events - the summary must not go to stdout")
	}
	if !strings.Contains(r.stderr, "FRAMEWORK") || !strings.Contains(r.stderr, "cluster:") {
		t.Errorf("with --events - the summary goes to stderr; stderr:\n%s", r.stderr)
	}

	// The log on stdout is byte for byte the log written to a file.
	out := filepath.Join(t.TempDir(), "out.jsonl")
	mustRun(t, exitOK, "run", "drf-unreserved", "--events", out)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, []byte(r.stdout)) {
		t.Error("--events - and --events FILE wrote different logs")
	}

	// Other formats go to stderr too.
	j := mustRun(t, exitOK, "run", "drf-unreserved", "--events", "-", "--format", "json")
	var v map[string]any
	if err := json.Unmarshal([]byte(j.stderr), &v); err != nil {
		t.Errorf("--events - --format json: stderr is not the JSON summary: %v\n%s", err, j.stderr)
	}
	if j.stdout != r.stdout {
		t.Error("--format changed the event log")
	}
}

// withoutHeader drops the first line of a log.
func withoutHeader(t *testing.T, data []byte) []byte {
	t.Helper()
	_, rest, ok := bytes.Cut(data, []byte("\n"))
	if !ok || !bytes.HasPrefix(data, []byte(`{"t":0,"kind":"header"`)) {
		t.Fatalf("log does not start with a header line: %.200s", data)
	}
	return rest
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	logOf := func(name string, extra ...string) ([]byte, string) {
		p := filepath.Join(dir, name)
		r := mustRun(t, exitOK, append([]string{"run", "--duration", "2m", "--events", p}, extra...)...)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return data, r.stdout
	}
	a, sumA := logOf("a.jsonl")
	b, sumB := logOf("b.jsonl")
	if !bytes.Equal(a, b) {
		t.Error("two runs with the same seed wrote different event logs")
	}
	if sumA != sumB {
		t.Error("two runs with the same seed printed different summaries")
	}
	same, _ := logOf("same.jsonl", "--seed", "42") // the scenario's own seed
	if !bytes.Equal(a, same) {
		t.Error("--seed equal to the scenario's seed changed the log")
	}
	c, sumC := logOf("c.jsonl", "--seed", "43")
	checkHeader(t, jsonLines(t, c), "default", "43")
	// Compare past the header, which names the seed: the history itself
	// must differ.
	if bytes.Equal(withoutHeader(t, a), withoutHeader(t, c)) {
		t.Error("a different --seed gave the same history")
	}
	if sumA == sumC {
		t.Error("a different --seed gave the same summary")
	}
}

// badScenario has an unknown key on line 3.
const badScenario = `name: bad
duration: 10s
colour: blue
agents:
  - {name: a1, resources: "cpus:1;mem:512"}
`

func TestBadScenarioFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.yaml", badScenario)
	out := filepath.Join(dir, "out.jsonl")

	r := mustRun(t, exitInput, "run", bad, "--events", out)
	if !strings.Contains(r.stderr, bad+":3:") {
		t.Errorf("stderr does not point at %s:3: %q", bad, r.stderr)
	}
	if !strings.Contains(r.stderr, "colour") {
		t.Errorf("stderr does not name the key: %q", r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("unexpected stdout %q", r.stdout)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s exists after a refused run (err %v)", out, err)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"bad.yaml"}) {
		t.Errorf("directory holds %v, want only bad.yaml (no temporary files)", names)
	}

	// An existing log is left as it was.
	writeFile(t, dir, "out.jsonl", "old\n")
	mustRun(t, exitInput, "run", bad, "--events", out)
	if data, err := os.ReadFile(out); err != nil || string(data) != "old\n" {
		t.Errorf("a refused run touched the existing log: %q, %v", data, err)
	}

	// Through the root command and validate: the same error.
	if r := mustRun(t, exitInput, "validate", bad); !strings.Contains(r.stderr, bad+":3:") {
		t.Errorf("validate: stderr does not point at %s:3: %q", bad, r.stderr)
	}
}

func TestBadScenarioErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		name, text string
		line       int
		msg        string
	}{
		{"syntax.yaml", "name: x\nduration: 1s\nagents: [\n", 0, "YAML syntax"},
		{"alias.yaml", "name: x\nduration: 1s\nagents:\n  - &a {name: a1, resources: \"cpus:1\"}\n  - *a\n", 0, "not supported"},
		{"dupkey.yaml", "name: x\nduration: 1s\nname: y\n", 3, "duplicate key"},
		{"nodur.yaml", "name: x\n", 1, "duration"},
		{"negdur.yaml", "name: x\nduration: -1s\n", 2, "negative"},
		{"alloc.yaml", "name: x\nduration: 1s\nmaster:\n  allocator: nope\n", 4, "unknown allocator"},
		{"res.yaml", "name: x\nduration: 1s\nagents:\n  - {name: a1, resources: \"cpus:x\"}\n", 4, "cpus:x"},
		{"unknown.yaml", "name: x\nduration: 1s\ntimeline:\n  - {at: 1s, suppress: {framework: ghost}}\n", 4, "unknown framework"},
		{"empty.yaml", "", 0, "empty scenario"},
	} {
		p := writeFile(t, dir, tc.name, tc.text)
		r := mustRun(t, exitInput, "validate", p)
		prefix := "mesosim: " + p + ":"
		if tc.line > 0 {
			prefix += strconv.Itoa(tc.line) + ":"
		}
		if !strings.HasPrefix(r.stderr, prefix) {
			t.Errorf("%s: stderr %q, want prefix %q", tc.name, r.stderr, prefix)
		}
		if !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%s: stderr %q does not mention %q", tc.name, r.stderr, tc.msg)
		}
		mustRun(t, exitInput, "run", p)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	good := filepath.Join("testdata", "small.yaml")
	r := mustRun(t, exitOK, "validate", good)
	if !strings.Contains(r.stdout, "ok") || !strings.HasPrefix(r.stdout, good+": ok") {
		t.Errorf("validate: stdout %q, want %q", r.stdout, good+": ok ...")
	}
	if !strings.Contains(r.stdout, "4 agents, 2 frameworks, 3 timeline entries, 20s") {
		t.Errorf("validate: stdout %q lacks the counts", r.stdout)
	}
	for _, name := range scenarios.Builtin() {
		if strings.HasPrefix(name, "google-2011-") && !sharedTraces() {
			t.Logf("skipping %s: the Google 2011 sample it reads is not in ../shared/traces", name)
			continue
		}
		if r := mustRun(t, exitOK, "validate", name); !strings.Contains(r.stdout, ": ok") {
			t.Errorf("validate %s: %q", name, r.stdout)
		}
	}
	// The good file also runs.
	if r := mustRun(t, exitOK, "run", good); !strings.Contains(r.stdout, "jobs") {
		t.Errorf("run %s: the summary lacks framework jobs:\n%s", good, r.stdout)
	}
}

func TestScenariosList(t *testing.T) {
	t.Parallel()
	r := mustRun(t, exitOK, "scenarios")
	listed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			t.Errorf("line %q has no description", line)
			continue
		}
		listed[f[0]] = true
	}
	names := append([]string{"default", "drf-unreserved", "drf-same-share", "drf-offer-filter"}, scenarios.Builtin()...)
	for _, n := range names {
		if !listed[n] {
			t.Errorf("scenarios does not list %s:\n%s", n, r.stdout)
		}
	}
	if len(listed) != len(scenarios.Builtin()) {
		t.Errorf("scenarios lists %d names, want %d", len(listed), len(scenarios.Builtin()))
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	r := mustRun(t, exitOK, "version")
	if r.stdout != "mesosim "+version+"\n" || !strings.HasPrefix(r.stdout, "mesosim ") {
		t.Errorf("version printed %q", r.stdout)
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"help"}, {"run", "--help"}, {"help", "bench"}} {
		r := mustRun(t, exitOK, args...)
		if !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("mesosim %s: no usage in %q", strings.Join(args, " "), r.stdout)
		}
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		msg  string // stderr must contain it
	}{
		{[]string{"--bogus"}, "--bogus"},
		{[]string{"run", "--bogus"}, "--bogus"},
		{[]string{"validate", "--bogus", "default"}, "--bogus"},
		{[]string{"run", "no-such-scenario.yaml"}, "no-such-scenario.yaml: no such file, and no embedded scenario of that name"},
		{[]string{"validate", "no-such-scenario"}, "no embedded scenario of that name"},
		{[]string{"run", "--duration", "-5s"}, "--duration"},
		{[]string{"run", "--duration=-5s"}, "--duration"},
		{[]string{"--duration", "0s"}, "--duration"},
		{[]string{"run", "--duration", "banana"}, "--duration"},
		{[]string{"run", "--duration", "9000h"}, "--duration"},
		{[]string{"run", "--seed", "x"}, "--seed"},
		{[]string{"run", "--seed", "-1"}, "--seed"},
		{[]string{"run", "--events-heartbeats"}, "--events-heartbeats: there is no event log"},
		{[]string{"run", "a", "b"}, "accepts at most 1 arg"},
		{[]string{"validate"}, "accepts 1 arg"},
		{[]string{"validate", "a", "b"}, "accepts 1 arg"},
		{[]string{"scenarios", "x"}, "unknown command"},
		{[]string{"version", "x"}, "unknown command"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"bench", "--agents", "0"}, "--agents"},
		{[]string{"bench", "--cycles", "0"}, "--cycles"},
		{[]string{"bench", "--frameworks", "100000"}, "--frameworks"},
		{[]string{"bench", "extra"}, "unknown command"},
		{[]string{"bench", "decline", "--agents", "0"}, "--agents"},
		{[]string{"bench", "events", "--duration", "0"}, "--duration"},
		{[]string{"bench", "events", "a", "b"}, "accepts at most 1 arg"},
		{[]string{"bench", "events", "no-such-scenario"}, "no-such-scenario"},
	} {
		r := mustRun(t, exitInput, tc.args...)
		if !strings.HasPrefix(r.stderr, "mesosim: ") || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("mesosim %s: stderr %q, want a line starting \"mesosim: \" containing %q",
				strings.Join(tc.args, " "), r.stderr, tc.msg)
		}
		if strings.Contains(r.stderr, "Usage:") {
			t.Errorf("mesosim %s: usage printed on an error", strings.Join(tc.args, " "))
		}
	}
}

func TestDurationOverride(t *testing.T) {
	t.Parallel()
	r := mustRun(t, exitOK, "run", "drf-unreserved", "--duration", "2s", "--format", "json")
	var v struct {
		DurationUS int64 `json:"duration_us"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatal(err)
	}
	if v.DurationUS != 2_000_000 {
		t.Errorf("duration_us = %d, want 2000000", v.DurationUS)
	}
	// A bare number is seconds.
	r = mustRun(t, exitOK, "run", "drf-unreserved", "--duration", "1.5", "--format", "json")
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatal(err)
	}
	if v.DurationUS != 1_500_000 {
		t.Errorf("duration_us = %d, want 1500000", v.DurationUS)
	}
}

func TestBench(t *testing.T) {
	t.Parallel()
	r := mustRun(t, exitOK, "bench", "--agents", "100", "--frameworks", "10", "--cycles", "2")
	if !strings.Contains(r.stdout, "ms/cycle") || !strings.Contains(r.stdout, "agents=100 frameworks=10 cycles=2") {
		t.Errorf("bench printed %q", r.stdout)
	}
}

// bench decline is bench; bench events prints the scenario's rate, the
// empty loop's at the scenario's mean depth, and their ratio.
func TestBenchSubcommands(t *testing.T) {
	t.Parallel()
	r := mustRun(t, exitOK, "bench", "decline", "--agents", "50", "--frameworks", "5", "--cycles", "1")
	if !strings.Contains(r.stdout, "agents=50 frameworks=5 cycles=1") {
		t.Errorf("bench decline printed %q", r.stdout)
	}
	r = mustRun(t, exitOK, "bench", "events", "drf-unreserved", "--duration", "30s")
	re := regexp.MustCompile(`^scenario drf-unreserved, 30s simulated \(checker on\): (\d+) events in [0-9.]+ s, \d+ events/s, mean queue depth (\d+)
empty loop at depth (\d+): (\d+) events in [0-9.]+ s, \d+ events/s
ratio \d+\.\d{3}
$`)
	m := re.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("bench events printed %q", r.stdout)
	}
	if m[1] == "0" || m[2] != m[3] || m[4] != "200000" {
		t.Errorf("bench events: %s events, depths %s and %s, %s empty-loop events", m[1], m[2], m[3], m[4])
	}
	r = mustRun(t, exitOK, "bench", "events", "drf-unreserved", "--duration", "5s", "--check=false")
	if !strings.Contains(r.stdout, "(checker off)") {
		t.Errorf("bench events --check=false printed %q", r.stdout)
	}
}

func TestEventsUnwritable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such", "dir", "out.jsonl")
	r := cli(t, "run", "drf-unreserved", "--events", missing)
	if r.code != exitFailure && r.code != exitInput {
		t.Fatalf("exit status %d, want 1 or 2; stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "--events") || !strings.Contains(r.stderr, missing) {
		t.Errorf("stderr %q does not name --events and the path", r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("a failed run printed a summary: %q", r.stdout)
	}

	// A directory as the events file: bad input, refused before running.
	r = mustRun(t, exitInput, "run", "drf-unreserved", "--events", dir)
	if !strings.Contains(r.stderr, "is a directory") {
		t.Errorf("stderr %q", r.stderr)
	}
	// A regular file used as a directory.
	file := writeFile(t, dir, "file", "x")
	r = cli(t, "run", "drf-unreserved", "--events", filepath.Join(file, "out.jsonl"))
	if r.code != exitFailure && r.code != exitInput {
		t.Fatalf("exit status %d, want 1 or 2; stderr %q", r.code, r.stderr)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"file"}) {
		t.Errorf("directory holds %v, want only file", names)
	}
}

// yamlBlock matches a fenced yaml block of a Markdown page.
var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// TestDocsScenarioExamples checks that every complete scenario (a yaml
// block with a top-level name key) in docs/scenarios.md validates, so the
// reference cannot drift from the decoder.
func TestDocsScenarioExamples(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile(filepath.Join("..", "..", "docs", "scenarios.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	n := 0
	for i, m := range yamlBlock.FindAllSubmatch(page, -1) {
		text := string(m[1])
		if !regexp.MustCompile(`(?m)^name:`).MatchString(text) {
			continue // a fragment
		}
		n++
		p := writeFile(t, dir, "example-"+strconv.Itoa(i+1)+".yaml", text)
		if regexp.MustCompile(`(?m)^trace:`).MatchString(text) {
			// A trace example names the shared samples by a path that
			// resolution finds by walking up from the working directory
			// (as for a scenario in the repository's root): validate it
			// from a file in the working directory.
			if !sharedTraces() {
				t.Logf("skipping docs/scenarios.md yaml block %d: the Google 2011 sample is not in ../shared/traces", i+1)
				continue
			}
			f, err := os.CreateTemp(".", ".docs-example-*.yaml")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Remove(f.Name()) })
			if _, err := f.WriteString(text); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			p = f.Name()
		}
		if r := cli(t, "validate", p); r.code != exitOK {
			t.Errorf("docs/scenarios.md yaml block %d does not validate: %s\n%s", i+1, r.stderr, text)
		}
	}
	if n < 2 {
		t.Errorf("docs/scenarios.md has %d complete examples, want at least 2", n)
	}
}

// TestDocsCLI checks that docs/cli.md names every command and flag.
func TestDocsCLI(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile(filepath.Join("..", "..", "docs", "cli.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(page)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		// A sub-subcommand may be listed as an alternative
		// ("mesosim completion bash|zsh").
		nested := c.HasParent() && c.Parent().HasParent() &&
			strings.Contains(doc, c.Parent().CommandPath()+" ") && strings.Contains(doc, c.Name())
		if !strings.Contains(doc, c.CommandPath()) && !nested {
			t.Errorf("docs/cli.md does not mention %q", c.CommandPath())
		}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Name != "help" && !strings.Contains(doc, "--"+f.Name) {
				t.Errorf("docs/cli.md does not mention %s --%s", c.CommandPath(), f.Name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	root := newRoot(&bytes.Buffer{}, &bytes.Buffer{})
	root.InitDefaultCompletionCmd()
	walk(root)
}

// sharedTraces reports whether ../shared/traces (the real trace samples)
// is beside the checkout.
func sharedTraces() bool {
	_, err := os.Stat(filepath.Join("..", "..", "..", "shared", "traces", "google-2011", "task_events-part-00000-of-00500.csv.gz"))
	return err == nil
}
