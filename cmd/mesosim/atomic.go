package main

import (
	"bufio"
	"io"
	"os"
)

// atomicOut is an output file written whole or not at all: it is written
// to a temporary file beside path and renamed into place by commit; abort
// (safe to call on every way out, after commit too) removes the temporary
// file. Path "-" writes to stdout, buffered, with nothing to remove.
type atomicOut struct {
	w         *bufio.Writer
	tmp       *os.File
	path      string
	committed bool
}

// openAtomic opens path for flag (named in errors), stdout for "-".
func openAtomic(flag, path string, stdout io.Writer) (*atomicOut, error) {
	if path == "-" {
		return &atomicOut{w: bufio.NewWriterSize(stdout, 1<<16)}, nil
	}
	tmp, err := createTempFor(flag, path)
	if err != nil {
		return nil, err
	}
	return &atomicOut{w: bufio.NewWriterSize(tmp, 1<<20), tmp: tmp, path: path}, nil
}

// commit flushes the output and renames it into place.
func (a *atomicOut) commit() error {
	if err := a.w.Flush(); err != nil {
		return err
	}
	if a.tmp == nil {
		return nil
	}
	if err := a.tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(a.tmp.Name(), a.path); err != nil {
		return err
	}
	a.committed = true
	return nil
}

// abort removes the temporary file unless the output was committed.
func (a *atomicOut) abort() {
	if a.tmp != nil && !a.committed {
		a.tmp.Close()
		os.Remove(a.tmp.Name())
	}
}
