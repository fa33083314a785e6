package gitlabtest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

func TestGroupProjectsSubgroupsAndPagination(t *testing.T) {
	s := newServer(t, Options{})
	c := newClient(t, s)
	var want []string
	for i := range 7 {
		for _, p := range []string{fmt.Sprintf("grp/svc%d", i), fmt.Sprintf("grp/sub/svc%d", i), fmt.Sprintf("grp/sub/deeper/svc%d", i)} {
			s.AddProject(p, "")
			want = append(want, p)
		}
	}
	s.AddProject("other/svc", "")
	s.AddProject("grpx/svc", "") // a prefix of the name is not a subgroup
	s.SetArchived("grp/sub/svc3", true)

	// Three pages of 8 (21 projects), with subgroups, followed through the Link headers.
	opts := &gitlab.ListGroupProjectsOptions{ListOptions: gitlab.ListOptions{PerPage: 8}, IncludeSubGroups: gitlab.Ptr(true), OrderBy: gitlab.Ptr("id"), Sort: gitlab.Ptr("asc")}
	var got []string
	var archived []string
	pages := 0
	for p, err := range gitlab.Scan2(func(po gitlab.PaginationOptionFunc) ([]*gitlab.Project, *gitlab.Response, error) {
		pages++
		return c.Groups.ListGroupProjects("grp", opts, po)
	}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.PathWithNamespace)
		if p.Archived {
			archived = append(archived, p.PathWithNamespace)
		}
		if p.Namespace == nil || !strings.HasPrefix(p.Namespace.FullPath, "grp") {
			t.Errorf("%s: namespace %+v", p.PathWithNamespace, p.Namespace)
		}
	}
	if !slices.Equal(got, want) || pages != 3 {
		t.Errorf("%d pages: got %v\nwant %v", pages, got, want)
	}
	if !slices.Equal(archived, []string{"grp/sub/svc3"}) {
		t.Errorf("archived = %v", archived)
	}

	// The headers of a middle page, as GitLab sends them.
	_, resp, err := c.Groups.ListGroupProjects("grp", &gitlab.ListGroupProjectsOptions{ListOptions: gitlab.ListOptions{PerPage: 8, Page: 2}, IncludeSubGroups: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	h := resp.Header
	if h.Get("X-Page") != "2" || h.Get("X-Per-Page") != "8" || h.Get("X-Next-Page") != "3" || h.Get("X-Prev-Page") != "1" || h.Get("X-Total") != "21" || h.Get("X-Total-Pages") != "3" {
		t.Errorf("headers %v", h)
	}
	if l := h.Get("Link"); !strings.Contains(l, `rel="next"`) || !strings.Contains(l, "include_subgroups=true") || !strings.Contains(l, "page=3") {
		t.Errorf("Link = %q", l)
	}

	// Without include_subgroups: the group's own projects; by a subgroup's
	// encoded path, by numeric ID; archived filter.
	count := func(gid any, o *gitlab.ListGroupProjectsOptions) int {
		t.Helper()
		o.PerPage = 100
		ps, _, err := c.Groups.ListGroupProjects(gid, o)
		if err != nil {
			t.Fatalf("%v: %v", gid, err)
		}
		return len(ps)
	}
	if n := count("grp", &gitlab.ListGroupProjectsOptions{}); n != 7 {
		t.Errorf("grp alone: %d projects", n)
	}
	if n := count("grp/sub", &gitlab.ListGroupProjectsOptions{IncludeSubGroups: gitlab.Ptr(true)}); n != 14 {
		t.Errorf("grp/sub with subgroups: %d projects", n)
	}
	sub := s.AddNamespace("grp/sub/deeper")
	if n := count(sub.ID, &gitlab.ListGroupProjectsOptions{}); n != 7 {
		t.Errorf("grp/sub/deeper by ID: %d projects", n)
	}
	if n := count("grp", &gitlab.ListGroupProjectsOptions{IncludeSubGroups: gitlab.Ptr(true), Archived: gitlab.Ptr(false)}); n != 20 {
		t.Errorf("unarchived: %d projects", n)
	}
	if n := count("grp", &gitlab.ListGroupProjectsOptions{IncludeSubGroups: gitlab.Ptr(true), Archived: gitlab.Ptr(true)}); n != 1 {
		t.Errorf("archived: %d projects", n)
	}

	// Default order: newest first.
	ps, _, err := c.Groups.ListGroupProjects("grp", &gitlab.ListGroupProjectsOptions{})
	if err != nil || ps[0].PathWithNamespace != "grp/svc6" {
		t.Errorf("default order starts with %v (%v)", ps[0].PathWithNamespace, err)
	}

	// An unknown group, and a user namespace, are 404 Group Not Found.
	for _, gid := range []string{"nope", "grp/nope", s.Me().Username} {
		status, body, _ := rawGet(t, s, "GET", "/api/v4/groups/"+strings.ReplaceAll(gid, "/", "%2F")+"/projects", map[string]string{"PRIVATE-TOKEN": s.Token})
		if status != 404 || body != `{"message":"404 Group Not Found"}` {
			t.Errorf("%s: %d %s", gid, status, body)
		}
	}
	status, body, _ := rawGet(t, s, "GET", "/api/v4/groups/grp/projects?order_by=stars", map[string]string{"PRIVATE-TOKEN": s.Token})
	if status != 400 || !strings.Contains(body, "order_by does not have a valid value") {
		t.Errorf("bad order_by: %d %s", status, body)
	}
	// The single project shows archived too.
	p, _, err := c.Projects.GetProject("grp/sub/svc3", nil)
	if err != nil || !p.Archived {
		t.Errorf("GetProject archived = %v (%v)", p != nil && p.Archived, err)
	}
}

func TestRepositoryFiles(t *testing.T) {
	s := newServer(t, Options{RepoDir: t.TempDir()})
	c := newClient(t, s)
	s.AddProject("grp/sub/svc", "")
	first := s.CommitFiles("grp/sub/svc", "", "first", map[string]string{
		".platform/answers.yaml": "template: go-service\nversion: 1.2.0\n",
		"catalog-info.yaml":      "owner: team-a\n",
	})
	second := s.CommitFiles("grp/sub/svc", "main", "", map[string]string{"README.md": "# svc\n"})
	if first == second || len(second) != 40 {
		t.Fatalf("commits %s %s", first, second)
	}
	s.CommitFiles("grp/sub/svc", "feature", "on a branch", map[string]string{"catalog-info.yaml": "owner: team-b\n"})

	// Raw, on the default branch and on a ref.
	b := must[[]byte](t)(c.RepositoryFiles.GetRawFile("grp/sub/svc", ".platform/answers.yaml", &gitlab.GetRawFileOptions{Ref: gitlab.Ptr("main")}))
	if string(b) != "template: go-service\nversion: 1.2.0\n" {
		t.Errorf("raw = %q", b)
	}
	b = must[[]byte](t)(c.RepositoryFiles.GetRawFile("grp/sub/svc", "catalog-info.yaml", nil))
	if string(b) != "owner: team-a\n" {
		t.Errorf("raw on the default branch = %q", b)
	}
	b = must[[]byte](t)(c.RepositoryFiles.GetRawFile("grp/sub/svc", "catalog-info.yaml", &gitlab.GetRawFileOptions{Ref: gitlab.Ptr("feature")}))
	if string(b) != "owner: team-b\n" {
		t.Errorf("raw on feature = %q", b)
	}
	b = must[[]byte](t)(c.RepositoryFiles.GetRawFile("grp/sub/svc", "catalog-info.yaml", &gitlab.GetRawFileOptions{Ref: gitlab.Ptr(first)}))
	if string(b) != "owner: team-a\n" {
		t.Errorf("raw at a SHA = %q", b)
	}
	// The metadata headers (HEAD), as client-go reads them.
	meta := must[*gitlab.File](t)(c.RepositoryFiles.GetRawFileMetaData("grp/sub/svc", ".platform/answers.yaml", &gitlab.GetRawFileOptions{Ref: gitlab.Ptr("main")}))
	if meta.FileName != "answers.yaml" || meta.FilePath != ".platform/answers.yaml" || meta.CommitID != second || meta.LastCommitID != first || meta.Size != 36 || meta.Ref != "main" || len(meta.BlobID) != 40 || len(meta.SHA256) != 64 {
		t.Errorf("metadata = %+v", meta)
	}

	// JSON, with base64 content and GitLab's field names.
	f := must[*gitlab.File](t)(c.RepositoryFiles.GetFile("grp/sub/svc", ".platform/answers.yaml", &gitlab.GetFileOptions{Ref: gitlab.Ptr("main")}))
	content, _ := base64.StdEncoding.DecodeString(f.Content)
	if f.Encoding != "base64" || string(content) != "template: go-service\nversion: 1.2.0\n" || f.FileName != "answers.yaml" || f.CommitID != second || f.LastCommitID != first || f.BlobID != meta.BlobID || f.Size != 36 {
		t.Errorf("file = %+v", f)
	}
	_, body, _ := rawGet(t, s, "GET", "/api/v4/projects/grp%2Fsub%2Fsvc/repository/files/catalog-info.yaml?ref=main", map[string]string{"PRIVATE-TOKEN": s.Token})
	var fields map[string]any
	if err := json.Unmarshal([]byte(body), &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"file_name", "file_path", "size", "encoding", "content", "content_sha256", "ref", "blob_id", "commit_id", "last_commit_id", "execute_filemode"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("JSON lacks %s: %s", k, body)
		}
	}

	// 404s and 400s with GitLab's bodies.
	for _, tc := range []struct{ path, status, body string }{
		{"/api/v4/projects/grp%2Fsub%2Fsvc/repository/files/missing.yaml/raw?ref=main", "404", `{"message":"404 File Not Found"}`},
		{"/api/v4/projects/grp%2Fsub%2Fsvc/repository/files/missing.yaml?ref=main", "404", `{"message":"404 File Not Found"}`},
		{"/api/v4/projects/grp%2Fsub%2Fsvc/repository/files/.platform/raw?ref=main", "404", `{"message":"404 File Not Found"}`},
		{"/api/v4/projects/grp%2Fsub%2Fsvc/repository/files/catalog-info.yaml/raw?ref=nope", "404", `{"message":"404 Commit Not Found"}`},
		{"/api/v4/projects/grp%2Fsub%2Fsvc/repository/files/catalog-info.yaml", "400", `{"error":"ref is missing, ref is empty"}`},
		{"/api/v4/projects/grp%2Fnope/repository/files/catalog-info.yaml/raw", "404", `{"message":"404 Project Not Found"}`},
	} {
		status, body, _ := rawGet(t, s, "GET", tc.path, map[string]string{"PRIVATE-TOKEN": s.Token})
		if fmt.Sprint(status) != tc.status || body != tc.body {
			t.Errorf("%s: %d %s, want %s %s", tc.path, status, body, tc.status, tc.body)
		}
	}
	if _, _, err := c.RepositoryFiles.GetRawFile("grp/sub/svc", "missing.yaml", nil); !errors.Is(err, gitlab.ErrNotFound) {
		t.Errorf("missing file: %v", err)
	}

	// A project with an empty repository, or none, has no files.
	s.AddProject("grp/empty", "")
	if _, _, err := c.RepositoryFiles.GetRawFile("grp/empty", "README.md", nil); !errors.Is(err, gitlab.ErrNotFound) {
		t.Errorf("empty repository: %v", err)
	}
	s2 := newServer(t, Options{})
	s2.AddProject("g/p", "")
	if _, _, err := newClient(t, s2).RepositoryFiles.GetRawFile("g/p", "README.md", nil); !errors.Is(err, gitlab.ErrNotFound) {
		t.Errorf("no repository: %v", err)
	}
}

