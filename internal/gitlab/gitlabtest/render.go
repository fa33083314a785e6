package gitlabtest

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// jsonTime renders like GitLab: UTC with milliseconds, or null when zero.
type jsonTime time.Time

func (t jsonTime) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	if tt.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + tt.UTC().Format("2006-01-02T15:04:05.000Z") + `"`), nil
}

type basicUserJSON struct {
	ID        int64   `json:"id"`
	Username  string  `json:"username"`
	Name      string  `json:"name"`
	State     string  `json:"state"`
	Locked    bool    `json:"locked"`
	AvatarURL *string `json:"avatar_url"`
	WebURL    string  `json:"web_url"`
}

func (s *Server) basicUser(u *User) *basicUserJSON {
	if u == nil {
		return nil
	}
	return &basicUserJSON{ID: u.ID, Username: u.Username, Name: u.Name, State: "active", WebURL: s.URL + "/" + u.Username}
}

type userJSON struct {
	basicUserJSON
	CreatedAt        jsonTime  `json:"created_at"`
	Bio              string    `json:"bio"`
	PublicEmail      string    `json:"public_email"`
	Bot              bool      `json:"bot"`
	Email            string    `json:"email,omitempty"`
	IsAdmin          *bool     `json:"is_admin,omitempty"`
	CanCreateGroup   *bool     `json:"can_create_group,omitempty"`
	CanCreateProject *bool     `json:"can_create_project,omitempty"`
	TwoFactorEnabled *bool     `json:"two_factor_enabled,omitempty"`
	External         *bool     `json:"external,omitempty"`
	ConfirmedAt      *jsonTime `json:"confirmed_at,omitempty"`
	NamespaceID      int64     `json:"namespace_id,omitempty"`
}

// userView is a user as GET /users shows it to another user; self adds
// what GET /user shows only to the user.
func (s *Server) userView(u *User, self bool) userJSON {
	j := userJSON{basicUserJSON: *s.basicUser(u), CreatedAt: jsonTime(u.CreatedAt)}
	if self {
		t, f := true, false
		confirmed := jsonTime(u.CreatedAt)
		j.Email = u.Email
		j.IsAdmin, j.CanCreateGroup, j.CanCreateProject, j.TwoFactorEnabled, j.External = &f, &t, &t, &f, &f
		j.ConfirmedAt = &confirmed
		j.NamespaceID = u.NamespaceID
	}
	return j
}

type namespaceJSON struct {
	ID        int64   `json:"id"`
	Name      string  `json:"name"`
	Path      string  `json:"path"`
	Kind      string  `json:"kind"`
	FullPath  string  `json:"full_path"`
	ParentID  *int64  `json:"parent_id"`
	AvatarURL *string `json:"avatar_url"`
	WebURL    string  `json:"web_url"`
}

func (s *Server) namespaceView(ns *Namespace) namespaceJSON {
	j := namespaceJSON{ID: ns.ID, Name: ns.Name, Path: ns.Path, Kind: ns.Kind, FullPath: ns.FullPath}
	if ns.ParentID != 0 {
		id := ns.ParentID
		j.ParentID = &id
	}
	if ns.Kind == "group" {
		j.WebURL = s.URL + "/groups/" + ns.FullPath
	} else {
		j.WebURL = s.URL + "/" + ns.FullPath
	}
	return j
}

type projectJSON struct {
	ID                int64          `json:"id"`
	Description       *string        `json:"description"`
	Name              string         `json:"name"`
	NameWithNamespace string         `json:"name_with_namespace"`
	Path              string         `json:"path"`
	PathWithNamespace string         `json:"path_with_namespace"`
	CreatedAt         jsonTime       `json:"created_at"`
	DefaultBranch     string         `json:"default_branch"`
	TagList           []string       `json:"tag_list"`
	Topics            []string       `json:"topics"`
	SSHURLToRepo      string         `json:"ssh_url_to_repo"`
	HTTPURLToRepo     string         `json:"http_url_to_repo"`
	WebURL            string         `json:"web_url"`
	ReadmeURL         *string        `json:"readme_url"`
	ForksCount        int            `json:"forks_count"`
	AvatarURL         *string        `json:"avatar_url"`
	StarCount         int            `json:"star_count"`
	LastActivityAt    jsonTime       `json:"last_activity_at"`
	Namespace         namespaceJSON  `json:"namespace"`
	Visibility        string         `json:"visibility"`
	Owner             *basicUserJSON `json:"owner,omitempty"`
	EmptyRepo         bool           `json:"empty_repo"`
	Archived          bool           `json:"archived"`
	CreatorID         int64          `json:"creator_id"`
}

