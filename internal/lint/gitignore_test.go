package lint

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// goGitMatch is the reference: go-git's matcher over the same patterns.
func goGitMatch(levels [][]string, domains [][]string, parts []string, isDir bool) bool {
	var ps []gitignore.Pattern
	for i, lines := range levels {
		for _, l := range lines {
			ps = append(ps, gitignore.ParsePattern(l, domains[i]))
		}
	}
	return gitignore.NewMatcher(ps).Match(parts, isDir)
}

func buildSet(levels [][]string, domains [][]string) *ignoreSet {
	var s *ignoreSet
	for i, lines := range levels {
		s = newIgnoreSet(s, []byte(strings.Join(lines, "\n")), domains[i])
	}
	return s
}

func TestIgnoreSetCases(t *testing.T) {
	levels := [][]string{
		{"*.log", "!keep.log", "build/", "/dist", "docs/**/draft-*", "**/cache", "tmp*", "a/b", "?x", "[Tt]humbs.db", "sub/only-here", "  ", "trailing\\ "},
		{"*.tmp", "!/x.tmp", "/build/", "local"},
	}
	domains := [][]string{nil, {"sub"}}
	cases := []struct {
		path  string
		isDir bool
		want  bool
	}{
		{"app.log", false, true},
		{"keep.log", false, false},         // negated later
		{"deep/er/keep.log", false, false}, // negation at any depth
		{"build", true, true},
		{"build", false, false}, // dir-only
		{"src/build", true, true},
		{"dist", false, true},
		{"src/dist", false, false}, // anchored at the root
		{"docs/a/b/draft-1.md", false, true},
		{"docs/draft-1.md", false, true},
		{"x/cache", true, true},
		{"cache", false, true},
		{"tmpfile", false, true},
		{"a/b", false, true},
		{"a/b/c", false, true},
		{"z/a/b", false, false},
		{"qx", false, true},
		{"thumbs.db", false, true},
		{"sub/only-here", false, true},
		{"sub/y.tmp", false, true},
		{"y.tmp", false, false}, // sub/.gitignore applies below sub/ only
		{"sub/x.tmp", false, false},
		{"sub/z/x.tmp", false, true}, // !/x.tmp is anchored to sub/
		{"sub/build", true, true},
		{"sub/z/build", true, true}, // build/ from the root's .gitignore
		{"sub/local", false, true},
		{"trailing ", false, true},
		{"plain.txt", false, false},
	}
	s := buildSet(levels, domains)
	for _, c := range cases {
		parts := strings.Split(c.path, "/")
		ref := goGitMatch(levels, domains, parts, c.isDir)
		if ref != c.want {
			t.Errorf("go-git says %q (dir %v) ignored=%v, the table says %v", c.path, c.isDir, ref, c.want)
		}
		if got := s.Match(c.path, parts, c.isDir); got != ref {
			t.Errorf("%q (dir %v): ignored=%v, go-git says %v", c.path, c.isDir, got, ref)
		}
	}
}

// TestIgnoreSetAgreesWithGoGit compares the bucketed matcher with go-git's on
// random patterns and paths over a small alphabet, where collisions are common.
func TestIgnoreSetAgreesWithGoGit(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	segs := []string{"a", "b", "ab", "a.b", ".a", "b.a.b", "**", "*", "*.b", "a*", "?", "[ab]", "*b", "", "x\\ ", "a.*"}
	names := []string{"a", "b", "ab", "a.b", ".a", "b.a.b", "ba", "x ", "aa.b", "c"}
	pattern := func() string {
		var b strings.Builder
		if r.IntN(4) == 0 {
			b.WriteString("!")
		}
		if r.IntN(4) == 0 {
			b.WriteString("/")
		}
		for i := range 1 + r.IntN(3) {
			if i > 0 {
				b.WriteString("/")
			}
			b.WriteString(segs[r.IntN(len(segs))])
		}
		if r.IntN(4) == 0 {
			b.WriteString("/")
		}
		return b.String()
	}
	for range 3000 {
		var levels, domains [][]string
		var domain []string
		for range 1 + r.IntN(3) {
			var lines []string
			for range r.IntN(6) {
				lines = append(lines, pattern())
			}
			levels = append(levels, lines)
			domains = append(domains, domain)
			domain = append(domain[:len(domain):len(domain)], names[r.IntN(len(names))])
		}
		s := buildSet(levels, domains)
		for range 20 {
			parts := append([]string(nil), domains[len(domains)-1]...)
			if r.IntN(3) == 0 {
				parts = nil
			}
			for range 1 + r.IntN(3) {
				parts = append(parts, names[r.IntN(len(names))])
			}
			isDir := r.IntN(2) == 0
			rel := strings.Join(parts, "/")
			if got, want := s.Match(rel, parts, isDir), goGitMatch(levels, domains, parts, isDir); got != want {
				t.Fatalf("%q (dir %v) with %q in %q: ignored=%v, go-git says %v", rel, isDir, levels, domains, got, want)
			}
		}
	}
}

