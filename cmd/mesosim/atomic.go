package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mesosim/mesosim/internal/fsio"
)

// streamOut is one output file of a command (--events, --decisions,
// --series, --tasks, --report, plot's -o): a file written whole or not at
// all (createOutput: a temporary file renamed into place by commit), or
// stdout for "-". A path ending in .gz is gzip-compressed. abort is safe
// on every way out, after commit and on a nil streamOut too.
type streamOut struct {
	flag string
	w    io.Writer // what to write to
	bw   *bufio.Writer
	gz   *gzip.Writer
	out  *fsio.Output // nil for stdout
	done bool
}

// openStream opens path for flag; inputs are the files no output may
// replace.
func openStream(flag, path string, stdout io.Writer, inputs []string) (*streamOut, error) {
	s := &streamOut{flag: flag}
	if path == "-" {
		s.bw = bufio.NewWriterSize(stdout, 1<<16)
	} else {
		out, err := createOutput(flag, path, inputs)
		if err != nil {
			return nil, err
		}
		s.out, s.bw = out, bufio.NewWriterSize(out, 1<<20)
	}
	s.w = s.bw
	if strings.HasSuffix(path, ".gz") {
		s.gz = gzip.NewWriter(s.bw)
		s.w = s.gz
	}
	return s, nil
}

// commit flushes the output and, for a file, renames it into place; its
// error does not name the flag.
func (s *streamOut) commit() error {
	if s.done {
		return nil
	}
	if s.gz != nil {
		if err := s.gz.Close(); err != nil {
			return s.fail(err)
		}
	}
	if err := s.bw.Flush(); err != nil {
		return s.fail(err)
	}
	s.done = true
	if s.out != nil {
		return s.out.Commit()
	}
	return nil
}

// fail aborts the output and returns err (the caller names the flag).
func (s *streamOut) fail(err error) error {
	s.abort()
	return err
}

// abort removes the temporary file unless the output was committed.
func (s *streamOut) abort() {
	if s == nil || s.done {
		return
	}
	s.done = true
	if s.out != nil {
		s.out.Abort()
	}
}

// openInput opens a file a command reads (a series, a decisions file, an
// event log), plain or gzip: gzip is sniffed by its first bytes, whatever
// the name, so what openStream wrote to a .gz name reads back.
func openInput(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 1<<20)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		return gzipInput{gz, f}, nil
	}
	return bufInput{br, f}, nil
}

type gzipInput struct {
	*gzip.Reader
	f *os.File
}

func (g gzipInput) Close() error {
	g.Reader.Close()
	return g.f.Close()
}

type bufInput struct {
	*bufio.Reader
	f *os.File
}

func (b bufInput) Close() error { return b.f.Close() }