func (s *Server) projectView(p *project) projectJSON {
	ns := s.st.findNamespace(strconv.FormatInt(p.NamespaceID, 10))
	j := projectJSON{
		ID:                p.ID,
		Name:              p.Name,
		NameWithNamespace: s.humanName(ns) + " / " + p.Name,
		Path:              p.Path,
		PathWithNamespace: p.PathWithNamespace,
		CreatedAt:         jsonTime(p.CreatedAt),
		DefaultBranch:     p.DefaultBranch,
		TagList:           []string{},
		Topics:            []string{},
		SSHURLToRepo:      "git@" + hostOf(s.URL) + ":" + p.PathWithNamespace + ".git",
		HTTPURLToRepo:     p.HTTPURLToRepo,
		WebURL:            p.WebURL,
		LastActivityAt:    jsonTime(p.CreatedAt),
		Namespace:         s.namespaceView(ns),
		Visibility:        p.Visibility,
		EmptyRepo:         !s.hasBranches(p),
		Archived:          p.Archived,
		CreatorID:         s.st.me.ID,
	}
	if p.Description != "" {
		d := p.Description
		j.Description = &d
	}
	if ns.Kind == "user" {
		j.Owner = s.basicUser(s.st.findUser(ns.Path))
	}
	return j
}

// humanName is a namespace's names joined as GitLab shows them: "Group / Sub".
func (s *Server) humanName(ns *Namespace) string {
	names := []string{ns.Name}
	for ns.ParentID != 0 {
		ns = s.st.findNamespace(strconv.FormatInt(ns.ParentID, 10))
		names = append([]string{ns.Name}, names...)
	}
	return strings.Join(names, " / ")
}

func hostOf(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	return u.Hostname()
}

type referencesJSON struct {
	Short    string `json:"short"`
	Relative string `json:"relative"`
	Full     string `json:"full"`
}

type timeStatsJSON struct {
	TimeEstimate        int64   `json:"time_estimate"`
	TotalTimeSpent      int64   `json:"total_time_spent"`
	HumanTimeEstimate   *string `json:"human_time_estimate"`
	HumanTotalTimeSpent *string `json:"human_total_time_spent"`
}

type taskStatusJSON struct {
	Count          int64 `json:"count"`
	CompletedCount int64 `json:"completed_count"`
}

type diffRefsJSON struct {
	BaseSHA  string `json:"base_sha"`
	HeadSHA  string `json:"head_sha"`
	StartSHA string `json:"start_sha"`
}

type mergeRequestJSON struct {
	ID                          int64            `json:"id"`
	IID                         int64            `json:"iid"`
	ProjectID                   int64            `json:"project_id"`
	Title                       string           `json:"title"`
	Description                 *string          `json:"description"`
	State                       string           `json:"state"`
	CreatedAt                   jsonTime         `json:"created_at"`
	UpdatedAt                   jsonTime         `json:"updated_at"`
	MergedBy                    *basicUserJSON   `json:"merged_by"`
	MergeUser                   *basicUserJSON   `json:"merge_user"`
	MergedAt                    jsonTime         `json:"merged_at"`
	ClosedBy                    *basicUserJSON   `json:"closed_by"`
	ClosedAt                    jsonTime         `json:"closed_at"`
	TargetBranch                string           `json:"target_branch"`
	SourceBranch                string           `json:"source_branch"`
	UserNotesCount              int64            `json:"user_notes_count"`
	Upvotes                     int64            `json:"upvotes"`
	Downvotes                   int64            `json:"downvotes"`
	Author                      *basicUserJSON   `json:"author"`
	Assignees                   []*basicUserJSON `json:"assignees"`
	Assignee                    *basicUserJSON   `json:"assignee"`
	Reviewers                   []*basicUserJSON `json:"reviewers"`
	SourceProjectID             int64            `json:"source_project_id"`
	TargetProjectID             int64            `json:"target_project_id"`
	Labels                      []string         `json:"labels"`
	Draft                       bool             `json:"draft"`
	WorkInProgress              bool             `json:"work_in_progress"`
	Milestone                   any              `json:"milestone"`
	MergeWhenPipelineSucceeds   bool             `json:"merge_when_pipeline_succeeds"`
	MergeStatus                 string           `json:"merge_status"`
	DetailedMergeStatus         string           `json:"detailed_merge_status"`
	SHA                         string           `json:"sha"`
	MergeCommitSHA              *string          `json:"merge_commit_sha"`
	SquashCommitSHA             *string          `json:"squash_commit_sha"`
	DiscussionLocked            *bool            `json:"discussion_locked"`
	ShouldRemoveSourceBranch    *bool            `json:"should_remove_source_branch"`
	ForceRemoveSourceBranch     bool             `json:"force_remove_source_branch"`
	PreparedAt                  jsonTime         `json:"prepared_at"`
	Reference                   string           `json:"reference"`
	References                  referencesJSON   `json:"references"`
	WebURL                      string           `json:"web_url"`
	TimeStats                   timeStatsJSON    `json:"time_stats"`
	Squash                      bool             `json:"squash"`
	SquashOnMerge               bool             `json:"squash_on_merge"`
	TaskCompletionStatus        taskStatusJSON   `json:"task_completion_status"`
	HasConflicts                bool             `json:"has_conflicts"`
	BlockingDiscussionsResolved bool             `json:"blocking_discussions_resolved"`

	// Only on a single merge request.
}

