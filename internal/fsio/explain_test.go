package fsio

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestReadable(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(dir, "locked")
	if err := os.WriteFile(locked, []byte("x"), 0o000); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, want string
	}{
		{file, ""},
		{dir, dir + ": is a directory"},
		{loop, loop + ": too many levels of symbolic links"},
		{filepath.Join(dir, "none"), filepath.Join(dir, "none") + ": no such file or directory"},
		{filepath.Join(file, "x"), filepath.Join(file, "x") + ": not a directory"},
		{locked, locked + ": permission denied"},
	} {
		if tc.path == locked && os.Geteuid() == 0 {
			continue // root reads a file of mode 0
		}
		err := Readable(tc.path)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("Readable(%s) = %q, want %q", tc.path, got, tc.want)
		}
	}
	if err := Readable(filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%v is not fs.ErrNotExist", err)
	}
}

func TestOutputCommitAbort(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out")
	o, err := Create(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("new"))
	if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("the path exists before Commit")
	}
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	o.Abort() // a no-op after Commit
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("after Commit: %q", b)
	}
	o, err = Create(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("half"))
	RemoveTemps() // as on a signal
	o.Abort()
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("after Abort: %q", b)
	}
	if names, _ := os.ReadDir(dir); len(names) != 1 {
		t.Fatalf("left behind: %v", names)
	}
}
