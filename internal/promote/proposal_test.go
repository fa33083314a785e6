package promote

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitlab"
)

func TestProposalBranch(t *testing.T) {
	for version, want := range map[string]string{
		"0.2.0":          "promote/staging-0.2.0",
		"v1.2.3+build.4": "promote/staging-v1.2.3-build.4",
		digestA:          "promote/staging-sha256-aaaaaaaaaaaa",
	} {
		p := Proposal{Stage: Stage{Name: "staging"}, Candidate: version}
		if got := p.Branch(); got != want {
			t.Errorf("Branch(%q) = %q, want %q", version, got, want)
		}
	}
}

func TestProposalEdit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, filepath.FromSlash(OverlayPath("staging")))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(golden), 0o644); err != nil {
		t.Fatal(err)
	}
	updated, err := SetPin([]byte(golden), img, "0.2.0")
	if err != nil {
		t.Fatal(err)
	}
	p := Proposal{Stage: Stage{Name: "staging", From: "preview"}, Candidate: "0.2.0", Image: img, Overlay: updated}

	paths, err := p.Edit(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || paths[0] != "deploy/overlays/staging/kustomization.yaml" {
		t.Fatalf("paths %q", paths)
	}
	if got, _ := os.ReadFile(path); string(got) != string(updated) {
		t.Fatalf("overlay not updated:\n%s", got)
	}
	// A checkout that already pins the candidate is left alone.
	if paths, err := p.Edit(dir); err != nil || len(paths) != 0 {
		t.Fatalf("second edit: %q, %v; want nothing", paths, err)
	}
}

func TestProposalDescription(t *testing.T) {
	finished := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	p := Proposal{
		Stage:      Stage{Name: "production", From: "staging", Gates: config.Gates{Approvals: 2}},
		Candidate:  "1.0.0",
		Diff:       "-    newTag: 0.9.0\n+    newTag: 1.0.0\n",
		Results:    []GateResult{{Gate: "freeze", Status: GateFail, Detail: "frozen"}},
		Overridden: []string{"freeze"},
		Reason:     "hotfix",
		Deployment: &gitlab.Deployment{ID: 7, IID: 3, Ref: "main", SHA: "0123456789abcdef", Status: "success", FinishedAt: &finished},
		AuthorName: "Ada", AuthorEmail: "ada@example.com",
	}
	d := p.Description()
	for _, want := range []string{
		"Promotes **1.0.0** from **staging** to **production**, requested by Ada <ada@example.com>",
		"| freeze | ✗ fail | frozen |",
		"**Gates overridden with --force:** freeze",
		"**Reason:** hotfix",
		"needs 2 approvals",
		"staging deployment !3 (#7) of `main` at 01234567: success, finished 2026-12-01T10:00:00Z",
		"```diff\n-    newTag: 0.9.0\n+    newTag: 1.0.0\n```",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("description lacks %q:\n%s", want, d)
		}
	}
	if got := p.Title(); got != "Promote 1.0.0 to production" {
		t.Errorf("title %q", got)
	}
	if got := p.Message(); !strings.HasPrefix(got, "Promote 1.0.0 to production\n\nPinned by platform promote for Ada <ada@example.com>.") {
		t.Errorf("message %q", got)
	}
}
