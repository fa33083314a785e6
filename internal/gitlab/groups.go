package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// groupProjectsPerPage is the page size GroupProjects asks for: GitLab's
// maximum, so a group of n projects costs ceil(n/100) requests.
const groupProjectsPerPage = 100

// MaxGroupProjects bounds what GroupProjects collects: a larger group
// (or a server that never stops paging) fails rather than filling memory.
const MaxGroupProjects = 100_000

// GroupProjects lists every project of group (its full path, e.g.
// "payments" or "payments/backend") and of all its subgroups, archived ones
// included (Project.Archived tells them), ordered by PathWithNamespace.
// Projects only shared with the group are left out: they belong elsewhere.
// It follows GitLab's pagination (100 a page, the Link/X-Next-Page
// headers) to the end; each page is one call with its own retries and
// Timeout. A group that does not exist (or that the token cannot see) is
// an *APIError wrapping ErrNotFound.
func (c *Client) GroupProjects(ctx context.Context, group string) ([]*Project, error) {
	group = strings.Trim(strings.TrimSpace(group), "/")
	if group == "" {
		return nil, errors.New("group projects: a group path is required")
	}
	opts := &gl.ListGroupProjectsOptions{
		ListOptions:      gl.ListOptions{PerPage: groupProjectsPerPage},
		IncludeSubGroups: gl.Ptr(true),
		WithShared:       gl.Ptr(false),
		// Ascending IDs keep pages stable while projects are created.
		OrderBy: gl.Ptr("id"),
		Sort:    gl.Ptr("asc"),
	}
	endpoint := "/groups/" + gl.PathEscape(group) + "/projects"
	seen := map[int64]bool{}
	var out []*Project
	pages := gl.Scan2(func(page gl.PaginationOptionFunc) ([]*gl.Project, *gl.Response, error) {
		ps, resp, err := call(ctx, c, http.MethodGet, endpoint, func(opt gl.RequestOptionFunc) ([]*gl.Project, *gl.Response, error) {
			return c.gl.Groups.ListGroupProjects(group, opts, page, opt)
		})
		return ps, resp, err
	})
	for p, err := range pages {
		if err != nil {
			return nil, withNotFoundMessage(err, "group "+group+" does not exist or the token cannot see it")
		}
		if p == nil || seen[p.ID] {
			// A project created or moved while paging can show twice.
			continue
		}
		if len(out) >= MaxGroupProjects {
			return nil, fmt.Errorf("group %s has more than %d projects; name a subgroup", group, MaxGroupProjects)
		}
		seen[p.ID] = true
		out = append(out, toProject(p))
	}
	slices.SortFunc(out, func(a, b *Project) int { return strings.Compare(a.PathWithNamespace, b.PathWithNamespace) })
	return out, nil
}
