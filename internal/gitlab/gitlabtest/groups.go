package gitlabtest

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
)

// listGroupProjects is GET /groups/:id/projects (id: numeric or the
// URL-encoded full path of a group, not a user namespace) with GitLab's
// filters: include_subgroups (default false), archived (absent: both),
// search (in the path or name, ignoring case), with_shared and simple
// (accepted; the fake models no sharing and always answers in full);
// order_by id, name, path, created_at (default), updated_at or
// last_activity_at; sort desc (default) or asc. Paginated.
func (c *call) listGroupProjects() {
	ns := c.s.st.findNamespace(c.r.PathValue("id"))
	if ns == nil || ns.Kind != "group" {
		writeMessage(c.w, http.StatusNotFound, "404 Group Not Found")
		return
	}
	orderBy, err := c.params.oneOf("order_by", "created_at", "id", "name", "path", "created_at", "updated_at", "last_activity_at", "similarity", "star_count")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	sortDir, err := c.params.oneOf("sort", "desc", "asc", "desc")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	subgroups, _, err := c.params.bool("include_subgroups")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	archived, hasArchived, err := c.params.bool("archived")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	for _, name := range []string{"with_shared", "simple"} {
		if _, _, err := c.params.bool(name); err != nil {
			writeError(c.w, http.StatusBadRequest, err.Error())
			return
		}
	}
	search, _ := c.params.str("search")
	search = strings.ToLower(search)

	var out []*project
	for _, p := range c.s.st.projects {
		in := p.NamespaceID == ns.ID
		if !in && subgroups {
			in = c.s.st.isAncestor(ns.ID, p.NamespaceID)
		}
		switch {
		case !in,
			hasArchived && p.Archived != archived,
			search != "" && !strings.Contains(strings.ToLower(p.Path), search) && !strings.Contains(strings.ToLower(p.Name), search):
			continue
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b *project) int {
		var r int
		switch orderBy {
		case "name":
			r = cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		case "path":
			r = cmp.Compare(strings.ToLower(a.Path), strings.ToLower(b.Path))
		}
		// created_at and the rest follow creation, which IDs do too; the
		// ID breaks ties, as GitLab's keyset does.
		if r == 0 {
			r = cmp.Compare(a.ID, b.ID)
		}
		if sortDir == "desc" {
			r = -r
		}
		return r
	})
	views := make([]projectJSON, 0, len(out))
	for _, p := range paginate(c, out) {
		views = append(views, c.s.projectView(p))
	}
	writeJSON(c.w, http.StatusOK, views)
}

// isAncestor reports whether the namespace ancestor is a (strict) parent,
// grandparent, ... of the namespace id.
func (st *state) isAncestor(ancestor, id int64) bool {
	for seen := 0; id != 0 && seen < 100; seen++ {
		ns := st.namespaceByID(id)
		if ns == nil {
			return false
		}
		if ns.ParentID == ancestor {
			return true
		}
		id = ns.ParentID
	}
	return false
}

func (st *state) namespaceByID(id int64) *Namespace {
	for _, ns := range st.namespaces {
		if ns.ID == id {
			return ns
		}
	}
	return nil
}

// SetArchived archives a project (or unarchives it): GitLab still lists
// and serves an archived project, with "archived": true, and filters on
// it with ?archived=.
func (s *Server) SetArchived(projectPath string, archived bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.mustProject("SetArchived", projectPath)
	p.Archived = archived
}
