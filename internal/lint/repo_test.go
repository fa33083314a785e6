package lint

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRepoIsDir(t *testing.T) {
	root := t.TempDir()
	// On disk only (an ignored directory, say): found by looking.
	if err := os.MkdirAll(filepath.Join(root, "ignored", "deep"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := []*File{NewFile("a/b/c.md", nil), NewFile("a/d.md", nil), NewFile("e.md", nil), NewFile("a/bb/x.md", nil)}
	for _, r := range []*Repo{NewRepo("", Settings{}, files), NewRepo(root, Settings{}, files)} {
		for p, want := range map[string]bool{
			"a": true, "a/b": true, "./a/": true, "a/b/../bb": true, "a/bb": true,
			"a/b/c.md": false, "e.md": false, "a/b/c": false, "b": false, "a/": true, "a/c": false,
			"ignored/deep": r.Root != "", "ignored": r.Root != "",
		} {
			if got := r.IsDir(p); got != want {
				t.Errorf("root %q: IsDir(%q) = %v, want %v", r.Root, p, got, want)
			}
		}
	}
}

func TestFileCachedComputesEachKeyOnce(t *testing.T) {
	f := NewFile("a.yaml", nil)
	calls := map[string]int{}
	for range 3 {
		for _, key := range []string{"a", "b", "c"} {
			if got := f.Cached(key, func() any { calls[key]++; return key + "!" }); got != key+"!" {
				t.Fatalf("Cached(%q) = %v", key, got)
			}
		}
	}
	for _, key := range []string{"a", "b", "c"} {
		if calls[key] != 1 {
			t.Errorf("key %q computed %d times, want once", key, calls[key])
		}
	}
}
