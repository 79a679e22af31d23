package traces

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// benchTraceRows reads every task of the reader open makes, b.N times, and
// reports data rows per second of wall time.
func benchTraceRows(b *testing.B, open func() (Reader, error)) {
	b.ReportAllocs()
	var rows int64
	for i := 0; i < b.N; i++ {
		r, err := open()
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		rows += r.Stats().Rows
		r.Close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// benchGoogleInputs are the excerpts, and the full samples when present.
func benchGoogleInputs(b *testing.B) map[string][]string {
	in := map[string][]string{"excerpt": gExcerptTasks}
	dir := filepath.Join("..", "..", "shared", "traces", "google-2011")
	full := []string{
		filepath.Join(dir, "task_events-part-00000-of-00500.csv.gz"),
		filepath.Join(dir, "task_events-part-00001-of-00500.csv.gz"),
	}
	if _, err := os.Stat(full[0]); err == nil {
		in["sample-part0+1"] = full
	} else {
		b.Logf("full samples not present in %s: benchmarking the excerpts only", dir)
	}
	return in
}

// BenchmarkReadGoogle: task_events .csv.gz parts to tasks (gunzip, parse,
// assemble, order).
func BenchmarkReadGoogle(b *testing.B) {
	for name, files := range benchGoogleInputs(b) {
		b.Run(name, func(b *testing.B) {
			benchTraceRows(b, func() (Reader, error) { return OpenGoogle(files, nil, Options{}) })
		})
	}
}

// BenchmarkReadNative: native JSONL (plain) to tasks; the file is the
// Google input converted once.
func BenchmarkReadNative(b *testing.B) {
	for name, files := range benchGoogleInputs(b) {
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "trace.jsonl")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			g, err := OpenGoogle(files, nil, Options{})
			if err != nil {
				b.Fatal(err)
			}
			if err := WriteNative(f, g, NativeConv(32, 65536, nil)); err != nil {
				b.Fatal(err)
			}
			g.Close()
			f.Close()
			b.ResetTimer()
			benchTraceRows(b, func() (Reader, error) { return OpenNative([]string{path}, Options{}) })
		})
	}
}
