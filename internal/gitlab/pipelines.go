package gitlab

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// Pipeline is the part of a CI pipeline the CLI uses.
type Pipeline struct {
	ID                   int64
	Status, Ref, SHA     string
	WebURL               string
	CreatedAt, UpdatedAt time.Time
}

// CreatePipeline runs a pipeline on ref with variables (sent sorted by key,
// as env_var variables) via POST /projects/:id/pipeline.
func (c *Client) CreatePipeline(ctx context.Context, project, ref string, variables map[string]string) (*Pipeline, error) {
	opts := &gl.CreatePipelineOptions{Ref: gl.Ptr(ref)}
	if len(variables) > 0 {
		keys := make([]string, 0, len(variables))
		for k := range variables {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		vars := make([]*gl.PipelineVariableOptions, 0, len(keys))
		for _, k := range keys {
			vars = append(vars, &gl.PipelineVariableOptions{Key: gl.Ptr(k), Value: gl.Ptr(variables[k])})
		}
		opts.Variables = &vars
	}
	p, _, err := call(ctx, c, http.MethodPost, "/projects/"+projectPath(project)+"/pipeline", func(opt gl.RequestOptionFunc) (*gl.Pipeline, *gl.Response, error) {
		return c.gl.Pipelines.CreatePipeline(project, opts, opt)
	})
	if err != nil {
		return nil, withNotFoundMessage(err, "project "+project+" does not exist or the token cannot see it")
	}
	return toPipeline(p), nil
}

// Pipeline fetches one pipeline by ID.
func (c *Client) Pipeline(ctx context.Context, project string, id int64) (*Pipeline, error) {
	endpoint := "/projects/" + projectPath(project) + "/pipelines/" + strconv.FormatInt(id, 10)
	p, _, err := call(ctx, c, http.MethodGet, endpoint, func(opt gl.RequestOptionFunc) (*gl.Pipeline, *gl.Response, error) {
		return c.gl.Pipelines.GetPipeline(project, id, opt)
	})
	if err != nil {
		return nil, withNotFoundMessage(err, "no pipeline "+strconv.FormatInt(id, 10)+" in project "+project)
	}
	return toPipeline(p), nil
}

// LatestPipeline is the newest pipeline for ref (GET
// /projects/:id/pipelines/latest?ref=); an empty ref means the default
// branch. The error wraps ErrNotFound when there is none.
func (c *Client) LatestPipeline(ctx context.Context, project, ref string) (*Pipeline, error) {
	opts := &gl.GetLatestPipelineOptions{}
	if ref != "" {
		opts.Ref = gl.Ptr(ref)
	}
	p, _, err := call(ctx, c, http.MethodGet, "/projects/"+projectPath(project)+"/pipelines/latest", func(opt gl.RequestOptionFunc) (*gl.Pipeline, *gl.Response, error) {
		return c.gl.Pipelines.GetLatestPipeline(project, opts, opt)
	})
	if err != nil {
		what := "no pipeline for " + ref + " in project " + project
		if ref == "" {
			what = "no pipeline on the default branch of project " + project
		}
		return nil, withNotFoundMessage(err, what)
	}
	return toPipeline(p), nil
}

func toPipeline(p *gl.Pipeline) *Pipeline {
	return &Pipeline{
		ID:        p.ID,
		Status:    p.Status,
		Ref:       p.Ref,
		SHA:       p.SHA,
		WebURL:    p.WebURL,
		CreatedAt: timeOf(p.CreatedAt),
		UpdatedAt: timeOf(p.UpdatedAt),
	}
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
