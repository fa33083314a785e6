package glob

import "testing"

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
	}
	for _, c := range cases {
		if got := Match(c.pattern, c.name); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
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
