package gitlab

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewRejectsNonHTTPURLs(t *testing.T) {
	for _, raw := range []string{"", "gitlab.com", "user:s3cr3t@gitlab.com", "ftp://gitlab.com", "http://", "/api/v4", "http://[::1"} {
		_, err := New(Config{BaseURL: raw, Token: testToken})
		if err == nil {
			t.Errorf("New(%q): no error", raw)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("New(%q) error quotes the URL's secret: %v", raw, err)
		}
	}
	for _, raw := range []string{"https://gitlab.com", "http://127.0.0.1:8080/", "https://example.com/gitlab/api/v4"} {
		if _, err := New(Config{BaseURL: raw}); err != nil {
			t.Errorf("New(%q): %v", raw, err)
		}
	}
}

func TestBaseURLKeepsPathPrefixAndAPISuffix(t *testing.T) {
	for _, base := range []string{"/gitlab", "/gitlab/", "/gitlab/api/v4", "/gitlab/api/v4/"} {
		_, rec, srv := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			writeJSON(w, 200, `{"version":"18.0.0"}`)
		}, nil)
		c, err := New(Config{BaseURL: srv.URL + base, Token: testToken, HTTPClient: srv.Client()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Version(context.Background()); err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		wantCalls(t, rec, "GET /gitlab/api/v4/version")
	}
}

func TestJobTokenHeader(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, 200, `{"id":1,"username":"ci"}`)
	}, func(cfg *Config) { cfg.JobToken = true })
	if _, err := c.CurrentUser(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := rec.all()[0].Header
	if got := h.Get("JOB-TOKEN"); got != testToken {
		t.Errorf("JOB-TOKEN = %q", got)
	}
	if got := h.Get("PRIVATE-TOKEN"); got != "" {
		t.Errorf("PRIVATE-TOKEN sent with a job token: %q", got)
	}
}

func TestUnauthorizedIsAuthError(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, 401, `{"message":"401 Unauthorized"}`)
	}, nil)
	_, err := c.CurrentUser(context.Background())
	var auth *AuthError
	if !errors.As(err, &auth) {
		t.Fatalf("err = %#v, want *AuthError", err)
	}
	if auth.Status != 401 || auth.Method != "GET" || auth.Endpoint != "/user" || auth.JobToken {
		t.Errorf("auth = %+v", auth)
	}
	if !strings.Contains(err.Error(), "GITLAB_TOKEN") {
		t.Errorf("err %q does not name GITLAB_TOKEN", err)
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("401 was retried: %d requests", n)
	}
}

func TestForbiddenJobTokenNamesTheCall(t *testing.T) {
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, 403, `{"message":"403 Forbidden"}`)
	}, func(cfg *Config) { cfg.JobToken = true })
	_, err := c.CreatePipeline(context.Background(), "payments/api", "main", nil)
	var auth *AuthError
	if !errors.As(err, &auth) || auth.Status != 403 || !auth.JobToken {
		t.Fatalf("err = %#v, want job-token AuthError 403", err)
	}
	for _, want := range []string{"the CI job token is not allowed to call POST /projects/payments%2Fapi/pipeline", "set GITLAB_TOKEN"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err %q lacks %q", err, want)
		}
	}
}

func TestNoTokenFailsWithoutARequest(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, 200, projectJSON)
	}, func(cfg *Config) { cfg.Token = "" })
	_, err := c.Project(context.Background(), "payments/api")
	var auth *AuthError
	if !errors.As(err, &auth) || auth.Status != 0 {
		t.Fatalf("err = %#v, want AuthError without status", err)
	}
	if !strings.Contains(err.Error(), "GITLAB_TOKEN") {
		t.Errorf("err %q does not name GITLAB_TOKEN", err)
	}
	if n := len(rec.all()); n != 0 {
		t.Errorf("%d requests sent without a token", n)
	}
}

func TestRetriesBadGatewayThenSucceeds(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 2 {
			writeJSON(w, 502, `{"message":"upstream down"}`)
			return
		}
		writeJSON(w, 201, pipelineJSON)
	}, nil)
	p, err := c.CreatePipeline(context.Background(), "payments/api", "main", map[string]string{"A": "1"})
	if err != nil {
		t.Fatal(err)
	}
	samePipeline(t, p)
	hits := rec.all()
	if len(hits) != 3 {
		t.Fatalf("%d requests, want 3", len(hits))
	}
	for _, h := range hits {
		if h.Body != hits[0].Body || h.Body == "" {
			t.Errorf("retried POST body %q differs from the first %q", h.Body, hits[0].Body)
		}
	}
}

