package gitlabtest

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	gitlab "gitlab.com/gitlab-org/api/client-go"
)

func TestVersionAndUsers(t *testing.T) {
	s := newServer(t, Options{})
	c := newClient(t, s)

	v := must[*gitlab.Version](t)(c.Version.GetVersion())
	if v.Version != "17.11.0-ee" || v.Revision == "" {
		t.Errorf("version = %+v", v)
	}
	me := must[*gitlab.User](t)(c.Users.CurrentUser())
	if me.ID != 1 || me.Username != "test-user" || me.Email != "test-user@example.com" || me.State != "active" {
		t.Errorf("current user = %+v", me)
	}

	alice := s.AddUser("alice")
	users := must[[]*gitlab.User](t)(c.Users.ListUsers(&gitlab.ListUsersOptions{Username: gitlab.Ptr("ALICE")}))
	if len(users) != 1 || users[0].ID != alice.ID || users[0].Username != "alice" {
		t.Errorf("users?username=ALICE = %+v", users)
	}
	users = must[[]*gitlab.User](t)(c.Users.ListUsers(&gitlab.ListUsersOptions{Username: gitlab.Ptr("nobody")}))
	if len(users) != 0 {
		t.Errorf("users?username=nobody = %+v", users)
	}
}

func TestProjectsByIDAndEncodedPath(t *testing.T) {
	s := newServer(t, Options{})
	c := newClient(t, s)
	seeded := s.AddProject("platform/sub/team/my.app", "trunk")

	for _, pid := range []any{"platform/sub/team/my.app", "Platform/Sub/Team/My.App", seeded.ID, int(seeded.ID)} {
		p := must[*gitlab.Project](t)(c.Projects.GetProject(pid, nil))
		if p.ID != seeded.ID || p.Path != "my.app" || p.PathWithNamespace != "platform/sub/team/my.app" || p.DefaultBranch != "trunk" {
			t.Errorf("GetProject(%v) = %+v", pid, p)
		}
		if p.WebURL != s.URL+"/platform/sub/team/my.app" || p.Namespace == nil || p.Namespace.FullPath != "platform/sub/team" || p.Namespace.Kind != "group" {
			t.Errorf("GetProject(%v) web_url/namespace = %s %+v", pid, p.WebURL, p.Namespace)
		}
		if p.NameWithNamespace != "platform / sub / team / my.app" || p.CreatedAt == nil {
			t.Errorf("GetProject(%v) name_with_namespace=%q created_at=%v", pid, p.NameWithNamespace, p.CreatedAt)
		}
	}
	// client-go escapes "/" and "." in project paths; the fake saw them so.
	got := s.RequestsMatching("GET", "/api/v4/projects/*")
	if len(got) != 4 || got[0].Path != "/api/v4/projects/platform%2Fsub%2Fteam%2Fmy%2Eapp" || got[2].Path != "/api/v4/projects/1" {
		t.Errorf("recorded paths = %v", got)
	}

	if _, _, err := c.Projects.GetProject("platform/nope", nil); !errors.Is(err, gitlab.ErrNotFound) {
		t.Errorf("unknown project: %v, want ErrNotFound", err)
	}
	// An unencoded path is not a project route, as on GitLab.
	status, body, _ := rawGet(t, s, "GET", "/api/v4/projects/platform/sub", map[string]string{"PRIVATE-TOKEN": s.Token})
	if status != 404 || body != `{"message":"404 Not Found"}` {
		t.Errorf("unencoded path = %d %s", status, body)
	}
}

func TestProjectJSONShape(t *testing.T) {
	s := newServer(t, Options{})
	s.AddProject("g/p", "")
	status, body, _ := rawGet(t, s, "GET", "/api/v4/projects/g%2Fp", map[string]string{"PRIVATE-TOKEN": s.Token})
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]any{
		"id": 1.0, "path": "p", "path_with_namespace": "g/p", "default_branch": "main",
		"web_url": s.URL + "/g/p", "http_url_to_repo": s.URL + "/g/p.git", "visibility": "private",
		"created_at": "2026-01-01T00:00:01.000Z", "description": nil,
	} {
		if m[key] != want {
			t.Errorf("%s = %#v, want %#v", key, m[key], want)
		}
	}
}

func TestNamespaces(t *testing.T) {
	s := newServer(t, Options{})
	c := newClient(t, s)
	sub := s.AddNamespace("platform/sub")
	top := must[*gitlab.Namespace](t)(c.Namespaces.GetNamespace("platform"))
	got := must[*gitlab.Namespace](t)(c.Namespaces.GetNamespace("platform/sub"))
	if got.ID != sub.ID || got.Kind != "group" || got.FullPath != "platform/sub" || got.ParentID != top.ID || top.ParentID != 0 {
		t.Errorf("namespaces: top %+v sub %+v", top, got)
	}
	byID := must[*gitlab.Namespace](t)(c.Namespaces.GetNamespace(int(sub.ID)))
	if byID.FullPath != "platform/sub" {
		t.Errorf("by ID: %+v", byID)
	}
	user := must[*gitlab.Namespace](t)(c.Namespaces.GetNamespace("test-user"))
	if user.Kind != "user" {
		t.Errorf("user namespace: %+v", user)
	}
	if _, _, err := c.Namespaces.GetNamespace("platform/nope"); !errors.Is(err, gitlab.ErrNotFound) {
		t.Errorf("unknown namespace: %v", err)
	}
	if got := s.Requests()[1].Path; got != "/api/v4/namespaces/platform%2Fsub" {
		t.Errorf("path = %s", got)
	}
}

