package lint

import (
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// ignoreSet is the .gitignore patterns in force in one directory: its own
// file's and, through parent, those of the directories above.
//
// go-git's matcher tries every pattern on every path, which is quadratic on
// big trees with big .gitignore files. ignoreSet gives the same answers (it
// runs go-git's own patterns) but tries only the candidates that can match a
// path: patterns are filed by what a path must contain for them to match (a
// literal name, an extension, a literal first segment under the .gitignore's
// directory, a first character), and the candidates are tried from the last
// one up, so that the last matching pattern still decides (negation included).
type ignoreSet struct {
	parent   *ignoreSet
	patterns []gitignore.Pattern
	names    map[string][]int // a path segment must equal the key
	exts     map[string][]int // a path segment must end with the key, which starts with '.'
	prefixes map[string][]int // the path must start with the key, a whole number of segments
	first    map[byte][]int   // a path segment must start with the key
	any      []int            // no cheap test: always tried
}

// newIgnoreSet compiles the lines of a .gitignore in the directory domain
// (its path segments below the root), on top of parent (nil at the top).
func newIgnoreSet(parent *ignoreSet, data []byte, domain []string) *ignoreSet {
	s := &ignoreSet{parent: parent, names: map[string][]int{}, exts: map[string][]int{},
		prefixes: map[string][]int{}, first: map[byte][]int{}}
	base := strings.Join(domain, "/")
	for _, line := range gitignoreLines(data) {
		i := len(s.patterns)
		s.patterns = append(s.patterns, gitignore.ParsePattern(line, domain))
		s.file(i, line, base)
	}
	return s
}

// gitignoreLines are a .gitignore's pattern lines, without blanks and comments.
func gitignoreLines(data []byte) []string {
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// file puts pattern i in the bucket of the cheapest sound test. It mirrors how
// gitignore.ParsePattern reads the line, and how go-git's pattern matches:
//   - a pattern without a slash matches when one path segment (below its
//     directory) matches it: a literal must equal a segment, "*.ext" must end
//     one, a pattern starting with a literal character must start one;
//   - a pattern with a slash matches from its directory: when its first
//     segment is literal, the path starts with that directory and segment;
//     "**/name" needs a segment equal to name.
func (s *ignoreSet) file(i int, line, base string) {
	p := strings.TrimPrefix(line, "!")
	if !strings.HasSuffix(p, `\ `) {
		p = strings.TrimRight(p, " ")
	}
	p = strings.TrimSuffix(p, "/")
	if !strings.Contains(p, "/") {
		switch {
		case p == "":
		case literal(p):
			s.names[p] = append(s.names[p], i)
			return
		case p[0] == '*' && len(p) > 2 && p[1] == '.' && literal(p[1:]):
			s.exts[p[1:]] = append(s.exts[p[1:]], i)
			return
		case literal(p[:1]):
			s.first[p[0]] = append(s.first[p[0]], i)
			return
		}
		s.any = append(s.any, i)
		return
	}
	segs := strings.Split(p, "/")
	for len(segs) > 0 && segs[0] == "" {
		segs = segs[1:]
	}
	switch {
	case len(segs) == 0:
	case segs[0] != "**" && literal(segs[0]):
		key := segs[0]
		if base != "" {
			key = base + "/" + key
		}
		s.prefixes[key] = append(s.prefixes[key], i)
		return
	case segs[0] == "**" && len(segs) > 1 && segs[1] != "" && segs[1] != "**" && literal(segs[1]):
		s.names[segs[1]] = append(s.names[segs[1]], i)
		return
	}
	s.any = append(s.any, i)
}

// literal reports a pattern segment without wildcards or escapes.
func literal(p string) bool { return !strings.ContainsAny(p, `*?[\`) }

// Match reports whether the path (slash-separated, relative to the root, and
// its segments) is ignored, as go-git's gitignore.Matcher over the same
// patterns in the same order would.
func (s *ignoreSet) Match(rel string, parts []string, isDir bool) bool {
	var cands []int
	for set := s; set != nil; set = set.parent {
		cands = set.candidates(rel, parts, cands[:0])
		for j := len(cands) - 1; j >= 0; j-- {
			if j+1 < len(cands) && cands[j] == cands[j+1] {
				continue
			}
			if m := set.patterns[cands[j]].Match(parts, isDir); m != gitignore.NoMatch {
				return m == gitignore.Exclude
			}
		}
	}
	return false
}

// candidates appends the patterns of this set that may match, sorted.
func (s *ignoreSet) candidates(rel string, parts []string, out []int) []int {
	if len(s.patterns) == 0 {
		return out
	}
	out = append(out, s.any...)
	for _, seg := range parts {
		out = append(out, s.names[seg]...)
		if seg != "" {
			out = append(out, s.first[seg[0]]...)
		}
		for k := strings.IndexByte(seg, '.'); k >= 0; {
			out = append(out, s.exts[seg[k:]]...)
			next := strings.IndexByte(seg[k+1:], '.')
			if next < 0 {
				break
			}
			k += 1 + next
		}
	}
	if len(s.prefixes) > 0 {
		for k := 0; k <= len(rel); k++ {
			if k == len(rel) || rel[k] == '/' {
				out = append(out, s.prefixes[rel[:k]]...)
			}
		}
	}
	slices.Sort(out)
	return out
}
