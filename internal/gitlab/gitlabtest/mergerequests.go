package gitlabtest

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// listMergeRequests is GET /projects/:id/merge_requests with GitLab's
// filters: state (default all), source_branch, target_branch, labels
// (all of them; None, Any), search, draft, wip, iids[], author_username,
// reviewer_username; order_by created_at, updated_at or title; sort.
func (c *call) listMergeRequests() {
	p := c.project()
	if p == nil {
		return
	}
	state, err := c.params.oneOf("state", "all", "opened", "closed", "locked", "merged", "all")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	orderBy, err := c.params.oneOf("order_by", "created_at", "created_at", "updated_at", "title", "merged_at", "label_priority", "milestone_due", "popularity", "priority")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	sortDir, err := c.params.oneOf("sort", "desc", "asc", "desc")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	iids, _, err := c.params.ints("iids")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	draft, hasDraft, err := c.params.bool("draft")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	if wip, ok := c.params.str("wip"); ok && !hasDraft {
		draft, hasDraft = wip == "yes", true
	}
	source, hasSource := c.params.str("source_branch")
	target, hasTarget := c.params.str("target_branch")
	labels, hasLabels := c.params.labels("labels")
	search, _ := c.params.str("search")
	author, hasAuthor := c.params.str("author_username")
	reviewer, hasReviewer := c.params.str("reviewer_username")

	var out []*MergeRequest
	for _, mr := range p.mrs {
		switch {
		case state != "all" && mr.State != state,
			hasSource && mr.SourceBranch != source,
			hasTarget && mr.TargetBranch != target,
			hasDraft && mr.Draft != draft,
			len(iids) > 0 && !slices.Contains(iids, mr.IID),
			hasLabels && !labelsMatch(mr.Labels, labels),
			search != "" && !containsFold(mr.Title+"\n"+mr.Description, search),
			hasAuthor && !c.userIs(mr.AuthorID, author),
			hasReviewer && !slices.ContainsFunc(mr.ReviewerIDs, func(id int64) bool { return c.userIs(id, reviewer) }):
			continue
		}
		out = append(out, mr)
	}
	slices.SortStableFunc(out, func(a, b *MergeRequest) int {
		var r int
		switch orderBy {
		case "updated_at":
			r = a.UpdatedAt.Compare(b.UpdatedAt)
		case "title":
			r = strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
		}
		if r == 0 {
			r = cmp.Compare(a.ID, b.ID)
		}
		if sortDir == "desc" {
			r = -r
		}
		return r
	})
	views := make([]any, 0, len(out))
	for _, mr := range out {
		views = append(views, c.s.mergeRequestView(p, mr, false))
	}
	writeJSON(c.w, http.StatusOK, paginate(c, views))
}

// labelsMatch is GitLab's labels filter: every label named, or None / Any.
func labelsMatch(have, want []string) bool {
	if len(want) == 1 {
		switch strings.ToLower(want[0]) {
		case "none":
			return len(have) == 0
		case "any":
			return len(have) > 0
		}
	}
	for _, w := range want {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, w) }) {
			return false
		}
	}
	return true
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func (c *call) userIs(id int64, username string) bool {
	u := c.s.st.userByID(id)
	return u != nil && strings.EqualFold(u.Username, username)
}

// mergeRequest finds the route's {iid} merge request, answering 400 or 404.
func (c *call) mergeRequest(p *project) *MergeRequest {
	iid, err := strconv.ParseInt(c.r.PathValue("iid"), 10, 64)
	if err != nil {
		writeError(c.w, http.StatusBadRequest, "merge_request_iid is invalid")
		return nil
	}
	for _, mr := range p.mrs {
		if mr.IID == iid {
			return mr
		}
	}
	writeMessage(c.w, http.StatusNotFound, "404 Not found")
	return nil
}

func (c *call) getMergeRequest() {
	p := c.project()
	if p == nil {
		return
	}
	if mr := c.mergeRequest(p); mr != nil {
		writeJSON(c.w, http.StatusOK, c.s.mergeRequestView(p, mr, true))
	}
}

// branchConflict is GitLab's merge request branch validation: 422 for a
// branch merged into itself, 409 when an open merge request already goes
// from source into target. It reports whether it answered.
func (c *call) branchConflict(p *project, self *MergeRequest, source, target string) bool {
	if source == target {
		writeMessage(c.w, http.StatusUnprocessableEntity, []string{"You can't use same project/branch for source and target"})
		return true
	}
	for _, mr := range p.mrs {
		if mr != self && mr.State == "opened" && mr.SourceBranch == source && mr.TargetBranch == target {
			writeMessage(c.w, http.StatusConflict, []string{fmt.Sprintf("Another open merge request already exists for this source branch: !%d", mr.IID)})
			return true
		}
	}
	return false
}