func TestCreateProjectAndPushToItsRepository(t *testing.T) {
	t.Setenv("PATH", "") // everything in-process: no git binary
	repos := t.TempDir()
	s := newServer(t, Options{RepoDir: repos})
	c := newClient(t, s)
	ns := s.AddNamespace("payments/services")

	opt := &gitlab.CreateProjectOptions{
		Name:        gitlab.Ptr("payments-api"),
		NamespaceID: gitlab.Ptr(ns.ID),
		Description: gitlab.Ptr("Pays."),
	}
	p, resp, err := c.Projects.CreateProject(opt)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated || p.PathWithNamespace != "payments/services/payments-api" || p.Description != "Pays." || p.DefaultBranch != "main" || !p.EmptyRepo {
		t.Errorf("created %d %+v", resp.StatusCode, p)
	}
	bare := filepath.Join(repos, "payments", "services", "payments-api.git")
	if p.HTTPURLToRepo != bare {
		t.Errorf("http_url_to_repo = %q, want %q", p.HTTPURLToRepo, bare)
	}
	repo, err := git.PlainOpen(bare)
	if err != nil {
		t.Fatal(err)
	}
	head, err := repo.Storer.Reference(plumbing.HEAD)
	if err != nil || head.Target() != "refs/heads/main" {
		t.Errorf("bare HEAD = %v, %v", head, err)
	}
	closeRepo(repo)

	// The same name again is refused like GitLab refuses it.
	_, resp, err = c.Projects.CreateProject(opt)
	if !gitlab.HasStatusCode(err, http.StatusBadRequest) {
		t.Fatalf("duplicate: %v", err)
	}
	var er *gitlab.ErrorResponse
	errors.As(err, &er)
	if string(er.Body) != `{"message":{"name":["has already been taken"],"path":["has already been taken"]}}` {
		t.Errorf("duplicate body = %s", er.Body)
	}
	_ = resp

	// Push a branch, then the project is no longer empty and the branch is real.
	work := t.TempDir()
	sha := commitWork(t, work, "main", map[string]string{"README.md": "# payments\n"})
	push(t, work, p.HTTPURLToRepo, "main")
	p = must[*gitlab.Project](t)(c.Projects.GetProject(p.ID, nil))
	if p.EmptyRepo {
		t.Error("empty_repo after a push")
	}
	pl := must[*gitlab.Pipeline](t)(c.Pipelines.CreatePipeline(p.ID, &gitlab.CreatePipelineOptions{Ref: gitlab.Ptr("main")}))
	if pl.SHA != sha.String() {
		t.Errorf("pipeline sha %s, want the pushed head %s", pl.SHA, sha)
	}
	_, _, err = c.Pipelines.CreatePipeline(p.ID, &gitlab.CreatePipelineOptions{Ref: gitlab.Ptr("nope")})
	if !gitlab.HasStatusCode(err, 400) || !strings.Contains(err.Error(), "Reference not found") {
		t.Errorf("pipeline on a missing ref: %v", err)
	}

	// A merge request needs its branches to exist.
	_, _, err = c.MergeRequests.CreateMergeRequest(p.ID, &gitlab.CreateMergeRequestOptions{
		Title: gitlab.Ptr("x"), SourceBranch: gitlab.Ptr("feature"), TargetBranch: gitlab.Ptr("main"),
	})
	if !gitlab.HasStatusCode(err, 400) || !strings.Contains(err.Error(), "{source_branch: [does not exist]}") {
		t.Errorf("MR from an unpushed branch: %v", err)
	}
	feature := commitWork(t, work, "feature", map[string]string{"a.txt": "a\n"})
	push(t, work, p.HTTPURLToRepo, "feature")
	mr := must[*gitlab.MergeRequest](t)(c.MergeRequests.CreateMergeRequest(p.ID, &gitlab.CreateMergeRequestOptions{
		Title: gitlab.Ptr("x"), SourceBranch: gitlab.Ptr("feature"), TargetBranch: gitlab.Ptr("main"),
	}))
	if mr.SHA != feature.String() || mr.DiffRefs.BaseSha != sha.String() {
		t.Errorf("MR sha %s base %s", mr.SHA, mr.DiffRefs.BaseSha)
	}

	// Names alone derive the path; invalid ones are refused.
	p2 := must[*gitlab.Project](t)(c.Projects.CreateProject(&gitlab.CreateProjectOptions{Name: gitlab.Ptr("My Service")}))
	if p2.Path != "my-service" || p2.PathWithNamespace != "test-user/my-service" || p2.Namespace.Kind != "user" || p2.Owner == nil {
		t.Errorf("name-only project: %+v", p2)
	}
	if _, err := os.Stat(filepath.Join(repos, "test-user", "my-service.git", "config")); err != nil {
		t.Error(err)
	}
	_, _, err = c.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("-bad")})
	if !gitlab.HasStatusCode(err, 400) || !strings.Contains(err.Error(), "path") {
		t.Errorf("bad path: %v", err)
	}
	_, _, err = c.Projects.CreateProject(&gitlab.CreateProjectOptions{Name: gitlab.Ptr("x"), NamespaceID: gitlab.Ptr(int64(999))})
	if !errors.Is(err, gitlab.ErrNotFound) {
		t.Errorf("unknown namespace: %v", err)
	}
}

