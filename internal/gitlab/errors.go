package gitlab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/platform-team/platform/internal/redact"
)

// ErrNotFound is wrapped by every error for an object GitLab does not have (or
// will not show to this token): test it with errors.Is.
var ErrNotFound = errors.New("not found")

// ErrProjectExists is wrapped by CreateProject's error when the path is taken.
var ErrProjectExists = errors.New("project already exists")

// maxMessage bounds GitLab's message in an error, which stays one line.
const maxMessage = 300

// AuthError is a call GitLab refused for lack of credentials (401, 403), or one
// not attempted because there was no token (Status 0).
type AuthError struct {
	Status   int    // 401, 403, or 0 when no token was configured
	Method   string // HTTP method
	Endpoint string // API path below /api/v4, without the query
	JobToken bool   // the credential was a CI job token
}

func (e *AuthError) Error() string {
	call := e.Method + " " + e.Endpoint
	if e.JobToken {
		if e.Status == 0 {
			return fmt.Sprintf("GitLab %s: CI_JOB_TOKEN is empty; set GITLAB_TOKEN to a token with the api scope", call)
		}
		return fmt.Sprintf("the CI job token is not allowed to call %s (%s); set GITLAB_TOKEN to a token with the api scope", call, statusText(e.Status))
	}
	switch e.Status {
	case 0:
		return fmt.Sprintf("GitLab %s: no token; set GITLAB_TOKEN to a personal or project access token with the api scope", call)
	case http.StatusUnauthorized:
		return fmt.Sprintf("GitLab %s: %s: GITLAB_TOKEN is invalid, expired or revoked; set GITLAB_TOKEN to a token with the api scope", call, statusText(e.Status))
	default:
		return fmt.Sprintf("GitLab %s: %s: GITLAB_TOKEN may not do this; it needs the api scope and enough access to the project", call, statusText(e.Status))
	}
}