// mergeRequestSingleJSON is what GET and PUT of one merge request add.
type mergeRequestSingleJSON struct {
	mergeRequestJSON
	Subscribed           bool         `json:"subscribed"`
	ChangesCount         string       `json:"changes_count"`
	User                 canMergeJSON `json:"user"`
	DiffRefs             diffRefsJSON `json:"diff_refs"`
	DivergedCommitsCount int64        `json:"diverged_commits_count"`
	RebaseInProgress     bool         `json:"rebase_in_progress"`
	FirstContribution    bool         `json:"first_contribution"`
	Pipeline             any          `json:"pipeline"`
	HeadPipeline         any          `json:"head_pipeline"`
	MergeError           *string      `json:"merge_error"`
}

type canMergeJSON struct {
	CanMerge bool `json:"can_merge"`
}

func (s *Server) mergeRequestView(p *project, mr *MergeRequest, single bool) any {
	author := s.basicUser(s.st.userByID(mr.AuthorID))
	j := mergeRequestJSON{
		ID:                          mr.ID,
		IID:                         mr.IID,
		ProjectID:                   p.ID,
		Title:                       mr.Title,
		State:                       mr.State,
		CreatedAt:                   jsonTime(mr.CreatedAt),
		UpdatedAt:                   jsonTime(mr.UpdatedAt),
		ClosedAt:                    jsonTime(mr.ClosedAt),
		TargetBranch:                mr.TargetBranch,
		SourceBranch:                mr.SourceBranch,
		Author:                      author,
		Assignees:                   s.usersByID(mr.AssigneeIDs),
		Reviewers:                   s.usersByID(mr.ReviewerIDs),
		SourceProjectID:             p.ID,
		TargetProjectID:             p.ID,
		Labels:                      sortedUnique(mr.Labels),
		Draft:                       mr.Draft,
		WorkInProgress:              mr.Draft,
		MergeStatus:                 "can_be_merged",
		DetailedMergeStatus:         "mergeable",
		SHA:                         s.shaOf(p, mr.SourceBranch),
		PreparedAt:                  jsonTime(mr.CreatedAt),
		Reference:                   fmt.Sprintf("!%d", mr.IID),
		References:                  referencesJSON{Short: fmt.Sprintf("!%d", mr.IID), Relative: fmt.Sprintf("!%d", mr.IID), Full: fmt.Sprintf("%s!%d", p.PathWithNamespace, mr.IID)},
		WebURL:                      mr.WebURL,
		BlockingDiscussionsResolved: true,
	}
	if mr.Description != "" {
		d := mr.Description
		j.Description = &d
	}
	if len(j.Assignees) > 0 {
		j.Assignee = j.Assignees[0]
	}
	switch {
	case mr.State != "opened":
		j.DetailedMergeStatus = "not_open"
	case mr.Draft:
		j.DetailedMergeStatus = "draft_status"
	}
	if mr.State == "closed" {
		j.ClosedBy = author
	}
	if !single {
		return j
	}
	target := s.shaOf(p, mr.TargetBranch)
	return mergeRequestSingleJSON{
		mergeRequestJSON: j,
		ChangesCount:     "0",
		User:             canMergeJSON{CanMerge: true},
		DiffRefs:         diffRefsJSON{BaseSHA: target, HeadSHA: j.SHA, StartSHA: target},
	}
}

