package sim

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The deterministic core: these packages may not read the wall clock, start
// goroutines, select on channels or use a global random source
// (docs: /work/shared/design/architecture.md, "Determinism rules").
var coreDirs = []string{"../sim", "../model", "../policies"}

// Wall-clock functions of package time.
var forbiddenTime = map[string]bool{
	"Now": true, "Since": true, "Until": true, "Sleep": true, "After": true,
	"Tick": true, "NewTimer": true, "NewTicker": true, "AfterFunc": true,
}

// What of math/rand and math/rand/v2 the core may name: constructors of
// seeded generators, and types. Everything else at package level (Int, IntN,
// Float64, Shuffle, Perm, Seed, N, Read, ...) draws from the global source.
var allowedRand = map[string]bool{
	"New": true, "NewPCG": true, "NewChaCha8": true, "NewSource": true, "NewZipf": true,
	"Rand": true, "Source": true, "Source64": true, "PCG": true, "ChaCha8": true, "Zipf": true,
}

// offense is one violation at file:line.
type offense struct {
	pos  token.Position
	what string
}

func (o offense) String() string { return fmt.Sprintf("%s:%d: %s", o.pos.Filename, o.pos.Line, o.what) }

// importName is the name a file refers to an import by: the explicit name,
// or the package name implied by the path ("math/rand/v2" -> "rand").
func importName(spec *ast.ImportSpec) (path, name string) {
	path, err := strconv.Unquote(spec.Path.Value)
	if err != nil {
		return "", ""
	}
	if spec.Name != nil {
		return path, spec.Name.Name
	}
	elems := strings.Split(path, "/")
	name = elems[len(elems)-1]
	if len(elems) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = elems[len(elems)-2]
	}
	return path, name
}

// checkDeterminism parses one file's source and returns its offenses.
func checkDeterminism(fset *token.FileSet, filename string, src any) ([]offense, error) {
	// Object resolution is on (the default): an identifier that names a local
	// variable, parameter or package-level declaration of this file has Obj
	// set; a package name from an import never has.
	f, err := parser.ParseFile(fset, filename, src, 0)
	if err != nil {
		return nil, err
	}
	var out []offense
	report := func(n ast.Node, format string, args ...any) {
		out = append(out, offense{fset.Position(n.Pos()), fmt.Sprintf(format, args...)})
	}

	// Local import name -> import path, for the packages we police.
	pkgs := map[string]string{}
	for _, spec := range f.Imports {
		path, name := importName(spec)
		if path != "time" && path != "math/rand" && path != "math/rand/v2" {
			continue
		}
		switch name {
		case "_":
		case ".":
			report(spec, "dot import of %q hides what is used from it", path)
		default:
			pkgs[name] = path
		}
	}

	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			report(n, "go statement")
		case *ast.SelectStmt:
			report(n, "select statement")
		case *ast.SelectorExpr:
			id, ok := n.X.(*ast.Ident)
			if !ok || id.Obj != nil { // a field or method of a local value
				return true
			}
			path, ok := pkgs[id.Name]
			if !ok {
				return true
			}
			sel := n.Sel.Name
			switch path {
			case "time":
				if forbiddenTime[sel] {
					report(n, "wall clock: %s.%s", path, sel)
				}
			case "math/rand", "math/rand/v2":
				if !allowedRand[sel] {
					report(n, "global random source: %s.%s", path, sel)
				}
			}
		}
		return true
	})
	return out, nil
}

func TestDeterministicCore(t *testing.T) {
	fset := token.NewFileSet()
	var all []offense
	for _, dir := range coreDirs {
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			offs, err := checkDeterminism(fset, name, src)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			all = append(all, offs...)
			checked++
		}
		// An empty or missing directory must not make the guard pass.
		if checked == 0 {
			t.Fatalf("no non-test Go files in %s", dir)
		}
	}
	for _, o := range all {
		t.Errorf("determinism: %s", o)
	}
}

// The guard itself: every forbidden construct in this source is caught, on
// the line marked "// BAD", and nothing else is.
const guardBadSrc = `package bad

import (
	"fmt"
	clock "time"
	r2 "math/rand/v2"
	mr "math/rand"
	"math/rand/v2"
)

func f(ch chan int) {
	_ = clock.Now() // BAD
	_ = clock.Since(clock.Time{}) // BAD
	_ = clock.Until(clock.Time{}) // BAD
	clock.Sleep(clock.Second) // BAD
	<-clock.After(1) // BAD
	_ = clock.Tick(1) // BAD
	_ = clock.NewTimer(1) // BAD
	_ = clock.NewTicker(1) // BAD
	clock.AfterFunc(1, func() {}) // BAD
	now := clock.Now // BAD
	_ = now
	go func() {}() // BAD
	go fmt.Println() // BAD
	select { // BAD
	case <-ch:
	default:
	}
	select {} // BAD
	_ = r2.Int() // BAD
	_ = r2.IntN(3) // BAD
	_ = r2.Float64() // BAD
	r2.Shuffle(3, func(i, j int) {}) // BAD
	_ = r2.Perm(3) // BAD
	_ = r2.N(clock.Second) // BAD
	_ = r2.N[int64](5) // BAD
	_ = r2.Uint64() // BAD
	mr.Seed(1) // BAD
	_ = mr.Intn(3) // BAD
	_ = mr.Int63() // BAD
	_ = rand.IntN(4) // BAD
	_ = rand.ExpFloat64() // BAD
	pick := rand.IntN // BAD
	_ = pick
	defer clock.Sleep(0) // BAD
}

func g() {
	var x struct{ f func() }
	x.f = func() { _ = mr.Float64() } // BAD
}
`

