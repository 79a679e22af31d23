package scenarios

import (
	"fmt"
	"unicode/utf8"
)

// badBytes finds the first byte sequence a YAML file cannot hold, which
// go-yaml reports without a line: invalid UTF-8, a NUL byte or another
// control character (tab, newline and carriage return are allowed, and
// a leading byte order mark). It returns the 1-based line and what is
// wrong, or 0 when there is none.
func badBytes(data []byte) (int, string) {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return line, fmt.Sprintf("invalid UTF-8 (byte 0x%02x, column %d): a scenario file is UTF-8 text", data[i], column(data, i))
		case r == 0:
			return line, fmt.Sprintf("a NUL byte (column %d): a scenario file is text", column(data, i))
		case r == '\n':
			line++
		case r == '\t' || r == '\r' || (r == '\uFEFF' && i == 0):
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return line, fmt.Sprintf("control character U+%04X (column %d) is not allowed in YAML", r, column(data, i))
		}
		i += size
	}
	return 0, ""
}

// column is the 1-based column (in bytes) of offset i in data.
func column(data []byte, i int) int {
	c := 1
	for j := i - 1; j >= 0 && data[j] != '\n'; j-- {
		c++
	}
	return c
}