// usersByID maps IDs to users, dropping unknown ones as GitLab does.
func (s *Server) usersByID(ids []int64) []*basicUserJSON {
	out := []*basicUserJSON{}
	for _, id := range ids {
		if u := s.st.userByID(id); u != nil {
			out = append(out, s.basicUser(u))
		}
	}
	return out
}

type detailedStatusJSON struct {
	Icon         string  `json:"icon"`
	Text         string  `json:"text"`
	Label        string  `json:"label"`
	Group        string  `json:"group"`
	Tooltip      string  `json:"tooltip"`
	HasDetails   bool    `json:"has_details"`
	DetailsPath  string  `json:"details_path"`
	Illustration *string `json:"illustration"`
	Favicon      string  `json:"favicon"`
}

// statusLooks are the text, label and group GitLab shows for a status.
var statusLooks = map[string][3]string{
	"created":              {"Created", "created", "created"},
	"waiting_for_resource": {"Waiting", "waiting for resource", "waiting-for-resource"},
	"preparing":            {"Preparing", "preparing", "preparing"},
	"pending":              {"Pending", "pending", "pending"},
	"running":              {"Running", "running", "running"},
	"success":              {"Passed", "passed", "success"},
	"failed":               {"Failed", "failed", "failed"},
	"canceling":            {"Canceling", "canceling", "canceling"},
	"canceled":             {"Canceled", "canceled", "canceled"},
	"skipped":              {"Skipped", "skipped", "skipped"},
	"manual":               {"Blocked", "waiting for manual action", "manual"},
	"scheduled":            {"Scheduled", "waiting for delayed job", "scheduled"},
}

func detailedStatus(status, path string) detailedStatusJSON {
	look, ok := statusLooks[status]
	if !ok {
		look = [3]string{status, status, status}
	}
	icon := "status_" + strings.ReplaceAll(look[2], "-", "_")
	return detailedStatusJSON{
		Icon: icon, Text: look[0], Label: look[1], Group: look[2], Tooltip: look[1],
		HasDetails: true, DetailsPath: path,
		Favicon: "/assets/ci_favicons/favicon_" + icon + ".png",
	}
}

type pipelineBasicJSON struct {
	ID        int64    `json:"id"`
	IID       int64    `json:"iid"`
	ProjectID int64    `json:"project_id"`
	SHA       string   `json:"sha"`
	Ref       string   `json:"ref"`
	Status    string   `json:"status"`
	Source    string   `json:"source"`
	CreatedAt jsonTime `json:"created_at"`
	UpdatedAt jsonTime `json:"updated_at"`
	WebURL    string   `json:"web_url"`
	Name      *string  `json:"name"`
}

type pipelineJSON struct {
	pipelineBasicJSON
	BeforeSHA      string             `json:"before_sha"`
	Tag            bool               `json:"tag"`
	YamlErrors     *string            `json:"yaml_errors"`
	User           *basicUserJSON     `json:"user"`
	StartedAt      jsonTime           `json:"started_at"`
	FinishedAt     jsonTime           `json:"finished_at"`
	CommittedAt    jsonTime           `json:"committed_at"`
	Duration       *int64             `json:"duration"`
	QueuedDuration *int64             `json:"queued_duration"`
	Coverage       *string            `json:"coverage"`
	DetailedStatus detailedStatusJSON `json:"detailed_status"`
}

func (s *Server) pipelineBasic(p *project, pl *pipeline) pipelineBasicJSON {
	return pipelineBasicJSON{
		ID: pl.ID, IID: pl.IID, ProjectID: p.ID, SHA: pl.SHA, Ref: pl.Ref, Status: pl.Status, Source: pl.Source,
		CreatedAt: jsonTime(pl.CreatedAt), UpdatedAt: jsonTime(pl.UpdatedAt),
		WebURL: fmt.Sprintf("%s/-/pipelines/%d", p.WebURL, pl.ID),
	}
}

