package shrink

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/internal/yamlnode"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

// pass is one kind of reduction: gen returns the candidates for the
// current reproducer, the likely biggest reductions first.
type pass struct {
	name string
	gen  func(s *search) []candidate
}

// passes run in this order in every round.
var passes = []pass{
	{"faults", faultCandidates},
	{"horizon", horizonCandidates},
	{"heal", healCandidates},
	{"windows", windowCandidates},
	{"types", typeCandidates},
	{"frameworks", func(s *search) []candidate { return entryCandidates(s, "frameworks", "framework") }},
	{"agents", func(s *search) []candidate { return entryCandidates(s, "agents", "agent") }},
	{"jobs", jobCandidates},
	{"timeline", timelineCandidates},
}

// edit returns the candidate f makes of a copy of the current tree.
func (s *search) edit(what string, f func(root *yaml.Node)) candidate {
	root := yamlnode.Clone(s.cur)
	f(root)
	return candidate{what: what, root: root}
}

// ---- faults -----------------------------------------------------------------

// unit is one fault as it is removed: a crash with its restart, a timeline
// partition with its heals.
type unit struct {
	what string
	refs []ref
}

// faultUnits lists the faults of a tree: network rules, partitions, then
// the timeline's fault actions in file order.
func faultUnits(root *yaml.Node) []unit {
	var us []unit
	for i, r := range items(root, secNetwork) {
		us = append(us, unit{"network rule " + flow(r), []ref{{secNetwork, i}}})
	}
	for i, p := range items(root, secPartitions) {
		us = append(us, unit{"partition " + flow(p), []ref{{secPartitions, i}}})
	}
	tl := items(root, secTimeline)
	used := map[int]bool{}
	for i, e := range tl {
		at, _ := timeAt(e, "at")
		b := body(e)
		switch kindOf(e) {
		case "crash_agent":
			agent := yamlnode.Get(b, "agent").Value
			u := unit{fmt.Sprintf("crash_agent %s at %s", agent, at), []ref{{secTimeline, i}}}
			best, bestAt := -1, sim.Never
			for j, r := range tl {
				rt, _ := timeAt(r, "at")
				if kindOf(r) == "restart_agent" && !used[j] && yamlnode.Get(body(r), "agent").Value == agent && rt >= at && rt < bestAt {
					best, bestAt = j, rt
				}
			}
			if best >= 0 {
				used[best] = true
				u.refs = append(u.refs, ref{secTimeline, best})
				u.what += fmt.Sprintf(" (restart at %s)", bestAt)
			}
			us = append(us, u)
		case "master_failover":
			us = append(us, unit{fmt.Sprintf("master_failover at %s", at), []ref{{secTimeline, i}}})
		case "framework_failover":
			us = append(us, unit{fmt.Sprintf("framework_failover at %s %s", at, flow(b)), []ref{{secTimeline, i}}})
		case "partition":
			name := yamlnode.Get(b, "name").Value
			u := unit{fmt.Sprintf("partition at %s %s", at, flow(b)), []ref{{secTimeline, i}}}
			for j, h := range tl {
				if kindOf(h) == "heal" && yamlnode.Get(body(h), "partition").Value == name {
					u.refs = append(u.refs, ref{secTimeline, j})
				}
			}
			us = append(us, u)
		}
	}
	return us
}

// faultCandidates removes faults: all of them, then halves, quarters, ...
// and last each one alone.
func faultCandidates(s *search) []candidate {
	us := faultUnits(s.cur)
	var out []candidate
	seen := map[[2]int]bool{}
	for size := len(us); size >= 1; size /= 2 {
		for start := 0; start < len(us); start += size {
			end := min(start+size, len(us))
			if seen[[2]int{start, end}] {
				continue
			}
			seen[[2]int{start, end}] = true
			chunk := us[start:end]
			var refs []ref
			var whats []string
			for _, u := range chunk {
				refs = append(refs, u.refs...)
				whats = append(whats, u.what)
			}
			what := "remove " + whats[0]
			if len(chunk) > 1 {
				what = fmt.Sprintf("remove %d faults: %s", len(chunk), strings.Join(whats, "; "))
			}
			out = append(out, s.edit(what, func(root *yaml.Node) {
				remove(root, refs)
			}))
		}
		if size == 1 {
			break
		}
	}
	return out
}

