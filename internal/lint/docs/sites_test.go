package docs

import "testing"

func TestWithin(t *testing.T) {
	for _, tc := range []struct {
		p, dir string
		want   bool
	}{
		{"docs/a.md", "docs", true},
		{"docs", "docs", true},
		{"docs/sub/a.md", "docs", true},
		{"docsx/a.md", "docs", false},
		{"doc", "docs", false},
		{"a.md", ".", true},
		{"site/docs/a.md", "docs", false},
	} {
		if got := within(tc.p, tc.dir); got != tc.want {
			t.Errorf("within(%q, %q) = %v, want %v", tc.p, tc.dir, got, tc.want)
		}
	}
}