func (s *Server) pipelineView(p *project, pl *pipeline) pipelineJSON {
	j := pipelineJSON{
		pipelineBasicJSON: s.pipelineBasic(p, pl),
		BeforeSHA:         strings.Repeat("0", 40),
		User:              s.basicUser(s.st.me),
		StartedAt:         jsonTime(pl.StartedAt),
		FinishedAt:        jsonTime(pl.FinishedAt),
		DetailedStatus:    detailedStatus(pl.Status, fmt.Sprintf("/%s/-/pipelines/%d", p.PathWithNamespace, pl.ID)),
	}
	if !pl.StartedAt.IsZero() {
		queued := int64(pl.StartedAt.Sub(pl.CreatedAt) / time.Second)
		j.QueuedDuration = &queued
	}
	if !pl.StartedAt.IsZero() && !pl.FinishedAt.IsZero() {
		d := int64(pl.FinishedAt.Sub(pl.StartedAt) / time.Second)
		j.Duration = &d
	}
	return j
}

type environmentJSON struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Slug        string   `json:"slug"`
	Description *string  `json:"description"`
	ExternalURL *string  `json:"external_url"`
	CreatedAt   jsonTime `json:"created_at"`
	UpdatedAt   jsonTime `json:"updated_at"`
	Tier        string   `json:"tier"`
	State       string   `json:"state"`
	AutoStopAt  jsonTime `json:"auto_stop_at"`
}

func environmentView(e *Environment) environmentJSON {
	j := environmentJSON{ID: e.ID, Name: e.Name, Slug: e.Slug, CreatedAt: jsonTime(e.CreatedAt), UpdatedAt: jsonTime(e.UpdatedAt), Tier: e.Tier, State: e.State}
	if e.ExternalURL != "" {
		u := e.ExternalURL
		j.ExternalURL = &u
	}
	return j
}

type commitJSON struct {
	ID             string   `json:"id"`
	ShortID        string   `json:"short_id"`
	CreatedAt      jsonTime `json:"created_at"`
	ParentIDs      []string `json:"parent_ids"`
	Title          string   `json:"title"`
	Message        string   `json:"message"`
	AuthorName     string   `json:"author_name"`
	AuthorEmail    string   `json:"author_email"`
	AuthoredDate   jsonTime `json:"authored_date"`
	CommitterName  string   `json:"committer_name"`
	CommitterEmail string   `json:"committer_email"`
	CommittedDate  jsonTime `json:"committed_date"`
	WebURL         string   `json:"web_url"`
}

type deployableJSON struct {
	ID             int64             `json:"id"`
	Status         string            `json:"status"`
	Stage          string            `json:"stage"`
	Name           string            `json:"name"`
	Ref            string            `json:"ref"`
	Tag            bool              `json:"tag"`
	Coverage       *float64          `json:"coverage"`
	AllowFailure   bool              `json:"allow_failure"`
	CreatedAt      jsonTime          `json:"created_at"`
	StartedAt      jsonTime          `json:"started_at"`
	FinishedAt     jsonTime          `json:"finished_at"`
	ErasedAt       jsonTime          `json:"erased_at"`
	Duration       *float64          `json:"duration"`
	QueuedDuration *float64          `json:"queued_duration"`
	User           userJSON          `json:"user"`
	Commit         commitJSON        `json:"commit"`
	Pipeline       pipelineBasicJSON `json:"pipeline"`
	WebURL         string            `json:"web_url"`
	Artifacts      []any             `json:"artifacts"`
	Runner         any               `json:"runner"`
	TagList        []string          `json:"tag_list"`
}

type deploymentJSON struct {
	ID          int64           `json:"id"`
	IID         int64           `json:"iid"`
	Ref         string          `json:"ref"`
	SHA         string          `json:"sha"`
	CreatedAt   jsonTime        `json:"created_at"`
	UpdatedAt   jsonTime        `json:"updated_at"`
	Status      string          `json:"status"`
	User        *basicUserJSON  `json:"user"`
	Environment environmentJSON `json:"environment"`
	Deployable  deployableJSON  `json:"deployable"`
}

// jobStatus is the status of the job behind a deployment.
func jobStatus(deploymentStatus string) string {
	if deploymentStatus == "blocked" {
		return "manual"
	}
	return deploymentStatus
}

