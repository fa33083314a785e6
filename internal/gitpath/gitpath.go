// Package gitpath says which path segments git treats as its own directory,
// so that nothing the platform writes can land in .git under another name.
package gitpath

import (
	"regexp"
	"strings"
)

// shortName is the 8.3 name Windows may give .git (GIT~1, GIT~2, ...).
var shortName = regexp.MustCompile(`^git~[0-9]+$`)

// IsDotGit reports whether a path segment names .git on a case-insensitive
// file system (macOS, Windows): any case, trailing dots and spaces (dropped
// by Windows), an NTFS stream suffix (.git::$INDEX_ALLOCATION), an 8.3
// short name, or characters HFS+ ignores (zero-width joiners and the like),
// as git itself refuses them (is_ntfs_dotgit, is_hfs_dotgit).
func IsDotGit(seg string) bool {
	s := strings.Map(func(r rune) rune {
		if hfsIgnorable(r) {
			return -1
		}
		return r
	}, seg)
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	s = strings.ToLower(strings.TrimRight(s, ". "))
	return s == ".git" || shortName.MatchString(s)
}

// hfsIgnorable lists the code points HFS+ drops when comparing names.
func hfsIgnorable(r rune) bool {
	switch {
	case r >= 0x200c && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x206a && r <= 0x206f, r == 0xfeff:
		return true
	}
	return false
}
