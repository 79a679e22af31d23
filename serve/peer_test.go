package serve

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The real peers: unmodified client libraries driving the small
// frameworks in testdata/ against the server. Each test skips, saying
// why, when its library is not installed; .ci/run installs both.

// mesosGoRoot is where Debian's golang-github-mesos-mesos-go-dev puts the
// library (a GOPATH).
const mesosGoRoot = "/usr/share/gocode"

// buildMesosGo builds testdata/mesosgo's framework in GOPATH mode against
// the packaged library, with its JSON codec.
func buildMesosGo(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(mesosGoRoot, "src/github.com/mesos/mesos-go/api/v1/lib/httpcli/httpsched")); err != nil {
		t.Skip("mesos-go is not installed (apt-get install -y golang-github-mesos-mesos-go-dev; .ci/run does)")
	}
	gopath, err := filepath.Abs("testdata/mesosgo")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "mesosimfw")
	cmd := exec.Command("go", "build", "-o", bin, "mesosimfw")
	cmd.Env = append(os.Environ(), "GOPATH="+mesosGoRoot+string(os.PathListSeparator)+gopath, "GO111MODULE=off", "GOFLAGS=")
	cmd.Dir = gopath
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the mesos-go framework: %v\n%s", err, out)
	}
	return bin
}

// runPeer serves scenario file against the command cmd (given the
// scheduler endpoint), and returns the harness after the run ended, with
// the peer's output.
func runPeer(t *testing.T, file string, cmd func(url string) *exec.Cmd) (*harness, string) {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// Twice the default quiet window: a margin for a loaded CI machine.
	h := start(t, string(src), Config{Quiet: 100 * time.Millisecond})
	c := cmd(h.base + "/api/v1/scheduler")
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", c.Path, err, out)
	}
	h.wait()
	return h, string(out)
}

// checkPeerLog asserts what the issue asks of a real peer's run: its
// tasks launched and finished, every update acknowledged, the
// re-subscription to the new leader, the reconciliation, no violation.
func checkPeerLog(t *testing.T, h *harness, fw string, tasks int) {
	t.Helper()
	count := func(kind string, keep func(map[string]any) bool) int {
		n := 0
		for _, r := range h.records(kind) {
			if r["framework"] == fw && keep(r) {
				n++
			}
		}
		return n
	}
	all := func(map[string]any) bool { return true }
	if n := count("task_launched", all); n != tasks {
		t.Errorf("%d tasks launched, want %d", n, tasks)
	}
	finished := count("task_status", func(r map[string]any) bool { return r["seen_by"] == "framework" && r["state"] == "TASK_FINISHED" })
	if finished != tasks {
		t.Errorf("the framework saw %d TASK_FINISHED, want %d", finished, tasks)
	}
	reliable := count("task_status", func(r map[string]any) bool { return r["seen_by"] == "framework" && r["uuid"] != nil })
	acks := count("framework_call", func(r map[string]any) bool { return r["type"] == "ACKNOWLEDGE" })
	if acks != reliable || acks < 3*tasks {
		t.Errorf("%d ACKNOWLEDGE calls for %d reliable updates seen (want one each, at least STARTING, RUNNING, FINISHED per task)", acks, reliable)
	}
	if n := count("framework_added", all); n != 2 {
		t.Errorf("framework_added %d times, want 2 (the subscription, and the re-subscription to the new leader)", n)
	}
	if n := count("framework_call", func(r map[string]any) bool { return r["type"] == "RECONCILE" }); n == 0 {
		t.Error("the framework never reconciled")
	}
	if n := count("framework_removed", all); n != 1 {
		t.Errorf("framework_removed %d times, want 1 (its teardown)", n)
	}
	if v := h.chk.Violations(); len(v) > 0 {
		t.Errorf("invariant violations: %v", v)
	}
}

// TestMesosGoPeer runs mesos-go's v1 HTTP scheduler library twice against
// the same scenario: both runs pass the checks and give the same event
// log, byte for byte.
func TestMesosGoPeer(t *testing.T) {
	bin := buildMesosGo(t)
	var logs []string
	for run := range 2 {
		h, out := runPeer(t, "testdata/mesos-go.yaml", func(url string) *exec.Cmd {
			return exec.Command(bin, "-url", url, "-name", "mesos-go", "-tasks", "4")
		})
		if !strings.Contains(out, "SUBSCRIBED mesos-go (2)") || !strings.Contains(out, "DONE") {
			t.Errorf("run %d: the framework did not re-subscribe and finish:\n%s", run+1, out)
		}
		checkPeerLog(t, h, "mesos-go", 4)
		logs = append(logs, h.log.String())
	}
	if logs[0] != logs[1] {
		t.Errorf("two runs of the mesos-go framework gave different event logs")
		a, b := strings.Split(logs[0], "\n"), strings.Split(logs[1], "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Errorf("first difference, line %d:\n%s\n%s", i+1, a[i], b[i])
				break
			}
		}
	}
}

// TestNpmMesosFrameworkPeer runs the npm package mesos-framework 0.5.3
// (Node) against the server. Its task IDs carry random UUIDs, so the test
// checks the run, not byte equality across runs.
func TestNpmMesosFrameworkPeer(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	modules, err := filepath.Abs("testdata/npm/node_modules")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(modules, "mesos-framework/package.json")); err != nil {
		t.Skip("mesos-framework is not installed (cd serve/testdata/npm && npm install; .ci/run does)")
	}
	script, _ := filepath.Abs("testdata/npm/framework.js")
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "logs"), 0o755); err != nil { // the library's log files
		t.Fatal(err)
	}
	h, out := runPeer(t, "testdata/mesos-framework.yaml", func(url string) *exec.Cmd {
		hostport := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/api/v1/scheduler")
		host, port, _ := strings.Cut(hostport, ":")
		c := exec.Command(node, script, host, port, "3")
		c.Dir = dir
		c.Env = append(os.Environ(), "NODE_PATH="+modules)
		return c
	})
	if !strings.Contains(out, "SUBSCRIBED mesos-framework (2)") || !strings.Contains(out, "DONE") {
		t.Errorf("the framework did not re-subscribe and finish:\n%s", out)
	}
	checkPeerLog(t, h, "mesos-framework", 3)
}
