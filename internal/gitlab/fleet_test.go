package gitlab

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/gitlab/gitlabtest"
)

// newFakeClient is a Client for a fresh fake GitLab with repositories,
// retrying quickly; mod adjusts the Config.
func newFakeClient(t *testing.T, mod func(*Config)) (*Client, *gitlabtest.Server) {
	t.Helper()
	srv := gitlabtest.New(gitlabtest.Options{RepoDir: t.TempDir()})
	t.Cleanup(srv.Close)
	cfg := Config{
		BaseURL:      srv.URL,
		Token:        srv.Token,
		Timeout:      10 * time.Second,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func TestGroupProjectsAllPagesWithSubgroups(t *testing.T) {
	c, srv := newFakeClient(t, nil)
	var want []string
	// 250 projects: three pages of 100, across subgroups, added out of order.
	for i := range 250 {
		p := fmt.Sprintf("fleet/team%d/svc%03d", i%3, 249-i)
		if i%5 == 0 {
			p = fmt.Sprintf("fleet/team%d/deep/svc%03d", i%3, 249-i)
		}
		srv.AddProject(p, "")
		want = append(want, p)
	}
	srv.AddProject("fleet-other/svc", "")
	srv.SetArchived("fleet/team1/svc248", true)
	slices.Sort(want)

	ps, err := c.GroupProjects(context.Background(), "fleet")
	if err != nil {
		t.Fatal(err)
	}
	var got, archived []string
	for _, p := range ps {
		got = append(got, p.PathWithNamespace)
		if p.Archived {
			archived = append(archived, p.PathWithNamespace)
		}
		if p.ID == 0 || p.DefaultBranch != "main" || p.WebURL == "" || p.HTTPURLToRepo == "" {
			t.Errorf("project %+v", p)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %d projects %v...\nwant %d %v...", len(got), got[:3], len(want), want[:3])
	}
	if !slices.Equal(archived, []string{"fleet/team1/svc248"}) {
		t.Errorf("archived = %v", archived)
	}
	reqs := srv.RequestsMatching("GET", "/api/v4/groups/fleet/projects")
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3 pages:\n%s", len(reqs), gitlabtest.FormatRequests(reqs))
	}
	for i, r := range reqs {
		for _, q := range []string{"include_subgroups=true", "per_page=100", "with_shared=false", "order_by=id", "sort=asc"} {
			if !strings.Contains(r.Query, q) {
				t.Errorf("request %d %s lacks %s", i, r, q)
			}
		}
		if i > 0 && !strings.Contains(r.Query, fmt.Sprintf("page=%d", i+1)) {
			t.Errorf("request %d %s is not page %d", i, r, i+1)
		}
	}

	// A subgroup by its full path.
	ps, err = c.GroupProjects(context.Background(), "fleet/team2/deep")
	if err != nil || len(ps) != 17 {
		t.Errorf("subgroup: %d projects, %v", len(ps), err)
	}
}

func TestGroupProjectsNotFound(t *testing.T) {
	c, srv := newFakeClient(t, nil)
	srv.AddProject("fleet/svc", "")
	_, err := c.GroupProjects(context.Background(), "nope/sub")
	var apiErr *APIError
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &apiErr) || !strings.Contains(err.Error(), "group nope/sub does not exist") {
		t.Errorf("unknown group: %v", err)
	}
	if _, err := c.GroupProjects(context.Background(), " / "); err == nil {
		t.Error("an empty group was accepted")
	}
	// An empty group is no error.
	srv.AddNamespace("empty")
	if ps, err := c.GroupProjects(context.Background(), "empty"); err != nil || len(ps) != 0 {
		t.Errorf("empty group: %v, %v", ps, err)
	}
}

func TestGroupProjectsFailure(t *testing.T) {
	c, srv := newFakeClient(t, func(cfg *Config) { cfg.RetryMax = 1 })
	for i := range 150 {
		srv.AddProject(fmt.Sprintf("fleet/svc%03d", i), "")
	}
	srv.Fail("GET", "/api/v4/groups/*/projects", 502, -1)
	ps, err := c.GroupProjects(context.Background(), "fleet")
	var apiErr *APIError
	if ps != nil || !errors.As(err, &apiErr) || apiErr.Status != 502 || errors.Is(err, ErrNotFound) {
		t.Errorf("failed listing: %d projects, %v", len(ps), err)
	}
	if n := len(srv.RequestsMatching("GET", "/api/v4/groups/**")); n != 2 {
		t.Errorf("%d requests, want 1 + 1 retry", n)
	}
}

func TestGroupProjectsHonoursRetryAfter(t *testing.T) {
	c, srv := newFakeClient(t, func(cfg *Config) { cfg.RetryWaitMax = 30 * time.Second })
	srv.AddProject("fleet/svc", "")
	srv.RateLimit("GET", "/api/v4/groups/*/projects", 1, 1)
	start := time.Now()
	ps, err := c.GroupProjects(context.Background(), "fleet")
	if err != nil || len(ps) != 1 {
		t.Fatalf("after a 429: %v, %v", ps, err)
	}
	// A lower bound only: the retry waited out Retry-After (1 s), not the
	// 1 ms RetryWaitMin.
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("retried after %v, before Retry-After", waited)
	}
	var statuses []int
	for _, r := range srv.RequestsMatching("GET", "/api/v4/groups/**") {
		statuses = append(statuses, r.Status)
	}
	if !slices.Equal(statuses, []int{429, 200}) {
		t.Errorf("statuses %v", statuses)
	}
}

