package scenarios

import (
	"strings"
	"testing"
)

// YAML errors that go-yaml gives without a line get one.
func TestBadBytesHaveLines(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"NUL", "name: x\nduration: 1m\nagents: [a\x00]\n", "t.yaml:3: a NUL byte (column 11): a scenario file is text"},
		{"invalid UTF-8", "name: x\xff\n", "t.yaml:1: invalid UTF-8 (byte 0xff, column 8): a scenario file is UTF-8 text"},
		{"a lone continuation byte", "name: x\nduration: 1m\n# \x80\n", "t.yaml:3: invalid UTF-8 (byte 0x80, column 3): a scenario file is UTF-8 text"},
		{"a control character", "name: x\n\x1b[31m\n", "t.yaml:2: control character U+001B (column 1) is not allowed in YAML"},
		{"nesting depth", "name: x\nduration: 1m\nagents: " + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "\n", "t.yaml:3: YAML syntax: exceeded max depth of 10000"},
	} {
		_, err := Parse("t.yaml", []byte(tc.text))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	// Tabs, CRLF, a byte order mark and non-ASCII text are fine.
	if _, err := Parse("t.yaml", []byte("\uFEFFname: \"é x\"\r\nduration:\t1m\r\nagents: [{name: a, resources: \"cpus:1\"}]\r\n")); err != nil {
		t.Errorf("good text refused: %v", err)
	}
}