// createMergeRequest is POST /projects/:id/merge_requests.
func (c *call) createMergeRequest() {
	p := c.project()
	if p == nil {
		return
	}
	source, _ := c.params.str("source_branch")
	target, _ := c.params.str("target_branch")
	title, _ := c.params.str("title")
	var missing []string
	for _, f := range [][2]string{{"source_branch", source}, {"target_branch", target}, {"title", title}} {
		if strings.TrimSpace(f[1]) == "" {
			missing = append(missing, f[0]+" is missing")
		}
	}
	if len(missing) > 0 {
		writeError(c.w, http.StatusBadRequest, strings.Join(missing, ", "))
		return
	}
	reviewers, _, err := c.params.ints("reviewer_ids")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	assignees, err := c.assigneeIDs()
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	if c.branchConflict(p, nil, source, target) {
		return
	}
	errs := map[string][]string{}
	for _, b := range [][2]string{{"source_branch", source}, {"target_branch", target}} {
		if h, checked := c.s.branchHead(p, b[1]); checked && h == "" {
			errs[b[0]] = []string{"does not exist"}
		}
	}
	if len(errs) > 0 {
		writeMessage(c.w, http.StatusBadRequest, errs)
		return
	}

	mr := c.s.newMergeRequestLocked(p, source, target, title)
	mr.Description, _ = c.params.str("description")
	if labels, ok := c.params.labels("labels"); ok {
		mr.Labels = sortedUnique(labels)
	}
	mr.ReviewerIDs = c.knownUsers(reviewers)
	mr.AssigneeIDs = c.knownUsers(assignees)
	writeJSON(c.w, http.StatusCreated, c.s.mergeRequestView(p, mr, true))
}

// assigneeIDs reads assignee_ids, or the older single assignee_id.
func (c *call) assigneeIDs() ([]int64, error) {
	ids, ok, err := c.params.ints("assignee_ids")
	if err != nil || ok {
		return ids, err
	}
	id, ok, err := c.params.int("assignee_id")
	if err != nil || !ok {
		return nil, err
	}
	if id == 0 {
		return []int64{}, nil
	}
	return []int64{id}, nil
}

// knownUsers keeps the IDs of existing users, in order, without repeats.
func (c *call) knownUsers(ids []int64) []int64 {
	out := []int64{}
	for _, id := range ids {
		if c.s.st.userByID(id) != nil && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// updateMergeRequest is PUT /projects/:id/merge_requests/:iid.
func (c *call) updateMergeRequest() {
	p := c.project()
	if p == nil {
		return
	}
	mr := c.mergeRequest(p)
	if mr == nil {
		return
	}
	updatable := []string{"assignee_id", "assignee_ids", "reviewer_ids", "description", "labels", "add_labels", "remove_labels", "milestone_id", "remove_source_branch", "allow_collaboration", "allow_maintainer_to_push", "squash", "target_branch", "title", "state_event", "discussion_locked"}
	if !slices.ContainsFunc(updatable, func(n string) bool { _, ok := c.params.value(n); return ok }) {
		writeError(c.w, http.StatusBadRequest, strings.Join(updatable, ", ")+" are missing, at least one parameter must be provided")
		return
	}
	stateEvent, err := c.params.oneOf("state_event", "", "close", "reopen")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	reviewers, hasReviewers, err := c.params.ints("reviewer_ids")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	assignees, err := c.assigneeIDs()
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	target, hasTarget := c.params.str("target_branch")
	if hasTarget && target != mr.TargetBranch && c.branchConflict(p, mr, mr.SourceBranch, target) {
		return
	}

	if title, ok := c.params.str("title"); ok {
		if strings.TrimSpace(title) == "" {
			writeMessage(c.w, http.StatusBadRequest, map[string][]string{"title": {"can't be blank"}})
			return
		}
		mr.Title = title
		mr.Draft = isDraftTitle(title)
	}
	if d, ok := c.params.str("description"); ok {
		mr.Description = d
	}
	if hasTarget {
		mr.TargetBranch = target
	}
	if labels, ok := c.params.labels("labels"); ok {
		mr.Labels = sortedUnique(labels)
	}
	if add, ok := c.params.labels("add_labels"); ok {
		mr.Labels = sortedUnique(append(mr.Labels, add...))
	}
	if remove, ok := c.params.labels("remove_labels"); ok {
		mr.Labels = slices.DeleteFunc(mr.Labels, func(l string) bool { return slices.Contains(remove, l) })
	}
	if hasReviewers {
		mr.ReviewerIDs = c.knownUsers(reviewers)
	}
	if assignees != nil {
		mr.AssigneeIDs = c.knownUsers(assignees)
	}
	now := c.s.now()
	switch {
	case stateEvent == "close" && mr.State == "opened":
		mr.State = "closed"
		mr.ClosedAt = now
	case stateEvent == "reopen" && mr.State == "closed":
		mr.State = "opened"
		mr.ClosedAt = time.Time{}
	}
	mr.UpdatedAt = now
	writeJSON(c.w, http.StatusOK, c.s.mergeRequestView(p, mr, true))
}
