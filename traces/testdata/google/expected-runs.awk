# Independent reference for every run (the default; not used by the Go code):
#   zcat task_events-part-0000{0,1}-of-00500.excerpt.csv.gz | awk -f expected-runs.awk | LC_ALL=C sort -k1,1n -k2,2 > excerpt-runs.expected
# One line per run the reader must yield: submit id duration running end,
# where id is JOB/INDEX for a task's first SUBMIT seen and JOB/INDEX#N for
# its Nth (docs/traces.md): a run ended before it was scheduled is not
# yielded but keeps its number; an end with no start counts as run 1, so
# the next SUBMIT is run 2. The default 6 h look-ahead never runs out on
# these 3 hours, and the samples have no rows stamped after the window.
# With "-v summary=1" it prints only the counts TestGoogleFullSamples
# checks: runs, reruns (runs after a yielded run of the same task), tasks,
# runs without an end, the sum of the durations (us), RESUBMIT rows and
# dropped rows.
BEGIN { FS = ","; split("EVICT FAIL FINISH KILL LOST", endname, " ") }
{
	k = $3 "/" $4; ev = $6; t = $1; s = (k in st) ? st[k] : ""
	id = (run[k] > 1) ? k "#" run[k] : k
	if (ev == 0) {
		if (s == "" || s == "D" || s == "V") {
			if (s != "") resubmit++
			run[k]++; st[k] = "P"; id = (run[k] > 1) ? k "#" run[k] : k
			submit[id] = t; out[id] = 1; if (has[k]) prior[id] = 1
		} else dropped++
	} else if (ev == 1) {
		if (s == "") { run[k] = 1; st[k] = "U"; id = k; submit[id] = t; out[id] = 1 }
		if (s == "" || s == "P") { st[k] = "U"; start[id] = t; has[k] = 1 } else dropped++
	} else if (ev >= 2 && ev <= 6) {
		if (s == "P") { st[k] = "V"; delete out[id]; dropped += 2 }
		else if (s == "U") { st[k] = "D"; dur[id] = t - start[id]; end[id] = endname[ev - 1] }
		else if (s == "") { run[k] = 1; st[k] = "V"; dropped++ }
		else dropped++
	}
}
END {
	for (i in out) {
		n++
		if (i in prior) reruns++
		if (i in dur) sum += dur[i]; else unknown++
		if (!summary)
			printf "%s %s %.0f %s %s\n", submit[i], i, (i in dur) ? dur[i] : -1, ((i in start) && start[i] == 0) ? "running" : "-", (i in end) ? end[i] : "-"
	}
	if (summary)
		printf "runs %d reruns %d tasks %d unknown %d duration_us %.0f resubmit %d dropped %d\n", n, reruns, n - reruns, unknown, sum, resubmit, dropped
}
