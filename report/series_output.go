package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
)

// SeriesCSVHeader is the header line of WriteSeriesCSV.
var SeriesCSVHeader = []string{"time", "end", "scope", "name", "metric", "value"}

// WriteSeriesCSV writes rows in long form: SeriesCSVHeader, then one line
// per row, times in seconds, the value empty where the interval has no
// data. Lines starting with "#" before the header carry the provenance
// (p may be nil).
func WriteSeriesCSV(w io.Writer, rows []SeriesRow, p *Provenance) error {
	bw := bufio.NewWriter(w)
	if err := p.writeComments(bw); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(SeriesCSVHeader); err != nil {
		return err
	}
	rec := make([]string, 6)
	for i := range rows {
		r := &rows[i]
		rec[0], rec[1] = usSeconds(r.T), usSeconds(r.End)
		rec[2], rec[3], rec[4] = r.Scope, r.Name, r.Metric
		rec[5] = ""
		if r.OK {
			rec[5] = fmtFloat(r.Value)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteSeriesJSON writes rows as one JSON object: "provenance" (when p is
// not nil), "interval" in seconds and "rows", each row an object with the
// keys of SeriesCSVHeader and a null value where there is no data.
func WriteSeriesJSON(w io.Writer, rows []SeriesRow, interval float64, p *Provenance) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("{\n")
	if p != nil {
		b, err := p.indentJSON("  ")
		if err != nil {
			return err
		}
		bw.WriteString(`  "provenance": `)
		bw.Write(b)
		bw.WriteString(",\n")
	}
	bw.WriteString(`  "interval": ` + fmtFloat(interval) + ",\n")
	bw.WriteString(`  "rows": [`)
	var b []byte
	for i := range rows {
		r := &rows[i]
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    {\"time\":"...)
		b = append(b, usSeconds(r.T)...)
		b = append(b, `,"end":`...)
		b = append(b, usSeconds(r.End)...)
		b = appendKey(b, "scope")
		b = appendString(b, r.Scope)
		b = appendKey(b, "name")
		b = appendString(b, r.Name)
		b = appendKey(b, "metric")
		b = appendString(b, r.Metric)
		b = append(b, `,"value":`...)
		if r.OK {
			b = strconv.AppendFloat(b, r.Value, 'g', -1, 64)
		} else {
			b = append(b, "null"...)
		}
		b = append(b, '}')
		bw.Write(b)
	}
	bw.WriteString("\n  ]\n}\n")
	return bw.Flush()
}

// usSeconds formats a time in microseconds as seconds, exactly.
func usSeconds(t interface{ Seconds() float64 }) string { return fmtFloat(t.Seconds()) }
