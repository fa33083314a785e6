package gitlabtest

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// createPipeline is POST /projects/:id/pipeline: ref and variables
// [{key, value, variable_type}]. Its statuses follow the project's script.
func (c *call) createPipeline() {
	p := c.project()
	if p == nil {
		return
	}
	ref, ok := c.params.str("ref")
	if !ok || ref == "" {
		writeError(c.w, http.StatusBadRequest, "ref is missing")
		return
	}
	vars, err := c.variables()
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	head, checked := c.s.resolveRef(p, ref)
	if checked && head == "" {
		writeMessage(c.w, http.StatusBadRequest, map[string][]string{"base": {"Reference not found"}})
		return
	}
	script := p.script
	if len(script) == 0 {
		script = defaultScript
	}
	pl := c.s.newPipelineLocked(p, ref, c.s.shaOf(p, ref), "api", script, vars)
	writeJSON(c.w, http.StatusCreated, c.s.pipelineView(p, pl))
}

// variables reads the variables parameter of a new pipeline.
func (c *call) variables() ([]Variable, error) {
	raw, ok := c.params.value("variables")
	if !ok || raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("variables is invalid")
	}
	out := []Variable{}
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("variables is invalid")
		}
		v := Variable{VariableType: "env_var"}
		v.Key, _ = m["key"].(string)
		v.Value, _ = m["value"].(string)
		if t, ok := m["variable_type"].(string); ok {
			v.VariableType = t
		}
		if v.Key == "" {
			return nil, fmt.Errorf("variables[key] is missing")
		}
		if v.VariableType != "env_var" && v.VariableType != "file" {
			return nil, fmt.Errorf("variables[variable_type] does not have a valid value")
		}
		out = append(out, v)
	}
	return out, nil
}

// getPipeline is GET /projects/:id/pipelines/:pipeline_id; each call moves
// the pipeline one step along its script.
func (c *call) getPipeline() {
	p := c.project()
	if p == nil {
		return
	}
	id, err := strconv.ParseInt(c.r.PathValue("pid"), 10, 64)
	if err != nil {
		writeError(c.w, http.StatusBadRequest, "pipeline_id is invalid")
		return
	}
	for _, pl := range p.pipelines {
		if pl.ID == id {
			pl.advance(c.s.now())
			writeJSON(c.w, http.StatusOK, c.s.pipelineView(p, pl))
			return
		}
	}
	writeMessage(c.w, http.StatusNotFound, "404 Not found")
}

// getLatestPipeline is GET /projects/:id/pipelines/latest?ref= (default
// branch by default): the newest pipeline for the ref's head commit. As in
// GitLab, none is 403 Forbidden, not 404.
func (c *call) getLatestPipeline() {
	p := c.project()
	if p == nil {
		return
	}
	ref, ok := c.params.str("ref")
	if !ok || ref == "" {
		ref = p.DefaultBranch
	}
	head, _ := c.s.resolveRef(p, ref)
	var latest *pipeline
	for _, pl := range p.pipelines {
		if pl.Ref == ref && (head == "" || pl.SHA == head) && (latest == nil || pl.ID > latest.ID) {
			latest = pl
		}
	}
	if latest == nil {
		writeMessage(c.w, http.StatusForbidden, "403 Forbidden")
		return
	}
	latest.advance(c.s.now())
	writeJSON(c.w, http.StatusOK, c.s.pipelineView(p, latest))
}

// listPipelines is GET /projects/:id/pipelines with scope, status, ref,
// sha, source, username, created/updated before/after; order_by id
// (default), status, ref, updated_at or user_id; sort desc (default) or asc.
// Listing does not move pipelines along their scripts.
func (c *call) listPipelines() {
	p := c.project()
	if p == nil {
		return
	}
	scope, err1 := c.params.oneOf("scope", "", "running", "pending", "finished", "branches", "tags")
	status, err2 := c.params.oneOf("status", "", pipelineStatuses...)
	orderBy, err3 := c.params.oneOf("order_by", "id", "id", "status", "ref", "updated_at", "user_id")
	sortDir, err4 := c.params.oneOf("sort", "desc", "asc", "desc")
	source, err5 := c.params.oneOf("source", "", "push", "web", "trigger", "schedule", "api", "external", "pipeline", "chat", "webide", "merge_request_event", "external_pull_request_event", "parent_pipeline", "ondemand_dast_scan", "ondemand_dast_validation", "security_orchestration_policy", "container_registry_push", "duo_workflow", "pipeline_execution_policy_schedule", "unknown")
	createdAfter, _, err6 := c.params.time("created_after")
	createdBefore, _, err7 := c.params.time("created_before")
	updatedAfter, _, err8 := c.params.time("updated_after")
	updatedBefore, _, err9 := c.params.time("updated_before")
	for _, err := range []error{err1, err2, err3, err4, err5, err6, err7, err8, err9} {
		if err != nil {
			writeError(c.w, http.StatusBadRequest, err.Error())
			return
		}
	}
	ref, hasRef := c.params.str("ref")
	sha, hasSHA := c.params.str("sha")
	username, hasUser := c.params.str("username")

	var out []*pipeline
	for _, pl := range p.pipelines {
		switch {
		case scope == "running" && pl.Status != "running",
			scope == "pending" && pl.Status != "pending",
			scope == "finished" && !isFinished(pl.Status),
			status != "" && pl.Status != status,
			source != "" && pl.Source != source,
			hasRef && pl.Ref != ref,
			hasSHA && pl.SHA != sha,
			hasUser && !strings.EqualFold(username, c.s.st.me.Username),
			!createdAfter.IsZero() && !pl.CreatedAt.After(createdAfter),
			!createdBefore.IsZero() && !pl.CreatedAt.Before(createdBefore),
			!updatedAfter.IsZero() && !pl.UpdatedAt.After(updatedAfter),
			!updatedBefore.IsZero() && !pl.UpdatedAt.Before(updatedBefore):
			continue
		}
		out = append(out, pl)
	}
	slices.SortStableFunc(out, func(a, b *pipeline) int {
		var r int
		switch orderBy {
		case "status":
			r = strings.Compare(a.Status, b.Status)
		case "ref":
			r = strings.Compare(a.Ref, b.Ref)
		case "updated_at":
			r = a.UpdatedAt.Compare(b.UpdatedAt)
		}
		if r == 0 {
			r = cmp.Compare(a.ID, b.ID)
		}
		if sortDir == "desc" {
			r = -r
		}
		return r
	})
	views := make([]pipelineBasicJSON, 0, len(out))
	for _, pl := range out {
		views = append(views, c.s.pipelineBasic(p, pl))
	}
	writeJSON(c.w, http.StatusOK, paginate(c, views))
}