// ---- horizon and heal_at ----------------------------------------------------

// horizonCandidates ends the run just after the target violation.
func horizonCandidates(s *search) []candidate {
	d, ok := timeAt(s.cur, "duration")
	if !ok {
		return nil
	}
	// Just after the violation's second; and, for a violation found when
	// the run ended (liveness), just after the liveness bound.
	ends := []sim.Time{(s.first.T/sim.Second + 2) * sim.Second}
	faults := yamlnode.Get(s.cur, "faults")
	if h, ok := timeAt(faults, "heal_at"); ok {
		within, ok := timeAt(faults, "converge_within")
		if !ok {
			within = scenarios.DefaultConvergeWithin
		}
		ends = append(ends, h+within+sim.Second)
	}
	slices.Sort(ends)
	var out []candidate
	for _, to := range slices.Compact(ends) {
		if to >= d {
			continue
		}
		out = append(out, s.edit(fmt.Sprintf("end the run at %s instead of %s", to, d), func(root *yaml.Node) {
			clampHorizon(root, to)
		}))
	}
	return out
}

// clampHorizon sets the duration to d and drops what would lie beyond it.
func clampHorizon(root *yaml.Node, d sim.Time) {
	setTime(root, "duration", d)
	faults := yamlnode.Get(root, "faults")
	if h, ok := timeAt(faults, "heal_at"); ok && h >= d {
		yamlnode.Delete(faults, "heal_at")
	}
	var gone []ref
	for i, r := range items(root, secNetwork) {
		if t, ok := timeAt(r, "start"); ok && t >= d {
			gone = append(gone, ref{secNetwork, i})
		}
		if t, ok := timeAt(r, "end"); ok && t > d {
			yamlnode.Delete(r, "end")
		}
	}
	for i, p := range items(root, secPartitions) {
		if t, ok := timeAt(p, "start"); ok && t >= d {
			gone = append(gone, ref{secPartitions, i})
		}
		if t, ok := timeAt(p, "heal"); ok && t > d {
			yamlnode.Delete(p, "heal")
		}
	}
	for i, e := range items(root, secTimeline) {
		at, _ := timeAt(e, "at")
		if at >= d {
			gone = append(gone, ref{secTimeline, i})
			continue
		}
		if kindOf(e) == "partition" {
			if after, ok := timeAt(body(e), "heal_after"); ok && at+after > d {
				yamlnode.Delete(body(e), "heal_after")
			}
		}
	}
	remove(root, gone)
}

// healCandidates moves heal_at earlier: to a half and three quarters of
// it, and to the end of the last timed fault, most aggressive first.
func healCandidates(s *search) []candidate {
	faults := yamlnode.Get(s.cur, "faults")
	h, ok := timeAt(faults, "heal_at")
	if !ok {
		return nil
	}
	var to []sim.Time
	if e := lastFaultEnd(s.cur); e > 0 && e < h {
		to = append(to, e)
	}
	if h >= minWindow {
		to = append(to, roundMs(h/2), roundMs(h*3/4))
	}
	slices.Sort(to)
	to = slices.Compact(to)
	var out []candidate
	for _, t := range to {
		if t <= 0 || t >= h {
			continue
		}
		out = append(out, s.edit(fmt.Sprintf("heal every fault at %s instead of %s", t, h), func(root *yaml.Node) {
			clampHeal(root, t)
		}))
	}
	return out
}

// lastFaultEnd is when the last fault with an end of its own ends (0: none
// has one).
func lastFaultEnd(root *yaml.Node) sim.Time {
	var e sim.Time
	for _, p := range items(root, secPartitions) {
		if t, ok := timeAt(p, "heal"); ok {
			e = max(e, t)
		}
	}
	for _, r := range items(root, secNetwork) {
		if t, ok := timeAt(r, "end"); ok {
			e = max(e, t)
		}
	}
	for _, x := range items(root, secTimeline) {
		at, _ := timeAt(x, "at")
		b := body(x)
		switch kindOf(x) {
		case "restart_agent", "heal":
			e = max(e, at)
		case "master_failover":
			d, ok := timeAt(b, "election_delay")
			if !ok {
				d = 10 * sim.Second
			}
			e = max(e, at+d)
		case "framework_failover":
			d, _ := timeAt(b, "down")
			e = max(e, at+d)
		case "partition":
			if d, ok := timeAt(b, "heal_after"); ok {
				e = max(e, at+d)
			}
		}
	}
	return e
}

