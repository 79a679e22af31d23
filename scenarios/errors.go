package scenarios

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Error is a scenario error: what is wrong, and where. Every error returned
// by Load and Parse is an *Error.
type Error struct {
	File string
	Line int // 1-based; 0 when the error is about the whole file
	Msg  string
}

// Error formats the error as "FILE:LINE: msg" ("FILE: msg" without a line).
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// failure carries an *Error up through the decoder via panic; Parse recovers
// it. Only values of this type are recovered, so genuine bugs still crash.
type failure struct{ err *Error }

// failf fails the decoding with an *Error at line. A negative line -(i+1) marks a node that override i put in the tree: the
// error then has no line and names the override instead.
func (d *decoder) failf(line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if line < 0 {
		msg += " (" + d.overrides[-line-1].Source() + ")"
		line = 0
	}
	panic(failure{&Error{File: d.file, Line: line, Msg: msg}})
}

// lineRef names where a line is for messages that point elsewhere: "line
// 7", or the override that made the node ("--set PATH=VALUE", see
// Override.Source).
func (d *decoder) lineRef(line int) string {
	if line < 0 {
		return d.overrides[-line-1].Source()
	}
	return fmt.Sprintf("line %d", line)
}

// yamlLine matches the position prefix of go-yaml's syntax errors.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// syntaxError converts a go-yaml parse error to an *Error.
func syntaxError(file string, err error) *Error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			return &Error{File: file, Line: n, Msg: "YAML syntax: " + m[2]}
		}
	}
	return &Error{File: file, Msg: "YAML syntax: " + msg}
}