// APIError is any other failed call, after retries. Status is 0 when no HTTP
// answer arrived (network error, timeout); Err then holds the cause, and
// errors.Is(err, context.Canceled) still works through it.
type APIError struct {
	Status   int    // HTTP status, 0 when there was no answer
	Method   string // HTTP method
	Endpoint string // API path below /api/v4, without the query, e.g. /projects/payments%2Fapi
	Message  string // GitLab's "message"/"error", or the network cause
	Err      error  // the cause: ErrNotFound, ErrProjectExists, a context error, ...
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("GitLab ")
	b.WriteString(e.Method)
	b.WriteString(" ")
	b.WriteString(e.Endpoint)
	if e.Status != 0 {
		b.WriteString(": ")
		b.WriteString(statusText(e.Status))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

func (e *APIError) Unwrap() error { return e.Err }

// UnknownUserError names a username GitLab does not know; it wraps ErrNotFound.
type UnknownUserError struct {
	Username string
}

func (e *UnknownUserError) Error() string {
	return fmt.Sprintf("GitLab has no user %q", e.Username)
}

func (e *UnknownUserError) Unwrap() error { return ErrNotFound }

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprintf("%d", code)
}

// mapError turns what client-go returned into an AuthError or APIError. The
// message is rebuilt from parts rather than err.Error(): client-go's errors
// quote the full request URL, and a message must never carry a credential.
// parent is the caller's context, callCtx the one with our timeout.
func (c *Client) mapError(parent, callCtx context.Context, method, endpoint string, resp *gl.Response, err error) error {
	mapped := c.mapErrorParts(parent, callCtx, method, endpoint, resp, err)
	var apiErr *APIError
	if errors.As(mapped, &apiErr) {
		// GitLab's message and network causes may quote URLs.
		apiErr.Message = redact.Text(apiErr.Message)
	}
	return mapped
}

func (c *Client) mapErrorParts(parent, callCtx context.Context, method, endpoint string, resp *gl.Response, err error) error {
	apiErr := &APIError{Method: method, Endpoint: endpoint, Err: err}

	// The caller gave up (Ctrl-C): that is no remote failure, and must reach
	// the CLI as context.Canceled (exit 130), not as an *APIError (exit 3).
	if errors.Is(parent.Err(), context.Canceled) {
		return fmt.Errorf("GitLab %s %s: %w", method, endpoint, context.Canceled)
	}

	var er *gl.ErrorResponse
	switch {
	case errors.As(err, &er):
		status := 0
		if er.Response != nil {
			status = er.Response.StatusCode
		}
		if status == http.StatusUnauthorized || status == http.StatusForbidden {
			return &AuthError{Status: status, Method: method, Endpoint: endpoint, JobToken: c.jobToken}
		}
		apiErr.Status = status
		if re := c.redirectError(er.Response); re != nil {
			apiErr.Message = re.Error()
			apiErr.Err = re
			return apiErr
		}
		apiErr.Message = c.redact(errorMessage(er.Body))
		// Keep client-go's error out of the chain: its Error() holds the URL.
		apiErr.Err = nil
		return apiErr

	case errors.Is(err, gl.ErrNotFound):
		apiErr.Status = http.StatusNotFound
		apiErr.Err = ErrNotFound
		return apiErr

	case parent.Err() != nil:
		// The caller's own deadline passed (Ctrl-C was handled above).
		apiErr.Err = parent.Err()
		if errors.Is(parent.Err(), context.DeadlineExceeded) {
			apiErr.Message = "timed out"
		} else {
			apiErr.Message = "canceled"
		}
		return apiErr

	case callCtx.Err() != nil:
		apiErr.Err = context.DeadlineExceeded
		apiErr.Message = "timed out after " + c.timeout.String()
		return apiErr
	}

	if errors.Is(err, ErrResponseTooLarge) {
		if resp != nil && resp.Response != nil {
			apiErr.Status = resp.StatusCode
		}
		apiErr.Message = oneLine(innermost(err).Error())
		apiErr.Err = ErrResponseTooLarge
		return apiErr
	}
	if resp != nil && resp.Response != nil {
		// An answer came but could not be read or decoded (cut short, a
		// proxy's HTML page): GitLab answered garbage.
		apiErr.Status = resp.StatusCode
		apiErr.Message = c.redact("answered garbage (" + truncate(oneLine(innermost(err).Error()), maxMessage) + ")")
		apiErr.Err = fmt.Errorf("%w: %w", ErrBadResponse, innermost(err))
		return apiErr
	}
	apiErr.Message = c.redact(networkCause(err))
	apiErr.Err = innermost(err)
	return apiErr
}

// errorMessage extracts GitLab's "message" and "error" fields from an error
// body, which come as a string, a list, or a map of field to messages
// ({"message":{"path":["has already been taken"]}}).
func errorMessage(body []byte) string {
	if len(strings.TrimSpace(string(body))) == 0 {
		return ""
	}
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		// Not JSON: a proxy's page. Show nothing rather than a wall of HTML.
		return ""
	}
	var parts []string
	for _, key := range []string{"message", "error", "error_description"} {
		if v, ok := raw[key]; ok {
			if s := flatten("", v); s != "" {
				parts = append(parts, s)
			}
		}
	}
	return truncate(oneLine(strings.Join(parts, ": ")), maxMessage)
}

func flatten(prefix string, v any) string {
	switch v := v.(type) {
	case string:
		if prefix != "" {
			return prefix + " " + v
		}
		return v
	case []any:
		var out []string
		for _, e := range v {
			if s := flatten(prefix, e); s != "" {
				out = append(out, s)
			}
		}
		return strings.Join(out, "; ")
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var out []string
		for _, k := range keys {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			if s := flatten(p, v[k]); s != "" {
				out = append(out, s)
			}
		}
		return strings.Join(out, "; ")
	case nil:
		return ""
	default:
		return strings.TrimSpace(prefix + " " + fmt.Sprint(v))
	}
}

// networkCause says in a few words why no answer came, without the URL that
// net/http puts in its errors.
func networkCause(err error) string {
	var dnsErr *net.DNSError
	var tlsTimeout interface{ Timeout() bool }
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "no such host " + dnsErr.Name
		}
		return "cannot resolve host " + dnsErr.Name
	case errors.As(err, &tlsTimeout) && tlsTimeout.Timeout():
		return "timed out"
	}
	return oneLine(innermost(err).Error())
}

// innermost strips *url.Error, whose message quotes the request URL.
func innermost(err error) error {
	for {
		var ue *url.Error
		if !errors.As(err, &ue) {
			return err
		}
		err = ue.Err
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
