package fleet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/change"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitlab/gitlabtest"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/internal/updater"
	"github.com/platform-team/platform/templates"
)

// fakeFleet is a fake GitLab with repositories and a real client of it
// that does not retry.
type fakeFleet struct {
	srv    *gitlabtest.Server
	client *gitlab.Client
}

func newFakeFleet(tb testing.TB) *fakeFleet {
	tb.Helper()
	srv := gitlabtest.New(gitlabtest.Options{RepoDir: tb.TempDir()})
	tb.Cleanup(srv.Close)
	client, err := gitlab.New(gitlab.Config{BaseURL: srv.URL, Token: srv.Token, RetryMax: -1})
	if err != nil {
		tb.Fatal(err)
	}
	return &fakeFleet{srv: srv, client: client}
}

// embeddedSources resolve the embedded templates offline; git sources
// have their tags listed by tags.
func embeddedSources(tags func(ctx context.Context, url string) ([]gitx.Tag, error)) updater.Sources {
	return updater.Sources{
		Resolver: &scaffold.Resolver{Embedded: templates.FS, Releases: templates.Releases},
		Tags:     tags,
	}
}

// embeddedAnswers is .platform/answers.yaml as `platform new service`
// writes it for the embedded template name, recorded at version.
func embeddedAnswers(tb testing.TB, name, version string) string {
	tb.Helper()
	r := &scaffold.Resolver{Embedded: templates.FS, Releases: templates.Releases}
	t, err := r.Resolve(context.Background(), name)
	if err != nil {
		tb.Fatal(err)
	}
	data, err := scaffold.Answers(t, scaffold.Values{"name": "svc"})
	if err != nil {
		tb.Fatal(err)
	}
	have := "version: " + t.Manifest.Spec.Version + "\n"
	if !strings.Contains(string(data), have) {
		tb.Fatalf("answers without %q:\n%s", have, data)
	}
	return strings.Replace(string(data), have, "version: "+version+"\n", 1)
}

// gitAnswers records the git template ref (URL//SUBDIR@REF) at version.
func gitAnswers(name, version, ref string) string {
	return fmt.Sprintf(`template:
  name: %s
  path: .
  version: %s
  source: git
  ref: %s
  commit: 0123456789abcdef0123456789abcdef01234567
values:
  name: svc
`, name, version, ref)
}

func catalog(owner string) string {
	return `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: more
spec:
  targets: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc
spec:
  type: service
  lifecycle: production
  owner: ` + owner + "\n"
}

// project adds a project with its files on the default branch; no files
// leaves its repository empty.
func (f *fakeFleet) project(path string, files map[string]string) {
	f.srv.AddProject(path, "")
	if len(files) > 0 {
		f.srv.CommitFiles(path, "", "Initial commit", files)
	}
}

func service(tb testing.TB, services []Service, project string) Service {
	tb.Helper()
	for _, s := range services {
		if s.Project == project {
			return s
		}
	}
	tb.Fatalf("no service %s among %v", project, projects(services))
	return Service{}
}

func projects(services []Service) []string {
	var out []string
	for _, s := range services {
		out = append(out, s.Project)
	}
	return out
}

const (
	brokenTagsURL = "https://oauth2:glpat-s3cr3tvalue@git.example.invalid/templates.git"
	gitTagsURL    = "https://git.example.invalid/platform/templates.git"
)