// clampHeal sets heal_at to h and fits the faults into [0, h): those that
// start later go, restarts and reconnections come at h at the latest.
func clampHeal(root *yaml.Node, h sim.Time) {
	faults := yamlnode.Get(root, "faults")
	setTime(faults, "heal_at", h)
	var gone []ref
	for i, r := range items(root, secNetwork) {
		if t, ok := timeAt(r, "start"); ok && t >= h {
			gone = append(gone, ref{secNetwork, i})
		}
	}
	for i, p := range items(root, secPartitions) {
		if t, _ := timeAt(p, "start"); t >= h {
			gone = append(gone, ref{secPartitions, i})
		}
		if t, ok := timeAt(p, "heal"); ok && t > h {
			setTime(p, "heal", h)
		}
	}
	for i, e := range items(root, secTimeline) {
		kind := kindOf(e)
		if !isFault(kind) {
			continue
		}
		at, _ := timeAt(e, "at")
		b := body(e)
		switch {
		case kind == "restart_agent":
			// A restart is never dropped: its crash may lie before h.
			if at > h {
				setTime(e, "at", h)
			}
		case kind == "heal" && at == h:
			// heal_at heals it anyway.
			gone = append(gone, ref{secTimeline, i})
		case at >= h:
			gone = append(gone, ref{secTimeline, i})
		case kind == "framework_failover":
			if d, ok := timeAt(b, "down"); ok && at+d > h {
				setTime(b, "down", h-at)
			}
		case kind == "master_failover":
			d, ok := timeAt(b, "election_delay")
			if !ok {
				d = 10 * sim.Second
			}
			if at+d > h {
				gone = append(gone, ref{secTimeline, i})
			}
		case kind == "partition":
			if d, ok := timeAt(b, "heal_after"); ok && at+d > h {
				setTime(b, "heal_after", h-at)
			}
		}
	}
	remove(root, gone)
}

// ---- windows ----------------------------------------------------------------

// windowCandidates halves the window of each fault that has one, keeping
// its first half, then its second.
func windowCandidates(s *search) []candidate {
	out := splitWindows(s, secNetwork, "end",
		func(r *yaml.Node, from, mid, to sim.Time) string {
			return fmt.Sprintf("apply network rule %s from %s to %s only", flow(r), from, mid)
		},
		func(r *yaml.Node, from, mid, to sim.Time) string {
			return fmt.Sprintf("apply network rule %s from %s to %s only", flow(r), mid, to)
		})
	out = append(out, splitWindows(s, secPartitions, "heal",
		func(p *yaml.Node, from, mid, to sim.Time) string {
			return fmt.Sprintf("heal partition %s at %s instead of %s", yamlnode.Get(p, "name").Value, mid, to)
		},
		func(p *yaml.Node, from, mid, to sim.Time) string {
			return fmt.Sprintf("start partition %s at %s instead of %s", yamlnode.Get(p, "name").Value, mid, from)
		})...)
	first := items(s.cur, secTimeline)
	for _, u := range faultUnits(s.cur) {
		if u.refs[0].sec != secTimeline {
			continue
		}
		i := u.refs[0].i
		e := first[i]
		at, _ := timeAt(e, "at")
		b := body(e)
		switch kindOf(e) {
		case "crash_agent":
			if len(u.refs) < 2 {
				continue
			}
			j := u.refs[1].i
			rt, _ := timeAt(first[j], "at")
			if rt-at < minWindow {
				continue
			}
			mid := roundMs(at + (rt-at)/2)
			agent := yamlnode.Get(b, "agent").Value
			out = append(out, s.edit(fmt.Sprintf("restart agent %s at %s instead of %s", agent, mid, rt), func(root *yaml.Node) {
				setTime(items(root, secTimeline)[j], "at", mid)
			}))
			out = append(out, s.edit(fmt.Sprintf("crash agent %s at %s instead of %s", agent, mid, at), func(root *yaml.Node) {
				setTime(items(root, secTimeline)[i], "at", mid)
			}))
		case "framework_failover", "partition":
			key := "down"
			if kindOf(e) == "partition" {
				key = "heal_after"
			}
			d, ok := timeAt(b, key)
			if !ok || d < minWindow {
				continue
			}
			half := roundMs(d / 2)
			out = append(out, s.edit(fmt.Sprintf("%s at %s: %s %s instead of %s", kindOf(e), at, key, half, d), func(root *yaml.Node) {
				setTime(body(items(root, secTimeline)[i]), key, half)
			}))
			out = append(out, s.edit(fmt.Sprintf("%s at %s instead of %s, %s %s", kindOf(e), at+d-half, at, key, half), func(root *yaml.Node) {
				e := items(root, secTimeline)[i]
				setTime(e, "at", at+d-half)
				setTime(body(e), key, half)
			}))
		}
	}
	return out
}