func TestFile(t *testing.T) {
	c, srv := newFakeClient(t, nil)
	srv.AddProject("fleet/sub/svc", "trunk")
	first := srv.CommitFiles("fleet/sub/svc", "", "", map[string]string{
		".platform/answers.yaml": "template: go-service\n",
		"catalog-info.yaml":      "spec:\n  owner: team-a\n",
	})
	srv.CommitFiles("fleet/sub/svc", "", "", map[string]string{".platform/answers.yaml": "template: go-service\nversion: 2\n"})
	ctx := context.Background()

	got, err := c.File(ctx, "fleet/sub/svc", ".platform/answers.yaml", "")
	if err != nil || string(got) != "template: go-service\nversion: 2\n" {
		t.Errorf("default branch: %q, %v", got, err)
	}
	got, err = c.File(ctx, "fleet/sub/svc", ".platform/answers.yaml", first)
	if err != nil || string(got) != "template: go-service\n" {
		t.Errorf("at %s: %q, %v", first, got, err)
	}
	got, err = c.File(ctx, "fleet/sub/svc", "catalog-info.yaml", "trunk")
	if err != nil || string(got) != "spec:\n  owner: team-a\n" {
		t.Errorf("on trunk: %q, %v", got, err)
	}
	reqs := srv.Requests()
	if r := reqs[len(reqs)-1]; r.Path != "/api/v4/projects/fleet%2Fsub%2Fsvc/repository/files/catalog-info%2Eyaml/raw" || r.Query != "ref=trunk" {
		t.Errorf("request %s", r)
	}
	if r := reqs[0]; r.Path != "/api/v4/projects/fleet%2Fsub%2Fsvc/repository/files/%2Eplatform%2Fanswers%2Eyaml/raw" || r.Query != "" {
		t.Errorf("request %s", r)
	}

	for _, tc := range []struct{ project, path, ref, msg string }{
		{"fleet/sub/svc", "missing.yaml", "", "no file missing.yaml at the default branch"},
		{"fleet/sub/svc", "catalog-info.yaml", "nope", "no file catalog-info.yaml at nope"},
		{"fleet/nope", "catalog-info.yaml", "main", "no file catalog-info.yaml at main"},
	} {
		_, err := c.File(ctx, tc.project, tc.path, tc.ref)
		var apiErr *APIError
		if !errors.Is(err, ErrNotFound) || !errors.As(err, &apiErr) || apiErr.Status != 404 || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s %s@%s: %v", tc.project, tc.path, tc.ref, err)
		}
	}
	if _, err := c.File(ctx, "fleet/sub/svc", "", ""); err == nil {
		t.Error("an empty path was accepted")
	}
}

