package gitlabtest

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// listDeployments is GET /projects/:id/deployments, with GitLab's
// DeploymentsFinder rules:
//
//   - order_by is id (default), iid, created_at, updated_at or finished_at;
//     sort is asc (default) or desc. iid and created_at order by id.
//     GitLab dropped order_by=ref; it is 400 here too.
//   - status is one of created, running, success, failed, canceled,
//     skipped, blocked; environment is an environment name.
//   - updated_after/updated_before need order_by=updated_at;
//     finished_after/finished_before need order_by=finished_at and
//     status=success; the two kinds of filter do not mix.
//   - order_by=finished_at needs a finished_* filter or a finished status
//     (success, failed, canceled).
//
// Breaking a rule is 400 {"message":"400 Bad request - <reason>"}.
func (c *call) listDeployments() {
	p := c.project()
	if p == nil {
		return
	}
	orderBy, err1 := c.params.oneOf("order_by", "id", "id", "iid", "created_at", "updated_at", "finished_at")
	sortDir, err2 := c.params.oneOf("sort", "asc", "asc", "desc")
	status, err3 := c.params.oneOf("status", "", deploymentStatuses...)
	updatedAfter, ua, err4 := c.params.time("updated_after")
	updatedBefore, ub, err5 := c.params.time("updated_before")
	finishedAfter, fa, err6 := c.params.time("finished_after")
	finishedBefore, fb, err7 := c.params.time("finished_before")
	for _, err := range []error{err1, err2, err3, err4, err5, err6, err7} {
		if err != nil {
			writeError(c.w, http.StatusBadRequest, err.Error())
			return
		}
	}
	env, hasEnv := c.params.str("environment")

	byUpdated, byFinished := ua || ub, fa || fb
	var reason string
	switch {
	case byUpdated && byFinished:
		reason = "Both `updated_at` filter and `finished_at` filter can not be specified"
	case byUpdated && orderBy != "updated_at":
		reason = "`updated_at` filter requires `updated_at` sort"
	case byFinished && orderBy != "finished_at":
		reason = "`finished_at` filter requires `finished_at` sort."
	case orderBy == "finished_at" && !byFinished && !slices.Contains(finishedStatuses, status):
		reason = "`finished_at` sort requires `finished_at` filter or a filter with at least one of the finished statuses."
	case byFinished && status != "success":
		reason = "`finished_at` filter must be combined with `success` status filter."
	}
	if reason != "" {
		writeMessage(c.w, http.StatusBadRequest, "400 Bad request - "+reason)
		return
	}

	var out []*Deployment
	for _, d := range p.deployments {
		switch {
		case status != "" && d.Status != status,
			hasEnv && d.Environment != env,
			ua && !d.UpdatedAt.After(updatedAfter),
			ub && !d.UpdatedAt.Before(updatedBefore),
			fa && (d.FinishedAt.IsZero() || !d.FinishedAt.After(finishedAfter)),
			fb && (d.FinishedAt.IsZero() || !d.FinishedAt.Before(finishedBefore)):
			continue
		}
		out = append(out, d)
	}
	desc := sortDir == "desc"
	slices.SortStableFunc(out, func(a, b *Deployment) int {
		var r int
		switch orderBy {
		case "updated_at":
			r = a.UpdatedAt.Compare(b.UpdatedAt)
		case "finished_at":
			r = compareNullsLargest(a.FinishedAt, b.FinishedAt)
		}
		if r == 0 {
			r = cmp.Compare(a.ID, b.ID)
		}
		if desc {
			r = -r
		}
		return r
	})
	views := make([]deploymentJSON, 0, len(out))
	for _, d := range out {
		views = append(views, c.s.deploymentView(p, d))
	}
	writeJSON(c.w, http.StatusOK, paginate(c, views))
}

// compareNullsLargest compares times with zero ("null") above the rest,
// as PostgreSQL does: nulls come last ascending and first descending.
func compareNullsLargest(a, b time.Time) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return a.Compare(b)
}

// getDeployment is GET /projects/:id/deployments/:deployment_id (the ID, not the IID).
func (c *call) getDeployment() {
	p := c.project()
	if p == nil {
		return
	}
	id, err := strconv.ParseInt(c.r.PathValue("did"), 10, 64)
	if err != nil {
		writeError(c.w, http.StatusBadRequest, "deployment_id is invalid")
		return
	}
	for _, d := range p.deployments {
		if d.ID == id {
			writeJSON(c.w, http.StatusOK, c.s.deploymentView(p, d))
			return
		}
	}
	writeMessage(c.w, http.StatusNotFound, "404 Not found")
}

// listEnvironments is GET /projects/:id/environments with name (exact),
// search (at least 3 characters) or states.
func (c *call) listEnvironments() {
	p := c.project()
	if p == nil {
		return
	}
	name, hasName := c.params.str("name")
	search, hasSearch := c.params.str("search")
	states, err := c.params.oneOf("states", "", "available", "stopping", "stopped")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	if hasName && hasSearch {
		writeError(c.w, http.StatusBadRequest, "name, search cannot be used together")
		return
	}
	if hasSearch && len(search) < 3 {
		writeMessage(c.w, http.StatusBadRequest, "400 Bad request - Search query is less than 3 characters")
		return
	}
	views := []environmentJSON{}
	for _, e := range p.envs {
		switch {
		case hasName && e.Name != name,
			hasSearch && !strings.Contains(e.Name, search),
			states != "" && e.State != states:
			continue
		}
		views = append(views, environmentView(e))
	}
	writeJSON(c.w, http.StatusOK, paginate(c, views))
}

// listFreezePeriods is GET /projects/:id/freeze_periods, oldest first.
func (c *call) listFreezePeriods() {
	p := c.project()
	if p == nil {
		return
	}
	views := []freezePeriodJSON{}
	for _, f := range p.freezes {
		views = append(views, freezePeriodJSON{
			ID: f.ID, FreezeStart: f.FreezeStart, FreezeEnd: f.FreezeEnd, CronTimezone: f.CronTimezone,
			CreatedAt: jsonTime(f.CreatedAt), UpdatedAt: jsonTime(f.UpdatedAt),
		})
	}
	writeJSON(c.w, http.StatusOK, paginate(c, views))
}