// splitWindows halves the window [start, end) of each entry of sec that
// has one (end: endKey, or heal_at when absent) in two candidates: one
// ends it at the middle (described by first), one starts it there
// (second).
func splitWindows(s *search, sec, endKey string, first, second func(e *yaml.Node, from, mid, to sim.Time) string) []candidate {
	var out []candidate
	h, hasHeal := timeAt(yamlnode.Get(s.cur, "faults"), "heal_at")
	for i, e := range items(s.cur, sec) {
		from, _ := timeAt(e, "start")
		to, ok := timeAt(e, endKey)
		if !ok {
			if !hasHeal {
				continue
			}
			to = h
		}
		if to-from < minWindow {
			continue
		}
		mid := roundMs(from + (to-from)/2)
		out = append(out,
			s.edit(first(e, from, mid, to), func(root *yaml.Node) { setTime(items(root, sec)[i], endKey, mid) }),
			s.edit(second(e, from, mid, to), func(root *yaml.Node) { setTime(items(root, sec)[i], "start", mid) }))
	}
	return out
}

// ---- message types ----------------------------------------------------------

// typeCandidates drops one message type at a time from each network rule
// that names several.
func typeCandidates(s *search) []candidate {
	var out []candidate
	for i, r := range items(s.cur, secNetwork) {
		types := yamlnode.Get(r, "types")
		if types == nil || types.Kind != yaml.SequenceNode || len(types.Content) < 2 {
			continue
		}
		for j, t := range types.Content {
			out = append(out, s.edit(fmt.Sprintf("drop %s from network rule %s", t.Value, flow(r)), func(root *yaml.Node) {
				ts := yamlnode.Get(items(root, secNetwork)[i], "types")
				ts.Content = slices.Delete(ts.Content, j, j+1)
			}))
		}
	}
	return out
}

// ---- agents and frameworks --------------------------------------------------

// maxExpand bounds the count of an entry that is written out as one entry
// per member to remove one of them.
const maxExpand = 64

