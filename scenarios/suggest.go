package scenarios

import (
	"strings"

	"github.com/mesosim/mesosim/internal/suggest"
)

// Suggest returns the embedded scenario names close to name, for "did you
// mean".
func Suggest(name string) []string {
	return suggest.Among(strings.TrimSuffix(name, ".yaml"), Builtin())
}
