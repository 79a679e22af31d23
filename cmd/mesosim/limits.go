package main

import (
	"fmt"
	"math"
	"regexp"
	"strings"
)

// maxParallel caps --parallel: simulations run at once by fuzz, compare
// and fuzz --shrink. More than the cores gains nothing; the cap keeps a
// mistyped value from starting a million goroutines.
const maxParallel = 1024

// checkParallel refuses a --parallel outside [1, maxParallel].
func checkParallel(p int) error {
	if p < 1 || p > maxParallel {
		return badInput("--parallel %d: must be in [1, %d]", p, maxParallel)
	}
	return nil
}

// checkSeeds refuses a --seeds outside [1, most], and a first seed whose
// last of n seeds would pass 2^64-1; from names where the first seed came
// from ("--seed-start", or the scenario's seed).
func checkSeeds(n, most int, first uint64, from string) error {
	if n < 1 || n > most {
		return badInput("--seeds %d: must be in [1, %d]", n, most)
	}
	if first > math.MaxUint64-uint64(n-1) {
		return badInput("%s %d: the last of %d seeds would exceed %d", from, first, n, uint64(math.MaxUint64))
	}
	return nil
}

// seedSource names where a command's first seed came from in messages.
func seedSource(changed bool) string {
	if changed {
		return "--seed-start"
	}
	return "the scenario's seed"
}

// pflagValue matches pflag's message for a flag value that does not
// parse: `invalid argument "V" for "--F" flag: CAUSE`.
var pflagValue = regexp.MustCompile(`^invalid argument "(.*)" for "(-[^"]*)" flag: (.*)$`)

// flagWords rewrites a flag parsing error in the user's words, without
// Go's parser names: `--seeds: "x" is not an integer`, not `strconv.ParseInt:
// parsing "x": invalid syntax`.
func flagWords(err error) error {
	m := pflagValue.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	value, flag, cause := m[1], m[2], m[3]
	if i := strings.LastIndex(flag, ", "); i >= 0 {
		flag = flag[i+2:] // "-h, --help" -> "--help"
	}
	what := ""
	switch {
	case strings.Contains(cause, "value out of range"):
		what = "is out of range"
	case strings.HasPrefix(cause, "strconv.ParseUint"):
		what = "is not a non-negative integer"
	case strings.HasPrefix(cause, "strconv.ParseInt"):
		what = "is not an integer"
	case strings.HasPrefix(cause, "strconv.ParseFloat"):
		what = "is not a number"
	case strings.HasPrefix(cause, "strconv.ParseBool"):
		what = "is not true or false"
	case strings.HasPrefix(cause, "time: "):
		what = "is not a duration such as 90s, 10m or 1h30m"
	default:
		return fmt.Errorf("%s: %q: %s", flag, value, cause)
	}
	return fmt.Errorf("%s: %q %s", flag, value, what)
}
