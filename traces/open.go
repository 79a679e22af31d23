package traces

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mesosim/mesosim/internal/fsio"
)

// partSource is one input of a multi-file stream: a name for messages and
// a way to open it.
type partSource struct {
	name string
	open func() (io.ReadCloser, error)
}

// partFiles checks that every file exists, is no directory and can be
// opened, and
// returns sources that open them lazily, one at a time.
func partFiles(files []string) ([]partSource, error) {
	srcs := make([]partSource, 0, len(files))
	for _, f := range files {
		if err := fsio.Readable(f); err != nil {
			return nil, err // "FILE: is a directory", "FILE: permission denied", ...
		}
		name := f
		srcs = append(srcs, partSource{name: name, open: func() (io.ReadCloser, error) { return os.Open(name) }})
	}
	return srcs, nil
}

// partBytes is an in-memory source (tests, fuzzing, benchmarks).
func partBytes(name string, data []byte) partSource {
	return partSource{name: name, open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}}
}

// partMaxLine bounds one line; longer lines are malformed rows.
const partMaxLine = 1 << 20

// errPartLineTooLong is returned (wrapped in a RowError by the caller) for a
// line longer than partMaxLine; the line has been skipped.
var errPartLineTooLong = errors.New("line longer than 1 MiB")

// partStream reads the lines of several sources in order as one stream.
// Each source is plain text or gzip (sniffed by its magic bytes, not its
// name). Lines are returned without "\n" or "\r\n"; the slice is valid
// until the next call.
type partStream struct {
	srcs []partSource
	next int    // index of the next source to open
	name string // current source
	line int64  // line number of the line last returned, in name
	rc   io.ReadCloser
	gz   *gzip.Reader
	br   *bufio.Reader
	long []byte
	// skipping is set after an over-long line whose end has not been
	// read: the next read discards the rest of it first.
	skipping bool
}

func newPartStream(srcs []partSource) *partStream { return &partStream{srcs: srcs} }

func (l *partStream) openNext() error {
	src := l.srcs[l.next]
	l.next++
	l.name, l.line, l.skipping = src.name, 0, false
	rc, err := src.open()
	if err != nil {
		return err
	}
	l.rc = rc
	br := bufio.NewReaderSize(rc, 256<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			l.close()
			return &StreamError{File: src.name, Line: 0, Msg: fmt.Sprintf("not a sound gzip stream: the header is corrupt or cut short (%v)", err)}
		}
		l.gz = gz
		br = bufio.NewReaderSize(gz, 256<<10)
	}
	l.br = br
	return nil
}

func (l *partStream) close() error {
	var err error
	if l.gz != nil {
		err = l.gz.Close()
		l.gz = nil
	}
	if l.rc != nil {
		if e := l.rc.Close(); err == nil {
			err = e
		}
		l.rc = nil
	}
	l.br = nil
	return err
}

// partMaxSkip bounds the rest of an over-long line that read discards
// to reach the next line (with SkipBadRows): past it the stream has no
// line end in sight (a device, a FIFO) and reading stops.
const partMaxSkip = 16 << 20

// read returns the next line, io.EOF after the last source, errPartLineTooLong
// for an over-long line (returned as soon as partMaxLine bytes have come,
// without waiting for its end; the next read skips the rest), a
// *StreamError for a corrupt or truncated gzip stream or a line without
// end, or an I/O error.
func (l *partStream) read() ([]byte, error) {
	for {
		if l.br == nil {
			if l.next >= len(l.srcs) {
				return nil, io.EOF
			}
			if err := l.openNext(); err != nil {
				return nil, err
			}
		}
		if l.skipping {
			if err := l.skipRest(); err != nil {
				return nil, err
			}
			continue
		}
		b, err := l.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			l.long = append(l.long[:0], b...)
			for err == bufio.ErrBufferFull && len(l.long) <= partMaxLine {
				b, err = l.br.ReadSlice('\n')
				l.long = append(l.long, b...)
			}
			if len(l.long) > partMaxLine {
				l.line++
				l.long = l.long[:0]
				// The rest of the line (if any) is skipped by the next read.
				l.skipping = len(b) == 0 || b[len(b)-1] != '\n'
				if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
					return nil, l.readErr(err)
				}
				return nil, errPartLineTooLong
			}
			b = l.long
		}
		if err != nil && err != io.EOF {
			return nil, l.readErr(err)
		}
		if len(b) == 0 { // end of this source
			if cerr := l.close(); cerr != nil {
				return nil, l.readErr(cerr)
			}
			continue
		}
		l.line++
		if n := len(b); n > 0 && b[n-1] == '\n' {
			b = b[:n-1]
			if n := len(b); n > 0 && b[n-1] == '\r' {
				b = b[:n-1]
			}
		}
		return b, nil
	}
}