// seedStates makes a group with a project in each state, an archived one,
// one in a subgroup and one outside the group.
func seedStates(tb testing.TB, f *fakeFleet) {
	f.project("fleet/current", map[string]string{
		scaffold.AnswersFile: embeddedAnswers(tb, "go-service", "1.0.0"),
		scaffold.CatalogFile: catalog("team-current"),
	})
	f.project("fleet/behind", map[string]string{
		scaffold.AnswersFile: embeddedAnswers(tb, "go-service", "0.9.0"),
		scaffold.CatalogFile: catalog("group:team-behind"),
	})
	f.srv.AddMergeRequest("fleet/behind", "platform/update-go-service-1.0.0", "main", "Update go-service to 1.0.0")
	f.project("fleet/behind-no-mr", map[string]string{
		scaffold.AnswersFile: embeddedAnswers(tb, "go-service", "0.9.0"),
	})
	f.srv.AddMergeRequest("fleet/behind-no-mr", "feature/other", "main", "Something else")
	f.project("fleet/unmanaged", map[string]string{
		"README.md":          "# hand made\n",
		scaffold.CatalogFile: catalog("team-unmanaged"),
	})
	f.project("fleet/empty", nil)
	f.project("fleet/broken", map[string]string{
		scaffold.AnswersFile: "template: [not: yaml\n",
	})
	f.project("fleet/git-broken", map[string]string{
		scaffold.AnswersFile: gitAnswers("worker", "1.0.0", brokenTagsURL+"//worker@v1.0.0"),
	})
	f.project("fleet/git-behind", map[string]string{
		scaffold.AnswersFile: gitAnswers("worker", "1.0.0", gitTagsURL+"//worker@v1.0.0"),
	})
	f.project("fleet/archived", map[string]string{
		scaffold.AnswersFile: embeddedAnswers(tb, "go-service", "0.9.0"),
	})
	f.srv.SetArchived("fleet/archived", true)
	f.project("fleet/team/sub/cron", map[string]string{
		scaffold.AnswersFile: embeddedAnswers(tb, "cronjob", "1.0.0"),
		scaffold.CatalogFile: catalog("team-cron"),
	})
	f.project("fleet-other/outside", map[string]string{
		scaffold.AnswersFile: embeddedAnswers(tb, "go-service", "0.9.0"),
	})
}

// fakeTags lists v1.0.0 and v1.2.0 for gitTagsURL and fails for
// brokenTagsURL, counting the calls.
type fakeTags struct {
	mu    sync.Mutex
	calls map[string]int
}

func (ft *fakeTags) tags(ctx context.Context, url string) ([]gitx.Tag, error) {
	ft.mu.Lock()
	if ft.calls == nil {
		ft.calls = map[string]int{}
	}
	ft.calls[url]++
	ft.mu.Unlock()
	// Slow enough for concurrent readers of the same source to meet.
	time.Sleep(5 * time.Millisecond)
	if url == brokenTagsURL {
		return nil, fmt.Errorf("list tags of %q: connection refused", url)
	}
	return []gitx.Tag{
		{Name: "v1.0.0", Object: strings.Repeat("a", 40), Commit: strings.Repeat("a", 40)},
		{Name: "v1.2.0", Object: strings.Repeat("b", 40), Commit: strings.Repeat("b", 40)},
		{Name: "v1.3.0-rc.1", Object: strings.Repeat("c", 40), Commit: strings.Repeat("c", 40)},
	}, nil
}