// entryCandidates reduces the agents or frameworks list (sec): it removes
// whole entries, lowers counts, and removes single members of a counted
// entry (written out as one entry each, under the same names).
func entryCandidates(s *search, sec, what string) []candidate {
	seq := yamlnode.Get(s.cur, sec)
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil
	}
	var out []candidate
	entries := seq.Content
	plain := func(e *yaml.Node) bool {
		return e.Kind == yaml.MappingNode && yamlnode.Get(e, "name") != nil &&
			yamlnode.Get(e, "preset") == nil && yamlnode.Get(e, "machine_meta") == nil
	}
	for i, e := range entries {
		if !plain(e) || len(entries) < 2 {
			continue
		}
		out = append(out, s.edit(fmt.Sprintf("remove %s entry %s", what, yamlnode.Get(e, "name").Value), func(root *yaml.Node) {
			l := yamlnode.Get(root, sec)
			l.Content = slices.Delete(l.Content, i, i+1)
		}))
	}
	for i, e := range entries {
		c, ok := intAt(e, "count")
		if !plain(e) || !ok || c < 2 {
			continue
		}
		name := yamlnode.Get(e, "name").Value
		var to []int
		for _, n := range []int{1, c / 2, c - 1} {
			if n >= 1 && n < c && !slices.Contains(to, n) {
				to = append(to, n)
			}
		}
		for _, n := range to {
			out = append(out, s.edit(fmt.Sprintf("%s %s: count %d instead of %d", what, name, n, c), func(root *yaml.Node) {
				setInt(yamlnode.Get(root, sec).Content[i], "count", n)
			}))
		}
		if c > maxExpand {
			continue
		}
		for k := 1; k <= c; k++ {
			out = append(out, s.edit(fmt.Sprintf("remove %s %s-%d", what, name, k), func(root *yaml.Node) {
				l := yamlnode.Get(root, sec)
				orig := l.Content[i]
				var members []*yaml.Node
				for m := 1; m <= c; m++ {
					if m == k {
						continue
					}
					x := yamlnode.Clone(orig)
					yamlnode.Delete(x, "count")
					yamlnode.Set(x, "name", yamlnode.Str(name+"-"+strconv.Itoa(m)), "")
					members = append(members, x)
				}
				l.Content = slices.Concat(l.Content[:i], members, l.Content[i+1:])
			}))
		}
	}
	return out
}

// ---- jobs and tasks ---------------------------------------------------------

// jobCandidates lowers the workload frameworks' max_jobs (setting one
// where there is none) and tasks_per_job.
func jobCandidates(s *search) []candidate {
	var out []candidate
	fws := yamlnode.Get(s.cur, "frameworks")
	if fws == nil || fws.Kind != yaml.SequenceNode {
		return nil
	}
	for i, f := range fws.Content {
		wl := yamlnode.Get(f, "workload")
		if wl == nil || wl.Kind != yaml.MappingNode {
			continue
		}
		name := yamlnode.Get(f, "name").Value
		workload := func(root *yaml.Node) *yaml.Node {
			return yamlnode.Get(yamlnode.Get(root, "frameworks").Content[i], "workload")
		}
		var to []int
		m, ok := intAt(wl, "max_jobs")
		switch {
		case !ok:
			to = []int{1, 2, 4, 8, 16, 32}
		case m > 1:
			for _, n := range []int{1, m / 2, m - 1} {
				if n >= 1 && n < m && !slices.Contains(to, n) {
					to = append(to, n)
				}
			}
		}
		for _, n := range to {
			out = append(out, s.edit(fmt.Sprintf("framework %s: max_jobs %d", name, n), func(root *yaml.Node) {
				setInt(workload(root), "max_jobs", n)
			}))
		}
		tp := yamlnode.Get(wl, "tasks_per_job")
		if tp == nil {
			continue
		}
		var per []int
		if n, err := strconv.Atoi(tp.Value); err == nil && tp.Kind == yaml.ScalarNode {
			for _, k := range []int{1, n / 2} {
				if k >= 1 && k < n && !slices.Contains(per, k) {
					per = append(per, k)
				}
			}
		} else if tp.Kind == yaml.MappingNode {
			per = append(per, 1)
			if lo, ok := intAt(tp, "min"); ok && lo > 1 {
				per = append(per, lo)
			}
		}
		for _, k := range per {
			out = append(out, s.edit(fmt.Sprintf("framework %s: tasks_per_job %d", name, k), func(root *yaml.Node) {
				yamlnode.Set(workload(root), "tasks_per_job", yamlnode.Scalar("!!int", strconv.Itoa(k)), "")
			}))
		}
	}
	return out
}

// ---- other timeline entries -------------------------------------------------

// timelineCandidates removes each timeline entry that is not a fault.
func timelineCandidates(s *search) []candidate {
	var out []candidate
	for i, e := range items(s.cur, secTimeline) {
		if isFault(kindOf(e)) {
			continue
		}
		out = append(out, s.edit("remove timeline entry "+flow(e), func(root *yaml.Node) {
			remove(root, []ref{{secTimeline, i}})
		}))
	}
	return out
}
