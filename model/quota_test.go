package model

import "testing"

// TestValidateQuotaRole: quota may be set on "*" and on any valid top-level
// role; a nested role is refused whatever its ancestors have
// (Master::QuotaHandler::update, MESOS-7402), and an invalid role is
// refused for what makes it invalid.
func TestValidateQuotaRole(t *testing.T) {
	for _, c := range []struct{ role, want string }{
		{"*", ""},
		{"prod", ""},
		{"a.b", ""},
		{"a/b", `role "a/b": quota is set on top-level roles only (here "a")`},
		{"a/b/c", `role "a/b/c": quota is set on top-level roles only (here "a")`},
		{"-x", `role "-x": path component "-x" starts with '-'`},
		{"a/*", `role "a/*": "*" not allowed as a path component of a nested role`},
	} {
		err := ValidateQuotaRole(c.role)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("ValidateQuotaRole(%q) = %q, want %q", c.role, got, c.want)
		}
	}
}
