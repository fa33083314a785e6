package gitlab

import (
	"context"
	"net/http"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// deploymentsPerPage is how many deployments one Deployments call returns.
const deploymentsPerPage = 20

// freezePeriodPages bounds FreezePeriods' paging (100 per page).
const freezePeriodPages = 10

// Deployment is one deployment of a project to an environment.
type Deployment struct {
	ID, IID     int64
	Status      string // created, running, success, failed, canceled, skipped, blocked
	Ref, SHA    string
	Environment string // the environment's name
	CreatedAt   time.Time
	// FinishedAt is the deployable job's finished_at, else updated_at when
	// the deployment succeeded; nil while it has not finished.
	FinishedAt *time.Time
}

// FreezePeriod is a deploy freeze: cron expressions in a time zone.
type FreezePeriod struct {
	FreezeStart, FreezeEnd, CronTimezone string
}

// Deployments lists the newest deployments of project (the first page, 20),
// newest first, filtered by environment and status when they are non-empty.
func (c *Client) Deployments(ctx context.Context, project, environment, status string) ([]Deployment, error) {
	// GitLab orders by finished_at only with a finished status filter (success,
	// failed, canceled); without one it answers 400, so don't ask for it.
	orderBy := "updated_at"
	if status == "success" || status == "failed" || status == "canceled" {
		orderBy = "finished_at"
	}
	opts := &gl.ListProjectDeploymentsOptions{
		ListOptions: gl.ListOptions{PerPage: deploymentsPerPage},
		OrderBy:     gl.Ptr(orderBy),
		Sort:        gl.Ptr("desc"),
	}
	if environment != "" {
		opts.Environment = gl.Ptr(environment)
	}
	if status != "" {
		opts.Status = gl.Ptr(status)
	}
	endpoint := "/projects/" + projectPath(project) + "/deployments"
	list := func(opt gl.RequestOptionFunc) ([]*gl.Deployment, *gl.Response, error) {
		return c.gl.Deployments.ListProjectDeployments(project, opts, opt)
	}
	ds, _, err := call(ctx, c, http.MethodGet, endpoint, list)
	if statusOf(err) == http.StatusBadRequest && orderBy == "finished_at" {
		// Older releases cannot order by finished_at at all; updated_at
		// is accepted by every release.
		opts.OrderBy = gl.Ptr("updated_at")
		ds, _, err = call(ctx, c, http.MethodGet, endpoint, list)
	}
	if err != nil {
		return nil, withNotFoundMessage(err, "project "+project+" does not exist or the token cannot see it")
	}
	out := make([]Deployment, 0, len(ds))
	for _, d := range ds {
		if d != nil {
			out = append(out, toDeployment(d))
		}
	}
	return out, nil
}

// FreezePeriods lists the project's deploy freeze periods (all pages).
func (c *Client) FreezePeriods(ctx context.Context, project string) ([]FreezePeriod, error) {
	var out []FreezePeriod
	opts := &gl.ListFreezePeriodsOptions{ListOptions: gl.ListOptions{PerPage: 100}}
	endpoint := "/projects/" + projectPath(project) + "/freeze_periods"
	for range freezePeriodPages {
		fps, resp, err := call(ctx, c, http.MethodGet, endpoint, func(opt gl.RequestOptionFunc) ([]*gl.FreezePeriod, *gl.Response, error) {
			return c.gl.FreezePeriods.ListFreezePeriods(project, opts, opt)
		})
		if err != nil {
			return nil, withNotFoundMessage(err, "project "+project+" does not exist or the token cannot see it")
		}
		for _, fp := range fps {
			if fp != nil {
				out = append(out, FreezePeriod{FreezeStart: fp.FreezeStart, FreezeEnd: fp.FreezeEnd, CronTimezone: fp.CronTimezone})
			}
		}
		if resp == nil || resp.NextPage <= opts.Page {
			break
		}
		opts.Page = resp.NextPage
	}
	return out, nil
}

func toDeployment(d *gl.Deployment) Deployment {
	out := Deployment{
		ID:        d.ID,
		IID:       d.IID,
		Status:    d.Status,
		Ref:       d.Ref,
		SHA:       d.SHA,
		CreatedAt: timeOf(d.CreatedAt),
	}
	if d.Environment != nil {
		out.Environment = d.Environment.Name
	}
	switch {
	case d.Deployable.FinishedAt != nil:
		t := *d.Deployable.FinishedAt
		out.FinishedAt = &t
	case d.Status == "success" && d.UpdatedAt != nil:
		t := *d.UpdatedAt
		out.FinishedAt = &t
	}
	return out
}
