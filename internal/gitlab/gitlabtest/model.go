package gitlabtest

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// User is a GitLab user as the fake holds it.
type User struct {
	ID          int64
	Username    string
	Name        string
	Email       string
	NamespaceID int64
	CreatedAt   time.Time
}

// Namespace is a group ("group") or a user's personal namespace ("user").
type Namespace struct {
	ID       int64
	Name     string
	Path     string
	FullPath string
	Kind     string
	ParentID int64 // 0 for a top-level namespace
}

// Project is a GitLab project as the fake holds it.
type Project struct {
	ID                int64
	Name              string
	Path              string
	PathWithNamespace string
	NamespaceID       int64
	Description       string
	DefaultBranch     string
	Visibility        string
	WebURL            string
	// Archived is set with SetArchived.
	Archived bool
	// HTTPURLToRepo is the bare repository's path when Options.RepoDir is
	// set, else a made-up http URL nothing answers.
	HTTPURLToRepo string
	// RepoPath is the bare repository, "" without Options.RepoDir.
	RepoPath  string
	CreatedAt time.Time
}

// MergeRequest is a merge request as the fake holds it.
type MergeRequest struct {
	ID           int64
	IID          int64
	ProjectID    int64
	Title        string
	Description  string
	SourceBranch string
	TargetBranch string
	State        string // opened, closed, merged or locked
	Draft        bool
	Labels       []string // sorted
	AuthorID     int64
	AssigneeIDs  []int64
	ReviewerIDs  []int64
	WebURL       string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ClosedAt     time.Time
}

// Variable is a pipeline variable as it was sent.
type Variable struct {
	Key          string
	Value        string
	VariableType string // env_var or file
}

// Pipeline is a pipeline as the fake holds it.
type Pipeline struct {
	ID         int64
	IID        int64
	ProjectID  int64
	Ref        string
	SHA        string
	Status     string
	Source     string // api for created ones, push for seeded ones
	Variables  []Variable
	CreatedAt  time.Time
	UpdatedAt  time.Time
	StartedAt  time.Time
	FinishedAt time.Time
}

// Deployment is a deployment as the fake holds it.
type Deployment struct {
	ID          int64
	IID         int64
	ProjectID   int64
	Environment string
	Status      string
	Ref         string
	SHA         string
	JobID       int64 // the deploy job (deployable)
	PipelineID  int64 // the job's pipeline, not one of Pipelines
	CreatedAt   time.Time
	UpdatedAt   time.Time
	FinishedAt  time.Time // zero while not finished
}