// skipRest discards the rest of an over-long line, at most partMaxSkip
// bytes.
func (l *partStream) skipRest() error {
	for n := 0; ; {
		b, err := l.br.ReadSlice('\n')
		n += len(b)
		switch {
		case err == nil || err == io.EOF:
			l.skipping = false
			return nil
		case err != bufio.ErrBufferFull:
			return l.readErr(err)
		case n > partMaxSkip:
			l.close()
			l.next = len(l.srcs)
			return &StreamError{File: l.name, Line: l.line,
				Msg: fmt.Sprintf("line %d has no end within %d MiB: reading stopped", l.line, (partMaxLine+partMaxSkip)>>20)}
		}
	}
}

// readErr is an error met reading the current source after l.line: a
// *StreamError when the gzip stream is corrupt or cut short (the input's
// fault), else the I/O error naming the file.
func (l *partStream) readErr(err error) error {
	if l.gz != nil || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		what := "corrupt gzip stream"
		if errors.Is(err, io.ErrUnexpectedEOF) {
			what = "truncated gzip stream (the file ends mid-stream)"
		}
		return &StreamError{File: l.name, Line: l.line, Msg: fmt.Sprintf("%s after line %d: %v", what, l.line, err)}
	}
	return fmt.Errorf("%s: after line %d: %w", l.name, l.line, err)
}

// Format names returned by Detect and Open.
const (
	FormatGoogle2011          = "google-2011"            // task_events parts (with job_events)
	FormatGoogle2011JobEvents = "google-2011-job-events" // only with task_events
	FormatNative              = "native"
	FormatSWF                 = "swf"
	FormatAlibaba2017         = "alibaba-2017"
	FormatAlibaba2018         = "alibaba-2018"
	FormatMachineMeta         = "alibaba-2018-machine-meta" // a cluster, not a workload
)

// Open opens trace files of one format, read in the given order as one
// stream, and says which format it found (see Detect). Google job_events
// parts may be given along with the task_events parts, in any position:
// each kind keeps its own order. An Alibaba machine_meta file is a
// cluster definition, not a workload: Open refuses it (use
// OpenMachineMeta).
func Open(files []string, opt Options) (Reader, string, error) {
	if len(files) == 0 {
		return nil, "", errors.New("traces: no files given")
	}
	var format, first string
	var tasks, jobs []string
	for _, f := range files {
		ff, err := Detect(f)
		if err != nil {
			return nil, "", err
		}
		switch ff {
		case FormatGoogle2011JobEvents:
			jobs = append(jobs, f)
			ff = FormatGoogle2011
		case FormatGoogle2011:
			tasks = append(tasks, f)
		}
		if format == "" {
			format, first = ff, f
		} else if ff != format {
			return nil, "", fmt.Errorf("traces: %s is %s but %s is %s: give files of one format", first, format, f, ff)
		}
	}
	var r Reader
	var err error
	switch format {
	case FormatGoogle2011:
		if len(tasks) == 0 {
			return nil, "", fmt.Errorf("traces: %s: job_events alone hold no tasks: give the task_events parts too", first)
		}
		r, err = OpenGoogle(tasks, jobs, opt)
	case FormatNative:
		r, err = OpenNative(files, opt)
	case FormatSWF:
		r, err = OpenSWF(files, opt)
	case FormatAlibaba2017:
		r, err = OpenAlibaba2017(files, opt)
	case FormatAlibaba2018:
		r, err = OpenAlibaba2018(files, opt)
	case FormatMachineMeta:
		return nil, format, fmt.Errorf("traces: %s is an Alibaba machine_meta cluster definition, not a workload: use it as a scenario's agents ({machine_meta: FILE}, see docs/scenarios.md)", first)
	default:
		return nil, "", fmt.Errorf("traces: %s: unknown format %q", first, format)
	}
	if err != nil {
		return nil, "", err
	}
	return r, format, nil
}