func TestPersistentBadGatewayGivesUp(t *testing.T) {
	c, rec, _ := newTestClient(t, route(t, map[string]func(http.ResponseWriter, *http.Request){
		"GET " + mrListPath: func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `[]`) },
		"POST " + mrListPath: func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 502, `{"message":"upstream down"}`)
		},
	}), nil)
	// Giving up is counted in requests (below), not timed: a timed check
	// fails on a loaded machine while nothing is wrong.
	_, _, err := c.EnsureMergeRequest(context.Background(), "payments/api", mrOpts)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %#v, want *APIError", err)
	}
	if apiErr.Status != 502 || apiErr.Message != "upstream down" || apiErr.Method != "POST" ||
		apiErr.Endpoint != "/projects/payments%2Fapi/merge_requests" {
		t.Errorf("apiErr = %+v", apiErr)
	}
	want := "GitLab POST /projects/payments%2Fapi/merge_requests: 502 Bad Gateway: upstream down"
	if err.Error() != want {
		t.Errorf("err = %q\nwant  %q", err, want)
	}
	posts := 0
	for _, h := range rec.all() {
		if h.Method == "POST" {
			posts++
		}
	}
	if posts != 1+DefaultRetryMax {
		t.Errorf("%d POSTs, want %d", posts, 1+DefaultRetryMax)
	}
}

func TestDefaultRetryBudgetIsBounded(t *testing.T) {
	// With the defaults, the waits between the 5 attempts add up to 3s.
	var total time.Duration
	for i := range DefaultRetryMax {
		total += backoff(DefaultRetryWaitMin, DefaultRetryWaitMax, i, nil)
	}
	if total != 3*time.Second {
		t.Errorf("default waits add up to %v", total)
	}
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"120"}}}
	if got := backoff(DefaultRetryWaitMin, DefaultRetryWaitMax, 0, resp); got != DefaultRetryWaitMax {
		t.Errorf("Retry-After 120 waits %v, want it capped at %v", got, DefaultRetryWaitMax)
	}
	resp.Header.Set("Retry-After", "1")
	if got := backoff(DefaultRetryWaitMin, DefaultRetryWaitMax, 0, resp); got != time.Second {
		t.Errorf("Retry-After 1 waits %v", got)
	}
}

func TestRateLimitedIsRetried(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			writeJSON(w, 429, `{"message":"Retry later"}`)
			return
		}
		writeJSON(w, 200, `{"version":"18.0.0"}`)
	}, nil)
	if _, err := c.Version(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.all()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestTimeout(t *testing.T) {
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		<-r.Context().Done() // only the client's budget ends the call
	}, func(cfg *Config) { cfg.Timeout = 100 * time.Millisecond })
	_, err := c.CurrentUser(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 0 {
		t.Fatalf("err = %#v, want APIError without status", err)
	}
	if want := "GitLab GET /user: timed out after 100ms"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err does not wrap context.DeadlineExceeded")
	}
}

func TestCanceledContext(t *testing.T) {
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, 200, `{}`)
	}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.CurrentUser(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled in the chain", err)
	}
}

