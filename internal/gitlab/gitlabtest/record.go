package gitlabtest

import (
	"slices"
	"strings"
)

// Request is one request the server received. Token values are never
// kept: Auth names where the credential was, and token query parameters
// read REDACTED.
type Request struct {
	Method string
	// Path is the escaped path, as sent: /api/v4/projects/group%2Fname.
	Path string
	// Query is the raw query string.
	Query string
	// Body is a JSON body compacted with sorted keys, else the body as sent.
	Body string
	// Auth is PRIVATE-TOKEN, JOB-TOKEN, Authorization (bearer),
	// private_token, job_token, or "" for none.
	Auth string
	// Status is the status answered; 0 when the client went away first.
	Status int
	// Project is the path with namespace of the project the request was
	// about (/api/v4/projects/:id and below, by path or ID), "" for others
	// and for a project that did not exist when the request came.
	Project string
}

// String is "METHOD /path?query".
func (r Request) String() string {
	if r.Query == "" {
		return r.Method + " " + r.Path
	}
	return r.Method + " " + r.Path + "?" + r.Query
}

// Requests returns every request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// RequestsMatching returns the requests whose method and escaped path
// match, as Fail matches them.
func (s *Server) RequestsMatching(method, pathGlob string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if MatchRequest(method, pathGlob, r.Method, r.Path) {
			out = append(out, r)
		}
	}
	return out
}

// RequestsPerProject counts the requests received so far per project
// they were about (Request.Project), for budgets such as "at most 3 API
// requests per project". Requests about no project are not counted.
func (s *Server) RequestsPerProject() map[string]int {
	out := map[string]int{}
	for _, r := range s.Requests() {
		if r.Project != "" {
			out[r.Project]++
		}
	}
	return out
}

// ResetRequests forgets the requests recorded so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// FormatRequests renders requests one per line as "METHOD /path?query",
// each body on the next line indented by four spaces.
func FormatRequests(reqs []Request) string {
	var b strings.Builder
	for _, r := range reqs {
		b.WriteString(r.String())
		b.WriteByte('\n')
		if r.Body != "" {
			b.WriteString("    ")
			b.WriteString(r.Body)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