// Detect tells a trace file's format from its name, or, when the name does
// not say, from its first lines (after gunzip when compressed):
//
//   - names containing task_events / job_events: Google 2011;
//     machine_meta: Alibaba v2018 machine_meta; ending .jsonl or .ndjson
//     (before an optional .gz): native; ending .swf: SWF;
//   - content: a line starting '{' is native, ';' SWF; 18
//     whitespace-separated fields SWF; comma-separated rows of 13 columns
//     Google task_events, 9 Alibaba v2018 batch_task, 7 machine_meta, and 8
//     either Alibaba v2017 batch_task (a status word in column 6) or Google
//     job_events (an event code 0-8 in column 4). A header line (no field a
//     number) is skipped.
func Detect(file string) (string, error) {
	name := strings.ToLower(filepath.Base(file))
	name = strings.TrimSuffix(name, ".gz")
	switch {
	case strings.Contains(name, "task_events"):
		return FormatGoogle2011, nil
	case strings.Contains(name, "job_events"):
		return FormatGoogle2011JobEvents, nil
	case strings.Contains(name, "machine_meta"):
		return FormatMachineMeta, nil
	case strings.HasSuffix(name, ".jsonl") || strings.HasSuffix(name, ".ndjson"):
		return FormatNative, nil
	case strings.HasSuffix(name, ".swf"):
		return FormatSWF, nil
	}
	srcs, err := partFiles([]string{file})
	if err != nil {
		return "", err
	}
	return detectContent(newPartStream(srcs), file)
}

// detectContent looks at the first data lines of l (see Detect).
func detectContent(l *partStream, file string) (string, error) {
	defer l.close()
	for i := 0; i < 16; i++ {
		line, err := l.read()
		if err == io.EOF {
			break
		}
		if err == errPartLineTooLong {
			continue
		}
		if err != nil {
			return "", err
		}
		s := strings.TrimSpace(string(line))
		switch {
		case s == "":
			continue
		case s[0] == '{':
			return FormatNative, nil
		case s[0] == ';':
			return FormatSWF, nil
		}
		if f := strings.Fields(s); len(f) == 18 && !strings.Contains(s, ",") {
			return FormatSWF, nil
		}
		f := strings.Split(s, ",")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if detectHeader(f) {
			continue
		}
		switch len(f) {
		case 13:
			return FormatGoogle2011, nil
		case 9:
			return FormatAlibaba2018, nil
		case 7:
			return FormatMachineMeta, nil
		case 8:
			if detectWord(f[5]) {
				return FormatAlibaba2017, nil
			}
			if ev, err := strconv.Atoi(f[3]); err == nil && ev >= 0 && ev <= 8 {
				return FormatGoogle2011JobEvents, nil
			}
		}
		break
	}
	return "", fmt.Errorf("traces: %s: cannot tell the trace format from its name or its first lines (the formats are in docs/traces.md)", file)
}

// detectWord reports whether s is a non-empty run of letters.
func detectWord(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return s != ""
}

// detectHeader reports whether no field of a CSV line is a number: a
// header line, not data.
func detectHeader(f []string) bool {
	for _, x := range f {
		if _, err := strconv.ParseFloat(x, 64); err == nil {
			return false
		}
	}
	return true
}