// closedPort is a local address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestConnectionRefused(t *testing.T) {
	var trace bytes.Buffer
	c, err := New(Config{
		BaseURL: "http://deploy:hunter2@" + closedPort(t), Token: testToken,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond, Debug: &trace,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CurrentUser(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 0 {
		t.Fatalf("err = %#v, want APIError without status", err)
	}
	if want := "GitLab GET /user: connection refused"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	for _, s := range []string{err.Error(), trace.String()} {
		if strings.Contains(s, "hunter2") || strings.Contains(s, "deploy:") || strings.Contains(s, testToken) {
			t.Errorf("credential leaked: %q", s)
		}
	}
	if !strings.Contains(trace.String(), "error: connection refused") {
		t.Errorf("trace = %q", trace.String())
	}
}

func TestDebugTraceRedacts(t *testing.T) {
	var trace syncBuffer
	_, rec, srv := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			// A server that echoes the token must not get it into the trace or error.
			writeJSON(w, 500, `{"message":"token `+testToken+` exploded"}`)
			return
		}
		writeJSON(w, 200, `{"id":7,"username":"alice"}`)
	}, nil)
	u, _ := url.Parse(srv.URL)
	u.User = url.UserPassword("deploy", "hunter2")
	c, err := New(Config{BaseURL: u.String(), Token: testToken, Debug: &trace, HTTPClient: srv.Client(),
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CurrentUser(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := trace.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("trace has %d lines, want one per request:\n%s", len(lines), out)
	}
	if !strings.HasPrefix(lines[0], "gitlab: GET "+srv.URL+"/api/v4/user 500 Internal Server Error (") ||
		!strings.HasPrefix(lines[1], "gitlab: GET "+srv.URL+"/api/v4/user 200 OK (") {
		t.Errorf("trace:\n%s", out)
	}
	for _, secret := range []string{testToken, "hunter2", "deploy:"} {
		if strings.Contains(out, secret) {
			t.Errorf("trace contains %q:\n%s", secret, out)
		}
	}
	// The URL's userinfo is dropped, never sent as basic auth.
	for _, h := range rec.all() {
		if a := h.Header.Get("Authorization"); a != "" {
			t.Errorf("Authorization header sent: %q", a)
		}
	}
}

func TestErrorMessageRedactsToken(t *testing.T) {
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, 422, `{"error":"bad token `+testToken+`"}`)
	}, nil)
	_, err := c.CurrentUser(context.Background())
	if err == nil || strings.Contains(err.Error(), testToken) {
		t.Fatalf("err = %v", err)
	}
	if want := "GitLab GET /user: 422 Unprocessable Entity: bad token [REDACTED]"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

func TestErrorsNeverQuoteTheHost(t *testing.T) {
	c, _, srv := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		writeJSON(w, 418, "<html>\n<body>teapot</body>\n</html>")
	}, nil)
	_, err := c.Project(context.Background(), "payments/api")
	if err == nil {
		t.Fatal("no error")
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	if strings.Contains(err.Error(), host) || strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %q", err)
	}
	if want := "GitLab GET /projects/payments%2Fapi: 418 I'm a teapot"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

func TestUndecodableAnswer(t *testing.T) {
	c, _, srv := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>sign in</html>"))
	}, nil)
	_, err := c.CurrentUser(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 200 || !strings.Contains(apiErr.Message, "answered garbage") || !errors.Is(err, ErrBadResponse) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), strings.TrimPrefix(srv.URL, "http://")) {
		t.Errorf("err quotes the host: %q", err)
	}
}

func TestErrorMessage(t *testing.T) {
	for body, want := range map[string]string{
		`{"message":"404 Project Not Found"}`:                                     "404 Project Not Found",
		`{"message":["Another open merge request already exists: !7"]}`:           "Another open merge request already exists: !7",
		`{"message":{"path":["has already been taken"],"name":["is too short"]}}`: "name is too short; path has already been taken",
		`{"error":"insufficient_scope","error_description":"needs api"}`:          "insufficient_scope: needs api",
		`{"message":{"base":["Pipeline will not run"],"ref":["does not exist"]}}`: "base Pipeline will not run; ref does not exist",
		`not json`: "",
		``:         "",
	} {
		if got := errorMessage([]byte(body)); got != want {
			t.Errorf("errorMessage(%s) = %q, want %q", body, got, want)
		}
	}
	long := `{"message":"` + strings.Repeat("x", 1000) + `"}`
	if got := errorMessage([]byte(long)); len([]rune(got)) > maxMessage+1 {
		t.Errorf("long message not truncated: %d runes", len([]rune(got)))
	}
}

func TestTraceURL(t *testing.T) {
	u, _ := url.Parse("https://bob:pw@gitlab.example.com/api/v4/projects/a%2Fb?private_token=abc&ref=main&JOB_TOKEN=x")
	got := traceURL(u)
	want := "https://***@gitlab.example.com/api/v4/projects/a%2Fb?private_token=***&ref=main&JOB_TOKEN=***" // platform:allow-secret: a fixture of the redaction
	if got != want {
		t.Errorf("traceURL = %q\nwant       %q", got, want)
	}
}

func TestCallerHTTPClientIsNotModified(t *testing.T) {
	hc := &http.Client{}
	if _, err := New(Config{BaseURL: "https://gitlab.com", Token: testToken, HTTPClient: hc, Debug: &bytes.Buffer{}}); err != nil {
		t.Fatal(err)
	}
	if hc.Transport != nil {
		t.Errorf("New replaced the caller's Transport")
	}
}

// syncBuffer is a bytes.Buffer safe for the transport's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