func (s *Server) deploymentView(p *project, d *Deployment) deploymentJSON {
	var env environmentJSON
	for _, e := range p.envs {
		if e.Name == d.Environment {
			env = environmentView(e)
		}
	}
	me := s.st.me
	short := d.SHA
	if len(short) > 8 {
		short = short[:8]
	}
	j := deploymentJSON{
		ID: d.ID, IID: d.IID, Ref: d.Ref, SHA: d.SHA, Status: d.Status,
		CreatedAt: jsonTime(d.CreatedAt), UpdatedAt: jsonTime(d.UpdatedAt),
		User:        s.basicUser(me),
		Environment: env,
		Deployable: deployableJSON{
			ID: d.JobID, Status: jobStatus(d.Status), Stage: "deploy", Name: "deploy", Ref: d.Ref,
			CreatedAt: jsonTime(d.CreatedAt), FinishedAt: jsonTime(d.FinishedAt),
			User: s.userView(me, false),
			Commit: commitJSON{
				ID: d.SHA, ShortID: short, CreatedAt: jsonTime(d.CreatedAt), ParentIDs: []string{},
				Title: "Deploy " + d.Ref, Message: "Deploy " + d.Ref,
				AuthorName: me.Name, AuthorEmail: me.Email, AuthoredDate: jsonTime(d.CreatedAt),
				CommitterName: me.Name, CommitterEmail: me.Email, CommittedDate: jsonTime(d.CreatedAt),
				WebURL: p.WebURL + "/-/commit/" + d.SHA,
			},
			Pipeline: pipelineBasicJSON{
				ID: d.PipelineID, ProjectID: p.ID, SHA: d.SHA, Ref: d.Ref,
				Status: jobStatus(d.Status), Source: "push",
				CreatedAt: jsonTime(d.CreatedAt), UpdatedAt: jsonTime(d.UpdatedAt),
			},
			WebURL:    fmt.Sprintf("%s/-/jobs/%d", p.WebURL, d.JobID),
			Artifacts: []any{},
			TagList:   []string{},
		},
	}
	if d.Status != "created" && d.Status != "blocked" {
		j.Deployable.StartedAt = jsonTime(d.CreatedAt)
	}
	if !d.FinishedAt.IsZero() {
		dur := d.FinishedAt.Sub(d.CreatedAt).Seconds()
		j.Deployable.Duration = &dur
	}
	j.Deployable.Pipeline.WebURL = fmt.Sprintf("%s/-/pipelines/%d", p.WebURL, j.Deployable.Pipeline.ID)
	return j
}

type freezePeriodJSON struct {
	ID           int64    `json:"id"`
	FreezeStart  string   `json:"freeze_start"`
	FreezeEnd    string   `json:"freeze_end"`
	CronTimezone string   `json:"cron_timezone"`
	CreatedAt    jsonTime `json:"created_at"`
	UpdatedAt    jsonTime `json:"updated_at"`
}

// paginate cuts one page out of items and sets GitLab's pagination
// headers: page from 1, per_page 20 by default and at most 100.
func paginate[T any](c *call, items []T) []T {
	page, per := 1, 20
	if n, err := strconv.Atoi(c.r.URL.Query().Get("page")); err == nil && n > 0 {
		page = n
	}
	if n, err := strconv.Atoi(c.r.URL.Query().Get("per_page")); err == nil && n > 0 {
		per = min(n, 100)
	}
	total := len(items)
	pages := max(1, (total+per-1)/per)
	h := c.w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(per))
	h.Set("X-Total", strconv.Itoa(total))
	h.Set("X-Total-Pages", strconv.Itoa(pages))
	h.Set("X-Next-Page", "")
	h.Set("X-Prev-Page", "")
	var links []string
	link := func(p int, rel string) {
		u := *c.r.URL
		q := u.Query()
		q.Set("page", strconv.Itoa(p))
		q.Set("per_page", strconv.Itoa(per))
		u.RawQuery = q.Encode()
		links = append(links, fmt.Sprintf("<%s%s>; rel=%q", c.s.URL, u.RequestURI(), rel))
	}
	if page > 1 {
		h.Set("X-Prev-Page", strconv.Itoa(min(page-1, pages)))
		link(min(page-1, pages), "prev")
	}
	if page < pages {
		h.Set("X-Next-Page", strconv.Itoa(page+1))
		link(page+1, "next")
	}
	link(1, "first")
	link(pages, "last")
	h.Set("Link", strings.Join(links, ", "))

	start := min((page-1)*per, total)
	end := min(start+per, total)
	out := make([]T, 0, end-start)
	return append(out, items[start:end]...)
}