func TestStatusStates(t *testing.T) {
	f := newFakeFleet(t)
	seedStates(t, f)
	ft := &fakeTags{}
	got, err := Status(context.Background(), Options{Client: f.client, Group: "fleet", Sources: embeddedSources(ft.tags)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"fleet/behind", "fleet/behind-no-mr", "fleet/broken", "fleet/current", "fleet/empty",
		"fleet/git-behind", "fleet/git-broken", "fleet/team/sub/cron", "fleet/unmanaged",
	}
	if !slices.Equal(projects(got), want) {
		t.Fatalf("projects (sorted, archived and other groups left out):\n got %v\nwant %v", projects(got), want)
	}

	mrURL := func() string {
		mrs := f.srv.MergeRequests("fleet/behind")
		return mrs[0].WebURL
	}()
	if b := updater.Branch("go-service", "1.0.0"); b != "platform/update-go-service-1.0.0" {
		t.Fatalf("update branch %q: the seeded merge request no longer matches", b)
	}
	for _, c := range []struct {
		project, owner, template, version, latest string
		state                                     State
		mr                                        string
		reason                                    string // a part of it
	}{
		{"fleet/current", "team-current", "go-service", "1.0.0", "1.0.0", Current, "", ""},
		{"fleet/behind", "group:team-behind", "go-service", "0.9.0", "1.0.0", Behind, mrURL, ""},
		{"fleet/behind-no-mr", "", "go-service", "0.9.0", "1.0.0", Behind, "", ""},
		{"fleet/unmanaged", "team-unmanaged", "", "", "", Unmanaged, "", ""},
		{"fleet/empty", "", "", "", "", Unmanaged, "", ""},
		{"fleet/broken", "", "", "", "", Unknown, "", "answers.yaml: not valid YAML"},
		{"fleet/git-broken", "", "worker", "1.0.0", "", Unknown, "", "connection refused"},
		{"fleet/git-behind", "", "worker", "1.0.0", "1.2.0", Behind, "", ""},
		{"fleet/team/sub/cron", "team-cron", "cronjob", "1.0.0", "1.0.0", Current, "", ""},
	} {
		s := service(t, got, c.project)
		gotMR := ""
		if s.MR != nil {
			gotMR = *s.MR
		}
		if s.Owner != c.owner || s.Template != c.template || s.Version != c.version || s.Latest != c.latest || s.State != c.state || gotMR != c.mr {
			t.Errorf("%s: got owner %q template %q version %q latest %q state %q mr %q\nwant %q %q %q %q %q %q",
				c.project, s.Owner, s.Template, s.Version, s.Latest, s.State, gotMR,
				c.owner, c.template, c.version, c.latest, c.state, c.mr)
		}
		if (c.reason == "") != (s.Reason == "") || !strings.Contains(s.Reason, c.reason) {
			t.Errorf("%s: reason %q, want one with %q", c.project, s.Reason, c.reason)
		}
		if strings.Contains(s.Reason, "s3cr3tvalue") {
			t.Errorf("%s: reason shows the URL's password: %q", c.project, s.Reason)
		}
		if s.GitLabProject() == nil || s.GitLabProject().PathWithNamespace != c.project {
			t.Errorf("%s: GitLabProject() = %+v", c.project, s.GitLabProject())
		}
	}
	if mrURL == "" || !strings.Contains(mrURL, "/fleet/behind/-/merge_requests/") {
		t.Errorf("seeded merge request URL %q", mrURL)
	}
}

func TestStatusTemplateFilter(t *testing.T) {
	f := newFakeFleet(t)
	seedStates(t, f)
	ft := &fakeTags{}
	got, err := Status(context.Background(), Options{Client: f.client, Group: "fleet", Template: "cronjob", Sources: embeddedSources(ft.tags)})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"fleet/team/sub/cron"}; !slices.Equal(projects(got), want) {
		t.Fatalf("--template cronjob: %v, want %v", projects(got), want)
	}
	if got[0].State != Current {
		t.Errorf("state %q", got[0].State)
	}
	if len(ft.calls) != 0 {
		t.Errorf("the git template's tags were listed for a filter that leaves it out: %v", ft.calls)
	}
	// An update branch is looked up only for behind services of the template.
	if reqs := f.srv.RequestsMatching("GET", "/api/v4/projects/*/merge_requests"); len(reqs) != 0 {
		t.Errorf("merge requests listed for filtered-out services:\n%s", gitlabtest.FormatRequests(reqs))
	}
}

func TestStatusRequestBudget(t *testing.T) {
	f := newFakeFleet(t)
	seedStates(t, f)
	ft := &fakeTags{}
	f.srv.ResetRequests()
	if _, err := Status(context.Background(), Options{Client: f.client, Group: "fleet", Sources: embeddedSources(ft.tags)}); err != nil {
		t.Fatal(err)
	}
	per := f.srv.RequestsPerProject()
	for p, n := range per {
		if n > 3 {
			t.Errorf("%s: %d API requests, want at most 3:\n%s", p, n, gitlabtest.FormatRequests(requestsAbout(f.srv, p)))
		}
	}
	for p, want := range map[string]int{
		"fleet/behind":    3, // answers, catalog, open merge request
		"fleet/current":   2, // answers, catalog
		"fleet/unmanaged": 2,
		"fleet/empty":     0, // the listing says it is empty
		"fleet/archived":  0,
	} {
		if per[p] != want {
			t.Errorf("%s: %d requests, want %d:\n%s", p, per[p], want, gitlabtest.FormatRequests(requestsAbout(f.srv, p)))
		}
	}
	if n := len(f.srv.RequestsMatching("GET", "/api/v4/groups/*/projects")); n != 1 {
		t.Errorf("%d group listings, want 1 (one page)", n)
	}
}

