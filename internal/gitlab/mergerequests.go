package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// MergeRequest is the part of a merge request the CLI uses.
type MergeRequest struct {
	IID          int64
	Title        string
	Description  string
	SourceBranch string
	TargetBranch string
	State        string
	WebURL       string
	Draft        bool
	Labels       []string
}

// MROptions describes the merge request EnsureMergeRequest should leave open.
// Title and SourceBranch are required; an empty TargetBranch means the
// project's default branch. Empty Description, Labels and ReviewerIDs are not
// sent, so an update leaves what people set on the MR alone; non-empty Labels
// and ReviewerIDs replace the MR's. A Draft is made with a "Draft: " title.
type MROptions struct {
	Title              string
	Description        string
	SourceBranch       string
	TargetBranch       string
	Labels             []string
	ReviewerIDs        []int64
	RemoveSourceBranch bool
}

// OpenMergeRequest is the open merge request from sourceBranch in project
// (not from a fork), or nil, nil when there is none.
func (c *Client) OpenMergeRequest(ctx context.Context, project, sourceBranch string) (*MergeRequest, error) {
	opts := &gl.ListProjectMergeRequestsOptions{
		State:        gl.Ptr("opened"),
		SourceBranch: gl.Ptr(sourceBranch),
	}
	mrs, _, err := call(ctx, c, http.MethodGet, "/projects/"+projectPath(project)+"/merge_requests", func(opt gl.RequestOptionFunc) ([]*gl.BasicMergeRequest, *gl.Response, error) {
		return c.gl.MergeRequests.ListProjectMergeRequests(project, opts, opt)
	})
	if err != nil {
		return nil, withNotFoundMessage(err, "project "+project+" does not exist or the token cannot see it")
	}
	for _, mr := range mrs {
		if mr == nil || mr.SourceBranch != sourceBranch {
			continue
		}
		// An MR from a fork may share the branch name; it is not ours.
		if mr.SourceProjectID != 0 && mr.TargetProjectID != 0 && mr.SourceProjectID != mr.TargetProjectID {
			continue
		}
		return toMergeRequest(mr), nil
	}
	return nil, nil
}

// EnsureMergeRequest creates the MR, or updates the open MR for the same
// source branch (title, description, labels, reviewers, target) instead of
// duplicating it. A create answered with 409 (a POST retried after a 5xx
// whose first attempt did create the MR, or another run winning a race) is
// adopted: the MR is looked up again and updated. created reports whether
// this call's create was answered 201.
func (c *Client) EnsureMergeRequest(ctx context.Context, project string, opts MROptions) (mr *MergeRequest, created bool, err error) {
	if opts.Title == "" {
		return nil, false, errors.New("merge request: a title is required")
	}
	if opts.SourceBranch == "" {
		return nil, false, errors.New("merge request: a source branch is required")
	}
	existing, err := c.OpenMergeRequest(ctx, project, opts.SourceBranch)
	if err != nil {
		return nil, false, err
	}
	if existing != nil {
		mr, err := c.updateMergeRequest(ctx, project, existing.IID, opts)
		return mr, false, err
	}

	target := opts.TargetBranch
	if target == "" {
		p, err := c.Project(ctx, project)
		if err != nil {
			return nil, false, err
		}
		if p.DefaultBranch == "" {
			return nil, false, fmt.Errorf("merge request: project %s has no default branch; pass a target branch", project)
		}
		target = p.DefaultBranch
	}

	create := &gl.CreateMergeRequestOptions{
		Title:        gl.Ptr(opts.Title),
		SourceBranch: gl.Ptr(opts.SourceBranch),
		TargetBranch: gl.Ptr(target),
	}
	if opts.Description != "" {
		create.Description = gl.Ptr(opts.Description)
	}
	if len(opts.Labels) > 0 {
		create.Labels = gl.Ptr(gl.LabelOptions(opts.Labels))
	}
	if len(opts.ReviewerIDs) > 0 {
		create.ReviewerIDs = gl.Ptr(opts.ReviewerIDs)
	}
	if opts.RemoveSourceBranch {
		create.RemoveSourceBranch = gl.Ptr(true)
	}
	endpoint := "/projects/" + projectPath(project) + "/merge_requests"
	got, _, err := call(ctx, c, http.MethodPost, endpoint, func(opt gl.RequestOptionFunc) (*gl.MergeRequest, *gl.Response, error) {
		return c.gl.MergeRequests.CreateMergeRequest(project, create, opt)
	})
	if err == nil {
		return toMergeRequest(&got.BasicMergeRequest), true, nil
	}
	if statusOf(err) != http.StatusConflict {
		return nil, false, err
	}
	adopted, lookupErr := c.OpenMergeRequest(ctx, project, opts.SourceBranch)
	if lookupErr != nil {
		return nil, false, lookupErr
	}
	if adopted == nil {
		return nil, false, err // the 409 was about something else
	}
	opts.TargetBranch = target
	mr, err = c.updateMergeRequest(ctx, project, adopted.IID, opts)
	return mr, false, err
}

func (c *Client) updateMergeRequest(ctx context.Context, project string, iid int64, opts MROptions) (*MergeRequest, error) {
	update := &gl.UpdateMergeRequestOptions{Title: gl.Ptr(opts.Title)}
	if opts.Description != "" {
		update.Description = gl.Ptr(opts.Description)
	}
	if opts.TargetBranch != "" {
		update.TargetBranch = gl.Ptr(opts.TargetBranch)
	}
	if len(opts.Labels) > 0 {
		update.Labels = gl.Ptr(gl.LabelOptions(opts.Labels))
	}
	if len(opts.ReviewerIDs) > 0 {
		update.ReviewerIDs = gl.Ptr(opts.ReviewerIDs)
	}
	if opts.RemoveSourceBranch {
		update.RemoveSourceBranch = gl.Ptr(true)
	}
	endpoint := "/projects/" + projectPath(project) + "/merge_requests/" + strconv.FormatInt(iid, 10)
	got, _, err := call(ctx, c, http.MethodPut, endpoint, func(opt gl.RequestOptionFunc) (*gl.MergeRequest, *gl.Response, error) {
		return c.gl.MergeRequests.UpdateMergeRequest(project, iid, update, opt)
	})
	if err != nil {
		return nil, err
	}
	return toMergeRequest(&got.BasicMergeRequest), nil
}

func toMergeRequest(mr *gl.BasicMergeRequest) *MergeRequest {
	var labels []string
	if len(mr.Labels) > 0 {
		labels = append([]string(nil), mr.Labels...)
	}
	return &MergeRequest{
		IID:          mr.IID,
		Title:        mr.Title,
		Description:  mr.Description,
		SourceBranch: mr.SourceBranch,
		TargetBranch: mr.TargetBranch,
		State:        mr.State,
		WebURL:       mr.WebURL,
		Draft:        mr.Draft,
		Labels:       labels,
	}
}
