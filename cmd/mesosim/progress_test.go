package main

import (
	"bytes"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to read while the progress writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends b.
func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is what was written so far.
func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls out until it contains want, failing t after a few seconds.
func waitFor(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("output never contained %q:\n%q", want, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A bytes.Buffer is no terminal: the progress is plain lines.
func TestFuzzProgressBufferIsNoTerminal(t *testing.T) {
	var done, failing atomic.Int64
	if p := newFuzzProgress(&bytes.Buffer{}, 3, &done, &failing); p.tty {
		t.Error("a bytes.Buffer was taken for a terminal")
	}
}

// On a terminal the bar counts the seeds, gives their rate and the seeds
// with violations, lets a note through on a line of its own and ends on
// its own line at the final count.
func TestFuzzProgressBar(t *testing.T) {
	var out syncBuffer
	var done, failing atomic.Int64
	p := newFuzzProgressTTY(&out, true, 10, &done, &failing)
	p.start(time.Now())
	waitFor(t, &out, "0/10")

	failing.Add(1)
	done.Add(4)
	waitFor(t, &out, "4/10")
	waitFor(t, &out, "1 with violations")
	if !strings.Contains(out.String(), "seeds/") {
		t.Errorf("bar shows no rate in seeds:\n%q", out.String())
	}

	p.note("time budget of 1s spent: finishing the 2 seed(s) running")
	s := out.String()
	i := strings.Index(s, "fuzz: time budget of 1s spent: finishing the 2 seed(s) running\n")
	if i < 0 {
		t.Fatalf("note is not a line of its own:\n%q", s)
	}
	// The bar was erased before the note, and is drawn again after it.
	if before := s[:i]; !strings.HasSuffix(before, "\x1b[2K\r") {
		t.Errorf("bar not erased before the note:\n%q", before)
	}
	if after := s[i:]; !strings.Contains(after, "4/10") {
		t.Errorf("bar not drawn again after the note:\n%q", after)
	}

	failing.Add(1)
	done.Add(6)
	p.finish()
	s = out.String()
	if !strings.HasSuffix(s, "\n") {
		t.Errorf("bar not left on a line of its own:\n%q", s)
	}
	last := s[strings.LastIndex(s, "\r")+1:]
	for _, want := range []string{"10/10", "2 with violations", "100%"} {
		if !strings.Contains(last, want) {
			t.Errorf("final bar %q lacks %q", last, want)
		}
	}
	if n := strings.Count(s, "\n"); n != 2 {
		t.Errorf("%d line ends, want 2 (the note's, the bar's):\n%q", n, s)
	}
}

// A bar stopped short of its total (a time budget, an interrupt) is left
// as it was, on its own line.
func TestFuzzProgressBarStoppedShort(t *testing.T) {
	var out syncBuffer
	var done, failing atomic.Int64
	p := newFuzzProgressTTY(&out, true, 10, &done, &failing)
	p.start(time.Now())
	done.Add(3)
	p.finish()
	s := out.String()
	if !strings.HasSuffix(s, "\n") || strings.Count(s, "\n") != 1 {
		t.Errorf("bar not ended by exactly one line end:\n%q", s)
	}
	if last := s[strings.LastIndex(s, "\r")+1:]; !strings.Contains(last, "3/10") {
		t.Errorf("final bar %q lacks 3/10", last)
	}
}

// Off a terminal the progress is a plain line every p.every and the notes
// are lines too; no bar, no escape, no carriage return.
func TestFuzzProgressLines(t *testing.T) {
	var out syncBuffer
	var done, failing atomic.Int64
	p := newFuzzProgressTTY(&out, false, 10, &done, &failing)
	if p.every != fuzzLineEvery {
		t.Fatalf("a line every %s, want %s", p.every, fuzzLineEvery)
	}
	p.every = 10 * time.Millisecond
	done.Add(7)
	failing.Add(2)
	p.start(time.Now())
	waitFor(t, &out, "\n")
	p.note("interrupted")
	p.finish()

	line := regexp.MustCompile(`^fuzz: 7/10 seeds, [0-9]+\.[0-9] seeds/s, 2 with violations$`)
	s := out.String()
	if strings.ContainsAny(s, "\r\x1b") {
		t.Errorf("plain output has a carriage return or an escape:\n%q", s)
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	notes := 0
	for _, l := range lines {
		switch {
		case l == "fuzz: interrupted":
			notes++
		case !line.MatchString(l):
			t.Errorf("unexpected line %q", l)
		}
	}
	if notes != 1 {
		t.Errorf("%d notes, want 1:\n%s", notes, s)
	}
	if !strings.HasSuffix(s, "\n") {
		t.Errorf("output does not end a line:\n%q", s)
	}
}
