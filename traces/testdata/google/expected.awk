# Independent reference for the excerpt test (not used by the Go code):
#   zcat task_events-part-0000{0,1}-of-00500.excerpt.csv.gz | awk -f expected.awk | LC_ALL=C sort -k1,1n -k2,2 > excerpt.expected
# One line per task the reader must yield: submit id duration running end,
# following the replay semantics in docs/traces.md (first run only; tasks
# ended before being scheduled dropped; an end with no start makes the
# task's later runs reruns; the default 6 h look-ahead never runs out on
# these 3 hours).
BEGIN { FS = ","; split("EVICT FAIL FINISH KILL LOST", endname, " ") }
{
	id = $3 "/" $4; ev = $6; t = $1; s = (id in st) ? st[id] : ""
	if (ev == 0) {
		if (id in gone) { } else if (s == "") { st[id] = "P"; submit[id] = t } else if (s == "D") st[id] = "R"
	} else if (ev == 1) {
		if (id in gone) { } else if (s == "") { st[id] = "U"; start[id] = t; submit[id] = t } else if (s == "P") { st[id] = "U"; start[id] = t }
	} else if (ev >= 2 && ev <= 6) {
		if (s == "P") { delete st[id]; delete start[id] } else if (s == "U") { st[id] = "D"; dur[id] = t - start[id]; end[id] = endname[ev - 1] } else if (s == "") gone[id] = 1
	}
}
END {
	for (k in st)
		printf "%s %s %.0f %s %s\n", submit[k], k, (k in dur) ? dur[k] : -1, ((k in start) && start[k] == 0) ? "running" : "-", (k in end) ? end[k] : "-"
}
