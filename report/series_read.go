package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/mesosim/mesosim/sim"
)

// MaxSeriesRows bounds the rows ReadSeriesCSV reads.
const MaxSeriesRows = 20_000_000

// ReadSeriesCSV reads a series written by WriteSeriesCSV: "#" comment
// lines, the header, rows. Errors name file and the line. An empty value is
// a row without data.
func ReadSeriesCSV(r io.Reader, file string) ([]SeriesRow, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = len(SeriesCSVHeader)
	cr.ReuseRecord = true
	var rows []SeriesRow
	header := false
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s:%d: %v", file, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("%s: %v", file, err)
		}
		if !header {
			if strings.Join(rec, ",") != strings.Join(SeriesCSVHeader, ",") {
				return nil, fmt.Errorf("%s:%d: not a mesosim series: the header is %q, want %q", file, line,
					strings.Join(rec, ","), strings.Join(SeriesCSVHeader, ","))
			}
			header = true
			continue
		}
		if len(rows) == MaxSeriesRows {
			return nil, fmt.Errorf("%s:%d: more than %d rows", file, line, MaxSeriesRows)
		}
		t0, err1 := seconds(rec[0])
		t1, err2 := seconds(rec[1])
		if err1 != nil || err2 != nil || t1 < t0 {
			return nil, fmt.Errorf("%s:%d: time %q and end %q are not seconds with time <= end", file, line, rec[0], rec[1])
		}
		row := SeriesRow{T: t0, End: t1, Scope: rec[2], Name: rec[3], Metric: rec[4]}
		if rec[5] != "" {
			v, err := strconv.ParseFloat(rec[5], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s:%d: value %q is not a finite number", file, line, rec[5])
			}
			row.Value, row.OK = v, true
		}
		rows = append(rows, row)
	}
	if !header {
		return nil, fmt.Errorf("%s: empty: no header line", file)
	}
	return rows, nil
}

// seconds parses a non-negative number of seconds within the simulator's
// horizon.
func seconds(s string) (sim.Time, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || !(x >= 0) || x > 1e12 {
		return 0, fmt.Errorf("bad seconds %q", s)
	}
	return sim.FromSeconds(x), nil
}
