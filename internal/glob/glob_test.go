package glob

import (
	"path"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, name string
		want          bool
	}{
		{"deploy/postgres/**", "deploy/postgres/cluster.yaml", true},
		{"deploy/postgres/**", "deploy/postgres/a/b.yaml", true},
		{"deploy/postgres/**", "deploy/postgres", true},
		{"deploy/postgres/**", "deploy/base/x.yaml", false},
		{"**/*.sql", "db/migrations/1.sql", true},
		{"**/*.sql", "x.sql", true},
		{"*.md", "docs/a.md", false},
		{"docs/*.md", "docs/a.md", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/**/b", "a/b", true},
		{"a/**/b/**/c", "a/b/x/b/c", true},
		{"a/**/b/**/c", "a/b/x/b/d", false},
		{"**", "", true},
		{"**", "a/b", true},
		{"**/**", "a", true},
		{"a/**/**/b", "a/b", true},
		{"a/**", "b", false},
		{"a/[b", "a/[b", false}, // a malformed segment matches nothing
		{`a/\*`, "a/*", true},
		{`a/\*`, "a/x", false},
		{"a/[^x]*/c", "a/yz/c", true},
		{"***/x", "ab/x", true},   // "***" is a segment pattern (= "*"), not "**"
		{"***/x", "a/b/x", false}, // so it spans one segment only
	}
	for _, c := range cases {
		if got := Match(c.pattern, c.name); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
		if ref := recursiveMatch(c.pattern, c.name); ref != c.want {
			t.Errorf("reference Match(%q, %q) = %v, want %v", c.pattern, c.name, ref, c.want)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, bad := range []string{"", "/abs", "a/[b"} {
		if Check(bad) == nil {
			t.Errorf("Check(%q) accepted a bad pattern", bad)
		}
	}
	if err := Check("deploy/**/x-*.yaml"); err != nil {
		t.Fatal(err)
	}
}

// pathological are patterns that took the recursive matcher from seconds to
// hours (each "**" about tripled the time), with names they fail to match.
func pathological() (patterns, names []string) {
	deep := strings.Repeat("abcdefghij/", 60) + "y"
	starry := strings.TrimSuffix(strings.Repeat("a*", 40), "*") + "*b"
	long := strings.Repeat("a", 4000)
	return []string{
			strings.Repeat("**/", 30) + "x",
			strings.Repeat("**/a*/", 15) + "x",
			strings.Repeat("**/"+starry+"/", 10) + "x",
			starry,
		}, []string{
			deep,
			strings.Repeat(long+"/", 20) + "y",
			long,
		}
}

// TestPathologicalPatternsFinish is a guard against hanging, not a timing
// assertion: the deadline is generous enough for any machine.
func TestPathologicalPatternsFinish(t *testing.T) {
	patterns, names := pathological()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, p := range patterns {
			for _, n := range names {
				if Match(p, n) {
					t.Errorf("Match(%.40q…, %.40q…) = true", p, n)
				}
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("pathological patterns still matching after 10 s: the matcher is not linear")
	}
}

func BenchmarkMatchPathological(b *testing.B) {
	patterns, names := pathological()
	for b.Loop() {
		for _, p := range patterns {
			for _, n := range names {
				Match(p, n)
			}
		}
	}
}

func BenchmarkMatchTypical(b *testing.B) {
	for b.Loop() {
		Match("deploy/**/overlays/*/kustomization.yaml", "deploy/apps/payments/overlays/prod/kustomization.yaml")
		Match("**/testdata/**", "internal/lint/k8s/testdata/fixtures/bad/deployment.yaml")
	}
}

// BenchmarkSegmentStars checks that path.Match, used per segment, stays
// linear on star-heavy segments (it does not backtrack across stars).
func BenchmarkSegmentStars(b *testing.B) {
	pattern := strings.Repeat("*a", 50) + "*b"
	for _, n := range []int{1000, 4000} {
		name := strings.Repeat("a", n)
		b.Run("name="+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				_, _ = path.Match(pattern, name)
			}
		})
	}
}

// recursiveMatch is the previous matcher, exponential in the number of "**"
// but obviously right: the reference for the fuzzer.
func recursiveMatch(pattern, name string) bool {
	return recursiveSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func recursiveSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if recursiveSegments(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// FuzzMatch asserts that Match agrees with the recursive reference. Inputs are
// kept small (the reference is exponential in "**").
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"deploy/**/x-*.yaml", "deploy/a/b/x-1.yaml"},
		{"**/*.sql", "x.sql"},
		{"a/**/b/**/c", "a/b/x/b/c"},
		{"**/**/a*/**", "q/ab/c"},
		{`[a-c]/\*/**`, "b/*/z"},
		{"a/[b", "a/[b"},
		{"**", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		if len(pattern) > 64 || len(name) > 64 || strings.Count(pattern, "**") > 6 {
			t.Skip()
		}
		if got, want := Match(pattern, name), recursiveMatch(pattern, name); got != want {
			t.Fatalf("Match(%q, %q) = %v, the reference says %v", pattern, name, got, want)
		}
	})
}
