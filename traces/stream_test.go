package traces

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
)

// endless is an input that never ends and has no newline (a device, a FIFO).
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	e.n += int64(len(p))
	return len(p), nil
}

// The 1 MiB line limit applies while reading: an endless line is a
// malformed row after 1 MiB, and skipping its rest stops with a
// StreamError after a bounded amount more.
func TestPartStreamEndlessLine(t *testing.T) {
	src := &endless{}
	ps := newPartStream([]partSource{{name: "fifo", open: func() (io.ReadCloser, error) { return io.NopCloser(src), nil }}})
	if _, err := ps.read(); !errors.Is(err, errPartLineTooLong) {
		t.Fatalf("first read: %v, want the line-too-long error", err)
	}
	if src.n > 2*partMaxLine {
		t.Errorf("read %d bytes before refusing a line over %d", src.n, partMaxLine)
	}
	_, err := ps.read()
	var se *StreamError
	if !errors.As(err, &se) || se.Error() != "fifo:1: line 1 has no end within 17 MiB: reading stopped" {
		t.Fatalf("second read: %v, want a StreamError", err)
	}
	if src.n > partMaxLine+partMaxSkip+1<<20 {
		t.Errorf("read %d bytes in all", src.n)
	}
	if _, err := ps.read(); err != io.EOF {
		t.Errorf("after the StreamError: %v, want io.EOF", err)
	}
}

func gz(t *testing.T, text string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readAll reads every line of data, skipping over-long ones, and returns
// how many and the error that ended the read (nil at io.EOF).
func readAll(name string, data []byte) (int, error) {
	ps := newPartStream([]partSource{partBytes(name, data)})
	n := 0
	for {
		_, err := ps.read()
		if err == io.EOF {
			return n, nil
		}
		if errors.Is(err, errPartLineTooLong) {
			continue // a malformed row: skipped, as with SkipBadRows
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// A truncated or corrupt gzip stream is a StreamError naming the file and
// the last line read whole; a long line under the limit is read whole;
// an over-long line ended by a newline is skipped and the next one read.
func TestPartStreamGzipAndLines(t *testing.T) {
	var text strings.Builder
	for i := range 20000 {
		text.WriteString(strings.Repeat("a", 40) + string(rune('0'+i%10)) + "\n")
	}
	full := gz(t, text.String())
	corrupt := bytes.Clone(full)
	for i := len(corrupt) / 2; i < len(corrupt)/2+64; i++ {
		corrupt[i] ^= 0x55
	}
	long := strings.Repeat("b", partMaxLine-1) + "\n"
	for _, tc := range []struct {
		name  string
		data  []byte
		lines int
		err   string // prefix; "" for none
	}{
		{"whole.gz", full, 20000, ""},
		{"cut.gz", full[:len(full)/2], -1, "cut.gz:"},
		{"corrupt.gz", corrupt, -1, "corrupt.gz:"},
		{"header.gz", []byte{0x1f, 0x8b, 0, 0}, 0, "header.gz:0: not a sound gzip stream"},
		{"long", []byte(long + "c\n"), 2, ""},
		{"toolong", []byte("x" + long + "x" + long + "c\n"), 1, ""},
	} {
		n, err := readAll(tc.name, tc.data)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want it to start %q", tc.name, err, tc.err)
		case tc.lines >= 0 && n != tc.lines:
			t.Errorf("%s: %d lines, want %d", tc.name, n, tc.lines)
		}
		var se *StreamError
		if strings.HasSuffix(tc.name, ".gz") && tc.err != "" && !errors.As(err, &se) {
			t.Errorf("%s: %v is not a StreamError", tc.name, err)
		}
		if tc.name == "cut.gz" && err != nil && !strings.Contains(err.Error(), "truncated gzip stream") {
			t.Errorf("cut.gz: %v does not say truncated", err)
		}
	}
}
