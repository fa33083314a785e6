// Package gitlab is platform's GitLab client: the few REST v4 calls the CLI
// needs (projects, a group's projects, repository files, merge requests,
// pipelines, deployments, freeze periods), built on
// gitlab.com/gitlab-org/api/client-go with bounded retries, a time budget
// per call, redacted debug traces and errors that fit on one line.
package gitlab

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/platform-team/platform/internal/redact"
)

// Defaults for Config's zero values.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultRetryWaitMin = 200 * time.Millisecond
	DefaultRetryWaitMax = 3 * time.Second
	DefaultRetryMax     = 4
	defaultUserAgent    = "platform"
)

// Config says how to reach GitLab.
type Config struct {
	BaseURL  string        // e.g. https://gitlab.com or http://127.0.0.1:1234 (the /api/v4 suffix is added if missing)
	Token    string        // personal/project access token (PRIVATE-TOKEN header) ...
	JobToken bool          // ... or, when true, a CI job token (JOB-TOKEN header)
	Timeout  time.Duration // budget for each API request including its retries (EnsureMergeRequest makes several); default 30s
	// Debug, when set, gets one trace line per HTTP request: method, URL,
	// status, duration. Tokens and URL userinfo are redacted; auth header
	// values are never printed.
	Debug      io.Writer
	HTTPClient *http.Client // optional (tests); it is copied, never modified
	// Retries of 429 and 5xx (POST included) wait RetryWaitMin, doubling up
	// to RetryWaitMax, at most RetryMax times: defaults 200ms, 3s, 4, so a
	// persistently failing call gives up within a few seconds. RetryMax < 0
	// disables retries.
	RetryWaitMin, RetryWaitMax time.Duration
	RetryMax                   int
	UserAgent                  string // default "platform"
	// MaxResponseBytes caps each response body GitLab sends; default 32 MiB.
	// A larger answer fails with ErrResponseTooLarge instead of filling memory.
	MaxResponseBytes int64
}

// DefaultMaxResponseBytes is Config.MaxResponseBytes' default.
const DefaultMaxResponseBytes = 32 << 20

// MaxIdleConnsPerHost is how many idle connections to GitLab a client keeps
// (Go's default is 2): commands such as fleet talk to one host from many
// goroutines and should reuse connections and TLS sessions, not reopen them.
const MaxIdleConnsPerHost = 128

// Client calls GitLab. It is safe for concurrent use.
type Client struct {
	gl       *gl.Client
	timeout  time.Duration
	token    string
	jobToken bool
	base     *url.URL // the configured GitLab: tokens go nowhere else
}

// New builds a Client. It fails only when BaseURL is not an absolute http(s)
// URL; a missing token surfaces as an *AuthError from the first call. Any
// userinfo in BaseURL is dropped: credentials come from Token alone.
//
// Redirects are followed only within the GitLab's own origin (same scheme,
// host and port): PRIVATE-TOKEN and JOB-TOKEN are custom headers, which Go's
// http client would forward to any host a redirect names, and from https to
// http. A redirect elsewhere is an *APIError wrapping a *RedirectError.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	baseURL, _ := url.Parse(base)
	c := &Client{
		timeout:  durationOrDefault(cfg.Timeout, DefaultTimeout),
		token:    cfg.Token,
		jobToken: cfg.JobToken,
		base:     baseURL,
	}

	// Copy the caller's http.Client: client-go's interceptors would replace
	// its Transport in place, and a nil Transport would break the chain.
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		*hc = *cfg.HTTPClient
	}
	next := hc.Transport
	if next == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// Commands such as fleet talk to one host from many goroutines: keep
		// their connections (and TLS sessions) instead of Go's default of 2.
		t.MaxIdleConnsPerHost = MaxIdleConnsPerHost
		next = t
	}
	if cfg.Debug != nil {
		next = &traceTransport{next: next, w: cfg.Debug, mu: &sync.Mutex{}, redact: c.redact}
	}
	maxBody := cfg.MaxResponseBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxResponseBytes
	}
	hc.Transport = &limitTransport{next: next, max: maxBody}
	hc.CheckRedirect = c.checkRedirect(hc.CheckRedirect)

	waitMin := durationOrDefault(cfg.RetryWaitMin, DefaultRetryWaitMin)
	waitMax := durationOrDefault(cfg.RetryWaitMax, DefaultRetryWaitMax)
	if waitMax < waitMin {
		waitMax = waitMin
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = defaultUserAgent
	}
	opts := []gl.ClientOptionFunc{
		gl.WithBaseURL(base),
		gl.WithHTTPClient(hc),
		gl.WithUserAgent(ua),
		// client-go logs URL warnings through slog.Default; we validated already.
		gl.WithURLWarningLogger(slog.New(slog.DiscardHandler)),
		gl.WithCustomRetryWaitMinMax(waitMin, waitMax),
		// client-go's own backoff ignores RetryWaitMin/Max for 5xx (a fixed
		// 700–900ms times the attempt number); ours honours the config.
		gl.WithCustomBackoff(backoff),
	}
	switch {
	case cfg.RetryMax < 0:
		opts = append(opts, gl.WithoutRetries())
	case cfg.RetryMax == 0:
		opts = append(opts, gl.WithCustomRetryMax(DefaultRetryMax))
	default:
		opts = append(opts, gl.WithCustomRetryMax(cfg.RetryMax))
	}

	var auth gl.AuthSource = gl.Unauthenticated{}
	switch {
	case cfg.Token == "":
	case cfg.JobToken:
		auth = gl.JobTokenAuthSource{Token: cfg.Token}
	default:
		auth = gl.AccessTokenAuthSource{Token: cfg.Token}
	}
	c.gl, err = gl.NewAuthSourceClient(auth, opts...)
	if err != nil {
		return nil, errors.New("GitLab client: " + redact.Text(c.redact(err.Error())))
	}
	return c, nil
}

