package traces

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchInput returns the full sample's bytes when ../shared/traces has it,
// else the committed excerpt's, and which it is.
func benchInput(b *testing.B, excerpt string, full ...string) ([]byte, string) {
	b.Helper()
	p := filepath.Join(append([]string{"..", "..", "shared", "traces"}, full...)...)
	if data, err := os.ReadFile(p); err == nil {
		return data, p
	}
	data, err := os.ReadFile(excerpt)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("full sample %s not present: benchmarking the excerpt %s", p, excerpt)
	return data, excerpt
}

// benchRead drains readers made by open, reporting rows/s and tasks/s
// (gzip decoding included; the file is in memory).
func benchRead(b *testing.B, open func() (Reader, error)) {
	b.ReportAllocs()
	var rows, tasks int64
	for b.Loop() {
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
		st := r.Stats()
		rows += st.Rows
		tasks += st.Tasks
		r.Close()
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(rows)/sec, "rows/s")
	b.ReportMetric(float64(tasks)/sec, "tasks/s")
}

// BenchmarkReadAlibaba2017 reads the v2017 batch_task sample (80,553 rows,
// 11.8 million instances, each a task) through the default reorder window.
func BenchmarkReadAlibaba2017(b *testing.B) {
	data, name := benchInput(b, filepath.Join("testdata", "alibaba", "v2017_batch_task_excerpt.csv.gz"), "alibaba", "v2017_batch_task.csv.gz")
	benchRead(b, func() (Reader, error) {
		return newAlibabaReader(memRowLines(name, data), Options{}, DefaultReorderWindow, 2017), nil
	})
}

// BenchmarkReadAlibaba2017Rows is the same file with every row asking
// for one instance: the cost of parsing and ordering rows alone.
func BenchmarkReadAlibaba2017Rows(b *testing.B) {
	data, name := benchInput(b, filepath.Join("testdata", "alibaba", "v2017_batch_task_excerpt.csv.gz"), "alibaba", "v2017_batch_task.csv.gz")
	r := newAlibabaReader(memRowLines(name, data), Options{}, 1, 2017)
	var one strings.Builder
	for first := true; ; first = false {
		line, err := r.src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		f := strings.Split(line, ",")
		if len(f) == 8 && !first {
			f[4] = "1"
		}
		one.WriteString(strings.Join(f, ","))
		one.WriteByte('\n')
	}
	plain := []byte(one.String())
	benchRead(b, func() (Reader, error) {
		return newAlibabaReader(memRowLines(name, plain), Options{}, DefaultReorderWindow, 2017), nil
	})
}

// BenchmarkReadAlibaba2018 reads 200,000 generated v2018 batch_task rows
// (there is no v2018 batch_task sample), unsorted, one instance each.
func BenchmarkReadAlibaba2018(b *testing.B) {
	var sb strings.Builder
	for i := range 200000 {
		start := (i * 7919) % 86400
		fmt.Fprintf(&sb, "R%d_%d,1,j_%d,1,Terminated,%d,%d,100,0.39\n", i%9+2, i%9+1, i/10, start, start+60)
	}
	data := []byte(sb.String())
	benchRead(b, func() (Reader, error) {
		return newAlibabaReader(memRowLines("gen.csv", data), Options{}, DefaultReorderWindow, 2018), nil
	})
}

// BenchmarkReadMachineMeta reads the v2018 machine_meta sample (17,592 rows).
func BenchmarkReadMachineMeta(b *testing.B) {
	data, name := benchInput(b, filepath.Join("testdata", "alibaba", "v2018_machine_meta_small.csv.gz"), "alibaba", "v2018_machine_meta.csv.gz")
	b.ReportAllocs()
	var rows int64
	for b.Loop() {
		_, st, err := readMachineMeta(memRowLines(name, data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		rows += st.Rows
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
