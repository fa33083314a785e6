package baseline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
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
	fp := Fingerprint(before, (&Lines{Root: dir}).Line("d.yaml", 2), Object{})

	// Three lines inserted above, and the indentation changed.
	writeFile(t, dir, "d.yaml", "# a\n# b\n# c\nkind: Deployment\n      image: nginx:latest\n")
	after := before
	after.Line = 5
	if got := Fingerprint(after, (&Lines{Root: dir}).Line("d.yaml", 5), Object{}); got != fp {
		t.Errorf("fingerprint after a line move = %s, want %s", got, fp)
	}
	// Another rule, path or line text is another fingerprint.
	for _, f := range []lint.Finding{
		{Rule: "k8s/probes", Path: "d.yaml", Line: 5},
		{Rule: "k8s/image-tag", Path: "e.yaml", Line: 5},
	} {
		if Fingerprint(f, "image: nginx:latest", Object{}) == fp {
			t.Errorf("%+v shares the fingerprint", f)
		}
	}
	if Fingerprint(after, "image: nginx:1.27", Object{}) == fp {
		t.Error("an edited line shares the fingerprint")
	}
	// Without a line, the message identifies the finding.
	whole := lint.Finding{Rule: "docs/readme", Path: "README.md", Message: "no README"}
	if Fingerprint(whole, "", Object{}) == Fingerprint(lint.Finding{Rule: "docs/readme", Path: "README.md", Message: "other"}, "", Object{}) {
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
	kept, baselined, unmatched := Apply(loaded, now, &Lines{Root: dir}, nil)
	if len(baselined) != 2 || len(kept) != 1 || kept[0].Rule != "r/new" {
		t.Errorf("Apply kept %v, baselined %v; want r/new kept, 2 baselined", kept, baselined)
	}
	if len(unmatched) != 2 {
		t.Fatalf("unmatched = %v, want 2", unmatched)
	}
	stale := Stale(lint.Meta{ID: StaleRule, Severity: lint.SeverityWarning}, "lint-baseline.json", unmatched)
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
	// The severity is the rule's effective one (lint.rules: {lint/baseline-stale: error}).
	if s := Stale(lint.Meta{ID: StaleRule, Severity: lint.SeverityError}, "b.json", unmatched[:1]); s[0].Severity != lint.SeverityError {
		t.Errorf("stale severity = %v, want error", s[0].Severity)
	}
	// An entry whose rule did not run is not stale.
	_, _, unmatched = Apply(loaded, now, &Lines{Root: dir}, func(e Entry) bool { return e.Rule != "r/one" })
	if len(unmatched) != 1 {
		t.Errorf("unmatched with r/one not run = %v, want 1", unmatched)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad.json", "{nope")
	writeFile(t, dir, "v3.json", `{"version": 3, "entries": []}`)
	writeFile(t, dir, "v0.json", `{"entries": []}`)
	writeFile(t, dir, "empty.json", `{"version": 1, "entries": [{"rule": "r"}]}`)
	for name, want := range map[string]string{
		"missing.json": "no such file",
		"bad.json":     "not a baseline file",
		"v3.json":      "version 3 is newer than this platform reads (1 to 2): upgrade platform",
		"v0.json":      "version 0: want 2 (write it again with --write-baseline)",
		"empty.json":   "entry 1",
	} {
		_, err := Load(filepath.Join(dir, name))
		if e, ok := err.(*Error); !ok || !strings.Contains(e.Error(), want) {
			t.Errorf("Load(%s) = %v, want an *Error with %q", name, err, want)
		}
	}
}

// Two documents with the same offending line: manifests.yaml holds the
// Deployments web and api, each with image nginx:latest on its line 14.
const twoDeployments = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - image: nginx:latest
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    spec:
      containers:
        - image: nginx:latest
`

// The same two, api first, with a comment above it.
const twoDeploymentsReordered = `# the API first
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    spec:
      containers:
        - image: nginx:latest
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - image: nginx:latest
`

func TestObjects(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "m.yaml", twoDeployments)
	writeFile(t, dir, "list.yaml", "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: b}\n")
	writeFile(t, dir, ".gitlab-ci.yml", "build:\n  script: [make]\n")
	writeFile(t, dir, "README.md", "kind: Deployment\n")
	lines := &Lines{Root: dir}
	for _, c := range []struct {
		path string
		line int
		want string
	}{
		{"m.yaml", 1, "Deployment.apps/web"},
		{"m.yaml", 9, "Deployment.apps/web"},
		{"m.yaml", 10, "Deployment.apps/web"}, // the separator ends the first document
		{"m.yaml", 11, "Deployment.apps/prod/api"},
		{"m.yaml", 20, "Deployment.apps/prod/api"},
		{"m.yaml", 0, ""}, // a finding about the whole file is in no object
		{"list.yaml", 2, "List"},
		{"list.yaml", 5, "ConfigMap/a"},
		{"list.yaml", 8, "ConfigMap/b"},
		{".gitlab-ci.yml", 2, ""}, // a document without a kind
		{"README.md", 1, ""},      // not YAML
		{"missing.yaml", 1, ""},
	} {
		if got := lines.Object(c.path, c.line).String(); got != c.want {
			t.Errorf("Object(%s, %d) = %q, want %q", c.path, c.line, got, c.want)
		}
	}
}

func TestObjectIdentityInFingerprints(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "m.yaml", twoDeployments)
	findings := []lint.Finding{
		{Rule: "k8s/image-tag", Severity: lint.SeverityError, Path: "m.yaml", Line: 9, Message: "latest"},
		{Rule: "k8s/image-tag", Severity: lint.SeverityError, Path: "m.yaml", Line: 20, Message: "latest"},
	}
	b := New(findings, &Lines{Root: dir})
	if len(b.Entries) != 2 || b.Entries[0].Fingerprint == b.Entries[1].Fingerprint {
		t.Fatalf("identical lines in two objects share a fingerprint: %+v", b.Entries)
	}
	if b.Version != 2 || b.Entries[0].Object == "" {
		t.Errorf("entries name their object in a version 2 file: %+v", b)
	}

	// Reordered: both findings still baselined.
	writeFile(t, dir, "m.yaml", twoDeploymentsReordered)
	moved := []lint.Finding{
		{Rule: "k8s/image-tag", Severity: lint.SeverityError, Path: "m.yaml", Line: 11, Message: "latest"},
		{Rule: "k8s/image-tag", Severity: lint.SeverityError, Path: "m.yaml", Line: 21, Message: "latest"},
	}
	if kept, baselined, unmatched := Apply(b, moved, &Lines{Root: dir}, nil); len(kept) != 0 || len(baselined) != 2 || len(unmatched) != 0 {
		t.Errorf("after reordering: kept %v, %d baselined, unmatched %v", kept, len(baselined), unmatched)
	}

	// web fixed, api not: the stale entry is web's, whatever the order.
	fixed := strings.Replace(twoDeploymentsReordered, "nginx:latest\n---", "nginx:1.27\n---", 1) // api's image
	writeFile(t, dir, "m.yaml", fixed)
	kept, baselined, unmatched := Apply(b, moved[1:], &Lines{Root: dir}, nil)
	if len(kept) != 0 || len(baselined) != 1 || len(unmatched) != 1 || unmatched[0].Object != "Deployment.apps/prod/api" {
		t.Errorf("api fixed: kept %v, baselined %v, unmatched %+v; want api's entry unmatched", kept, baselined, unmatched)
	}

	// A third object with the same line is new, not absorbed by another object's entry.
	writeFile(t, dir, "m.yaml", twoDeployments+"---\n"+strings.Replace(twoDeployments[:strings.Index(twoDeployments, "---")], "name: web", "name: cron", 1))
	three := append(slices.Clone(findings), lint.Finding{Rule: "k8s/image-tag", Severity: lint.SeverityError, Path: "m.yaml", Line: 30, Message: "latest"})
	if kept, _, _ := Apply(b, three, &Lines{Root: dir}, nil); len(kept) != 1 || kept[0].Line != 30 {
		t.Errorf("a third object's finding: kept %v, want the one at line 30", kept)
	}
}

// A version 1 baseline (written before objects counted) still matches as it
// was written: nothing turns new when platform is upgraded.
func TestVersion1StillMatches(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "m.yaml", twoDeployments)
	f := lint.Finding{Rule: "k8s/image-tag", Severity: lint.SeverityError, Path: "m.yaml", Line: 9, Message: "latest"}
	// As version 1 wrote it: the fingerprint without the object.
	v1 := fmt.Sprintf(`{"version": 1, "entries": [{"rule": "k8s/image-tag", "path": "m.yaml", "fingerprint": %q, "line": 9}, {"rule": "k8s/image-tag", "path": "m.yaml", "fingerprint": %q, "line": 20}]}`,
		Fingerprint(f, "        - image: nginx:latest", Object{}), Fingerprint(f, "        - image: nginx:latest", Object{}))
	writeFile(t, dir, "v1.json", v1)
	b, err := Load(filepath.Join(dir, "v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	g := f
	g.Line = 20
	kept, baselined, unmatched := Apply(b, []lint.Finding{f, g}, &Lines{Root: dir}, nil)
	if len(kept) != 0 || len(baselined) != 2 || len(unmatched) != 0 {
		t.Errorf("version 1 file: kept %v, %d baselined, unmatched %v; want both baselined", kept, len(baselined), unmatched)
	}
	// Written again, it is version 2.
	if New([]lint.Finding{f}, &Lines{Root: dir}).Version != Version {
		t.Error("New writes the current version")
	}
}

// Fingerprints of findings outside objects are what version 1 computed, so
// a version 1 file written again changes only its Kubernetes entries.
func TestFingerprintWithoutObjectIsVersion1(t *testing.T) {
	f := lint.Finding{Rule: "docs/links", Path: "README.md", Line: 3}
	sum := sha256.Sum256([]byte("docs/links\x00README.md\x00[x](y.md)"))
	if got, want := Fingerprint(f, "  [x](y.md) ", Object{}), hex.EncodeToString(sum[:8]); got != want {
		t.Errorf("Fingerprint = %s, want version 1's %s", got, want)
	}
}