// parseBaseURL checks that raw is an absolute http(s) URL and returns it
// without userinfo, query or fragment. Its errors never quote raw, which may
// hold a credential.
func parseBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("the GitLab URL must be an absolute http(s) URL such as https://gitlab.com")
	}
	u.User = nil
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// backoff waits RetryWaitMin doubling per attempt up to RetryWaitMax. A 429
// or 503 with Retry-After (seconds) waits that long, but never more than
// RetryWaitMax: the call's budget stays bounded, and a server that wants a
// minute gets our last answer (its status) rather than a bare timeout.
func backoff(waitMin, waitMax time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && s > 0 {
			return min(time.Duration(s)*time.Second, waitMax)
		}
	}
	d := waitMin
	for range attempt {
		d *= 2
		if d >= waitMax || d <= 0 {
			return waitMax
		}
	}
	return min(d, waitMax)
}

// durationOrDefault is d, or def when d is not positive.
func durationOrDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// redact removes the token from s, in every form it might be quoted.
func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	for _, form := range []string{c.token, url.QueryEscape(c.token), url.PathEscape(c.token)} {
		if form != "" {
			s = strings.ReplaceAll(s, form, "[REDACTED]")
		}
	}
	return s
}

// apiCall is one client-go method bound to its arguments; it receives the
// request option carrying our context.
type apiCall[T any] func(opt gl.RequestOptionFunc) (T, *gl.Response, error)

// call runs one API call (with client-go's retries) within the Timeout and
// maps its error. method and endpoint name the call in errors; endpoint is
// the path below /api/v4 with path parameters escaped as client-go does.
func call[T any](ctx context.Context, c *Client, method, endpoint string, fn apiCall[T]) (T, *gl.Response, error) {
	return doCall(ctx, c, method, endpoint, false, fn)
}

func doCall[T any](ctx context.Context, c *Client, method, endpoint string, anonymous bool, fn apiCall[T]) (T, *gl.Response, error) {
	var zero T
	if c.token == "" && !anonymous {
		return zero, nil, &AuthError{Method: method, Endpoint: endpoint, JobToken: c.jobToken}
	}
	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	v, resp, err := fn(gl.WithContext(callCtx))
	if err != nil {
		return zero, resp, c.mapError(ctx, callCtx, method, endpoint, resp, err)
	}
	return v, resp, nil
}

// projectPath is how a project path appears in an endpoint: URL-encoded as
// one segment, exactly as client-go sends it (payments/api → payments%2Fapi).
func projectPath(project string) string {
	return gl.PathEscape(project)
}

// statusOf is the HTTP status of an *APIError, or 0.
func statusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Status
	}
	return 0
}