func TestFileSizeCap(t *testing.T) {
	c, srv := newFakeClient(t, nil)
	srv.AddProject("fleet/svc", "")
	srv.CommitFiles("fleet/svc", "", "", map[string]string{
		"exact": strings.Repeat("a", MaxFileBytes),
		"big":   strings.Repeat("b", MaxFileBytes+1),
	})
	if got, err := c.File(context.Background(), "fleet/svc", "exact", ""); err != nil || len(got) != MaxFileBytes {
		t.Errorf("a file of exactly MaxFileBytes: %d bytes, %v", len(got), err)
	}
	_, err := c.File(context.Background(), "fleet/svc", "big", "")
	var apiErr *APIError
	if !errors.Is(err, ErrResponseTooLarge) || !errors.As(err, &apiErr) || !strings.Contains(err.Error(), "big at the default branch is larger than 1048576 bytes") {
		t.Errorf("big file: %v", err)
	}
	// The cap is the call's own: other calls keep Config.MaxResponseBytes.
	if _, err := c.Project(context.Background(), "fleet/svc"); err != nil {
		t.Errorf("after the cap: %v", err)
	}
}

func TestOnePoisonedProjectLeavesTheOthers(t *testing.T) {
	c, srv := newFakeClient(t, func(cfg *Config) { cfg.RetryMax = 2 })
	paths := []string{"fleet/a", "fleet/b", "fleet/sub/c"}
	for _, p := range paths {
		srv.AddProject(p, "")
		srv.CommitFiles(p, "", "", map[string]string{"catalog-info.yaml": p})
	}
	srv.FailProject("fleet/b", 503, -1)
	ctx := context.Background()
	ps, err := c.GroupProjects(ctx, "fleet")
	if err != nil || len(ps) != 3 {
		t.Fatalf("listing: %v, %v", ps, err)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(ps))
	for i, p := range ps {
		wg.Go(func() {
			got, err := c.File(ctx, p.PathWithNamespace, "catalog-info.yaml", p.DefaultBranch)
			if err == nil && string(got) != p.PathWithNamespace {
				err = fmt.Errorf("content %q", got)
			}
			if err == nil {
				_, err = c.OpenMergeRequest(ctx, p.PathWithNamespace, "platform/update-go-service-1.2.0")
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, p := range ps {
		var apiErr *APIError
		switch {
		case p.PathWithNamespace == "fleet/b" && (!errors.As(errs[i], &apiErr) || apiErr.Status != 503):
			t.Errorf("fleet/b: %v, want a 503", errs[i])
		case p.PathWithNamespace != "fleet/b" && errs[i] != nil:
			t.Errorf("%s: %v", p.PathWithNamespace, errs[i])
		}
	}
	// 1 + 2 retries for the poisoned project; a file and an MR lookup for the others.
	counts := srv.RequestsPerProject()
	if counts["fleet/b"] != 3 || counts["fleet/a"] != 2 || counts["fleet/sub/c"] != 2 {
		t.Errorf("requests per project: %v", counts)
	}
}

func TestOpenMergeRequestFindsTheUpdateBranch(t *testing.T) {
	c, srv := newFakeClient(t, nil)
	srv.AddProject("fleet/svc", "")
	srv.AddMergeRequest("fleet/svc", "platform/update-go-service-1.1.0", "main", "old update")
	want := srv.AddMergeRequest("fleet/svc", "platform/update-go-service-1.2.0", "main", "Draft: update go-service to 1.2.0")
	mr, err := c.OpenMergeRequest(context.Background(), "fleet/svc", "platform/update-go-service-1.2.0")
	if err != nil || mr == nil || mr.IID != want.IID || !mr.Draft || mr.WebURL != want.WebURL {
		t.Errorf("open MR = %+v, %v", mr, err)
	}
	if mr, err := c.OpenMergeRequest(context.Background(), "fleet/svc", "platform/update-go-service-9.9.9"); mr != nil || err != nil {
		t.Errorf("no MR = %+v, %v", mr, err)
	}
}

func TestGroupProjectsHonoursCancel(t *testing.T) {
	c, srv := newFakeClient(t, nil)
	srv.AddProject("fleet/svc", "")
	srv.SetLatency(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(srv.Requests()) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	done := make(chan error, 1)
	go func() {
		_, err := c.GroupProjects(ctx, "fleet")
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("canceled listing: %v", err)
		}
	case <-time.After(time.Minute): // a hang guard: the latency is an hour
		t.Fatal("GroupProjects did not return on cancel")
	}
}
