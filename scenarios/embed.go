package scenarios

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// DefaultName is the embedded scenario `mesosim run` uses with no argument.
const DefaultName = "default"

// Builtin returns the names of the embedded scenarios, sorted.
func Builtin() []string {
	entries, _ := builtinFS.ReadDir("builtin")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// BuiltinSource returns the YAML text of an embedded scenario.
func BuiltinSource(name string) ([]byte, bool) {
	data, err := builtinFS.ReadFile("builtin/" + name + ".yaml")
	return data, err == nil
}

// Open loads a scenario named by arg: an existing file path, or else the
// name of an embedded scenario.
func Open(arg string) (*Scenario, error) { return open(arg, nil) }

func open(arg string, overrides []Override) (*Scenario, error) {
	_, err := os.Stat(arg)
	if err == nil {
		return LoadWith(arg, overrides)
	}
	if data, ok := BuiltinSource(arg); ok {
		return ParseWith(arg+".yaml", data, overrides)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		// A path that exists but cannot be reached: say why, not "no such file".
		return nil, &Error{File: arg, Msg: openMessage(err)}
	}
	hint := ""
	if s := Suggest(arg); len(s) > 0 {
		hint = "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return nil, &Error{File: arg, Msg: fmt.Sprintf("no such file, and no embedded scenario of that name%s (embedded: %s)", hint, strings.Join(Builtin(), ", "))}
}