func TestFailProjectIsolatesOneProject(t *testing.T) {
	s := newServer(t, Options{RepoDir: t.TempDir()})
	c := newClient(t, s, gitlab.WithoutRetries())
	for _, p := range []string{"grp/a", "grp/b", "grp/sub/c"} {
		s.AddProject(p, "")
		s.CommitFiles(p, "", "", map[string]string{"f": p})
	}
	b := s.AddProject("grp/b", "")
	s.FailProject("grp/b", 500, -1)

	ps, _, err := c.Groups.ListGroupProjects("grp", &gitlab.ListGroupProjectsOptions{IncludeSubGroups: gitlab.Ptr(true)})
	if err != nil || len(ps) != 3 {
		t.Fatalf("the group listing still works: %d, %v", len(ps), err)
	}
	for _, p := range []string{"grp/a", "grp/sub/c"} {
		if got, _, err := c.RepositoryFiles.GetRawFile(p, "f", nil); err != nil || string(got) != p {
			t.Errorf("%s: %q %v", p, got, err)
		}
	}
	// Every way of naming grp/b fails, any endpoint below it too.
	for _, pid := range []any{"grp/b", "GRP/B", b.ID} {
		if _, _, err := c.Projects.GetProject(pid, nil); !gitlab.HasStatusCode(err, 500) {
			t.Errorf("GetProject(%v): %v", pid, err)
		}
	}
	if _, _, err := c.RepositoryFiles.GetRawFile("grp/b", "f", nil); !gitlab.HasStatusCode(err, 500) {
		t.Errorf("file of grp/b: %v", err)
	}
	if _, _, err := c.MergeRequests.ListProjectMergeRequests("grp/b", nil); !gitlab.HasStatusCode(err, 500) {
		t.Errorf("MRs of grp/b: %v", err)
	}

	// A counted fault is used up; 429 carries Retry-After: 0.
	s.ClearFaults()
	s.FailProject("grp/a", 429, 1)
	status, _, h := rawGet(t, s, "GET", "/api/v4/projects/grp%2Fa", map[string]string{"PRIVATE-TOKEN": s.Token})
	if status != 429 || h.Get("Retry-After") != "0" {
		t.Errorf("429: %d %v", status, h)
	}
	if status, _, _ := rawGet(t, s, "GET", "/api/v4/projects/grp%2Fa", map[string]string{"PRIVATE-TOKEN": s.Token}); status != 200 {
		t.Errorf("after the fault: %d", status)
	}

	// Requests are counted per project.
	counts := s.RequestsPerProject()
	if counts["grp/a"] != 3 || counts["grp/b"] != 5 || counts["grp/sub/c"] != 1 || len(counts) != 3 {
		t.Errorf("per project: %v", counts)
	}
}

