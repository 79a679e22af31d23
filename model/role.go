package model

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultRole is the Mesos default role "*". As a reservation role it means
// unreserved; Resource.Role stores it as "".
const DefaultRole = "*"

// ValidateRole reports whether role is a valid Mesos role name, following
// the rules of Mesos's src/common/roles.cpp: "*" (the default role) is
// valid; otherwise the role must be non-empty, must not start or end with
// '/', must not contain an empty path component (consecutive slashes), must
// not have a component that is ".", ".." or "*" or that starts with '-', and
// must not contain whitespace or control characters anywhere.
func ValidateRole(role string) error {
	if reason := roleProblem(role); reason != "" {
		return &roleError{role: role, reason: reason}
	}
	return nil
}

type roleError struct{ role, reason string }

func (e *roleError) Error() string {
	return "role " + strconv.Quote(e.role) + ": " + e.reason
}

// roleProblem returns what is wrong with role, or "" if it is valid.
func roleProblem(role string) string {
	if role == DefaultRole {
		return ""
	}
	if role == "" {
		return "empty role name"
	}
	for i, c := range role {
		if c == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(role[i:]); size == 1 {
				return "invalid UTF-8"
			}
		}
		if unicode.IsSpace(c) {
			return "contains whitespace"
		}
		if unicode.IsControl(c) {
			return "contains a control character"
		}
	}
	if role[0] == '/' {
		return "starts with '/'"
	}
	if role[len(role)-1] == '/' {
		return "ends with '/'"
	}
	rest := role
	for {
		comp, tail, more := strings.Cut(rest, "/")
		switch {
		case comp == "":
			return "empty path component"
		case comp == ".":
			return `path component "." not allowed`
		case comp == "..":
			return `path component ".." not allowed`
		case comp == DefaultRole:
			return `"*" not allowed as a path component of a nested role`
		case comp[0] == '-':
			return "path component " + strconv.Quote(comp) + " starts with '-'"
		}
		if !more {
			return ""
		}
		rest = tail
	}
}

// IsAncestorOrSelf reports whether role equals ancestor or lies below it in
// the role tree: IsAncestorOrSelf("a", "a/b") is true, ("a", "ab") is false.
func IsAncestorOrSelf(ancestor, role string) bool {
	if len(role) == len(ancestor) {
		return role == ancestor
	}
	return len(role) > len(ancestor) && role[len(ancestor)] == '/' &&
		role[:len(ancestor)] == ancestor
}

// ParentRole returns the parent of a nested role ("a/b/c" -> "a/b"), or ""
// for a top-level role.
func ParentRole(role string) string {
	if i := strings.LastIndexByte(role, '/'); i >= 0 {
		return role[:i]
	}
	return ""
}

// TopLevelRole returns the first path component of role ("a/b/c" -> "a").
func TopLevelRole(role string) string {
	if i := strings.IndexByte(role, '/'); i >= 0 {
		return role[:i]
	}
	return role
}
