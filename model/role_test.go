package model

import (
	"strings"
	"testing"
)

func TestValidateRole(t *testing.T) {
	valid := []string{"*", "a", "a/b", "a/b/c", "dev-team", "a.b", "a/.b", "a/b-", "x_y", "ünï", "a)b"}
	for _, r := range valid {
		if err := ValidateRole(r); err != nil {
			t.Errorf("ValidateRole(%q) = %v, want nil", r, err)
		}
	}
	invalid := []struct{ role, want string }{
		{"", "empty role name"},
		{"/a", "starts with '/'"},
		{"a/", "ends with '/'"},
		{"/", "starts with '/'"},
		{"a//b", "empty path component"},
		{".", `path component "."`},
		{"..", `path component ".."`},
		{"a/./b", `path component "."`},
		{"a/..", `path component ".."`},
		{"-a", "starts with '-'"},
		{"a/-b", "starts with '-'"},
		{"a b", "whitespace"},
		{"a\tb", "whitespace"},
		{" a", "whitespace"},
		{"a\x00b", "control character"},
		{"a\x7f", "control character"},
		{"a/*", `"*" not allowed`},
		{"*/a", `"*" not allowed`},
		{"**", ""},
		{"a\xffb", "invalid UTF-8"},
	}
	for _, c := range invalid {
		err := ValidateRole(c.role)
		if c.want == "" {
			// "**" is a plain name to Mesos; only the bare component "*" is special.
			if err != nil {
				t.Errorf("ValidateRole(%q) = %v, want nil", c.role, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("ValidateRole(%q) = nil, want error containing %q", c.role, c.want)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "role ") || !strings.Contains(msg, c.want) {
			t.Errorf("ValidateRole(%q) = %q, want role prefix and %q", c.role, msg, c.want)
		}
	}
	if got := ValidateRole("a//b").Error(); got != `role "a//b": empty path component` {
		t.Errorf("ValidateRole(a//b) = %q", got)
	}
}

func TestRoleTree(t *testing.T) {
	anc := []struct {
		a, r string
		want bool
	}{
		{"a", "a", true},
		{"a", "a/b", true},
		{"a", "a/b/c", true},
		{"a/b", "a/b/c", true},
		{"a", "ab", false},
		{"a/b", "a", false},
		{"a/b", "a/bc", false},
		{"b", "a/b", false},
		{"", "a", false},
	}
	for _, c := range anc {
		if got := IsAncestorOrSelf(c.a, c.r); got != c.want {
			t.Errorf("IsAncestorOrSelf(%q, %q) = %v, want %v", c.a, c.r, got, c.want)
		}
	}
	paths := []struct{ role, parent, top string }{
		{"a/b/c", "a/b", "a"},
		{"a/b", "a", "a"},
		{"a", "", "a"},
		{"*", "", "*"},
	}
	for _, c := range paths {
		if got := ParentRole(c.role); got != c.parent {
			t.Errorf("ParentRole(%q) = %q, want %q", c.role, got, c.parent)
		}
		if got := TopLevelRole(c.role); got != c.top {
			t.Errorf("TopLevelRole(%q) = %q, want %q", c.role, got, c.top)
		}
	}
}