func FuzzIgnoreSet(f *testing.F) {
	f.Add("*.log\n!keep.log\nbuild/\n/dist\n**/cache", "src/keep.log", false)
	f.Add("a/b/\n!a/b/c", "a/b/c", true)
	f.Fuzz(func(t *testing.T, gitignoreText, path string, isDir bool) {
		if len(gitignoreText) > 200 || len(path) > 60 || path == "" {
			t.Skip()
		}
		levels := [][]string{gitignoreLines([]byte(gitignoreText))}
		domains := [][]string{nil}
		parts := strings.Split(path, "/")
		if got, want := buildSet(levels, domains).Match(path, parts, isDir), goGitMatch(levels, domains, parts, isDir); got != want {
			t.Fatalf("%q with %q: ignored=%v, go-git says %v", path, levels[0], got, want)
		}
	})
}

var (
	benchFiles    = flag.Int("gitignore.files", 10_000, "files in BenchmarkWalkGitignore's tree (docs/performance.md: 100000)")
	benchPatterns = flag.Int("gitignore.patterns", 2_000, "patterns in BenchmarkWalkGitignore's .gitignore")
	benchKeep     = flag.String("gitignore.keep", "", "write BenchmarkWalkGitignore's tree here and keep it (to compare with git)")
	benchGoGit    = flag.Bool("gitignore.gogit", false, "also time go-git's matcher in BenchmarkGitignoreMatch (slow: every pattern on every path)")
)

// BenchmarkWalkGitignore walks a generated tree under a big .gitignore, the
// shape of a monorepo's: literal names, extensions, anchored and dir-only
// patterns, ** patterns, globs and negations, most of them matching nothing.
func BenchmarkWalkGitignore(b *testing.B) {
	root := *benchKeep
	if root == "" {
		root = b.TempDir()
	}
	writeGitignoreTree(b, root, *benchFiles, *benchPatterns)
	b.ResetTimer()
	for b.Loop() {
		rd := &reader{root: root, limit: DefaultMaxFileSize, open: openNonblocking}
		w := &walker{ctx: b.Context(), root: root, reader: rd}
		if err := w.walk(".", nil); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(w.files)), "files")
	}
}

func writeGitignoreTree(b *testing.B, root string, files, patterns int) {
	var gi strings.Builder
	for i := range patterns {
		switch i % 10 {
		case 0, 1, 2:
			fmt.Fprintf(&gi, "generated-%d.txt\n", i)
		case 3, 4:
			fmt.Fprintf(&gi, "*.ext%d\n", i)
		case 5:
			fmt.Fprintf(&gi, "/out-%d/\n", i)
		case 6:
			fmt.Fprintf(&gi, "**/cache-%d\n", i)
		case 7:
			fmt.Fprintf(&gi, "tmp-%d/\n", i)
		case 8:
			fmt.Fprintf(&gi, "pkg%d/**/*.snap\n", i)
		case 9:
			fmt.Fprintf(&gi, "!generated-%d.txt\n", i-9)
		}
	}
	write := func(rel, data string) {
		abs := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write(".gitignore", gi.String())
	// 100 files per directory, directories two levels deep; one file in ten
	// is ignored (a generated name, an ignored extension).
	for i := range files {
		dir := fmt.Sprintf("pkg%d/mod%d", i/1000, i/100%10)
		name := fmt.Sprintf("file-%d.go", i)
		switch i % 10 {
		case 3:
			name = fmt.Sprintf("generated-%d.txt", (i/10*10)%patterns)
		case 7:
			name = fmt.Sprintf("data-%d.ext%d", i, 3+(i/10*10)%patterns)
		}
		write(dir+"/"+name, "")
	}
}

// BenchmarkGitignoreMatch is the matching alone, on the paths of the
// BenchmarkWalkGitignore tree: the bucketed matcher against go-git's.
func BenchmarkGitignoreMatch(b *testing.B) {
	root := b.TempDir()
	writeGitignoreTree(b, root, *benchFiles, *benchPatterns)
	data, err := os.ReadFile(filepath.Join(root, ".gitignore"))
	if err != nil {
		b.Fatal(err)
	}
	var rels []string
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != root {
			rel, _ := filepath.Rel(root, p)
			rels = append(rels, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	set := newIgnoreSet(nil, data, nil)
	var patterns []gitignore.Pattern
	for _, line := range gitignoreLines(data) {
		patterns = append(patterns, gitignore.ParsePattern(line, nil))
	}
	goGit := gitignore.NewMatcher(patterns)
	b.Run("ignoreSet", func(b *testing.B) {
		for b.Loop() {
			for _, rel := range rels {
				set.Match(rel, strings.Split(rel, "/"), false)
			}
		}
	})
	b.Run("go-git", func(b *testing.B) {
		if !*benchGoGit {
			b.Skip("slow; run with -args -gitignore.gogit")
		}
		for b.Loop() {
			for _, rel := range rels {
				goGit.Match(strings.Split(rel, "/"), false)
			}
		}
	})
}
