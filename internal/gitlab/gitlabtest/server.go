package gitlabtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Token is the personal access token the server accepts; default "test-token".
	Token string
	// JobToken is the CI job token the server accepts; default "test-job-token".
	JobToken string
	// Username is the token's user; default "test-user".
	Username string
	// RepoDir, when set, is where projects get bare git repositories.
	RepoDir string
	// Clock gives every timestamp; default a clock that starts at
	// 2026-01-01T00:00:00Z and advances one second per reading.
	Clock func() time.Time
	// Version is what GET /version reports; default "17.11.0-ee".
	Version string
	// HangLimit bounds a Hang; default 10 s.
	HangLimit time.Duration
	// Latency delays every answer by this long (see SetLatency); default none.
	Latency time.Duration
}

// Server is a running fake GitLab. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL, http://127.0.0.1:port, without /api/v4.
	URL string
	// Token is the personal access token the server accepts.
	Token string
	// JobToken is the CI job token the server accepts.
	JobToken string

	srv       *httptest.Server
	mux       *http.ServeMux
	clock     func() time.Time
	repoDir   string
	version   string
	hangLimit time.Duration
	closing   chan struct{}
	closeOnce sync.Once
	inflight  atomic.Int64 // requests being handled

	mu       sync.Mutex
	latency  time.Duration
	requests []Request
	faults   []*fault
	st       *state
}

// New starts a fake GitLab on a loopback port. Stop it with Close.
func New(opts Options) *Server {
	s := &Server{
		Token:     opts.Token,
		JobToken:  opts.JobToken,
		clock:     opts.Clock,
		repoDir:   opts.RepoDir,
		version:   opts.Version,
		hangLimit: opts.HangLimit,
		latency:   opts.Latency,
		closing:   make(chan struct{}),
		mux:       http.NewServeMux(),
	}
	if s.Token == "" {
		s.Token = "test-token"
	}
	if s.JobToken == "" {
		s.JobToken = "test-job-token"
	}
	if s.clock == nil {
		s.clock = tickClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	if s.version == "" {
		s.version = "17.11.0-ee"
	}
	if s.hangLimit <= 0 {
		s.hangLimit = 10 * time.Second
	}
	username := opts.Username
	if username == "" {
		username = "test-user"
	}
	s.st = newState()
	s.routes()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	s.mu.Lock()
	s.st.me = s.addUserLocked(username)
	s.mu.Unlock()
	return s
}

// Close stops the server, releasing any hanging requests first.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.srv.Close()
}

// tickClock returns a clock that starts at t and advances a second per call.
func tickClock(t time.Time) func() time.Time {
	var mu sync.Mutex
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now := t
		t = t.Add(time.Second)
		return now
	}
}

// now reads the clock in UTC with GitLab's millisecond precision.
func (s *Server) now() time.Time {
	return s.clock().UTC().Truncate(time.Millisecond)
}

// serve records the request, waits out the latency, applies faults, then
// routes it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.inflight.Add(1)
	defer s.inflight.Add(-1)
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))

	rec := Request{
		Method: r.Method,
		Path:   r.URL.EscapedPath(),
		Query:  redactQuery(r.URL.RawQuery),
		Body:   canonicalBody(body),
		Auth:   authHeaderUsed(r),
	}
	s.mu.Lock()
	p := s.projectOfPath(rec.Path)
	if p != nil {
		rec.Project = p.PathWithNamespace
	}
	idx := len(s.requests)
	s.requests = append(s.requests, rec)
	latency := s.latency
	s.mu.Unlock()

	if latency > 0 && !s.wait(r, latency) {
		return // the client went away, or the server closes: Status stays 0
	}

	s.mu.Lock()
	f := s.takeFault(r.Method, rec.Path, p)
	s.mu.Unlock()

	sw := &statusWriter{ResponseWriter: w}
	switch {
	case f == nil:
		s.mux.ServeHTTP(sw, r)
	case f.hang:
		s.hang(sw, r)
	case f.served:
		s.mux.ServeHTTP(httptest.NewRecorder(), r)
		writeFault(sw, r, f)
	default:
		writeFault(sw, r, f)
	}

	s.mu.Lock()
	s.requests[idx].Status = sw.status
	s.mu.Unlock()
}

// SetLatency delays every answer from now on by d (0: none), as a GitLab
// far away would: the request is recorded on arrival, then waits d before
// faults apply and it is served. A client that gives up meanwhile ends
// the wait at once, unanswered, and so does Close.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// wait sleeps d; false when the client went away or the server closes first.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closing:
		return false
	}
}

// projectOfPath is the project a request path is about (/api/v4/projects/
// :id and below, by ID or escaped path), or nil; call with s.mu held.
func (s *Server) projectOfPath(escaped string) *project {
	rest, ok := strings.CutPrefix(escaped, "/api/v4/projects/")
	if !ok {
		return nil
	}
	seg, _, _ := strings.Cut(rest, "/")
	id, err := url.PathUnescape(seg)
	if err != nil || id == "" {
		return nil
	}
	return s.st.findProject(id)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// access says whether a route takes a CI job token.
type access int

const (
	userOnly access = iota
	jobTokenOK
)

// call is one request to a route, handled with the server lock held.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	params params
	jobTok bool
}

