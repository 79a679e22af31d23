package main

import (
	"bufio"
	"io"
)

// streamOut is a run's streamed output (--events, --decisions): a file
// written whole or not at all (createOutput: a temporary file renamed into
// place by commit), or stdout for "-". abort is safe on every way out,
// after commit too.
type streamOut struct {
	w      *bufio.Writer
	commit func() error
	abort  func()
}

// openStream opens path for flag; inputs are the files no output may
// replace.
func openStream(flag, path string, stdout io.Writer, inputs []string) (*streamOut, error) {
	if path == "-" {
		bw := bufio.NewWriterSize(stdout, 1<<16)
		return &streamOut{w: bw, commit: bw.Flush, abort: func() {}}, nil
	}
	out, err := createOutput(flag, path, inputs)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	return &streamOut{w: bw, abort: out.Abort, commit: func() error {
		if err := bw.Flush(); err != nil {
			return err
		}
		return out.Commit()
	}}, nil
}
