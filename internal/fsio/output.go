package fsio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
)

// ErrInput marks an output path that is wrong as given (a directory, one
// of the command's inputs): the caller's bad input, not an I/O failure.
var ErrInput = errors.New("bad output path")

// Output is a file being written. A regular file (or a new one) is
// written to a temporary file beside it, renamed into place by Commit:
// the path holds either its old content or the whole new one, never half.
// A device or FIFO is written to directly (nothing is renamed over it),
// and a symlink is followed: its target is replaced, the link kept.
type Output struct {
	*os.File
	path   string // what is replaced on Commit ("" when direct)
	tmp    string
	done   bool
	direct bool
}

// Create opens path for writing under the rules of Output. It refuses
// (errors wrapping ErrInput) an existing directory and a path that is the
// same file as one of inputs; it refuses (permission denied) an existing
// regular file without a write permission bit, even as root, and a
// folder it cannot create files in. No temporary file is left by a
// refusal.
func Create(path string, inputs []string) (*Output, error) {
	target := path
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		resolved, err := filepath.EvalSymlinks(path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, Explain(path, err)
		}
		if err == nil {
			target = resolved
		} else if dest, lerr := os.Readlink(path); lerr == nil {
			// A dangling link: create its target.
			if !filepath.IsAbs(dest) {
				dest = filepath.Join(filepath.Dir(path), dest)
			}
			target = dest
		}
	}
	fi, err := os.Stat(target)
	switch {
	case err == nil && fi.IsDir():
		return nil, fmt.Errorf("%w: %s is a directory", ErrInput, path)
	case err == nil:
		for _, in := range inputs {
			if ii, ierr := os.Stat(in); ierr == nil && os.SameFile(fi, ii) {
				return nil, fmt.Errorf("%w: %s is also an input of this command (%s): refusing to overwrite it", ErrInput, path, in)
			}
		}
		if !fi.Mode().IsRegular() {
			f, err := os.OpenFile(target, os.O_WRONLY, 0)
			if err != nil {
				return nil, Explain(path, err)
			}
			return &Output{File: f, direct: true}, nil
		}
		if fi.Mode().Perm()&0o222 == 0 {
			return nil, &Error{Path: path, Err: fmt.Errorf("%w (the file is read-only: not replaced)", syscall.EACCES)}
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, Explain(path, err)
	}
	dir := filepath.Dir(target)
	if di, err := os.Stat(dir); err != nil {
		return nil, &Error{Path: path, Err: fmt.Errorf("directory %s: %w", dir, Explain(dir, err).(*Error).Err)}
	} else if !di.IsDir() {
		return nil, &Error{Path: path, Err: fmt.Errorf("%s is not a directory", dir)}
	}
	base := "." + filepath.Base(target) + "." + strconv.Itoa(os.Getpid()) + "."
	for i := 0; ; i++ {
		tmp := filepath.Join(dir, base+strconv.Itoa(i)+".tmp")
		// 0666 less the umask, as a plain create would give.
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			track(tmp)
			return &Output{File: f, path: target, tmp: tmp}, nil
		}
		if !errors.Is(err, fs.ErrExist) || i >= 10_000 {
			return nil, Explain(path, err)
		}
	}
}

// Commit closes the output and, unless it is direct, renames the
// temporary file into place.
func (o *Output) Commit() error {
	if o.done {
		return nil
	}
	o.done = true
	err := o.File.Close()
	if o.direct {
		return err
	}
	if err == nil {
		err = os.Rename(o.tmp, o.path)
	}
	if err != nil {
		os.Remove(o.tmp)
	}
	untrack(o.tmp)
	return err
}

// Abort closes the output and removes its temporary file: the path is
// left as it was. It is a no-op after Commit.
func (o *Output) Abort() {
	if o.done {
		return
	}
	o.done = true
	o.File.Close()
	if !o.direct {
		os.Remove(o.tmp)
		untrack(o.tmp)
	}
}

// CheckDir checks that dir is an existing directory that files can be
// created in, by creating and removing one.
func CheckDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return Explain(dir, err)
	}
	if !fi.IsDir() {
		return &Error{Path: dir, Err: syscall.ENOTDIR}
	}
	f, err := os.CreateTemp(dir, ".mesosim-check-*")
	if err != nil {
		return Explain(dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// The temporary files of the outputs open now, for RemoveTemps.
var temps struct {
	sync.Mutex
	names []string
}

func track(name string) {
	temps.Lock()
	temps.names = append(temps.names, name)
	temps.Unlock()
}

func untrack(name string) {
	temps.Lock()
	if i := slices.Index(temps.names, name); i >= 0 {
		temps.names = slices.Delete(temps.names, i, i+1)
	}
	temps.Unlock()
}

// RemoveTemps removes the temporary files of every output not yet
// committed or aborted: for a process about to exit on a signal.
func RemoveTemps() {
	temps.Lock()
	defer temps.Unlock()
	for _, n := range temps.names {
		os.Remove(n)
	}
	temps.names = nil
}
