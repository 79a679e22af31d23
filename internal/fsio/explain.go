// Package fsio holds the file-system handling the readers and the CLI
// share: path errors said in the user's words, and outputs written so that
// a failed or interrupted command leaves nothing half-written. It imports
// the standard library only.
package fsio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// Explain says what is wrong with path in the user's words, given the
// error an operation on it returned: "PATH: is a directory", "PATH:
// permission denied", "PATH: too many levels of symbolic links", "PATH: no
// such file or directory", without the Go operation ("stat", "open") that
// met it. An error of another kind is returned as it is.
func Explain(path string, err error) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	var le *os.LinkError
	var errno syscall.Errno
	switch {
	case errors.As(err, &pe):
		return &Error{Path: path, Err: pe.Err}
	case errors.As(err, &le):
		return &Error{Path: path, Err: le.Err}
	case errors.As(err, &errno):
		return &Error{Path: path, Err: errno}
	}
	return err
}

// Error is a path and what is wrong with it.
type Error struct {
	Path string
	Err  error
}

// Error formats as PATH: what is wrong.
func (e *Error) Error() string { return fmt.Sprintf("%s: %v", e.Path, e.Err) }

// Unwrap returns what is wrong, so that errors.Is(err, fs.ErrNotExist)
// holds.
func (e *Error) Unwrap() error { return e.Err }

// Readable checks that path names a regular file (or a device or FIFO)
// that can be opened for reading, and says what is wrong when not.
func Readable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return Explain(path, err)
	}
	if fi.IsDir() {
		return &Error{Path: path, Err: syscall.EISDIR}
	}
	if fi.Mode().IsRegular() {
		f, err := os.Open(path)
		if err != nil {
			return Explain(path, err)
		}
		f.Close()
	}
	return nil
}