// Dot imports of the policed packages are offenses in themselves: what is
// used from them cannot be told apart from local names.
const guardDotSrc = `package dot

import (
	. "time"
	. "math/rand/v2"
)

var _ = Now
`

// Nothing here may be flagged: the guard resolves import names, so "time"
// below is another package, "rand" inside f is a seeded *rand.Rand parameter
// and "mr" inside g a local value; Now and After are methods; the rand
// constructors and types are allowed.
const guardCleanSrc = `package clean

import (
	"math/rand/v2"
	mr "math/rand"
	stdtime "time"
	time "example.com/fake/clock"
	_ "time"
)

type Loop struct{ now stdtime.Duration }

func (l *Loop) Now() stdtime.Duration { return l.now }
func (l *Loop) After(d stdtime.Duration) {}

var global = rand.New(rand.NewPCG(1, 2))

func f(l *Loop, rand *rand.Rand, ch chan int) int {
	_ = time.Now()      // a different package named time
	_ = time.Sleep
	_ = l.Now()         // a method called Now
	l.After(stdtime.Second)
	var d stdtime.Duration = 3 * stdtime.Millisecond
	_ = d.String()
	_ = stdtime.Duration(5).Seconds()
	_ = stdtime.Unix(0, 0)
	x := rand.IntN(3)   // the parameter, a seeded *rand.Rand
	_ = rand.Float64()
	var z *mr.Zipf = mr.NewZipf(mr.New(mr.NewSource(1)), 2, 1, 10)
	_ = z
	var src rand.Source = rand.NewChaCha8([32]byte{})
	_ = src
	ch <- x
	return <-ch
}

func g() int {
	mr := struct{ Int func() int }{func() int { return 1 }}
	return mr.Int() + global.IntN(2) // a local shadowing the import
}
`

func TestDeterminismGuardCatches(t *testing.T) {
	t.Run("bad", func(t *testing.T) {
		fset := token.NewFileSet()
		offs, err := checkDeterminism(fset, "bad.go", guardBadSrc)
		if err != nil {
			t.Fatal(err)
		}
		var want []int
		for i, line := range strings.Split(guardBadSrc, "\n") {
			if strings.HasSuffix(line, "// BAD") {
				want = append(want, i+1)
			}
		}
		if len(want) < 30 {
			t.Fatalf("only %d marked lines; the fixture is broken", len(want))
		}
		var got []int
		for _, o := range offs {
			if o.pos.Filename != "bad.go" {
				t.Errorf("offense without file name: %s", o)
			}
			got = append(got, o.pos.Line)
		}
		if !slices.Equal(got, want) {
			t.Errorf("flagged lines %v\n           want %v", got, want)
			for _, o := range offs {
				t.Log(o)
			}
		}
	})

	t.Run("dot-import", func(t *testing.T) {
		offs, err := checkDeterminism(token.NewFileSet(), "dot.go", guardDotSrc)
		if err != nil {
			t.Fatal(err)
		}
		var lines []int
		for _, o := range offs {
			lines = append(lines, o.pos.Line)
		}
		if !slices.Equal(lines, []int{4, 5}) {
			t.Fatalf("dot imports flagged at %v; want lines 4 and 5 (%v)", lines, offs)
		}
	})

	t.Run("clean", func(t *testing.T) {
		offs, err := checkDeterminism(token.NewFileSet(), "clean.go", guardCleanSrc)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range offs {
			t.Errorf("false positive: %s", o)
		}
	})

	t.Run("syntax-error", func(t *testing.T) {
		if _, err := checkDeterminism(token.NewFileSet(), "broken.go", "package x\nfunc {"); err == nil {
			t.Fatal("a file that does not parse was accepted")
		}
	})

	t.Run("import-names", func(t *testing.T) {
		for _, tc := range []struct{ spec, name string }{
			{`"time"`, "time"},
			{`"math/rand"`, "rand"},
			{`"math/rand/v2"`, "rand"},
			{`r "math/rand/v2"`, "r"},
			{`"example.com/mod/v10"`, "mod"},
			{`"example.com/vx"`, "vx"},
		} {
			f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nimport "+tc.spec, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			if _, got := importName(f.Imports[0]); got != tc.name {
				t.Errorf("importName(%s) = %q; want %q", tc.spec, got, tc.name)
			}
		}
	})
}