func TestMergeRequests(t *testing.T) {
	s := newServer(t, Options{})
	c := newClient(t, s)
	s.AddProject("g/sub/app", "")
	bob := s.AddUser("bob")
	const pid = "g/sub/app"

	created, resp, err := c.MergeRequests.CreateMergeRequest(pid, &gitlab.CreateMergeRequestOptions{
		Title:        gitlab.Ptr("Draft: promote to production"),
		Description:  gitlab.Ptr("Why."),
		SourceBranch: gitlab.Ptr("promote/prod"),
		TargetBranch: gitlab.Ptr("main"),
		Labels:       &gitlab.LabelOptions{"promotion", "env::production"},
		ReviewerIDs:  &[]int64{bob.ID, 999},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 201 || created.IID != 1 || created.ID != 101 || !created.Draft || created.State != "opened" {
		t.Errorf("created %d %+v", resp.StatusCode, created.BasicMergeRequest)
	}
	if !slices.Equal(created.Labels, []string{"env::production", "promotion"}) || len(created.Reviewers) != 1 || created.Reviewers[0].Username != "bob" {
		t.Errorf("labels %v reviewers %v", created.Labels, created.Reviewers)
	}
	if created.WebURL != s.URL+"/g/sub/app/-/merge_requests/1" || created.References.Full != "g/sub/app!1" || created.Author.Username != "test-user" {
		t.Errorf("web_url %s refs %+v author %+v", created.WebURL, created.References, created.Author)
	}
	if body := s.Requests()[0].Body; body != `{"description":"Why.","labels":"promotion,env::production","reviewer_ids":[2,999],"source_branch":"promote/prod","target_branch":"main","title":"Draft: promote to production"}` {
		t.Errorf("recorded body = %s", body)
	}

	// A second open MR from the same source into the same target is 409.
	_, _, err = c.MergeRequests.CreateMergeRequest(pid, &gitlab.CreateMergeRequestOptions{
		Title: gitlab.Ptr("again"), SourceBranch: gitlab.Ptr("promote/prod"), TargetBranch: gitlab.Ptr("main"),
	})
	if !gitlab.HasStatusCode(err, http.StatusConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	var er *gitlab.ErrorResponse
	errors.As(err, &er)
	if string(er.Body) != `{"message":["Another open merge request already exists for this source branch: !1"]}` {
		t.Errorf("duplicate body = %s", er.Body)
	}
	// GitLab allows the same source into another target, and refuses a
	// branch merged into itself with 422.
	other := must[*gitlab.MergeRequest](t)(c.MergeRequests.CreateMergeRequest(pid, &gitlab.CreateMergeRequestOptions{
		Title: gitlab.Ptr("backport"), SourceBranch: gitlab.Ptr("promote/prod"), TargetBranch: gitlab.Ptr("stable"),
	}))
	if other.IID != 2 {
		t.Errorf("second MR iid %d", other.IID)
	}
	_, _, err = c.MergeRequests.CreateMergeRequest(pid, &gitlab.CreateMergeRequestOptions{
		Title: gitlab.Ptr("self"), SourceBranch: gitlab.Ptr("main"), TargetBranch: gitlab.Ptr("main"),
	})
	if !gitlab.HasStatusCode(err, http.StatusUnprocessableEntity) {
		t.Errorf("same branch: %v", err)
	}
	_, _, err = c.MergeRequests.CreateMergeRequest(pid, &gitlab.CreateMergeRequestOptions{SourceBranch: gitlab.Ptr("x")})
	if !gitlab.HasStatusCode(err, 400) || !strings.Contains(err.Error(), "target_branch is missing, title is missing") {
		t.Errorf("missing params: %v", err)
	}

	// Find the open one by branches, as a CLI does after a 409.
	list := must[[]*gitlab.BasicMergeRequest](t)(c.MergeRequests.ListProjectMergeRequests(pid, &gitlab.ListProjectMergeRequestsOptions{
		State: gitlab.Ptr("opened"), SourceBranch: gitlab.Ptr("promote/prod"), TargetBranch: gitlab.Ptr("main"),
	}))
	if len(list) != 1 || list[0].IID != 1 {
		t.Errorf("list by branches = %v", list)
	}
	if got := s.Requests()[len(s.Requests())-1].Query; got != "source_branch=promote%2Fprod&state=opened&target_branch=main" {
		t.Errorf("list query = %s", got)
	}

	// Update: title (no longer draft), labels, reviewers, target; then close.
	updated := must[*gitlab.MergeRequest](t)(c.MergeRequests.UpdateMergeRequest(pid, 1, &gitlab.UpdateMergeRequestOptions{
		Title:        gitlab.Ptr("Promote to production"),
		Description:  gitlab.Ptr("Now."),
		Labels:       &gitlab.LabelOptions{"ready"},
		ReviewerIDs:  &[]int64{},
		TargetBranch: gitlab.Ptr("release"),
	}))
	if updated.Draft || updated.Title != "Promote to production" || updated.Description != "Now." || !slices.Equal(updated.Labels, []string{"ready"}) || len(updated.Reviewers) != 0 || updated.TargetBranch != "release" {
		t.Errorf("updated %+v", updated.BasicMergeRequest)
	}
	closed := must[*gitlab.MergeRequest](t)(c.MergeRequests.UpdateMergeRequest(pid, 1, &gitlab.UpdateMergeRequestOptions{StateEvent: gitlab.Ptr("close")}))
	if closed.State != "closed" || closed.ClosedAt == nil || closed.DetailedMergeStatus != "not_open" {
		t.Errorf("closed %+v", closed.BasicMergeRequest)
	}
	_, _, err = c.MergeRequests.UpdateMergeRequest(pid, 1, &gitlab.UpdateMergeRequestOptions{StateEvent: gitlab.Ptr("merge")})
	if !gitlab.HasStatusCode(err, 400) {
		t.Errorf("state_event=merge: %v", err)
	}
	_, _, err = c.MergeRequests.UpdateMergeRequest(pid, 1, &gitlab.UpdateMergeRequestOptions{})
	if !gitlab.HasStatusCode(err, 400) {
		t.Errorf("empty update: %v", err)
	}

	got := must[*gitlab.MergeRequest](t)(c.MergeRequests.GetMergeRequest(pid, 1, nil))
	if got.State != "closed" || got.Title != "Promote to production" || !got.User.CanMerge {
		t.Errorf("get %+v", got.BasicMergeRequest)
	}
	if _, _, err := c.MergeRequests.GetMergeRequest(pid, 42, nil); !errors.Is(err, gitlab.ErrNotFound) {
		t.Errorf("missing MR: %v", err)
	}
	closedList := must[[]*gitlab.BasicMergeRequest](t)(c.MergeRequests.ListProjectMergeRequests(pid, &gitlab.ListProjectMergeRequestsOptions{State: gitlab.Ptr("closed")}))
	all := must[[]*gitlab.BasicMergeRequest](t)(c.MergeRequests.ListProjectMergeRequests(pid, nil))
	if len(closedList) != 1 || len(all) != 2 || all[0].IID != 2 {
		t.Errorf("closed %d, all %d (newest first: %d)", len(closedList), len(all), all[0].IID)
	}
	if mrs := s.MergeRequests(pid); len(mrs) != 2 || mrs[0].State != "closed" {
		t.Errorf("MergeRequests = %+v", mrs)
	}
}

func TestSeededMergeRequestAndPagination(t *testing.T) {
	s := newServer(t, Options{})
	c := newClient(t, s)
	s.AddProject("g/app", "")
	for i := range 25 {
		s.AddMergeRequest("g/app", "b"+string(rune('a'+i)), "main", "MR")
	}
	page, resp, err := c.MergeRequests.ListProjectMergeRequests("g/app", &gitlab.ListProjectMergeRequestsOptions{ListOptions: gitlab.ListOptions{PerPage: 10, Page: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 5 || resp.TotalItems != 25 || resp.TotalPages != 3 || resp.NextPage != 0 || resp.PreviousPage != 2 || page[0].IID != 5 {
		t.Errorf("page 3: %d items, headers %+v, first iid %d", len(page), resp.Response.Header, page[0].IID)
	}
	var n int
	opt := &gitlab.ListProjectMergeRequestsOptions{ListOptions: gitlab.ListOptions{PerPage: 10}}
	for mr, err := range gitlab.Scan2(func(p gitlab.PaginationOptionFunc) ([]*gitlab.BasicMergeRequest, *gitlab.Response, error) {
		return c.MergeRequests.ListProjectMergeRequests("g/app", opt, p)
	}) {
		if err != nil {
			t.Fatal(err)
		}
		_ = mr
		n++
	}
	if n != 25 {
		t.Errorf("scanned %d merge requests", n)
	}
}

func TestPipelines(t *testing.T) {
	s := newServer(t, Options{})
	c := newClient(t, s)
	s.AddProject("g/app", "")
	s.SetPipelineScript("g/app", "created", "running", "failed")

	vt := gitlab.VariableTypeValue("env_var")
	pl, resp, err := c.Pipelines.CreatePipeline("g/app", &gitlab.CreatePipelineOptions{
		Ref:       gitlab.Ptr("main"),
		Variables: &[]*gitlab.PipelineVariableOptions{{Key: gitlab.Ptr("PROMOTE"), Value: gitlab.Ptr("1"), VariableType: &vt}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 201 || pl.ID != 1001 || pl.IID != 1 || pl.Status != "created" || pl.Source != "api" || len(pl.SHA) != 40 || pl.DetailedStatus == nil {
		t.Errorf("created %d %+v", resp.StatusCode, pl)
	}
	var statuses []string
	for range 4 {
		statuses = append(statuses, must[*gitlab.Pipeline](t)(c.Pipelines.GetPipeline("g/app", pl.ID)).Status)
	}
	if !slices.Equal(statuses, []string{"running", "failed", "failed", "failed"}) {
		t.Errorf("statuses = %v", statuses)
	}
	final := must[*gitlab.Pipeline](t)(c.Pipelines.GetPipeline("g/app", pl.ID))
	if final.FinishedAt == nil || final.StartedAt == nil || final.DetailedStatus.Group != "failed" {
		t.Errorf("finished pipeline %+v", final)
	}
	if got := s.Pipelines("g/app")[0].Variables; len(got) != 1 || got[0] != (Variable{"PROMOTE", "1", "env_var"}) {
		t.Errorf("variables = %+v", got)
	}

	// Default script: created, running, success.
	s.SetPipelineScript("g/app", "created", "running", "success")
	second := must[*gitlab.Pipeline](t)(c.Pipelines.CreatePipeline("g/app", &gitlab.CreatePipelineOptions{Ref: gitlab.Ptr("main")}))
	latest := must[*gitlab.Pipeline](t)(c.Pipelines.GetLatestPipeline("g/app", nil))
	if latest.ID != second.ID || latest.Status != "running" {
		t.Errorf("latest = %d %s", latest.ID, latest.Status)
	}
	if _, _, err := c.Pipelines.GetLatestPipeline("g/app", &gitlab.GetLatestPipelineOptions{Ref: gitlab.Ptr("other")}); !gitlab.HasStatusCode(err, 403) {
		t.Errorf("latest without a pipeline: %v, want 403 as GitLab", err)
	}
	if _, _, err := c.Pipelines.GetPipeline("g/app", 5); !errors.Is(err, gitlab.ErrNotFound) {
		t.Errorf("missing pipeline: %v", err)
	}

	s.AddPipeline("g/app", "feature", "", "success")
	list := must[[]*gitlab.PipelineInfo](t)(c.Pipelines.ListProjectPipelines("g/app", &gitlab.ListProjectPipelinesOptions{Ref: gitlab.Ptr("main"), OrderBy: gitlab.Ptr("id"), Sort: gitlab.Ptr("asc")}))
	if len(list) != 2 || list[0].ID != pl.ID || list[1].ID != second.ID {
		t.Errorf("list = %+v", list)
	}
	all := must[[]*gitlab.PipelineInfo](t)(c.Pipelines.ListProjectPipelines("g/app", nil))
	if len(all) != 3 || all[0].Ref != "feature" || all[0].Source != "push" {
		t.Errorf("all (newest first) = %+v", all)
	}
	if _, _, err := c.Pipelines.ListProjectPipelines("g/app", &gitlab.ListProjectPipelinesOptions{OrderBy: gitlab.Ptr("created_at")}); !gitlab.HasStatusCode(err, 400) {
		t.Errorf("order_by=created_at: %v", err)
	}
	_, _, err = c.Pipelines.CreatePipeline("g/app", &gitlab.CreatePipelineOptions{})
	if !gitlab.HasStatusCode(err, 400) || !strings.Contains(err.Error(), "ref is missing") {
		t.Errorf("no ref: %v", err)
	}
}

func TestDeploymentsOrderingRules(t *testing.T) {
	s := newServer(t, Options{})
	c := newClient(t, s)
	s.AddProject("g/app", "")
	day := func(d int) time.Time { return time.Date(2026, 3, d, 12, 0, 0, 0, time.UTC) }
	s.AddDeployment("g/app", "production", "success", "main", "aaa1", day(3))
	s.AddDeployment("g/app", "production", "failed", "main", "bbb2", day(5))
	s.AddDeployment("g/app", "production", "success", "main", "ccc3", day(1))
	s.AddDeployment("g/app", "staging", "success", "main", "ddd4", day(4))
	s.AddDeployment("g/app", "production", "running", "main", "eee5", time.Time{})

	list := func(opt *gitlab.ListProjectDeploymentsOptions) []string {
		t.Helper()
		ds := must[[]*gitlab.Deployment](t)(c.Deployments.ListProjectDeployments("g/app", opt))
		var shas []string
		for _, d := range ds {
			shas = append(shas, d.SHA)
		}
		return shas
	}
	if got := list(nil); !slices.Equal(got, []string{"aaa1", "bbb2", "ccc3", "ddd4", "eee5"}) {
		t.Errorf("default order (id asc) = %v", got)
	}
	got := list(&gitlab.ListProjectDeploymentsOptions{Environment: gitlab.Ptr("production"), Status: gitlab.Ptr("success"), OrderBy: gitlab.Ptr("finished_at"), Sort: gitlab.Ptr("desc")})
	if !slices.Equal(got, []string{"aaa1", "ccc3"}) {
		t.Errorf("last successful production deployments = %v", got)
	}
	got = list(&gitlab.ListProjectDeploymentsOptions{Status: gitlab.Ptr("failed"), OrderBy: gitlab.Ptr("finished_at")})
	if !slices.Equal(got, []string{"bbb2"}) {
		t.Errorf("failed by finished_at = %v", got)
	}
	got = list(&gitlab.ListProjectDeploymentsOptions{Status: gitlab.Ptr("success"), OrderBy: gitlab.Ptr("finished_at"), FinishedAfter: gitlab.Ptr(day(2))})
	if !slices.Equal(got, []string{"aaa1", "ddd4"}) {
		t.Errorf("finished after day 2 = %v", got)
	}
	got = list(&gitlab.ListProjectDeploymentsOptions{OrderBy: gitlab.Ptr("created_at"), Sort: gitlab.Ptr("desc")})
	if !slices.Equal(got, []string{"eee5", "ddd4", "ccc3", "bbb2", "aaa1"}) {
		t.Errorf("created_at desc (= id desc) = %v", got)
	}

	for name, opt := range map[string]*gitlab.ListProjectDeploymentsOptions{
		"finished_at without status": {OrderBy: gitlab.Ptr("finished_at")},
		"finished_at with running":   {OrderBy: gitlab.Ptr("finished_at"), Status: gitlab.Ptr("running")},
		"finished filter, failed":    {OrderBy: gitlab.Ptr("finished_at"), Status: gitlab.Ptr("failed"), FinishedBefore: gitlab.Ptr(day(9))},
		"finished filter, id order":  {Status: gitlab.Ptr("success"), FinishedAfter: gitlab.Ptr(day(1))},
		"updated filter, id order":   {UpdatedAfter: gitlab.Ptr(day(1))},
		"order_by=ref":               {OrderBy: gitlab.Ptr("ref")},
		"unknown status":             {Status: gitlab.Ptr("done")},
	} {
		if _, _, err := c.Deployments.ListProjectDeployments("g/app", opt); !gitlab.HasStatusCode(err, 400) {
			t.Errorf("%s: %v, want 400", name, err)
		}
	}
	_, _, err := c.Deployments.ListProjectDeployments("g/app", &gitlab.ListProjectDeploymentsOptions{OrderBy: gitlab.Ptr("finished_at")})
	if !strings.Contains(err.Error(), "400 Bad request - `finished_at` sort requires `finished_at` filter or a filter with at least one of the finished statuses.") {
		t.Errorf("message = %v", err)
	}

	d := must[[]*gitlab.Deployment](t)(c.Deployments.ListProjectDeployments("g/app", &gitlab.ListProjectDeploymentsOptions{Status: gitlab.Ptr("success"), OrderBy: gitlab.Ptr("finished_at"), Sort: gitlab.Ptr("desc")}))[0]
	if d.ID != 2004 || d.IID != 4 || d.Ref != "main" || d.Status != "success" || d.Environment.Name != "staging" ||
		d.Deployable.Status != "success" || d.Deployable.FinishedAt == nil || !d.Deployable.FinishedAt.Equal(day(4)) || d.CreatedAt == nil || d.UpdatedAt == nil {
		t.Errorf("deployment %+v deployable %+v", d, d.Deployable)
	}
	one := must[*gitlab.Deployment](t)(c.Deployments.GetProjectDeployment("g/app", 2005))
	if one.Status != "running" || one.Deployable.FinishedAt != nil {
		t.Errorf("running deployment %+v", one)
	}
}

func TestEnvironmentsAndFreezePeriods(t *testing.T) {
	s := newServer(t, Options{})
	c := newClient(t, s)
	s.AddProject("g/app", "")
	s.AddEnvironment("g/app", "production")
	s.AddEnvironment("g/app", "review/feature-x")
	s.AddFreezePeriod("g/app", "0 23 * * 5", "0 7 * * 1", "Europe/Berlin")

	envs := must[[]*gitlab.Environment](t)(c.Environments.ListEnvironments("g/app", nil))
	if len(envs) != 2 || envs[0].Name != "production" || envs[0].Tier != "production" || envs[0].State != "available" || envs[1].Slug != "review-feature-x" || envs[1].Tier != "development" {
		t.Errorf("environments = %+v %+v", envs[0], envs[1])
	}
	named := must[[]*gitlab.Environment](t)(c.Environments.ListEnvironments("g/app", &gitlab.ListEnvironmentsOptions{Name: gitlab.Ptr("production")}))
	if len(named) != 1 {
		t.Errorf("name filter = %v", named)
	}
	fps := must[[]*gitlab.FreezePeriod](t)(c.FreezePeriods.ListFreezePeriods("g/app", nil))
	if len(fps) != 1 || fps[0].FreezeStart != "0 23 * * 5" || fps[0].FreezeEnd != "0 7 * * 1" || fps[0].CronTimezone != "Europe/Berlin" || fps[0].CreatedAt == nil {
		t.Errorf("freeze periods = %+v", fps)
	}
}

func TestAuth(t *testing.T) {
	s := newServer(t, Options{Token: "glpat-secret", JobToken: "job-secret"})
	s.AddProject("g/app", "")
	s.AddDeployment("g/app", "production", "success", "main", "abc", time.Now())

	status, body, _ := rawGet(t, s, "GET", "/api/v4/projects/g%2Fapp", nil)
	if status != 401 || body != `{"message":"401 Unauthorized"}` {
		t.Errorf("no token: %d %s", status, body)
	}
	status, _, _ = rawGet(t, s, "GET", "/api/v4/projects/g%2Fapp", map[string]string{"PRIVATE-TOKEN": "wrong"})
	if status != 401 {
		t.Errorf("wrong token: %d", status)
	}
	status, _, _ = rawGet(t, s, "GET", "/api/v4/projects/g%2Fapp", map[string]string{"Authorization": "Bearer glpat-secret"})
	if status != 200 {
		t.Errorf("bearer: %d", status)
	}
	status, _, _ = rawGet(t, s, "GET", "/api/v4/user?private_token=glpat-secret", nil)
	if status != 200 {
		t.Errorf("private_token parameter: %d", status)
	}

	bad, _ := gitlab.NewClient("wrong", gitlab.WithBaseURL(s.URL))
	if _, _, err := bad.Users.CurrentUser(); !gitlab.HasStatusCode(err, 401) {
		t.Errorf("client with a wrong token: %v", err)
	}

	job, err := gitlab.NewJobClient(s.JobToken, gitlab.WithBaseURL(s.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := job.Deployments.ListProjectDeployments("g/app", nil); err != nil {
		t.Errorf("job token listing deployments: %v", err)
	}
	if _, _, err := job.Environments.ListEnvironments("g/app", nil); err != nil {
		t.Errorf("job token listing environments: %v", err)
	}
	for name, call := range map[string]func() error{
		"create project": func() error {
			_, _, err := job.Projects.CreateProject(&gitlab.CreateProjectOptions{Name: gitlab.Ptr("x")})
			return err
		},
		"create MR": func() error {
			_, _, err := job.MergeRequests.CreateMergeRequest("g/app", &gitlab.CreateMergeRequestOptions{Title: gitlab.Ptr("t"), SourceBranch: gitlab.Ptr("a"), TargetBranch: gitlab.Ptr("main")})
			return err
		},
		"update MR": func() error {
			_, _, err := job.MergeRequests.UpdateMergeRequest("g/app", 1, &gitlab.UpdateMergeRequestOptions{Title: gitlab.Ptr("t")})
			return err
		},
		"create pipeline": func() error {
			_, _, err := job.Pipelines.CreatePipeline("g/app", &gitlab.CreatePipelineOptions{Ref: gitlab.Ptr("main")})
			return err
		},
	} {
		if err := call(); !gitlab.HasStatusCode(err, 403) {
			t.Errorf("job token, %s: %v, want 403", name, err)
		}
	}

	var auths []string
	for _, r := range s.Requests() {
		auths = append(auths, r.Auth)
	}
	if want := []string{"", "PRIVATE-TOKEN", "Authorization", "private_token", "PRIVATE-TOKEN", "JOB-TOKEN", "JOB-TOKEN", "JOB-TOKEN", "JOB-TOKEN", "JOB-TOKEN", "JOB-TOKEN"}; !slices.Equal(auths, want) {
		t.Errorf("auth kinds = %q\nwant          %q", auths, want)
	}
	if q := s.Requests()[3].Query; q != "private_token=REDACTED" {
		t.Errorf("query = %q", q)
	}
	noSecrets(t, s)
}

func TestUnknownRoutes(t *testing.T) {
	s := newServer(t, Options{})
	s.AddProject("g/app", "")
	auth := map[string]string{"PRIVATE-TOKEN": s.Token}
	for _, rt := range [][2]string{{"GET", "/api/v4/nope"}, {"DELETE", "/api/v4/projects/g%2Fapp"}, {"GET", "/api/v3/version"}, {"POST", "/api/v4/version"}} {
		status, body, _ := rawGet(t, s, rt[0], rt[1], auth)
		if status != 404 || body != `{"message":"404 Not Found"}` {
			t.Errorf("%s %s = %d %s", rt[0], rt[1], status, body)
		}
	}
}

func TestFaults(t *testing.T) {
	s := newServer(t, Options{})
	c := newClient(t, s)
	s.AddProject("g/app", "")

	// 429 once: client-go retries and succeeds.
	s.Fail("GET", "/api/v4/projects/*", 429, 1)
	if _, _, err := c.Projects.GetProject("g/app", nil); err != nil {
		t.Fatalf("after one 429: %v", err)
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Status != 429 || reqs[1].Status != 200 {
		t.Errorf("requests = %+v", reqs)
	}
	status, body, h := func() (int, string, http.Header) {
		s.Fail("*", "/api/v4/version", 429, 1)
		return rawGet(t, s, "GET", "/api/v4/version", nil)
	}()
	if status != 429 || h.Get("Retry-After") != "0" || body != "Retry later\n" {
		t.Errorf("429 = %d %q %v", status, body, h)
	}

	// 502 always: retried, then the error; POST is retried too.
	s.Fail("POST", "/api/v4/projects/*/merge_requests", 502, -1)
	s.ResetRequests()
	c2 := newClient(t, s, gitlab.WithCustomRetryMax(2))
	_, _, err := c2.MergeRequests.CreateMergeRequest("g/app", &gitlab.CreateMergeRequestOptions{Title: gitlab.Ptr("t"), SourceBranch: gitlab.Ptr("a"), TargetBranch: gitlab.Ptr("main")})
	if !gitlab.HasStatusCode(err, 502) || !strings.Contains(err.Error(), "502 Bad Gateway") {
		t.Errorf("persistent 502: %v", err)
	}
	if n := len(s.RequestsMatching("POST", "/api/v4/projects/**")); n != 3 {
		t.Errorf("%d POSTs, want 1 + 2 retries", n)
	}
	s.ClearFaults()
	if _, _, err := c2.MergeRequests.CreateMergeRequest("g/app", &gitlab.CreateMergeRequestOptions{Title: gitlab.Ptr("t"), SourceBranch: gitlab.Ptr("a"), TargetBranch: gitlab.Ptr("main")}); err != nil {
		t.Errorf("after ClearFaults: %v", err)
	}

	// Faults match in order; a used-up one lets the next match.
	s.Fail("GET", "/api/v4/user", 500, 1)
	s.Fail("GET", "/api/v4/user", 503, 1)
	s.ResetRequests()
	if _, _, err := c.Users.CurrentUser(); err != nil {
		t.Fatal(err)
	}
	var statuses []int
	for _, r := range s.Requests() {
		statuses = append(statuses, r.Status)
	}
	if !slices.Equal(statuses, []int{500, 503, 200}) {
		t.Errorf("statuses = %v", statuses)
	}
}

func TestHang(t *testing.T) {
	s := newServer(t, Options{HangLimit: 200 * time.Millisecond})
	s.AddProject("g/app", "")

	// A client that gives up first sees a timeout; the next request is served.
	s.Hang("GET", "/api/v4/projects/*", 1)
	impatient := newClient(t, s, gitlab.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}), gitlab.WithoutRetries())
	_, _, err := impatient.Projects.GetProject("g/app", nil)
	var timeout interface{ Timeout() bool }
	if !errors.As(err, &timeout) || !timeout.Timeout() {
		t.Fatalf("hung request: %v, want the client's own timeout (not the server's 504)", err)
	}
	if _, _, err := impatient.Projects.GetProject("g/app", nil); err != nil {
		t.Errorf("after the hang: %v", err)
	}

	// A patient client gets 504 once the bound passes.
	s.Hang("GET", "/api/v4/version", -1)
	status, _, _ := rawGet(t, s, "GET", "/api/v4/version", nil)
	if status != 504 {
		t.Errorf("bounded hang = %d, want 504", status)
	}

	// Close releases hanging requests instead of waiting for the bound.
	s2 := New(Options{HangLimit: time.Hour})
	s2.Hang("*", "/**", -1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequest("GET", s2.URL+"/api/v4/version", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	for len(s2.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	s2.Close()
	select {
	case <-done:
	case <-time.After(time.Minute): // a hang guard: without the release it waits an hour
		t.Fatal("Close did not release the hanging request")
	}
}

func TestConcurrentUse(t *testing.T) {
	s := newServer(t, Options{})
	c := newClient(t, s)
	s.AddProject("g/app", "")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			branch := "b" + string(rune('a'+i))
			if _, _, err := c.MergeRequests.CreateMergeRequest("g/app", &gitlab.CreateMergeRequestOptions{Title: gitlab.Ptr("t"), SourceBranch: gitlab.Ptr(branch), TargetBranch: gitlab.Ptr("main")}); err != nil {
				t.Error(err)
			}
			s.AddEnvironment("g/app", branch)
			_ = s.Requests()
		}()
	}
	wg.Wait()
	mrs := s.MergeRequests("g/app")
	seen := map[int64]bool{}
	for _, mr := range mrs {
		seen[mr.IID] = true
	}
	if len(mrs) != 20 || len(seen) != 20 {
		t.Errorf("%d MRs, %d distinct IIDs", len(mrs), len(seen))
	}
}

func TestFormatRequests(t *testing.T) {
	s := newServer(t, Options{})
	c := newClient(t, s)
	s.AddProject("g/app", "")
	must[*gitlab.Pipeline](t)(c.Pipelines.CreatePipeline("g/app", &gitlab.CreatePipelineOptions{Ref: gitlab.Ptr("main")}))
	must[[]*gitlab.PipelineInfo](t)(c.Pipelines.ListProjectPipelines("g/app", &gitlab.ListProjectPipelinesOptions{Ref: gitlab.Ptr("main")}))
	want := "POST /api/v4/projects/g%2Fapp/pipeline\n    {\"ref\":\"main\"}\nGET /api/v4/projects/g%2Fapp/pipelines?ref=main\n"
	if got := FormatRequests(s.Requests()); got != want {
		t.Errorf("FormatRequests =\n%s\nwant\n%s", got, want)
	}
}

func TestSeedingPanicsOnMistakes(t *testing.T) {
	s := newServer(t, Options{})
	for name, f := range map[string]func(){
		"unknown project": func() { s.AddMergeRequest("g/none", "a", "b", "t") },
		"bad status":      func() { s.SetPipelineScript("g/none", "done") },
		"no namespace":    func() { s.AddProject("app", "") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
