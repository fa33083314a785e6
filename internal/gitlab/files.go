package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// MaxFileBytes caps the content File reads: a repository's file is
// untrusted, and a fleet run reads one from every project.
const MaxFileBytes = 1 << 20

// File reads the raw content of path (slash-separated, from the
// repository's root) at ref (a branch, tag or commit SHA; "" is the
// project's default branch) through the repository files API, without
// cloning. A missing file, ref or project is an *APIError wrapping
// ErrNotFound; a file over MaxFileBytes one wrapping ErrResponseTooLarge.
func (c *Client) File(ctx context.Context, project, path, ref string) ([]byte, error) {
	if path == "" {
		return nil, errors.New("repository file: a path is required")
	}
	var opts *gl.GetRawFileOptions
	if ref != "" {
		opts = &gl.GetRawFileOptions{Ref: gl.Ptr(ref)}
	}
	endpoint := "/projects/" + projectPath(project) + "/repository/files/" + gl.PathEscape(path) + "/raw"
	b, _, err := call(withBodyLimit(ctx, MaxFileBytes), c, http.MethodGet, endpoint, func(opt gl.RequestOptionFunc) ([]byte, *gl.Response, error) {
		return c.gl.RepositoryFiles.GetRawFile(project, path, opts, opt)
	})
	if err != nil {
		at := ref
		if at == "" {
			at = "the default branch"
		}
		var apiErr *APIError
		if errors.Is(err, ErrResponseTooLarge) && errors.As(err, &apiErr) {
			apiErr.Message = fmt.Sprintf("%s at %s is larger than %d bytes", path, at, MaxFileBytes)
		}
		return nil, withNotFoundMessage(err, fmt.Sprintf("no file %s at %s (or the project or ref does not exist, or the token cannot see it)", path, at))
	}
	return b, nil
}