// Environment is a project environment.
type Environment struct {
	ID          int64
	ProjectID   int64
	Name        string
	Slug        string
	Tier        string
	State       string
	ExternalURL string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// FreezePeriod is a deploy freeze: cron expressions in a time zone.
type FreezePeriod struct {
	ID           int64
	ProjectID    int64
	FreezeStart  string
	FreezeEnd    string
	CronTimezone string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Deterministic ID sequences; each starts after its base.
const (
	baseMergeRequestID = 100
	basePipelineID     = 1000
	baseDeploymentID   = 2000
	baseJobID          = 3000
	baseJobPipelineID  = 4000
)

type state struct {
	me         *User
	users      []*User
	namespaces []*Namespace
	projects   []*project
	seq        map[string]int64
}

// project is a project with what belongs to it.
type project struct {
	Project
	mrs         []*MergeRequest
	pipelines   []*pipeline
	deployments []*Deployment
	envs        []*Environment
	freezes     []*FreezePeriod
	script      []string
	iids        map[string]int64
}

// pipeline is a pipeline with its scripted statuses.
type pipeline struct {
	Pipeline
	script []string
	step   int
}

func newState() *state {
	return &state{seq: map[string]int64{
		"mr":          baseMergeRequestID,
		"pipeline":    basePipelineID,
		"deployment":  baseDeploymentID,
		"job":         baseJobID,
		"jobpipeline": baseJobPipelineID,
	}}
}

func (st *state) next(kind string) int64 {
	st.seq[kind]++
	return st.seq[kind]
}

func (p *project) nextIID(kind string) int64 {
	if p.iids == nil {
		p.iids = map[string]int64{}
	}
	p.iids[kind]++
	return p.iids[kind]
}

// findUser looks a user up by username, ignoring case as GitLab does.
func (st *state) findUser(username string) *User {
	for _, u := range st.users {
		if strings.EqualFold(u.Username, username) {
			return u
		}
	}
	return nil
}

func (st *state) userByID(id int64) *User {
	for _, u := range st.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// findNamespace takes a numeric ID or a full path (any case).
func (st *state) findNamespace(id string) *Namespace {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		for _, ns := range st.namespaces {
			if ns.ID == n {
				return ns
			}
		}
		return nil
	}
	for _, ns := range st.namespaces {
		if strings.EqualFold(ns.FullPath, id) {
			return ns
		}
	}
	return nil
}

// findProject takes a numeric ID or a path with namespace (any case).
func (st *state) findProject(id string) *project {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		for _, p := range st.projects {
			if p.ID == n {
				return p
			}
		}
		return nil
	}
	for _, p := range st.projects {
		if strings.EqualFold(p.PathWithNamespace, id) {
			return p
		}
	}
	return nil
}

func (s *Server) addUserLocked(username string) *User {
	if u := s.st.findUser(username); u != nil {
		return u
	}
	ns := &Namespace{ID: s.st.next("namespace"), Name: username, Path: username, FullPath: username, Kind: "user"}
	s.st.namespaces = append(s.st.namespaces, ns)
	u := &User{
		ID:          s.st.next("user"),
		Username:    username,
		Name:        username,
		Email:       username + "@example.com",
		NamespaceID: ns.ID,
		CreatedAt:   s.now(),
	}
	s.st.users = append(s.st.users, u)
	return u
}

// addNamespaceLocked makes the group fullPath and any missing parents.
func (s *Server) addNamespaceLocked(fullPath string) (*Namespace, error) {
	fullPath = strings.Trim(fullPath, "/")
	if fullPath == "" {
		return nil, fmt.Errorf("empty namespace path")
	}
	var parent *Namespace
	segs := strings.Split(fullPath, "/")
	for i, seg := range segs {
		if !validPath(seg) {
			return nil, fmt.Errorf("namespace path %q: %s", fullPath, pathRule)
		}
		full := strings.Join(segs[:i+1], "/")
		ns := s.st.findNamespace(full)
		if ns == nil {
			ns = &Namespace{ID: s.st.next("namespace"), Name: seg, Path: seg, FullPath: full, Kind: "group"}
			if parent != nil {
				ns.ParentID = parent.ID
			}
			s.st.namespaces = append(s.st.namespaces, ns)
		}
		parent = ns
	}
	return parent, nil
}

// addProjectLocked creates a project in ns, with its bare repository when
// RepoDir is set.
func (s *Server) addProjectLocked(ns *Namespace, name, path, description, defaultBranch string) (*project, error) {
	if defaultBranch == "" {
		defaultBranch = "main"
	}
	p := &project{Project: Project{
		ID:                s.st.next("project"),
		Name:              name,
		Path:              path,
		PathWithNamespace: ns.FullPath + "/" + path,
		NamespaceID:       ns.ID,
		Description:       description,
		DefaultBranch:     defaultBranch,
		Visibility:        "private",
		CreatedAt:         s.now(),
	}}
	p.WebURL = s.URL + "/" + p.PathWithNamespace
	p.HTTPURLToRepo = p.WebURL + ".git"
	if s.repoDir != "" {
		dir, err := s.initBareRepo(p.PathWithNamespace, defaultBranch)
		if err != nil {
			return nil, err
		}
		p.RepoPath = dir
		p.HTTPURLToRepo = dir
	}
	s.st.projects = append(s.st.projects, p)
	return p, nil
}

// pathRule is GitLab's message for an invalid path.
const pathRule = "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'"

var pathRE = regexp.MustCompile(`^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$`)

func validPath(p string) bool {
	return pathRE.MatchString(p) && !strings.HasSuffix(p, ".git") && !strings.HasSuffix(p, ".atom") && !strings.HasSuffix(p, ".")
}

var nameRE = regexp.MustCompile(`^[\p{L}\p{N}_][\p{L}\p{N}_.+ -]*$`)

// pathFromName is how GitLab derives a path when only a name is given.
func pathFromName(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '.':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-.")
}

// environmentLocked returns the project's environment name, creating it.
func (s *Server) environmentLocked(p *project, name string) *Environment {
	for _, e := range p.envs {
		if e.Name == name {
			return e
		}
	}
	now := s.now()
	e := &Environment{
		ID:        s.st.next("environment"),
		ProjectID: p.ID,
		Name:      name,
		Slug:      slugify(name),
		Tier:      guessTier(name),
		State:     "available",
		CreatedAt: now,
		UpdatedAt: now,
	}
	p.envs = append(p.envs, e)
	return e
}

// slugify approximates GitLab's environment slug: lowercase letters,
// digits and dashes, at most 24 characters.
func slugify(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	slug := strings.Trim(b.String(), "-")
	if len(slug) > 24 {
		slug = strings.TrimRight(slug[:24], "-")
	}
	if slug == "" {
		slug = "env"
	}
	return slug
}

// tierRules are GitLab's guesses of an environment's tier from its name.
var tierRules = []struct {
	re   *regexp.Regexp
	tier string
}{
	{regexp.MustCompile(`(?i)(dev|review|trunk)`), "development"},
	{regexp.MustCompile(`(?i)(test|tst|int|ac(ce|)pt|qa|qc|control|quality)`), "testing"},
	{regexp.MustCompile(`(?i)(st(a|)g|mod(e|)l|pre|demo|non)`), "staging"},
	{regexp.MustCompile(`(?i)(pr(o|)d|live)`), "production"},
}

func guessTier(name string) string {
	for _, r := range tierRules {
		if r.re.MatchString(name) {
			return r.tier
		}
	}
	return "other"
}

// Statuses GitLab knows.
var (
	pipelineStatuses   = []string{"created", "waiting_for_resource", "preparing", "pending", "running", "success", "failed", "canceling", "canceled", "skipped", "manual", "scheduled"}
	deploymentStatuses = []string{"created", "running", "success", "failed", "canceled", "skipped", "blocked"}
	finishedStatuses   = []string{"success", "failed", "canceled"}
)

func isFinished(status string) bool {
	return slices.Contains(finishedStatuses, status) || status == "skipped"
}

// draftRE is GitLab's draft title prefix: "Draft:", "[Draft]" or "(Draft)".
var draftRE = regexp.MustCompile(`(?i)^\s*(\[draft\]|\(draft\)|draft:)`)

func isDraftTitle(title string) bool { return draftRE.MatchString(title) }

func sortedUnique(labels []string) []string {
	out := slices.Clone(labels)
	slices.Sort(out)
	return slices.Compact(out)
}
