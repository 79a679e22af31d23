// Package shell quotes words for a POSIX shell, for the command lines
// mesosim prints and the job scripts it writes.
package shell

import "strings"

// Quote quotes s for a POSIX shell when it needs it: s itself when it is
// made only of letters, digits and _-./=:,+@%, else s in single quotes
// (a single quote inside written '\”).
func Quote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-./=:,+@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Join quotes each word and joins them with spaces.
func Join(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return strings.Join(q, " ")
}