func requestsAbout(srv *gitlabtest.Server, project string) []gitlabtest.Request {
	var out []gitlabtest.Request
	for _, r := range srv.Requests() {
		if r.Project == project {
			out = append(out, r)
		}
	}
	return out
}

func TestStatusFailingProjectIsUnknown(t *testing.T) {
	f := newFakeFleet(t)
	for _, p := range []string{"fleet/a", "fleet/b", "fleet/c"} {
		f.project(p, map[string]string{
			scaffold.AnswersFile: embeddedAnswers(t, "go-service", "1.0.0"),
			scaffold.CatalogFile: catalog("team"),
		})
	}
	f.srv.FailProject("fleet/b", 500, -1)
	got, err := Status(context.Background(), Options{Client: f.client, Group: "fleet", Sources: embeddedSources(nil)})
	if err != nil {
		t.Fatalf("one failing project failed the run: %v", err)
	}
	for _, s := range got {
		switch s.Project {
		case "fleet/b":
			if s.State != Unknown || !strings.Contains(s.Reason, scaffold.AnswersFile) || !strings.Contains(s.Reason, "500") {
				t.Errorf("failing project: state %q reason %q, want unknown naming the file and the 500", s.State, s.Reason)
			}
		default:
			if s.State != Current || s.Owner != "team" {
				t.Errorf("%s: state %q owner %q, want current, team", s.Project, s.State, s.Owner)
			}
		}
	}
	if len(got) != 3 {
		t.Errorf("%d services, want 3", len(got))
	}
}

