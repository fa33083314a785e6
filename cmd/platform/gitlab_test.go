package main

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/platform-team/platform/internal/gitlab/gitlabtest"
)

// gitlabKey is where setupGitLab leaves the script's fake GitLab in env.Values.
type gitlabKey struct{}

// otherHostKey is where setupGitLab leaves the script's OtherHost.
type otherHostKey struct{}

// setupGitLab gives every script its own fake GitLab (gitlabtest) and
// points the CLI at it:
//
//	PLATFORM_GITLAB_URL   the fake's URL
//	GITLAB_TOKEN          the token it accepts
//	GITLABFAKE_JOB_TOKEN  the CI job token it accepts (for env CI_JOB_TOKEN=...)
//	GITLAB_REPOS          $WORK/gitlab-repos, where projects' bare repositories live
//	OTHER_HOST_URL        a server on another host that records the credentials it gets
//	OTHER_HOST            its host:port
//
// A script that needs no token or another GitLab clears or overrides them
// with env.
func setupGitLab(env *testscript.Env) error {
	repos := filepath.Join(env.WorkDir, "gitlab-repos")
	srv := gitlabtest.New(gitlabtest.Options{RepoDir: repos})
	env.Defer(srv.Close)
	env.Values[gitlabKey{}] = srv
	env.Setenv("PLATFORM_GITLAB_URL", srv.URL)
	env.Setenv("GITLAB_TOKEN", srv.Token)
	env.Setenv("GITLABFAKE_JOB_TOKEN", srv.JobToken)
	env.Setenv("GITLAB_REPOS", repos)
	other := gitlabtest.NewOtherHost()
	env.Defer(other.Close)
	env.Values[otherHostKey{}] = other
	env.Setenv("OTHER_HOST_URL", other.URL)
	env.Setenv("OTHER_HOST", strings.TrimPrefix(other.URL, "http://"))
	return nil
}

// gitlabCmds are the script commands for the fake GitLab.
var gitlabCmds = map[string]func(*testscript.TestScript, bool, []string){
	"gitlab": cmdGitLab,
}

// gitlabUsage is the reference of the gitlab script command.
const gitlabUsage = `usage: gitlab SUBCOMMAND [ARGS...]

seeding (all quiet):
  gitlab project GROUP/.../NAME [DEFAULT_BRANCH]   project (+ groups, + bare repo in $GITLAB_REPOS)
  gitlab archive PROJECT                           mark the project archived
  gitlab commit PROJECT BRANCH|- DIR [MESSAGE]     commit DIR's files onto BRANCH (-: the default branch) of its repo
  gitlab namespace GROUP/...                       group namespace, with its parents
  gitlab user USERNAME
  gitlab mr PROJECT SOURCE TARGET TITLE             open merge request by the token's user
  gitlab pipeline PROJECT REF STATUS [SHA]          pipeline that stays at STATUS
  gitlab pipeline-script PROJECT STATUS...          statuses new pipelines go through, one per GET
  gitlab environment PROJECT NAME
  gitlab deployment PROJECT ENV STATUS REF SHA|head:DIR [FINISHED_RFC3339|ago:DURATION|-]
  gitlab freeze PROJECT CRON_START CRON_END [TZ]
faults:
  gitlab fail METHOD PATHGLOB STATUS [TIMES]       TIMES defaults to -1: always
  gitlab fail-after METHOD PATHGLOB STATUS [TIMES] serve the request, then answer STATUS (a create that "failed")
  gitlab hang METHOD PATHGLOB [TIMES]              TIMES defaults to -1: always
  gitlab redirect METHOD PATHGLOB STATUS URL [TIMES]  answer STATUS, Location: URL + the request's path
  gitlab garble METHOD PATHGLOB [TIMES]            answer 200 with a JSON body cut short
  gitlab fail-project PROJECT STATUS [TIMES]       every request about PROJECT (by path or ID) answers STATUS
  gitlab ratelimit METHOD PATHGLOB SECONDS [TIMES] answer 429 with Retry-After: SECONDS
  gitlab latency DURATION                          delay every answer (0: none)
  gitlab clear-faults
inspection:
  gitlab url                                       prints the base URL
  gitlab requests [METHOD PATHGLOB]                prints "METHOD /escaped/path?query", body indented below
  [!] gitlab requested METHOD PATHGLOB [COUNT]      some (exactly COUNT) requests matched; with !, none did
  gitlab clear-requests                            forgets the requests so far
  gitlab other-requests                            prints what $OTHER_HOST_URL received, credentials verbatim
  gitlab mrs PROJECT                               prints the project's merge requests
  gitlab pipelines PROJECT                         prints the project's pipelines
  gitlab project-requests                          prints "PROJECT COUNT" per project requests were about
  gitlab get /api/v4/PATH?QUERY                    GET with the token: prints the status, the X-Total, X-Next-Page
                                                   and Retry-After headers when set, then the body
METHOD is a method or *; PATHGLOB matches the escaped path (/api/v4/projects/g%2Fapp/...),
* within a segment, ** across segments.`

