package baseline

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint"
)

func writeFile(t *testing.T, dir, name, data string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFingerprintSurvivesLineMove(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "d.yaml", "kind: Deployment\n  image: nginx:latest\n")
	before := lint.Finding{Rule: "k8s/image-tag", Path: "d.yaml", Line: 2, Message: "image nginx:latest is not pinned"}
	fp := Fingerprint(before, (&Lines{Root: dir}).Line("d.yaml", 2))

	// Three lines inserted above, and the indentation changed.
	writeFile(t, dir, "d.yaml", "# a\n# b\n# c\nkind: Deployment\n      image: nginx:latest\n")
	after := before
	after.Line = 5
	if got := Fingerprint(after, (&Lines{Root: dir}).Line("d.yaml", 5)); got != fp {
		t.Errorf("fingerprint after a line move = %s, want %s", got, fp)
	}
	// Another rule, path or line text is another fingerprint.
	for _, f := range []lint.Finding{
		{Rule: "k8s/probes", Path: "d.yaml", Line: 5},
		{Rule: "k8s/image-tag", Path: "e.yaml", Line: 5},
	} {
		if Fingerprint(f, "image: nginx:latest") == fp {
			t.Errorf("%+v shares the fingerprint", f)
		}
	}
	if Fingerprint(after, "image: nginx:1.27") == fp {
		t.Error("an edited line shares the fingerprint")
	}
	// Without a line, the message identifies the finding.
	whole := lint.Finding{Rule: "docs/readme", Path: "README.md", Message: "no README"}
	if Fingerprint(whole, "") == Fingerprint(lint.Finding{Rule: "docs/readme", Path: "README.md", Message: "other"}, "") {
		t.Error("whole-file findings with different messages share a fingerprint")
	}
}

func TestWriteLoadApplyStale(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.yaml", "x: 1\ny: 2\ny: 2\n")
	lines := &Lines{Root: dir}
	findings := []lint.Finding{
		{Rule: "r/two", Path: "a.yaml", Line: 2, Severity: lint.SeverityError, Message: "m"},
		{Rule: "r/two", Path: "a.yaml", Line: 3, Severity: lint.SeverityError, Message: "m"},
		{Rule: "r/one", Path: "a.yaml", Line: 1, Severity: lint.SeverityError, Message: "m"},
		{Rule: "r/other", Path: "b.yaml", Line: 1, Severity: lint.SeverityError, Message: "m"},
	}
	b := New(findings, lines)
	file := filepath.Join(dir, "lint-baseline.json")
	if err := Write(file, b); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(file)
	// Deterministic: the same findings in another order write the same bytes.
	rev := []lint.Finding{findings[3], findings[1], findings[2], findings[0]}
	if err := Write(file, New(rev, &Lines{Root: dir})); err != nil {
		t.Fatal(err)
	}
	if second, _ := os.ReadFile(file); string(second) != string(first) {
		t.Errorf("baseline not deterministic:\n%s\n%s", first, second)
	}
	loaded, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(loaded, b) {
		t.Errorf("Load = %+v, want %+v", loaded, b)
	}

	// r/one fixed, one of the two r/two fixed, a new finding: one new, two stale.
	writeFile(t, dir, "a.yaml", "x: 1\ny: 2\n")
	now := []lint.Finding{
		{Rule: "r/two", Path: "a.yaml", Line: 2, Message: "m"},
		{Rule: "r/new", Path: "a.yaml", Line: 1, Message: "m"},
		{Rule: "r/other", Path: "b.yaml", Line: 1, Message: "m"},
	}
	kept, n, stale := Apply(loaded, "lint-baseline.json", now, &Lines{Root: dir}, nil)
	if n != 2 || len(kept) != 1 || kept[0].Rule != "r/new" {
		t.Errorf("Apply kept %v, baselined %d; want r/new kept, 2 baselined", kept, n)
	}
	if len(stale) != 2 {
		t.Fatalf("stale = %v, want 2", stale)
	}
	for _, s := range stale {
		if s.Rule != StaleRule || s.Severity != lint.SeverityWarning || s.Path != "lint-baseline.json" {
			t.Errorf("stale finding %+v", s)
		}
	}
	if !strings.Contains(stale[0].Message+stale[1].Message, "r/one a.yaml:1") {
		t.Errorf("stale messages do not name the entry: %v", stale)
	}
	// An entry whose rule did not run is not stale.
	_, _, stale = Apply(loaded, "x", now, &Lines{Root: dir}, func(e Entry) bool { return e.Rule != "r/one" })
	if len(stale) != 1 {
		t.Errorf("stale with r/one not run = %v, want 1", stale)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad.json", "{nope")
	writeFile(t, dir, "v2.json", `{"version": 2, "entries": []}`)
	writeFile(t, dir, "empty.json", `{"version": 1, "entries": [{"rule": "r"}]}`)
	for name, want := range map[string]string{
		"missing.json": "no such file",
		"bad.json":     "not a baseline file",
		"v2.json":      "version 2",
		"empty.json":   "entry 1",
	} {
		_, err := Load(filepath.Join(dir, name))
		if e, ok := err.(*Error); !ok || !strings.Contains(e.Error(), want) {
			t.Errorf("Load(%s) = %v, want an *Error with %q", name, err, want)
		}
	}
}
