package scaffold

import (
	"reflect"
	"strings"
	"testing"
)

// migrationsYAML is appended to testManifest (spec.version 1.2.3).
const migrationsYAML = `  migrations:
    - version: 1.2.0
      rename: {from: docs/b.md, to: docs/c.md}
    - version: 1.1.0
      rename: {from: docs/old.md, to: docs/new.md}
    - version: 1.1.0
      rename: {from: docs/a.md, to: docs/b.md}
    - version: 1.2.3
      rename: {from: deploy/job.yaml, to: deploy/base/job.yaml}
`

func TestParseManifestMigrations(t *testing.T) {
	m, err := ParseManifest([]byte(testManifest + migrationsYAML))
	if err != nil {
		t.Fatal(err)
	}
	want := Migration{Version: "1.2.0", Rename: &Rename{From: "docs/b.md", To: "docs/c.md"}}
	if len(m.Spec.Migrations) != 4 || !reflect.DeepEqual(m.Spec.Migrations[0], want) {
		t.Fatalf("migrations = %+v, want 4 starting with %+v", m.Spec.Migrations, want)
	}
}

func TestParseManifestRefusesBadMigrations(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"shell command", `[{version: 1.1.0, run: "rm -rf /"}]`, "line 22: migration field run not found: a migration is declarative (rename: {from, to}); templates cannot run commands"},
		{"unknown rename field", `[{version: 1.1.0, rename: {from: a, to: b, mode: 755}}]`, "line 22: rename field mode not found"},
		{"no kind", `[{version: 1.1.0}]`, "needs rename"},
		{"bad version", `[{version: one, rename: {from: a, to: b}}]`, `version "one"`},
		{"v prefix", `[{version: v1.1.0, rename: {from: a, to: b}}]`, `version "v1.1.0"`},
		{"short version", `[{version: "1.1", rename: {from: a, to: b}}]`, `version "1.1"`},
		{"future version", `[{version: 2.0.0, rename: {from: a, to: b}}]`, "later than spec.version 1.2.3"},
		{"escape", `[{version: 1.1.0, rename: {from: ../secrets, to: b}}]`, "rename.from"},
		{"absolute", `[{version: 1.1.0, rename: {from: a, to: /etc/passwd}}]`, "rename.to"},
		{"dot segments", `[{version: 1.1.0, rename: {from: a/./b, to: c}}]`, "clean relative path"},
		{"git", `[{version: 1.1.0, rename: {from: a, to: .git/hooks/pre-commit}}]`, ".git"},
		{"git alias", `[{version: 1.1.0, rename: {from: a, to: .GIT/config}}]`, ".git"},
		{"backslash", `[{version: 1.1.0, rename: {from: 'a\b', to: c}}]`, "rename.from"},
		{"empty", `[{version: 1.1.0, rename: {from: "", to: c}}]`, "rename.from: is empty"},
		{"same path", `[{version: 1.1.0, rename: {from: a, to: a}}]`, "same path"},
		{"renamed twice", `[{version: 1.1.0, rename: {from: a, to: b}}, {version: 1.1.0, rename: {from: a, to: c}}]`, "renamed twice"},
		{"two onto one", `[{version: 1.1.0, rename: {from: a, to: c}}, {version: 1.1.0, rename: {from: b, to: c}}]`, "two files are renamed to c"},
		{"not a list", `{version: 1.1.0}`, "template.yaml"},
		{"not a mapping", `[[1.1.0]]`, "line 22: a migration is a mapping: {version, rename: {from, to}}"},
		{"rename not a mapping", `[{version: 1.1.0, rename: [a, b]}]`, "line 22: a rename is a mapping: {from, to}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseManifest([]byte(testManifest + "  migrations: " + tt.yaml + "\n"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "template.yaml") {
				t.Errorf("error does not name template.yaml: %v", err)
			}
		})
	}
	// The same rename in two versions is a chain, not a clash.
	if _, err := ParseManifest([]byte(testManifest + "  migrations: [{version: 1.1.0, rename: {from: a, to: b}}, {version: 1.2.0, rename: {from: a, to: b}}]\n")); err != nil {
		t.Errorf("same rename in two versions: %v", err)
	}
}

func TestMigrationsBetween(t *testing.T) {
	m, err := ParseManifest([]byte(testManifest + migrationsYAML))
	if err != nil {
		t.Fatal(err)
	}
	renames := func(ms []Migration) []string {
		var out []string
		for _, mg := range ms {
			out = append(out, mg.Version+":"+mg.Rename.From+">"+mg.Rename.To)
		}
		return out
	}
	tests := []struct {
		from, to string
		want     []string
	}{
		{"1.0.0", "1.2.3", []string{"1.1.0:docs/old.md>docs/new.md", "1.1.0:docs/a.md>docs/b.md", "1.2.0:docs/b.md>docs/c.md", "1.2.3:deploy/job.yaml>deploy/base/job.yaml"}},
		{"1.1.0", "1.2.0", []string{"1.2.0:docs/b.md>docs/c.md"}},                                    // from is exclusive, to inclusive
		{"v1.0.0", "v1.1.0", []string{"1.1.0:docs/old.md>docs/new.md", "1.1.0:docs/a.md>docs/b.md"}}, // tags
		{"1.1.0", "1.2.0-rc.1", nil},                                      // a pre-release comes before its release
		{"1.1.0", "1.2.0+build.5", []string{"1.2.0:docs/b.md>docs/c.md"}}, // build metadata is ignored
		{"1.2.0", "1.2.0", nil},
		{"1.2.3", "1.0.0", nil}, // a downgrade: nothing to replay
		{"nope", "1.2.3", nil},
		{"1.0.0", "", nil},
	}
	for _, tt := range tests {
		if got := renames(m.MigrationsBetween(tt.from, tt.to)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("MigrationsBetween(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}
