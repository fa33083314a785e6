package gitlabtest

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Seeding methods set up what a test needs. They panic on a mistake in the
// test itself (an unknown project, an invalid status), like regexp.MustCompile.

// Me returns the user the token belongs to.
func (s *Server) Me() User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.st.me
}

// AddUser adds a user, or returns the one of that username.
func (s *Server) AddUser(username string) *User {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := *s.addUserLocked(username)
	return &u
}

// AddNamespace adds the group fullPath ("group/sub"), with its parents.
// An existing namespace is returned as it is.
func (s *Server) AddNamespace(fullPath string) *Namespace {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns, err := s.addNamespaceLocked(fullPath)
	if err != nil {
		panic("gitlabtest: AddNamespace: " + err.Error())
	}
	c := *ns
	return &c
}

// AddProject adds the project path ("group/sub/name") on defaultBranch
// ("" is main), creating its groups and, with Options.RepoDir, an empty
// bare repository. An existing project is returned as it is.
func (s *Server) AddProject(path, defaultBranch string) *Project {
	s.mu.Lock()
	defer s.mu.Unlock()
	path = strings.Trim(path, "/")
	if p := s.st.findProject(path); p != nil {
		c := p.Project
		return &c
	}
	i := strings.LastIndex(path, "/")
	if i <= 0 {
		panic(fmt.Sprintf("gitlabtest: AddProject(%q): want namespace/project", path))
	}
	dir, name := path[:i], path[i+1:]
	if !validPath(name) {
		panic(fmt.Sprintf("gitlabtest: AddProject(%q): path %s", path, pathRule))
	}
	ns := s.st.findNamespace(dir)
	if ns == nil {
		var err error
		if ns, err = s.addNamespaceLocked(dir); err != nil {
			panic("gitlabtest: AddProject: " + err.Error())
		}
	}
	p, err := s.addProjectLocked(ns, name, name, "", defaultBranch)
	if err != nil {
		panic("gitlabtest: AddProject: " + err.Error())
	}
	c := p.Project
	return &c
}

// mustProject finds a project by path or ID for a seeding method.
func (s *Server) mustProject(method, id string) *project {
	p := s.st.findProject(strings.Trim(id, "/"))
	if p == nil {
		panic(fmt.Sprintf("gitlabtest: %s: no project %q (AddProject it first)", method, id))
	}
	return p
}

// AddMergeRequest adds an open merge request by the token's user. Unlike
// the API it checks neither branches nor duplicates.
func (s *Server) AddMergeRequest(projectPath, source, target, title string) *MergeRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mustProject("AddMergeRequest", projectPath)
	mr := s.newMergeRequestLocked(p, source, target, title)
	return mr.clone()
}

func (s *Server) newMergeRequestLocked(p *project, source, target, title string) *MergeRequest {
	now := s.now()
	mr := &MergeRequest{
		ID:           s.st.next("mr"),
		IID:          p.nextIID("mr"),
		ProjectID:    p.ID,
		Title:        title,
		SourceBranch: source,
		TargetBranch: target,
		State:        "opened",
		Draft:        isDraftTitle(title),
		Labels:       []string{},
		AuthorID:     s.st.me.ID,
		AssigneeIDs:  []int64{},
		ReviewerIDs:  []int64{},
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	mr.WebURL = fmt.Sprintf("%s/-/merge_requests/%d", p.WebURL, mr.IID)
	p.mrs = append(p.mrs, mr)
	return mr
}

func (mr *MergeRequest) clone() *MergeRequest {
	c := *mr
	c.Labels = slices.Clone(mr.Labels)
	c.AssigneeIDs = slices.Clone(mr.AssigneeIDs)
	c.ReviewerIDs = slices.Clone(mr.ReviewerIDs)
	return &c
}

// MergeRequests returns the project's merge requests, oldest first.
func (s *Server) MergeRequests(projectPath string) []MergeRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mustProject("MergeRequests", projectPath)
	out := make([]MergeRequest, len(p.mrs))
	for i, mr := range p.mrs {
		out[i] = *mr.clone()
	}
	return out
}

