package timeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/mesosim/mesosim/sim"
)

// Readable turns one event log line into `TIME  kind  key=value ...`,
// with the fields in the log's order and empty strings left out.
func Readable(line string) string {
	d := json.NewDecoder(strings.NewReader(line))
	d.UseNumber()
	var t, kind string
	var fields []string
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return line
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return line
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return line
		}
		switch key {
		case "t":
			n, err := strconv.ParseInt(string(raw), 10, 64)
			if err != nil {
				return line
			}
			t = sim.Time(n).String()
		case "kind":
			kind = readableValue(raw)
		default:
			if v := readableValue(raw); v != "" {
				fields = append(fields, key+"="+v)
			}
		}
	}
	return strings.TrimRight(t+"  "+kind+"  "+strings.Join(fields, " "), " ")
}

// readableValue renders one JSON value: strings unquoted unless they hold
// spaces or quotes, objects as k:v,k:v.
func readableValue(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return string(raw)
		}
		if strings.ContainsAny(s, " \t\n\"=") {
			return strconv.Quote(s)
		}
		return s
	case '{':
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if _, err := d.Token(); err != nil {
			return string(raw)
		}
		var parts []string
		for d.More() {
			tok, err := d.Token()
			if err != nil {
				return string(raw)
			}
			var v json.RawMessage
			if err := d.Decode(&v); err != nil {
				return string(raw)
			}
			parts = append(parts, fmt.Sprint(tok)+":"+readableValue(v))
		}
		return strings.Join(parts, ",")
	}
	return string(raw)
}
