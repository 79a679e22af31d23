package simtest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The README's example is a framework author's module that depends on
// mesosim: testdata/myframework holds it (the README shows its test file
// verbatim), and it builds and runs as a module of its own, its go.mod
// pointing at this repository with a replace directive. Offline, from the
// module cache (GOPROXY=off, GOFLAGS=-mod=mod, this repository's go.sum);
// skipped, saying why, when the cache lacks a module.
func TestREADMEExampleBuildsAsExternalModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module of its own (-short)")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join("testdata", "myframework")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(filepath.Join(src, "myframework_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), string(example)) {
		t.Errorf("README.md does not show %s verbatim", filepath.Join(src, "myframework_test.go"))
	}

	dir := t.TempDir()
	for _, name := range []string{"go.mod", "myframework.go", "myframework_test.go"} {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "go.mod" {
			data = []byte(strings.Replace(string(data), "=> ../mesosim", "=> "+root, 1))
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	goCmd := func(args ...string) string {
		c := exec.Command(goBin, args...)
		c.Dir = dir
		c.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		out, err := c.CombinedOutput()
		if err != nil {
			if s := string(out); strings.Contains(s, "GOPROXY=off") || strings.Contains(s, "module lookup disabled") {
				t.Skipf("go %s: a module is not in the module cache and GOPROXY=off:\n%s", strings.Join(args, " "), s)
			}
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	goCmd("build", "./...")
	out := goCmd("test", "-count=1", "-run", "TestSurvivesFaults", "-rapid.checks=3", "-rapid.nofailfile", "./...")
	if !strings.Contains(out, "ok  \texample.com/myframework") {
		t.Errorf("go test of the example module:\n%s", out)
	}
}
