package gitlabtest

import (
	"net/http"
	"strconv"
	"strings"
)

// project finds the route's {id} project, answering 404 when there is none.
func (c *call) project() *project {
	p := c.s.st.findProject(c.r.PathValue("id"))
	if p == nil {
		writeMessage(c.w, http.StatusNotFound, "404 Project Not Found")
	}
	return p
}

func (c *call) getVersion() {
	writeJSON(c.w, http.StatusOK, map[string]any{
		"version":    c.s.version,
		"revision":   "6fb9ac8b3a1",
		"kas":        map[string]any{"enabled": false, "externalUrl": nil, "externalK8sProxyUrl": nil, "version": nil},
		"enterprise": strings.HasSuffix(c.s.version, "-ee"),
	})
}

func (c *call) getCurrentUser() {
	writeJSON(c.w, http.StatusOK, c.s.userView(c.s.st.me, true))
}

// listUsers is GET /users; username matches exactly, ignoring case.
func (c *call) listUsers() {
	username, filtered := c.params.str("username")
	out := []userJSON{}
	for _, u := range c.s.st.users {
		if !filtered || strings.EqualFold(u.Username, username) {
			out = append(out, c.s.userView(u, false))
		}
	}
	writeJSON(c.w, http.StatusOK, paginate(c, out))
}

func (c *call) getNamespace() {
	ns := c.s.st.findNamespace(c.r.PathValue("id"))
	if ns == nil {
		writeMessage(c.w, http.StatusNotFound, "404 Namespace Not Found")
		return
	}
	writeJSON(c.w, http.StatusOK, c.s.namespaceView(ns))
}

func (c *call) getProject() {
	if p := c.project(); p != nil {
		writeJSON(c.w, http.StatusOK, c.s.projectView(p))
	}
}

const nameRule = "can contain only letters, digits, emoji, '_', '.', '+', dashes, or spaces. It must start with a letter, digit, emoji, or '_'."

// createProject is POST /projects: name and/or path, namespace_id (the
// user's namespace by default), description, default_branch, visibility.
// Other parameters, initialize_with_readme among them, are ignored.
func (c *call) createProject() {
	name, hasName := c.params.str("name")
	path, hasPath := c.params.str("path")
	visibility, err := c.params.oneOf("visibility", "private", "private", "internal", "public")
	if err != nil {
		writeError(c.w, http.StatusBadRequest, err.Error())
		return
	}
	if !hasName && !hasPath {
		writeError(c.w, http.StatusBadRequest, "name, path are missing, at least one parameter must be provided")
		return
	}
	if !hasPath {
		path = pathFromName(name)
	}
	if !hasName {
		name = path
	}
	ns := c.s.st.findNamespace(strconv.FormatInt(c.s.st.me.NamespaceID, 10))
	if id, ok := c.params.str("namespace_id"); ok && id != "" {
		if ns = c.s.st.findNamespace(id); ns == nil {
			writeMessage(c.w, http.StatusNotFound, "404 Namespace Not Found")
			return
		}
	}

	errs := map[string][]string{}
	if !nameRE.MatchString(name) {
		errs["name"] = append(errs["name"], nameRule)
	}
	if !validPath(path) {
		errs["path"] = append(errs["path"], pathRule)
	}
	for _, p := range c.s.st.projects {
		if p.NamespaceID != ns.ID {
			continue
		}
		if strings.EqualFold(p.Name, name) {
			errs["name"] = append(errs["name"], "has already been taken")
		}
		if strings.EqualFold(p.Path, path) {
			errs["path"] = append(errs["path"], "has already been taken")
		}
	}
	if len(errs) > 0 {
		writeMessage(c.w, http.StatusBadRequest, errs)
		return
	}

	description, _ := c.params.str("description")
	branch, _ := c.params.str("default_branch")
	p, err := c.s.addProjectLocked(ns, name, path, description, branch)
	if err != nil {
		writeMessage(c.w, http.StatusInternalServerError, "500 Internal Server Error")
		return
	}
	p.Visibility = visibility
	writeJSON(c.w, http.StatusCreated, c.s.projectView(p))
}
