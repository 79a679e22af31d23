package traces

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mesosim/mesosim/sim"
)

// Machine is one machine of a cluster definition read from a trace.
type Machine struct {
	ID   string
	CPUs float64
	// Mem is in the trace's units (Alibaba v2018: normalised, 100 = the
	// largest machine).
	Mem float64
	// Domain1 and Domain2 are the trace's failure domains.
	Domain1, Domain2 string
}

// OpenMachineMeta reads an Alibaba cluster-trace-v2018 machine_meta file
// (plain or .gz) into one Machine per machine_id, sorted by ID. See
// ReadMachineMeta.
func OpenMachineMeta(file string) ([]Machine, error) {
	ms, _, err := ReadMachineMeta(file, Options{})
	return ms, err
}

// ReadMachineMeta reads machine_meta (columns machine_id, time_stamp,
// failure_domain_1, failure_domain_2, cpu_num, mem_size, status). A
// machine has one row per event; its Machine is its earliest row (the
// smallest time_stamp, the first in the file on a tie): the machine as it
// joined the trace. Stats counts rows (Rows, Bad) and rows by status
// (Events); Options.SkipBadRows and MaxRows apply.
func ReadMachineMeta(file string, opt Options) ([]Machine, Stats, error) {
	src, err := openRowLines([]string{file})
	if err != nil {
		return nil, Stats{}, err
	}
	defer src.close()
	return readMachineMeta(src, opt)
}

func readMachineMeta(src *rowLines, opt Options) ([]Machine, Stats, error) {
	st := Stats{Events: map[string]int64{}}
	type seen struct {
		m  Machine
		at sim.Time
	}
	byID := map[string]seen{}
	var fields []string
	for opt.MaxRows <= 0 || st.Rows < opt.MaxRows {
		line, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if IsRowError(err) {
				st.Rows++
				if opt.SkipBadRows {
					st.Bad++
					continue
				}
			}
			return nil, st, err
		}
		fields = aliSplit(line, fields[:0])
		if src.lineNo() == 1 && len(fields) == 7 && machineHeader(fields) {
			continue
		}
		st.Rows++
		m, at, status, msg := parseMachine(fields)
		if msg != "" {
			if opt.SkipBadRows {
				st.Bad++
				continue
			}
			return nil, st, src.rowError(msg)
		}
		st.Events[status]++
		if old, ok := byID[m.ID]; !ok || at < old.at {
			// Keys and values are substrings of one line; clone them so
			// a kept machine does not pin its whole line.
			m.ID, m.Domain1, m.Domain2 = strings.Clone(m.ID), strings.Clone(m.Domain1), strings.Clone(m.Domain2)
			byID[m.ID] = seen{m, at}
		}
	}
	ids := slices.Sorted(maps.Keys(byID))
	out := make([]Machine, 0, len(ids))
	for _, id := range ids {
		out = append(out, byID[id].m)
	}
	st.Jobs, st.Tasks = 0, 0
	return out, st, nil
}

// machineHeader: line 1 whose time_stamp, cpu_num and mem_size are all
// non-numeric is a header.
func machineHeader(f []string) bool {
	for _, i := range []int{1, 4, 5} {
		if f[i] == "" {
			return false
		}
		if _, err := strconv.ParseFloat(f[i], 64); err == nil {
			return false
		}
	}
	return true
}

func parseMachine(f []string) (m Machine, at sim.Time, status, msg string) {
	if len(f) != 7 {
		return m, 0, "", fmt.Sprintf("got %d comma-separated fields, want 7 (Alibaba v2018 machine_meta)", len(f))
	}
	if f[0] == "" {
		return m, 0, "", "empty machine_id"
	}
	m.ID, m.Domain1, m.Domain2 = f[0], f[2], f[3]
	at, ok, msg := aliSeconds(f[1], "time_stamp")
	if msg != "" {
		return m, 0, "", msg
	}
	if !ok {
		return m, 0, "", "empty time_stamp"
	}
	num := func(s, col string) (float64, string) {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || x > 1e15 {
			return 0, fmt.Sprintf("%s %q: want a non-negative number", col, s)
		}
		return x, ""
	}
	if m.CPUs, msg = num(f[4], "cpu_num"); msg != "" {
		return m, 0, "", msg
	}
	if m.Mem, msg = num(f[5], "mem_size"); msg != "" {
		return m, 0, "", msg
	}
	if f[6] == "" {
		return m, 0, "", "empty status"
	}
	return m, at, f[6], ""
}