func TestRateLimitRetryAfter(t *testing.T) {
	s := newServer(t, Options{RepoDir: t.TempDir()})
	s.AddProject("grp/a", "")
	s.CommitFiles("grp/a", "", "", map[string]string{"f": "x"})
	s.RateLimit("GET", "/api/v4/projects/*/repository/files/**", 7, 1)
	status, body, h := rawGet(t, s, "GET", "/api/v4/projects/grp%2Fa/repository/files/f/raw", map[string]string{"PRIVATE-TOKEN": s.Token})
	if status != 429 || h.Get("Retry-After") != "7" || body != "Retry later\n" {
		t.Errorf("rate limited: %d %q %v", status, body, h)
	}
	// client-go's retry sees the header (our backoff here ignores it).
	s.RateLimit("GET", "/api/v4/groups/*/projects", 1, 2)
	c := newClient(t, s)
	if _, _, err := c.Groups.ListGroupProjects("grp", nil); err != nil {
		t.Fatal(err)
	}
	var statuses []int
	for _, r := range s.RequestsMatching("GET", "/api/v4/groups/**") {
		statuses = append(statuses, r.Status)
	}
	if !slices.Equal(statuses, []int{429, 429, 200}) {
		t.Errorf("statuses = %v", statuses)
	}
}

