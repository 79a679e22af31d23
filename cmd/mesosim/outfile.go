package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
)

// output is one output file of a command (--events, --series, --tasks,
// --report): written to a temporary file beside its path and renamed into
// place by commit, so that a failed run leaves nothing half-written; "-"
// writes to stdout. A name ending in .gz is gzip-compressed.
type output struct {
	flag, path string
	w          io.Writer
	bw         *bufio.Writer
	gz         *gzip.Writer
	tmp        *os.File
	done       bool
}

// openOutput opens path for the flag named flag. The caller must call
// abort on every way out (it does nothing after commit).
func openOutput(flag, path string, stdout io.Writer) (*output, error) {
	o := &output{flag: flag, path: path}
	var dst io.Writer = stdout
	if path != "-" {
		tmp, err := createTemp(flag, path)
		if err != nil {
			return nil, err
		}
		o.tmp, dst = tmp, tmp
	}
	o.bw = bufio.NewWriterSize(dst, 1<<20)
	o.w = o.bw
	if strings.HasSuffix(path, ".gz") {
		o.gz = gzip.NewWriter(o.bw)
		o.w = o.gz
	}
	return o, nil
}

// commit flushes the output and renames it into place.
func (o *output) commit() error {
	if o.gz != nil {
		if err := o.gz.Close(); err != nil {
			return o.fail(err)
		}
	}
	if err := o.bw.Flush(); err != nil {
		return o.fail(err)
	}
	if o.tmp == nil {
		o.done = true
		return nil
	}
	if err := o.tmp.Close(); err != nil {
		return o.fail(err)
	}
	if err := os.Rename(o.tmp.Name(), o.path); err != nil {
		return o.fail(err)
	}
	o.done = true
	return nil
}

func (o *output) fail(err error) error {
	o.abort()
	return fmt.Errorf("%s: %w", o.flag, err)
}

// abort removes the temporary file unless the output was committed.
func (o *output) abort() {
	if o == nil || o.done || o.tmp == nil {
		return
	}
	o.done = true
	o.tmp.Close()
	os.Remove(o.tmp.Name())
}
