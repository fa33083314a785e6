package fleet

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/platform-team/platform/internal/change"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/internal/updater"
	"github.com/platform-team/platform/templates"
)

var (
	author      = gitx.Author{Name: "Fleet Bot", Email: "fleet@example.com"}
	when        = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	serviceOpts = scaffold.ServiceOptions{PlatformVersion: "v0.0.0-test", AnnotationPrefix: "platform.example.com"}
)

// goService110 is the embedded templates with go-service at 1.1.0 (a
// numeric USER in the Dockerfile), and release archives holding 1.0.0 and
// 1.1.0, so a service made from this binary's 1.0.0 is behind and can be
// updated offline.
func goService110(t *testing.T) updater.Sources {
	t.Helper()
	next := fstest.MapFS{}
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			return err
		}
		switch p {
		case "go-service/template.yaml":
			data = []byte(strings.Replace(string(data), "version: 1.0.0", "version: 1.1.0", 1))
		case "go-service/skeleton/Dockerfile.tmpl":
			data = []byte(strings.Replace(string(data), "USER nonroot:nonroot", "USER 65532:65532", 1))
		}
		next[p] = &fstest.MapFile{Data: data, Mode: 0o644}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, templates.Releases); err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.SnapshotReleases(next, dir); err != nil {
		t.Fatal(err)
	}
	return updater.Sources{Resolver: &scaffold.Resolver{Embedded: next, Releases: os.DirFS(dir)}}
}

// pushService renders the embedded go-service 1.0.0 as `platform new
// service` does and pushes it to the project's default branch.
func pushService(t *testing.T, f *fakeFleet, path, owner string) {
	t.Helper()
	ctx := context.Background()
	p := f.srv.AddProject(path, "")
	r := &scaffold.Resolver{Embedded: templates.FS, Releases: templates.Releases}
	tmpl, err := r.Resolve(ctx, "go-service")
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(path)
	values, err := scaffold.Collect(tmpl.Manifest, scaffold.Inputs{Name: name, Owner: owner})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := scaffold.PlanService(ctx, tmpl, values, serviceOpts)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), name)
	if _, err := scaffold.Write(ctx, plan, dir, scaffold.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := gitx.InitCommit(dir, author, "Create "+name, when); err != nil {
		t.Fatal(err)
	}
	if _, err := gitx.Push(ctx, dir, gitx.PushOptions{URL: p.RepoPath, Branch: "main"}); err != nil {
		t.Fatal(err)
	}
}

// TestUpdateEndToEnd updates two behind services through real change
// sessions (clones of the fake's bare repositories): a dry run pushes and
// opens nothing, a run opens one merge request each, a rerun opens nothing
// new, and Status then shows the merge requests.
func TestUpdateEndToEnd(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	f := newFakeFleet(t)
	pushService(t, f, "fleet/payments", "group:payments")
	pushService(t, f, "fleet/team/ledger", "group:ledger")
	f.project("fleet/unmanaged", map[string]string{"README.md": "# hand made\n"})
	ctx := context.Background()
	src := goService110(t)

	status := func() []Service {
		t.Helper()
		services, err := Status(ctx, Options{Client: f.client, Group: "fleet", Sources: src})
		if err != nil {
			t.Fatal(err)
		}
		return services
	}
	services := status()
	for _, s := range services {
		want := Behind
		if s.Project == "fleet/unmanaged" {
			want = Unmanaged
		}
		if s.State != want {
			t.Fatalf("%s: %s %s, want %s", s.Project, s.State, s.Reason, want)
		}
	}
	if s := service(t, services, "fleet/payments"); s.Owner != "group:payments" || s.Version != "1.0.0" || s.Latest != "1.1.0" {
		t.Fatalf("payments: %+v", s)
	}

	opts := UpdateOptions{
		Open: func(ctx context.Context, p *gitlab.Project) (*change.Session, error) {
			repo, _ := f.srv.Project(p.PathWithNamespace)
			return change.Open(ctx, change.Options{Client: f.client, Project: p, Remote: repo.RepoPath, Token: f.srv.Token, GitLabURL: f.srv.URL})
		},
		Sources: src, Inputs: updater.Inputs{Service: serviceOpts}, Author: author, When: when, Parallel: 2,
	}
	actions := func(outcomes []Outcome) []string {
		var out []string
		for _, o := range outcomes {
			out = append(out, o.Project+" "+string(o.Action)+" "+o.Error)
		}
		return out
	}

	dry := opts
	dry.DryRun = true
	f.srv.ResetRequests()
	got := Update(ctx, services, dry)
	want := []string{"fleet/payments would-open ", "fleet/team/ledger would-open ", "fleet/unmanaged skipped "}
	if !slices.Equal(actions(got), want) {
		t.Fatalf("dry run: %q, want %q", actions(got), want)
	}
	for _, r := range f.srv.Requests() {
		if r.Method != "GET" {
			t.Errorf("dry run sent %s", r)
		}
	}
	for _, p := range []string{"fleet/payments", "fleet/team/ledger"} {
		if mrs := f.srv.MergeRequests(p); len(mrs) != 0 {
			t.Errorf("dry run opened %d merge requests in %s", len(mrs), p)
		}
	}

	got = Update(ctx, services, opts)
	want = []string{"fleet/payments opened ", "fleet/team/ledger opened ", "fleet/unmanaged skipped "}
	if !slices.Equal(actions(got), want) {
		t.Fatalf("update: %q, want %q", actions(got), want)
	}
	if err := Failures(got); err != nil {
		t.Errorf("Failures = %v", err)
	}
	for _, p := range []string{"fleet/payments", "fleet/team/ledger"} {
		mrs := f.srv.MergeRequests(p)
		if len(mrs) != 1 || mrs[0].SourceBranch != "platform/update-go-service-1.1.0" || mrs[0].State != "opened" || mrs[0].Draft {
			t.Errorf("%s: merge requests %+v, want one ready on platform/update-go-service-1.1.0", p, mrs)
		}
		branch := updater.Branch("go-service", "1.1.0")
		if df, err := f.client.File(ctx, p, "Dockerfile", branch); err != nil || !strings.Contains(string(df), "USER 65532:65532") {
			t.Errorf("%s: Dockerfile on %s: %v\n%s", p, branch, err, df)
		}
		if a, err := f.client.File(ctx, p, scaffold.AnswersFile, branch); err != nil || !strings.Contains(string(a), "version: 1.1.0") {
			t.Errorf("%s: answers on %s: %v\n%s", p, branch, err, a)
		}
	}

	// Rerun from a fresh status: the merge requests are shown and nothing
	// new is opened.
	services = status()
	for _, s := range services {
		if s.State == Behind && (s.MR == nil || !strings.Contains(*s.MR, s.Project+"/-/merge_requests/1")) {
			t.Errorf("%s: MR %v after the update", s.Project, s.MR)
		}
	}
	got = Update(ctx, services, opts)
	want = []string{"fleet/payments unchanged ", "fleet/team/ledger unchanged ", "fleet/unmanaged skipped "}
	if !slices.Equal(actions(got), want) {
		t.Errorf("rerun: %q, want %q", actions(got), want)
	}
	for _, p := range []string{"fleet/payments", "fleet/team/ledger"} {
		if mrs := f.srv.MergeRequests(p); len(mrs) != 1 {
			t.Errorf("%s: %d merge requests after the rerun, want 1", p, len(mrs))
		}
	}

	// Every session's clone is gone.
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		if strings.HasPrefix(e.Name(), "platform-change-") {
			t.Errorf("session left %s behind", e.Name())
		}
	}
}