func TestLatency(t *testing.T) {
	s := newServer(t, Options{Latency: time.Millisecond})
	c := newClient(t, s)
	if _, _, err := c.Users.CurrentUser(); err != nil {
		t.Fatal(err)
	}

	// A client that gives up ends the wait: the handler returns, unanswered.
	s.SetLatency(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, _, err := c.Users.CurrentUser(gitlab.WithContext(ctx))
		errc <- err
	}()
	for len(s.Requests()) < 2 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("canceled request: %v", err)
	}
	// The handler returns without waiting the hour out (nor for Close).
	guard := time.Now().Add(time.Minute) // a hang guard: a leaked wait lasts an hour
	for s.inflight.Load() != 0 {
		if time.Now().After(guard) {
			t.Fatal("the latency wait outlived its canceled request")
		}
		time.Sleep(time.Millisecond)
	}
	if r := s.Requests()[1]; r.Status != 0 {
		t.Errorf("canceled request answered %d", r.Status)
	}
}

func TestCommitFilesKeepsTreeAndReplaces(t *testing.T) {
	s := newServer(t, Options{RepoDir: t.TempDir()})
	c := newClient(t, s)
	s.AddProject("g/p", "trunk")
	s.CommitFiles("g/p", "", "", map[string]string{"a/b/c.txt": "1", "a/d.txt": "2", "e.txt": "3", "a-b": "4"})
	s.CommitFiles("g/p", "", "", map[string]string{"a/b/c.txt": "5"})
	for path, want := range map[string]string{"a/b/c.txt": "5", "a/d.txt": "2", "e.txt": "3", "a-b": "4"} {
		got, _, err := c.RepositoryFiles.GetRawFile("g/p", path, nil)
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", path, got, err, want)
		}
	}
	p, _, err := c.Projects.GetProject("g/p", nil)
	if err != nil || p.EmptyRepo || p.DefaultBranch != "trunk" {
		t.Errorf("project after commits: %+v %v", p, err)
	}
	_ = http.StatusOK
}
