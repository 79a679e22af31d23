package decisions

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/mesosim/mesosim/model"
)

// Writer is a Consumer that writes each line as one JSON object (JSONL),
// buffered; Flush writes out the buffer.
type Writer struct {
	w   *bufio.Writer
	enc *json.Encoder
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer {
	bw := bufio.NewWriterSize(w, 1<<16)
	return &Writer{w: bw, enc: json.NewEncoder(bw)}
}

// Line implements Consumer.
func (w *Writer) Line(l *Line) error { return w.enc.Encode(l) }

// Flush writes out what is buffered.
func (w *Writer) Flush() error { return w.w.Flush() }

// MaxLineBytes is the longest line Read accepts (one cycle of a large
// cluster: some hundred thousand pairs).
const MaxLineBytes = 64 << 20

// MaxStreamLines is the most lines Read accepts.
const MaxStreamLines = 100_000_000

// Read reads a decision stream written by Writer from r (named name in
// errors) and hands each line to c in order. A malformed stream is an
// error naming name:LINE and what is wrong: no header first, an unknown
// kind, field or reason, a cycle number below 1, time going backwards, a
// missing end line, a line too long.
func Read(r io.Reader, name string, c Consumer) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), MaxLineBytes)
	n := 0
	var last Line
	ended := false
	for sc.Scan() {
		n++
		if n > MaxStreamLines {
			return fmt.Errorf("%s:%d: more than %d lines", name, n, MaxStreamLines)
		}
		if ended {
			return fmt.Errorf("%s:%d: a line after the end line", name, n)
		}
		var l Line
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return fmt.Errorf("%s:%d: not a decision line: %v", name, n, err)
		}
		if err := check(&l, &last, n == 1); err != nil {
			return fmt.Errorf("%s:%d: %v", name, n, err)
		}
		if err := c.Line(&l); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
		ended = l.Kind == KindEnd
		last = Line{Kind: l.Kind, T: l.T}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return fmt.Errorf("%s:%d: line longer than %d bytes", name, n+1, MaxLineBytes)
		}
		return fmt.Errorf("%s: %v", name, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: empty: not a decision stream (write one with mesosim run --decisions FILE)", name)
	}
	if !ended {
		return fmt.Errorf("%s:%d: no end line: the stream is cut short", name, n)
	}
	return nil
}

// check validates one line against the one before.
func check(l, last *Line, first bool) error {
	if first != (l.Kind == KindHeader) {
		if first {
			return fmt.Errorf("the first line is a %q line, not the header: not a decision stream", l.Kind)
		}
		return fmt.Errorf("a second header")
	}
	switch l.Kind {
	case KindHeader:
		if l.Version != Version {
			return fmt.Errorf("schema version %d, this mesosim reads version %d", l.Version, Version)
		}
		return nil
	case KindCycle:
		if l.Cycle < 1 { // numbers start again at 1 with each elected master
			return fmt.Errorf("cycle %d: cycles count from 1", l.Cycle)
		}
		for _, s := range l.Skips {
			if !slices.Contains(model.Reasons, s.Reason) {
				return fmt.Errorf("agent %s framework %s: unknown reason %q", s.Agent, s.Framework, s.Reason)
			}
		}
	case KindStarve:
		if l.Framework == "" {
			return fmt.Errorf("a starve line with no framework")
		}
	case KindEnd:
	default:
		return fmt.Errorf("unknown kind %q", l.Kind)
	}
	if l.T < last.T || l.T < 0 {
		return fmt.Errorf("time %d before %d", l.T, last.T)
	}
	return nil
}
