package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitlab/gitlabtest"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/scaffold"
)

func publishFixture(t *testing.T) (*gitlabtest.Server, func() *publisher) {
	t.Helper()
	srv := gitlabtest.New(gitlabtest.Options{RepoDir: t.TempDir()})
	t.Cleanup(srv.Close)
	srv.AddNamespace("payments")
	client, err := gitlab.New(gitlab.Config{BaseURL: srv.URL, Token: srv.Token})
	if err != nil {
		t.Fatal(err)
	}
	return srv, func() *publisher {
		return &publisher{client: &GitLab{Client: client, URL: srv.URL, token: srv.Token}, group: "payments"}
	}
}

// serviceDir is a new service's directory with its first commit.
func serviceDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("# orders\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := gitx.InitCommit(dir, gitx.Author{Name: "t", Email: "t@example.com"}, "first", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A create that GitLab carried out but answered with a 502 is retried by the
// client, which is then told the path is taken: the empty project is ours.
func TestPublishAdoptsItsOwnRetriedCreate(t *testing.T) {
	srv, newPublisher := publishFixture(t)
	ctx := context.Background()
	p := newPublisher()
	if err := p.check(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	srv.FailAfterServing("POST", "/api/v4/projects", 502, 1)
	project, err := p.publish(ctx, serviceDir(t), scaffold.Values{"name": "orders"})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	if project.PathWithNamespace != "payments/orders" {
		t.Fatalf("project = %s", project.PathWithNamespace)
	}
	if n := len(srv.RequestsMatching("POST", "/api/v4/projects")); n != 2 {
		t.Fatalf("%d creates, want the failed one and its retry", n)
	}
	got, err := p.client.Project(ctx, "payments/orders")
	if err != nil || got.EmptyRepo {
		t.Fatalf("after publish: %+v, %v: want main pushed", got, err)
	}
}

// A project that has commits when the create meets it is someone else's:
// nothing is pushed to it.
func TestPublishRefusesAProjectWithCommits(t *testing.T) {
	_, newPublisher := publishFixture(t)
	ctx := context.Background()
	p := newPublisher()
	if err := p.check(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	// Someone else publishes payments/orders meanwhile.
	other := newPublisher()
	if err := other.check(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	if _, err := other.publish(ctx, serviceDir(t), scaffold.Values{"name": "orders"}); err != nil {
		t.Fatal(err)
	}
	_, err := p.publish(ctx, serviceDir(t), scaffold.Values{"name": "orders"})
	var exitErr *ExitError
	if !errors.As(err, &exitErr) || exitErr.Code != ExitUsage {
		t.Fatalf("err = %v, want a usage error", err)
	}
	if want := "created by someone else meanwhile"; !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}