// cmdGitLab seeds, breaks and inspects the script's fake GitLab.
func cmdGitLab(ts *testscript.TestScript, neg bool, args []string) {
	srv, ok := ts.Value(gitlabKey{}).(*gitlabtest.Server)
	if !ok {
		ts.Fatalf("gitlab: no fake GitLab: call setupGitLab in the script's Setup")
	}
	if len(args) == 0 {
		ts.Fatalf("%s", gitlabUsage)
	}
	sub, args := args[0], args[1:]
	if neg && sub != "requested" {
		ts.Fatalf("gitlab %s does not support !", sub)
	}
	nargs := func(lo, hi int) {
		if len(args) < lo || len(args) > hi {
			ts.Fatalf("gitlab %s: wrong number of arguments\n%s", sub, gitlabUsage)
		}
	}
	opt := func(i int, def string) string {
		if i < len(args) {
			return args[i]
		}
		return def
	}
	atoi := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			ts.Fatalf("gitlab %s: %q is not a number", sub, s)
		}
		return n
	}
	// Seeding methods panic on a mistake in the script; report it as one.
	// Anything else (ts.Fatalf panics too) goes on up.
	defer func() {
		if r := recover(); r != nil {
			if msg, ok := r.(string); ok && strings.HasPrefix(msg, "gitlabtest: ") {
				ts.Fatalf("gitlab %s: %s", sub, strings.TrimPrefix(msg, "gitlabtest: "))
			}
			panic(r)
		}
	}()

	switch sub {
	case "url":
		nargs(0, 0)
		fmt.Fprintln(ts.Stdout(), srv.URL)
	case "project":
		nargs(1, 2)
		srv.AddProject(args[0], opt(1, ""))
	case "archive":
		nargs(1, 1)
		srv.SetArchived(args[0], true)
	case "commit":
		nargs(3, 4)
		branch := args[1]
		if branch == "-" {
			branch = ""
		}
		files := map[string]string{}
		for name, data := range readTree(ts, args[2]) {
			files[name] = string(data)
		}
		if len(files) == 0 {
			ts.Fatalf("gitlab commit: no files in %s", args[2])
		}
		srv.CommitFiles(args[0], branch, opt(3, ""), files)
	case "namespace":
		nargs(1, 1)
		srv.AddNamespace(args[0])
	case "user":
		nargs(1, 1)
		srv.AddUser(args[0])
	case "mr":
		nargs(4, 4)
		srv.AddMergeRequest(args[0], args[1], args[2], args[3])
	case "pipeline":
		nargs(3, 4)
		srv.AddPipeline(args[0], args[1], opt(3, ""), args[2])
	case "pipeline-script":
		if len(args) < 2 {
			ts.Fatalf("usage: gitlab pipeline-script PROJECT STATUS...")
		}
		srv.SetPipelineScript(args[0], args[1:]...)
	case "environment":
		nargs(2, 2)
		srv.AddEnvironment(args[0], args[1])
	case "deployment":
		nargs(5, 6)
		var finished time.Time
		if f := opt(5, "-"); strings.HasPrefix(f, "ago:") {
			// ago:25h is that long before the real clock the CLI reads.
			d, err := time.ParseDuration(strings.TrimPrefix(f, "ago:"))
			if err != nil {
				ts.Fatalf("gitlab deployment: %v", err)
			}
			finished = time.Now().Add(-d).UTC().Truncate(time.Second)
		} else if f != "-" {
			var err error
			if finished, err = time.Parse(time.RFC3339, f); err != nil {
				ts.Fatalf("gitlab deployment: finished time: %v", err)
			}
		}
		sha := args[4]
		if dir, ok := strings.CutPrefix(sha, "head:"); ok {
			// head:DIR is the commit DIR's repository has checked out.
			repo, err := git.PlainOpen(ts.MkAbs(dir))
			ts.Check(err)
			head, err := repo.Head()
			ts.Check(err)
			sha = head.Hash().String()
		}
		srv.AddDeployment(args[0], args[1], args[2], args[3], sha, finished)
	case "freeze":
		nargs(3, 4)
		srv.AddFreezePeriod(args[0], args[1], args[2], opt(3, "UTC"))
	case "fail":
		nargs(3, 4)
		srv.Fail(args[0], args[1], atoi(args[2]), atoi(opt(3, "-1")))
	case "fail-after":
		nargs(3, 4)
		srv.FailAfterServing(args[0], args[1], atoi(args[2]), atoi(opt(3, "-1")))
	case "hang":
		nargs(2, 3)
		srv.Hang(args[0], args[1], atoi(opt(2, "-1")))
	case "redirect":
		nargs(4, 5)
		srv.Redirect(args[0], args[1], atoi(args[2]), args[3], atoi(opt(4, "-1")))
	case "garble":
		nargs(2, 3)
		srv.Garble(args[0], args[1], atoi(opt(2, "-1")))
	case "fail-project":
		nargs(2, 3)
		srv.FailProject(args[0], atoi(args[1]), atoi(opt(2, "-1")))
	case "ratelimit":
		nargs(3, 4)
		srv.RateLimit(args[0], args[1], atoi(args[2]), atoi(opt(3, "-1")))
	case "latency":
		nargs(1, 1)
		d, err := time.ParseDuration(args[0])
		if err != nil {
			ts.Fatalf("gitlab latency: %v", err)
		}
		srv.SetLatency(d)
	case "get":
		nargs(1, 1)
		req, err := http.NewRequest(http.MethodGet, srv.URL+args[0], nil)
		ts.Check(err)
		req.Header.Set("PRIVATE-TOKEN", srv.Token)
		resp, err := http.DefaultClient.Do(req)
		ts.Check(err)
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		ts.Check(err)
		fmt.Fprintln(ts.Stdout(), resp.Status)
		for _, h := range []string{"X-Total", "X-Next-Page", "Retry-After"} {
			if v := resp.Header.Get(h); v != "" {
				fmt.Fprintf(ts.Stdout(), "%s: %s\n", h, v)
			}
		}
		fmt.Fprintln(ts.Stdout(), string(body))
	case "project-requests":
		nargs(0, 0)
		counts := srv.RequestsPerProject()
		for _, p := range slices.Sorted(maps.Keys(counts)) {
			fmt.Fprintf(ts.Stdout(), "%s %d\n", p, counts[p])
		}
	case "other-requests":
		nargs(0, 0)
		other, _ := ts.Value(otherHostKey{}).(*gitlabtest.OtherHost)
		for _, r := range other.Requests() {
			fmt.Fprintln(ts.Stdout(), r)
		}
	case "clear-faults":
		nargs(0, 0)
		srv.ClearFaults()
	case "requests":
		nargs(0, 2)
		reqs := srv.Requests()
		if len(args) > 0 {
			if len(args) != 2 {
				ts.Fatalf("usage: gitlab requests [METHOD PATHGLOB]")
			}
			reqs = srv.RequestsMatching(args[0], args[1])
		}
		fmt.Fprint(ts.Stdout(), gitlabtest.FormatRequests(reqs))
	case "requested":
		nargs(2, 3)
		got := srv.RequestsMatching(args[0], args[1])
		switch {
		case neg && len(got) > 0:
			ts.Fatalf("%d requests matched %s %s:\n%s", len(got), args[0], args[1], gitlabtest.FormatRequests(got))
		case neg:
		case len(args) == 3 && len(got) != atoi(args[2]):
			ts.Fatalf("%d requests matched %s %s, want %s:\n%s", len(got), args[0], args[1], args[2], gitlabtest.FormatRequests(got))
		case len(got) == 0:
			ts.Fatalf("no request matched %s %s; all requests:\n%s", args[0], args[1], gitlabtest.FormatRequests(srv.Requests()))
		}
	case "clear-requests":
		nargs(0, 0)
		srv.ResetRequests()
	case "mrs":
		nargs(1, 1)
		for _, mr := range srv.MergeRequests(args[0]) {
			fmt.Fprintf(ts.Stdout(), "!%d %s %s -> %s %q", mr.IID, mr.State, mr.SourceBranch, mr.TargetBranch, mr.Title)
			if mr.Draft {
				fmt.Fprint(ts.Stdout(), " draft")
			}
			if len(mr.Labels) > 0 {
				fmt.Fprintf(ts.Stdout(), " labels=%s", strings.Join(mr.Labels, ","))
			}
			if len(mr.ReviewerIDs) > 0 {
				fmt.Fprintf(ts.Stdout(), " reviewers=%s", joinInts(mr.ReviewerIDs))
			}
			fmt.Fprintln(ts.Stdout())
		}
	case "pipelines":
		nargs(1, 1)
		for _, p := range srv.Pipelines(args[0]) {
			fmt.Fprintf(ts.Stdout(), "%d %s %s %s", p.ID, p.Ref, p.Status, p.Source)
			for _, v := range p.Variables {
				fmt.Fprintf(ts.Stdout(), " %s=%s", v.Key, v.Value)
			}
			fmt.Fprintln(ts.Stdout())
		}
	default:
		ts.Fatalf("gitlab: unknown subcommand %q\n%s", sub, gitlabUsage)
	}
}

func joinInts(ns []int64) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(s, ",")
}
