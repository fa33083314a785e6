package gitlab

import (
	"context"
	"errors"
	"net/http"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// Project is the part of a GitLab project the CLI uses.
type Project struct {
	ID                int64
	Path              string
	PathWithNamespace string
	DefaultBranch     string
	WebURL            string
	HTTPURLToRepo     string
	// EmptyRepo is set while the repository has no commit.
	EmptyRepo bool
	// CreatorID is the user who created the project.
	CreatorID int64
	// Archived is set for an archived (read-only) project.
	Archived bool
}

// Namespace is a group or user namespace.
type Namespace struct {
	ID       int64
	FullPath string
}

// User is a GitLab user.
type User struct {
	ID       int64
	Username string
	Name     string
}

// CurrentUser is the token's user (GET /user): it proves the token works.
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	u, _, err := call(ctx, c, http.MethodGet, "/user", func(opt gl.RequestOptionFunc) (*gl.User, *gl.Response, error) {
		return c.gl.Users.CurrentUser(opt)
	})
	if err != nil {
		return nil, err
	}
	if u == nil || u.Username == "" {
		// A user without a name is no answer to "who is this token".
		return nil, &APIError{Status: http.StatusOK, Method: http.MethodGet, Endpoint: "/user", Message: "answered garbage (no username)", Err: ErrBadResponse}
	}
	return &User{ID: u.ID, Username: u.Username, Name: u.Name}, nil
}

// Version is GitLab's version (GET /version): it proves GitLab is reachable.
// Unlike every other call it is sent even without a token, so that a 401
// (an *AuthError) still tells doctor the server answered.
func (c *Client) Version(ctx context.Context) (string, error) {
	v, _, err := doCall(ctx, c, http.MethodGet, "/version", true, func(opt gl.RequestOptionFunc) (*gl.Version, *gl.Response, error) {
		return c.gl.Version.GetVersion(opt)
	})
	if err != nil {
		return "", err
	}
	return v.Version, nil
}

// Project looks a project up by its full path; the error wraps ErrNotFound
// when GitLab has none (or will not show it to this token).
func (c *Client) Project(ctx context.Context, path string) (*Project, error) {
	p, _, err := call(ctx, c, http.MethodGet, "/projects/"+projectPath(path), func(opt gl.RequestOptionFunc) (*gl.Project, *gl.Response, error) {
		return c.gl.Projects.GetProject(path, nil, opt)
	})
	if err != nil {
		return nil, withNotFoundMessage(err, "project "+path+" does not exist or the token cannot see it")
	}
	return toProject(p), nil
}

// Namespace looks a group or user namespace up by its full path
// (GET /namespaces/:id with the path URL-encoded).
func (c *Client) Namespace(ctx context.Context, fullPath string) (*Namespace, error) {
	n, _, err := call(ctx, c, http.MethodGet, "/namespaces/"+gl.PathEscape(fullPath), func(opt gl.RequestOptionFunc) (*gl.Namespace, *gl.Response, error) {
		return c.gl.Namespaces.GetNamespace(fullPath, opt)
	})
	if err != nil {
		return nil, withNotFoundMessage(err, "namespace "+fullPath+" does not exist or the token cannot see it")
	}
	return &Namespace{ID: n.ID, FullPath: n.FullPath}, nil
}

// CreateProject creates an empty project (no README: the CLI pushes the first
// commit). When the path is taken the error wraps ErrProjectExists; note that
// a create retried after a 5xx may see its own first attempt's project.
func (c *Client) CreateProject(ctx context.Context, namespaceID int64, path, description string) (*Project, error) {
	opts := &gl.CreateProjectOptions{
		Name:        gl.Ptr(path),
		Path:        gl.Ptr(path),
		NamespaceID: gl.Ptr(namespaceID),
	}
	if description != "" {
		opts.Description = gl.Ptr(description)
	}
	p, _, err := call(ctx, c, http.MethodPost, "/projects", func(opt gl.RequestOptionFunc) (*gl.Project, *gl.Response, error) {
		return c.gl.Projects.CreateProject(opts, opt)
	})
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest && strings.Contains(apiErr.Message, "has already been taken") {
			apiErr.Err = ErrProjectExists
		}
		return nil, err
	}
	return toProject(p), nil
}

// UserIDs resolves usernames (a leading @ is allowed) to user IDs, in order,
// one GET /users?username= each. An unknown name is an *UnknownUserError.
func (c *Client) UserIDs(ctx context.Context, usernames []string) ([]int64, error) {
	ids := make([]int64, 0, len(usernames))
	for _, name := range usernames {
		name = strings.TrimPrefix(strings.TrimSpace(name), "@")
		if name == "" {
			continue
		}
		users, _, err := call(ctx, c, http.MethodGet, "/users", func(opt gl.RequestOptionFunc) ([]*gl.User, *gl.Response, error) {
			return c.gl.Users.ListUsers(&gl.ListUsersOptions{Username: gl.Ptr(name)}, opt)
		})
		if err != nil {
			return nil, err
		}
		id := int64(0)
		for _, u := range users {
			if u != nil && strings.EqualFold(u.Username, name) {
				id = u.ID
				break
			}
		}
		if id == 0 {
			return nil, &UnknownUserError{Username: name}
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func toProject(p *gl.Project) *Project {
	return &Project{
		ID:                p.ID,
		Path:              p.Path,
		PathWithNamespace: p.PathWithNamespace,
		DefaultBranch:     p.DefaultBranch,
		WebURL:            p.WebURL,
		HTTPURLToRepo:     p.HTTPURLToRepo,
		EmptyRepo:         p.EmptyRepo,
		CreatorID:         p.CreatorID,
		Archived:          p.Archived,
	}
}

// withNotFoundMessage gives a 404 a message that names what was missing:
// client-go drops GitLab's own 404 body.
func withNotFoundMessage(err error, msg string) error {
	var apiErr *APIError
	if errors.As(err, &apiErr) && errors.Is(err, ErrNotFound) && apiErr.Message == "" {
		apiErr.Message = msg
	}
	return err
}
