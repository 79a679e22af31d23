package traces

import (
	"errors"
	"io"
)

// Limits of Check's quick look at each file.
const (
	// CheckRows is how many data rows of each file Check parses.
	CheckRows = 100
	// CheckBytes is how much of each file Check reads (decompressed): a
	// gzip stream's header and first block are in it.
	CheckBytes = 256 << 10
)

// Check looks at every file of a trace before a run reads it, so that a
// bad file is refused before any work starts rather than hours in: each
// must be a readable regular file; a gzip stream's header and first
// block must decompress (with deep, the whole stream); and the first
// CheckRows data rows of each file that holds tasks must parse (with
// deep, every row), under opt (SkipBadRows applies). The error is a
// *RowError or *StreamError naming the file and line, or the path's own
// error.
func Check(files []string, opt Options, deep bool) error {
	srcs, err := partFiles(files)
	if err != nil {
		return err
	}
	for _, src := range srcs {
		if err := checkStream(src, deep); err != nil {
			return err
		}
		format, err := Detect(src.name)
		if err != nil {
			return err
		}
		if format == FormatGoogle2011JobEvents || format == FormatMachineMeta {
			continue // no tasks of its own: its stream was checked
		}
		o := opt
		if !deep {
			o.MaxRows = CheckRows
		}
		r, _, err := Open([]string{src.name}, o)
		if err != nil {
			return err
		}
		for err == nil {
			_, err = r.Next()
		}
		r.Close()
		if !errors.Is(err, io.EOF) {
			return err
		}
	}
	return nil
}

// checkStream reads the first CheckBytes of src's lines (all of them with
// deep), returning a *StreamError for a corrupt or truncated gzip stream.
// Over-long lines are left to the readers' own rules.
func checkStream(src partSource, deep bool) error {
	ps := newPartStream([]partSource{src})
	defer ps.close()
	for n := 0; deep || n < CheckBytes; {
		b, err := ps.read()
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, errPartLineTooLong):
			n += partMaxLine
		case err != nil:
			return err
		}
		n += len(b) + 1
	}
	return nil
}
