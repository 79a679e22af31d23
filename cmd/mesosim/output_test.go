package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the tests run the real main in a child process (the test
// binary itself, with MESOSIM_TEST_MAIN=1), for what only a process
// shows: exit on a signal, writes to /dev/full.
func TestMain(m *testing.M) {
	if os.Getenv("MESOSIM_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// child is the command line of mesosim as a child process.
func child(t *testing.T, args ...string) *exec.Cmd {
	c := exec.Command(os.Args[0], args...)
	c.Env = append(os.Environ(), "MESOSIM_TEST_MAIN=1")
	return c
}

// exitCode is c's exit status after Run or Wait.
func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// Outputs are regular files written through a temporary file renamed into
// place; never renamed over a device, a symlink or an input; a directory
// or an input is bad input, a read-only file is not replaced.
func TestOutputPaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sc := writeFile(t, dir, "s.yaml", "name: s\nduration: 2s\nagents: [{name: a, resources: \"cpus:1;mem:64\"}]\nframeworks: [{name: f, behavior: hold}]\n")
	ro := writeFile(t, dir, "ro.jsonl", "old\n")
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	target := writeFile(t, dir, "target.jsonl", "old\n")
	link := filepath.Join(dir, "link.jsonl")
	if err := os.Symlink("target.jsonl", link); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	trace := writeFile(t, dir, "t.jsonl", goodTask+"\n")
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string // the first line of stderr starts with it
	}{
		{[]string{"run", sc, "--events", sub}, 2, "mesosim: --events: " + sub + " is a directory"},
		{[]string{"run", sc, "--events", sc}, 2, "mesosim: --events: " + sc + " is also an input of this command"},
		{[]string{"run", sc, "--events", ro}, 1, "mesosim: --events: cannot create " + ro + ": permission denied (the file is read-only: not replaced)"},
		{[]string{"run", sc, "--events", filepath.Join(dir, "none", "e.jsonl")}, 1, "mesosim: --events: cannot create " + filepath.Join(dir, "none", "e.jsonl") + ": directory " + filepath.Join(dir, "none") + ": no such file or directory"},
		{[]string{"run", sc, "--events", "/dev/null"}, 0, ""},
		{[]string{"run", sc, "--events", link}, 0, ""},
		{[]string{"trace", "convert", trace, "--out", trace}, 2, "mesosim: --out: " + trace + " is also an input of this command"},
		{[]string{"trace", "convert", trace, "--out", sub}, 2, "mesosim: --out: " + sub + " is a directory"},
		{[]string{"fuzz", sc, "--shrink", "--seeds", "1", "--shrink-dir", filepath.Join(dir, "none")}, 2, "mesosim: --shrink-dir: " + filepath.Join(dir, "none") + ": no such file or directory"},
		{[]string{"fuzz", sc, "--shrink", "--seeds", "1", "--shrink-dir", sc}, 2, "mesosim: --shrink-dir: " + sc + ": not a directory"},
	} {
		r := cli(t, tc.args...)
		if r.code != tc.code || !strings.HasPrefix(firstLine(r.stderr), tc.stderr) {
			t.Errorf("mesosim %s: exit %d, stderr %q; want %d and %q", strings.Join(tc.args, " "), r.code, firstLine(r.stderr), tc.code, tc.stderr)
		}
	}
	// Nothing temporary left, the read-only file and the scenario untouched,
	// the device still a device, the symlink still a link to a new log.
	want := []string{"link.jsonl", "ro.jsonl", "s.yaml", "sub", "t.jsonl", "target.jsonl"}
	if got := dirNames(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("files left: %v, want %v", got, want)
	}
	if b, _ := os.ReadFile(ro); string(b) != "old\n" {
		t.Errorf("the read-only file was replaced: %q", b)
	}
	if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("/dev/null is no longer a device: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v", err)
	}
	if b, _ := os.ReadFile(target); !bytes.Contains(b, []byte(`"kind":"header"`)) && !bytes.HasPrefix(b, []byte("{")) {
		t.Errorf("the symlink's target does not hold the log: %.80q", b)
	}
}

// A write error on stdout or stderr is exit status 1, never ignored.
func TestWriteErrors(t *testing.T) {
	t.Parallel()
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	defer full.Close()
	for _, tc := range []struct {
		args   []string
		stdout bool // /dev/full is stdout (else stderr)
	}{
		{[]string{"run", "drf-unreserved"}, true},
		{[]string{"scenarios"}, true},
		{[]string{"version"}, true},
		{[]string{"run", "drf-unreserved", "--format", "json", "--events", "-"}, false},
		{[]string{"validate", "nosuch"}, false},
	} {
		c := child(t, tc.args...)
		var other bytes.Buffer
		if tc.stdout {
			c.Stdout, c.Stderr = full, &other
		} else {
			c.Stdout, c.Stderr = &other, full
		}
		code := exitCode(c.Run())
		if code != exitFailure {
			t.Errorf("mesosim %s with /dev/full as %s: exit %d, want 1", strings.Join(tc.args, " "), map[bool]string{true: "stdout", false: "stderr"}[tc.stdout], code)
		}
		if tc.stdout && !strings.Contains(other.String(), "no space left on device") {
			t.Errorf("mesosim %s: stderr %q does not say why", strings.Join(tc.args, " "), other.String())
		}
	}
}

// SIGINT and SIGTERM end a run (which cannot stop part-way) at once with
// 128 + the signal's number, leaving no temporary file and no log.
func TestRunSignal(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		dir := t.TempDir()
		events := filepath.Join(dir, "events.jsonl")
		c := child(t, "run", "default", "--duration", "1000h", "--events", events)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait for the temporary log to appear: the run is under way.
		deadline := time.Now().Add(time.Minute)
		for len(dirNames(t, dir)) == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond)
		c.Process.Signal(sig)
		code := exitCode(c.Wait())
		want := map[syscall.Signal]int{syscall.SIGTERM: exitTerm, syscall.SIGINT: exitInterrupt}[sig]
		if code != want {
			t.Errorf("%v: exit %d, want %d; stderr %q", sig, code, want, stderr.String())
		}
		if !strings.Contains(stderr.String(), "mesosim: run interrupted by "+signalName(sig)+": stopped, no output file written") {
			t.Errorf("%v: stderr %q", sig, stderr.String())
		}
		if names := dirNames(t, dir); len(names) != 0 {
			t.Errorf("%v: files left behind: %v", sig, names)
		}
	}
}