// handle registers a route. Handlers run with s.mu held, after the token
// check, so they see and change the state atomically.
func (s *Server) handle(pattern string, acc access, h func(*call)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		kind := s.authenticate(r)
		switch {
		case kind == authNone:
			writeMessage(w, http.StatusUnauthorized, "401 Unauthorized")
			return
		case kind == authJob && acc != jobTokenOK:
			writeMessage(w, http.StatusForbidden, "403 Forbidden")
			return
		}
		p, err := parseParams(r)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h(&call{s: s, w: w, r: r, params: p, jobTok: kind == authJob})
	})
}

// routes wires every endpoint. Go's ServeMux matches a URL-encoded project
// path (group%2Fsub%2Fname) as one {id} segment and PathValue decodes it.
func (s *Server) routes() {
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeMessage(w, http.StatusNotFound, "404 Not Found")
	})
	s.handle("GET /api/v4/version", userOnly, (*call).getVersion)
	s.handle("GET /api/v4/user", userOnly, (*call).getCurrentUser)
	s.handle("GET /api/v4/users", userOnly, (*call).listUsers)
	s.handle("GET /api/v4/namespaces/{id}", userOnly, (*call).getNamespace)
	s.handle("GET /api/v4/groups/{id}/projects", userOnly, (*call).listGroupProjects)
	s.handle("GET /api/v4/projects/{id}", userOnly, (*call).getProject)
	s.handle("POST /api/v4/projects", userOnly, (*call).createProject)

	s.handle("GET /api/v4/projects/{id}/merge_requests", userOnly, (*call).listMergeRequests)
	s.handle("POST /api/v4/projects/{id}/merge_requests", userOnly, (*call).createMergeRequest)
	s.handle("GET /api/v4/projects/{id}/merge_requests/{iid}", userOnly, (*call).getMergeRequest)
	s.handle("PUT /api/v4/projects/{id}/merge_requests/{iid}", userOnly, (*call).updateMergeRequest)

	s.handle("POST /api/v4/projects/{id}/pipeline", userOnly, (*call).createPipeline)
	s.handle("GET /api/v4/projects/{id}/pipelines", jobTokenOK, (*call).listPipelines)
	s.handle("GET /api/v4/projects/{id}/pipelines/latest", userOnly, (*call).getLatestPipeline)
	s.handle("GET /api/v4/projects/{id}/pipelines/{pid}", jobTokenOK, (*call).getPipeline)

	s.handle("GET /api/v4/projects/{id}/deployments", jobTokenOK, (*call).listDeployments)
	s.handle("GET /api/v4/projects/{id}/deployments/{did}", jobTokenOK, (*call).getDeployment)
	s.handle("GET /api/v4/projects/{id}/environments", jobTokenOK, (*call).listEnvironments)
	s.handle("GET /api/v4/projects/{id}/freeze_periods", userOnly, (*call).listFreezePeriods)

	s.handle("GET /api/v4/projects/{id}/repository/files/{file}/raw", userOnly, (*call).getRawFile)
	s.handle("GET /api/v4/projects/{id}/repository/files/{file}", userOnly, (*call).getFile)
}

// authKind is who a request authenticated as.
type authKind int

const (
	authNone authKind = iota
	authUser
	authJob
)

// authenticate checks the token the request carries. As in GitLab, a
// personal token wins over a job token, and a wrong token is no token.
func (s *Server) authenticate(r *http.Request) authKind {
	q := r.URL.Query()
	if t := r.Header.Get("Private-Token"); t != "" {
		return s.userToken(t)
	}
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return s.userToken(t)
	}
	if t := q.Get("private_token"); t != "" {
		return s.userToken(t)
	}
	if t := r.Header.Get("Job-Token"); t != "" {
		return s.jobToken(t)
	}
	if t := q.Get("job_token"); t != "" {
		return s.jobToken(t)
	}
	return authNone
}

func (s *Server) userToken(t string) authKind {
	if t == s.Token {
		return authUser
	}
	return authNone
}

func (s *Server) jobToken(t string) authKind {
	if t == s.JobToken {
		return authJob
	}
	return authNone
}

// authHeaderUsed names where the request's credential came from, never its value.
func authHeaderUsed(r *http.Request) string {
	q := r.URL.Query()
	switch {
	case r.Header.Get("Private-Token") != "":
		return "PRIVATE-TOKEN"
	case strings.HasPrefix(r.Header.Get("Authorization"), "Bearer "):
		return "Authorization"
	case q.Get("private_token") != "":
		return "private_token"
	case r.Header.Get("Job-Token") != "":
		return "JOB-TOKEN"
	case q.Get("job_token") != "":
		return "job_token"
	}
	return ""
}

// redactQuery hides token query parameters, keeping the rest byte for byte.
func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(k); err == nil && (k == "private_token" || k == "job_token" || k == "access_token") {
			parts[i] = k + "=REDACTED"
		}
	}
	return strings.Join(parts, "&")
}

// canonicalBody renders a JSON body compactly with sorted keys, so
// recorded requests compare stably; anything else is kept as sent.
func canonicalBody(b []byte) string {
	if len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(b)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return string(b)
	}
	return string(out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeMessage is GitLab's error body: {"message": msg}, where msg is a
// string, a list of strings or a map of field errors.
func writeMessage(w http.ResponseWriter, status int, msg any) {
	writeJSON(w, status, map[string]any{"message": msg})
}

// writeError is the body Grape gives a parameter error: {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
