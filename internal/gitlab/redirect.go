package gitlab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/platform-team/platform/internal/origin"
	"github.com/platform-team/platform/internal/redact"
)

// RedirectError is a GitLab answer that redirected to another origin
// (scheme, host or port), which is not followed: the token stays with the
// configured GitLab. It comes wrapped in an *APIError (exit 3).
type RedirectError struct {
	From string // the configured GitLab, scheme://host[:port]
	To   string // where the redirect pointed, scheme://host[:port]
}

func (e *RedirectError) Error() string {
	hint := "set the GitLab URL to the one that serves the API"
	if e.downgrade() {
		hint = "refusing to go from https to http"
	}
	return fmt.Sprintf("redirected from %s to %s: not followed, the token is only sent to %s; %s", e.From, e.To, e.From, hint)
}

func (e *RedirectError) downgrade() bool {
	return strings.HasPrefix(e.From, "https://") && strings.HasPrefix(e.To, "http://")
}

// errStopRedirect marks a redirect checkRedirect refused; the 3xx answer is
// then returned as is and mapError turns it into a RedirectError.
var errStopRedirect = errors.New("redirect to another host")

// checkRedirect follows a redirect only within the GitLab's origin, then
// asks next (the caller's own policy), if any. A refused redirect returns
// http.ErrUseLastResponse rather than an error: client-go would retry a GET
// that failed with an error, and the answer names where it pointed anyway.
func (c *Client) checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if !origin.Same(c.base, req.URL) {
			return http.ErrUseLastResponse
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}

// redirectError is the RedirectError for a 3xx answer, or nil when resp is
// no redirect.
func (c *Client) redirectError(resp *http.Response) *RedirectError {
	if resp == nil || resp.StatusCode < 300 || resp.StatusCode > 399 || resp.StatusCode == http.StatusNotModified {
		return nil
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil
	}
	to, err := url.Parse(loc)
	if err == nil && resp.Request != nil && resp.Request.URL != nil {
		to = resp.Request.URL.ResolveReference(to)
	}
	target := "an unreadable location"
	if err == nil && to.Host != "" {
		target = origin.Of(to)
	} else if err != nil {
		target = redact.URL(loc)
	}
	return &RedirectError{From: origin.Of(c.base), To: target}
}

// ErrResponseTooLarge is a GitLab answer over Config.MaxResponseBytes.
var ErrResponseTooLarge = errors.New("GitLab's answer is too large")

// ErrBadResponse is a GitLab answer that could not be read or decoded: cut
// short, not JSON, or not the expected shape ("GitLab answered garbage").
var ErrBadResponse = errors.New("GitLab answered garbage")

// limitTransport caps every response body at max bytes.
type limitTransport struct {
	next http.RoundTripper
	max  int64
}

// A call's context may lower the cap for its own responses (withBodyLimit).
func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	limit := t.max
	if n, ok := req.Context().Value(bodyLimitKey{}).(int64); ok && n > 0 && n < limit {
		limit = n
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp == nil || resp.Body == nil {
		return resp, err
	}
	if resp.ContentLength > limit {
		_ = resp.Body.Close()
		return nil, fmt.Errorf("%w: %d bytes announced, the limit is %s", ErrResponseTooLarge, resp.ContentLength, byteSize(limit))
	}
	resp.Body = &limitedBody{rc: resp.Body, left: limit, max: limit}
	return resp, nil
}

// bodyLimitKey is the context key of a call's own response size cap.
type bodyLimitKey struct{}

// withBodyLimit caps the bodies of the responses to calls made with ctx
// at n bytes, below Config.MaxResponseBytes.
func withBodyLimit(ctx context.Context, n int64) context.Context {
	return context.WithValue(ctx, bodyLimitKey{}, n)
}

type limitedBody struct {
	rc   io.ReadCloser
	left int64
	max  int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly max bytes from a longer one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("%w: more than %s", ErrResponseTooLarge, byteSize(b.max))
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

func byteSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