func TestStatusGroupErrors(t *testing.T) {
	f := newFakeFleet(t)
	f.project("fleet/a", nil)
	if _, err := Status(context.Background(), Options{Client: f.client, Group: "nope", Sources: embeddedSources(nil)}); !errors.Is(err, gitlab.ErrNotFound) {
		t.Errorf("unknown group: %v, want ErrNotFound", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Status(ctx, Options{Client: f.client, Group: "fleet", Sources: embeddedSources(nil)}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
}

func TestStatusResolvesLatestOncePerSource(t *testing.T) {
	f := newFakeFleet(t)
	const other = "https://git.example.invalid/other/templates.git"
	for i := range 24 {
		ref := gitTagsURL + "//worker@v1.0.0"
		if i%2 == 1 {
			ref = gitTagsURL + "//worker@v1.2.0" // another ref of the same source
		}
		if i%3 == 2 {
			ref = other + "//worker@v1.0.0"
		}
		f.project(fmt.Sprintf("fleet/svc%02d", i), map[string]string{scaffold.AnswersFile: gitAnswers("worker", "1.0.0", ref)})
	}
	ft := &fakeTags{}
	got, err := Status(context.Background(), Options{Client: f.client, Group: "fleet", Parallel: 16, Sources: embeddedSources(ft.tags)})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{gitTagsURL: 1, other: 1}; !maps(ft.calls, want) {
		t.Errorf("tags listed %v, want once per source %v", ft.calls, want)
	}
	for _, s := range got {
		if s.State != Behind || s.Latest != "1.2.0" {
			t.Errorf("%s: %q latest %q, want behind 1.2.0 (pre-releases left out)", s.Project, s.State, s.Latest)
		}
	}
}

func maps(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestOwnerOf(t *testing.T) {
	for in, want := range map[string]string{
		catalog("team-a"): "team-a",
		"kind: Component\nspec:\n  owner: user:jo\n": "user:jo",
		"kind: API\nspec:\n  owner: x\n":             "",
		"kind: Component\nspec: [\n":                 "",
		"":                                           "",
		"kind: System\n---\nkind: Component\nspec: {}\n": "",
	} {
		if got := ownerOf([]byte(in)); got != want {
			t.Errorf("ownerOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseShard(t *testing.T) {
	for _, bad := range []string{"0/2", "3/2", "x", "1/0", "", "1/", "/2", "-1/2", "1/2/3", "a/b"} {
		if s, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) = %+v, want an error", bad, s)
		} else if !strings.Contains(err.Error(), "I/N") {
			t.Errorf("ParseShard(%q): %v, want the I/N hint", bad, err)
		}
	}
	for in, want := range map[string]Shard{"1/1": {1, 1}, "1/2": {1, 2}, "2/2": {2, 2}, "7/8": {7, 8}} {
		if got, err := ParseShard(in); err != nil || got != want {
			t.Errorf("ParseShard(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
}

func TestShardsPartition(t *testing.T) {
	var services []Service
	for i := range 1000 {
		services = append(services, Service{Project: fmt.Sprintf("fleet/team%d/svc-%04d", i%7, i)})
	}
	if got := (Shard{}).Of(services); len(got) != len(services) {
		t.Errorf("the zero shard keeps %d of %d", len(got), len(services))
	}
	for total := 1; total <= 16; total++ {
		seen := map[string]int{}
		for index := 1; index <= total; index++ {
			sh := Shard{Index: index, Total: total}
			part := sh.Of(services)
			if again := sh.Of(services); !slices.Equal(projects(part), projects(again)) {
				t.Errorf("shard %d/%d differs between calls", index, total)
			}
			if len(part) == 0 && total <= 8 {
				t.Errorf("shard %d/%d is empty", index, total)
			}
			for _, s := range part {
				seen[s.Project]++
			}
		}
		for _, s := range services {
			if seen[s.Project] != 1 {
				t.Fatalf("%d shards: %s is in %d of them, want 1", total, s.Project, seen[s.Project])
			}
		}
	}
	// Stable across runs: the slice depends on the path only.
	if a, b := (Shard{1, 4}).Has("fleet/team1/svc-0001"), (Shard{1, 4}).Has("fleet/team1/svc-0001"); a != b {
		t.Error("Has is not stable")
	}
}

func TestForEachBoundsParallelism(t *testing.T) {
	for _, parallel := range []int{1, 3, 8} {
		var running, peak atomic.Int64
		calls := make([]atomic.Int32, 60)
		release := make(chan struct{})
		var once sync.Once
		forEach(context.Background(), len(calls), parallel, func(i int) {
			n := running.Add(1)
			defer running.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			calls[i].Add(1)
			if n == int64(parallel) {
				// Leave forEach time to start one call too many before
				// letting the held ones go.
				once.Do(func() { time.AfterFunc(20*time.Millisecond, func() { close(release) }) })
			}
			// Hold the first calls until the bound is reached, so the
			// peak is the bound, not an accident of scheduling; the
			// timeout only guards against hanging.
			select {
			case <-release:
			case <-time.After(10 * time.Second):
			}
		})
		if p := peak.Load(); p != int64(parallel) {
			t.Errorf("parallel %d: at most %d ran at once", parallel, p)
		}
		for i := range calls {
			if n := calls[i].Load(); n != 1 {
				t.Errorf("parallel %d: fn(%d) called %d times", parallel, i, n)
			}
		}
	}
}

func TestForEachStopsAfterCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var called []int
	forEach(ctx, 100, 1, func(i int) {
		called = append(called, i) // one at a time
		if i == 5 {
			cancel()
		}
	})
	if want := []int{0, 1, 2, 3, 4, 5}; !slices.Equal(called, want) {
		t.Errorf("called %v, want %v", called, want)
	}

	var n atomic.Int32
	forEach(ctx, 10, 4, func(int) { n.Add(1) })
	if n.Load() != 0 {
		t.Errorf("%d calls with a cancelled context", n.Load())
	}
}

func TestUpdateOneFailureOthersGoOn(t *testing.T) {
	f := newFakeFleet(t)
	seedStates(t, f)
	ft := &fakeTags{}
	services, err := Status(context.Background(), Options{Client: f.client, Group: "fleet", Sources: embeddedSources(ft.tags)})
	if err != nil {
		t.Fatal(err)
	}
	// Only the failing project and the current/unmanaged/unknown ones.
	var picked []Service
	for _, s := range services {
		if s.State != Behind || s.Project == "fleet/behind" {
			picked = append(picked, s)
		}
	}
	var opened []string
	var progress []string
	outcomes := Update(context.Background(), picked, UpdateOptions{
		Sources: embeddedSources(ft.tags),
		Open: func(ctx context.Context, p *gitlab.Project) (*change.Session, error) {
			opened = append(opened, p.PathWithNamespace)
			return nil, fmt.Errorf(`clone "https://oauth2:glpat-s3cr3tvalue@gitlab.example.com/%s.git": connection reset`, p.PathWithNamespace)
		},
		Progress: func(done, total int, o Outcome) {
			progress = append(progress, fmt.Sprintf("%d/%d %s %s", done, total, o.Project, o.Action))
		},
	})
	if want := []string{"fleet/behind"}; !slices.Equal(opened, want) {
		t.Errorf("opened %v, want only the behind project %v", opened, want)
	}
	if want := []string{"1/1 fleet/behind failed"}; !slices.Equal(progress, want) {
		t.Errorf("progress %v, want %v", progress, want)
	}
	if len(outcomes) != len(picked) {
		t.Fatalf("%d outcomes for %d services", len(outcomes), len(picked))
	}
	for i, o := range outcomes {
		if o.Project != picked[i].Project {
			t.Errorf("outcome %d is %s, want %s (the order of the services)", i, o.Project, picked[i].Project)
		}
		if o.Conflicts == nil {
			t.Errorf("%s: nil conflicts (JSON null), want []", o.Project)
		}
		if o.Project == "fleet/behind" {
			if o.Action != Failed || !strings.Contains(o.Error, "connection reset") || strings.Contains(o.Error, "s3cr3tvalue") {
				t.Errorf("failing project: %s %q, want failed with the redacted error", o.Action, o.Error)
			}
			continue
		}
		if o.Action != Skipped || o.Error != "" {
			t.Errorf("%s (%s): %s %q, want skipped", o.Project, o.State, o.Action, o.Error)
		}
	}
	err = Failures(outcomes)
	var fe *FailedError
	if !errors.As(err, &fe) || !slices.Equal(fe.Projects, []string{"fleet/behind"}) || fe.Total != len(picked) {
		t.Fatalf("Failures = %#v, want a *FailedError naming fleet/behind", err)
	}
	if !strings.Contains(err.Error(), "1 of 7 project(s) failed: fleet/behind") {
		t.Errorf("error %q", err)
	}
	var rest []Outcome
	for _, o := range outcomes {
		if o.Action != Failed {
			rest = append(rest, o)
		}
	}
	if err := Failures(rest); err != nil {
		t.Errorf("Failures without a failed project = %v, want nil", err)
	}
}

func TestUpdateCancelledBeforeStarting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	services := []Service{
		{Project: "fleet/a", State: Behind},
		{Project: "fleet/b", State: Current},
	}
	outcomes := Update(ctx, services, UpdateOptions{
		Open: func(context.Context, *gitlab.Project) (*change.Session, error) {
			t.Error("Open called after cancel")
			return nil, errors.New("no")
		},
	})
	if outcomes[0].Action != Failed || !strings.Contains(outcomes[0].Error, "interrupted") {
		t.Errorf("behind project: %s %q, want failed: interrupted", outcomes[0].Action, outcomes[0].Error)
	}
	if outcomes[1].Action != Skipped {
		t.Errorf("current project: %s, want skipped", outcomes[1].Action)
	}
	if Failures(outcomes) == nil {
		t.Error("an interrupted run has no failures")
	}
}