// SetPipelineScript sets the statuses pipelines created from now on in
// the project go through: the create response shows the first, and each
// GET of that pipeline (by ID or as latest) moves it one step on, staying
// at the last. The default script is created, running, success.
func (s *Server) SetPipelineScript(projectPath string, statuses ...string) {
	for _, st := range statuses {
		if !slices.Contains(pipelineStatuses, st) {
			panic(fmt.Sprintf("gitlabtest: SetPipelineScript: unknown pipeline status %q (want one of %s)", st, strings.Join(pipelineStatuses, ", ")))
		}
	}
	if len(statuses) == 0 {
		panic("gitlabtest: SetPipelineScript: no statuses")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mustProject("SetPipelineScript", projectPath)
	p.script = slices.Clone(statuses)
}

// defaultScript is what a pipeline does when no script was set.
var defaultScript = []string{"created", "running", "success"}

// AddPipeline adds a pipeline (source push) that stays at status. An
// empty sha is the ref's head, or a made-up one.
func (s *Server) AddPipeline(projectPath, ref, sha, status string) *Pipeline {
	if !slices.Contains(pipelineStatuses, status) {
		panic(fmt.Sprintf("gitlabtest: AddPipeline: unknown pipeline status %q", status))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mustProject("AddPipeline", projectPath)
	if sha == "" {
		sha = s.shaOf(p, ref)
	}
	pl := s.newPipelineLocked(p, ref, sha, "push", []string{status}, nil)
	c := pl.Pipeline
	return &c
}

func (s *Server) newPipelineLocked(p *project, ref, sha, source string, script []string, vars []Variable) *pipeline {
	now := s.now()
	pl := &pipeline{
		Pipeline: Pipeline{
			ID:        s.st.next("pipeline"),
			IID:       p.nextIID("pipeline"),
			ProjectID: p.ID,
			Ref:       ref,
			SHA:       sha,
			Source:    source,
			Variables: vars,
			CreatedAt: now,
		},
		script: slices.Clone(script),
	}
	pl.setStatus(script[0], now)
	p.pipelines = append(p.pipelines, pl)
	return pl
}

// advance moves a polled pipeline one step along its script.
func (pl *pipeline) advance(now time.Time) {
	if pl.step < len(pl.script)-1 {
		pl.step++
		pl.setStatus(pl.script[pl.step], now)
	}
}

func (pl *pipeline) setStatus(status string, now time.Time) {
	pl.Status = status
	pl.UpdatedAt = now
	switch status {
	case "created", "waiting_for_resource", "preparing", "pending", "manual", "scheduled":
	default:
		if pl.StartedAt.IsZero() {
			pl.StartedAt = now
		}
	}
	if isFinished(status) && pl.FinishedAt.IsZero() {
		pl.FinishedAt = now
	}
}

// Pipelines returns the project's pipelines, oldest first.
func (s *Server) Pipelines(projectPath string) []Pipeline {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mustProject("Pipelines", projectPath)
	out := make([]Pipeline, len(p.pipelines))
	for i, pl := range p.pipelines {
		out[i] = pl.Pipeline
		out[i].Variables = slices.Clone(pl.Variables)
	}
	return out
}

// AddEnvironment adds an available environment, or returns the one of that name.
func (s *Server) AddEnvironment(projectPath, name string) *Environment {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mustProject("AddEnvironment", projectPath)
	e := *s.environmentLocked(p, name)
	return &e
}

// AddDeployment adds a deployment of ref at sha to env (created if
// missing). finishedAt is when its job finished; zero for one that has not.
// It was created a minute before it finished and last updated then.
func (s *Server) AddDeployment(projectPath, env, status, ref, sha string, finishedAt time.Time) *Deployment {
	if !slices.Contains(deploymentStatuses, status) {
		panic(fmt.Sprintf("gitlabtest: AddDeployment: unknown deployment status %q (want one of %s)", status, strings.Join(deploymentStatuses, ", ")))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mustProject("AddDeployment", projectPath)
	s.environmentLocked(p, env)
	d := &Deployment{
		ID:          s.st.next("deployment"),
		IID:         p.nextIID("deployment"),
		ProjectID:   p.ID,
		Environment: env,
		Status:      status,
		Ref:         ref,
		SHA:         sha,
		JobID:       s.st.next("job"),
		PipelineID:  s.st.next("jobpipeline"),
	}
	if finishedAt.IsZero() {
		d.CreatedAt = s.now()
		d.UpdatedAt = d.CreatedAt
	} else {
		d.FinishedAt = finishedAt.UTC().Truncate(time.Millisecond)
		d.CreatedAt = d.FinishedAt.Add(-time.Minute)
		d.UpdatedAt = d.FinishedAt
	}
	p.deployments = append(p.deployments, d)
	c := *d
	return &c
}

// AddFreezePeriod adds a deploy freeze from the cron start to the cron
// end in time zone tz ("" is UTC).
func (s *Server) AddFreezePeriod(projectPath, start, end, tz string) *FreezePeriod {
	if tz == "" {
		tz = "UTC"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mustProject("AddFreezePeriod", projectPath)
	now := s.now()
	f := &FreezePeriod{ID: s.st.next("freeze"), ProjectID: p.ID, FreezeStart: start, FreezeEnd: end, CronTimezone: tz, CreatedAt: now, UpdatedAt: now}
	p.freezes = append(p.freezes, f)
	c := *f
	return &c
}

// Project returns the project path (or numeric ID) names.
func (s *Server) Project(path string) (Project, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.findProject(strings.Trim(path, "/"))
	if p == nil {
		return Project{}, false
	}
	return p.Project, true
}
