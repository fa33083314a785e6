// Package glob matches slash-separated paths against patterns in which each
// segment is a path.Match pattern and "**" matches any number of segments.
package glob

import (
	"fmt"
	"path"
	"strings"
)

// Match reports whether name matches pattern.
//
// It runs in O(len(pattern) × len(name)) time whatever the number of "**":
// patterns come from repositories and templates, which are untrusted, and a
// recursive matcher is exponential in the number of "**" segments.
func Match(pattern, name string) bool {
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

// matchSegments is the classic wildcard matcher over segments, with "**" as
// the star and path.Match as the per-segment test. Only the latest "**" is
// remembered: when a later segment fails, that "**" takes one more segment and
// matching resumes after it. Earlier "**" never need to be revisited, since
// the latest one can absorb anything they could, so each (pattern, name)
// segment pair is tried at most once per resume point and the work is
// bounded by len(pat) × len(name) segment comparisons. path.Match itself is
// linear in each segment (it does not backtrack across stars), so the whole
// match is O(len(pattern) × len(name)).
func matchSegments(pat, name []string) bool {
	p, n := 0, 0
	star, resume := -1, 0 // index of the latest "**" in pat, and where its match ends in name
	for n < len(name) {
		switch {
		case p < len(pat) && pat[p] == "**":
			star, resume = p, n
			p++
		case p < len(pat) && segmentMatch(pat[p], name[n]):
			p++
			n++
		case star >= 0:
			resume++
			p, n = star+1, resume
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == "**" {
		p++
	}
	return p == len(pat)
}

// segmentMatch is path.Match on one segment; a malformed pattern matches nothing.
func segmentMatch(pattern, segment string) bool {
	ok, _ := path.Match(pattern, segment)
	return ok
}

// Check reports a pattern that is empty, absolute or malformed.
func Check(pattern string) error {
	if pattern == "" || strings.HasPrefix(pattern, "/") {
		return fmt.Errorf("path glob %q: want a relative path such as deploy/postgres/**", pattern)
	}
	for _, seg := range strings.Split(pattern, "/") {
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("path glob %q: %w", pattern, err)
		}
	}
	return nil
}
