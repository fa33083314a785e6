package gitlabtest

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/platform-team/platform/internal/glob"
)

// fault is an injected failure or hang, used up after times matches.
type fault struct {
	method   string
	glob     string
	status   int
	hang     bool
	location string // with status 3xx: redirect to location + the request's path and query
	body     string // with garbage: the body sent, cut short
	garbage  bool
	served   bool // serve the request, then answer status instead of its answer
	times    int  // < 0: always
	// projectID, when set, scopes the fault to requests about that project
	// (GET /projects/:id and everything below it, by path or ID); glob is
	// then unused.
	projectID  int64
	retryAfter string // with status 429 or 503: the Retry-After header; default "0" for a 429
}

// Fail makes the next times requests matching method ("*" for any) and
// pathGlob answer status instead of being served; times -1 is every one.
// pathGlob is matched against the escaped path (/api/v4/projects/g%2Fp),
// segment by segment: "*" within a segment, "**" across segments. A 429
// carries Retry-After: 0 and GitLab's plain-text "Retry later" body; other
// statuses a JSON {"message": "<code> <text>"}. Faults match in the order
// they were added, and a failed request is still recorded.
func (s *Server) Fail(method, pathGlob string, status, times int) {
	s.addFault(&fault{method: method, glob: pathGlob, status: status, times: times})
}

// FailAfterServing makes the next times requests matching method and
// pathGlob (-1: all) take effect, then answer status instead of their own
// answer: a POST /projects that creates the project and reports a 502, as a
// proxy timing out after GitLab did the work. A client that retries the
// create then meets its own project.
func (s *Server) FailAfterServing(method, pathGlob string, status, times int) {
	s.addFault(&fault{method: method, glob: pathGlob, status: status, served: true, times: times})
}

// Hang makes the next times matching requests (-1: all) block until the
// client gives up, the server closes or Options.HangLimit (10 s) passes,
// then answer 504.
func (s *Server) Hang(method, pathGlob string, times int) {
	s.addFault(&fault{method: method, glob: pathGlob, hang: true, times: times})
}

// Redirect makes the next times matching requests (-1: all) answer status
// (301, 302, 303, 307 or 308) with Location: base followed by the request's
// escaped path and query, e.g. another server's URL, to test that a client
// does not carry its token there.
func (s *Server) Redirect(method, pathGlob string, status int, base string, times int) {
	s.addFault(&fault{method: method, glob: pathGlob, status: status, location: strings.TrimRight(base, "/"), times: times})
}

// Garble makes the next times matching requests (-1: all) answer 200 with
// a JSON body cut short: Content-Length promises more than is sent, and the
// connection closes.
func (s *Server) Garble(method, pathGlob string, times int) {
	s.addFault(&fault{method: method, glob: pathGlob, garbage: true, body: `{"id":1,"username":"tr`, times: times})
}

// FailProject makes the next times requests (-1: all) about one project
// answer status: /api/v4/projects/:id and everything below it, whether the
// project is named by its path (any case or escaping) or its numeric ID,
// any method. Requests about other projects, and group listings that show
// the project, are served as usual: one broken project among many.
func (s *Server) FailProject(projectPath string, status, times int) {
	s.mu.Lock()
	p := s.mustProject("FailProject", projectPath)
	id := p.ID
	s.mu.Unlock()
	s.addFault(&fault{method: "*", status: status, times: times, projectID: id})
}

// RateLimit makes the next times requests matching method and pathGlob
// (-1: all) answer 429 Too Many Requests with Retry-After: retryAfter
// seconds and GitLab's plain-text "Retry later" body, as GitLab's rate
// limiter does.
func (s *Server) RateLimit(method, pathGlob string, retryAfter, times int) {
	s.addFault(&fault{method: method, glob: pathGlob, status: http.StatusTooManyRequests, retryAfter: strconv.Itoa(retryAfter), times: times})
}

// ClearFaults removes every pending Fail and Hang.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *Server) addFault(f *fault) {
	if f.times == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// takeFault uses up the first fault matching the request, which is about
// project p (nil: none); call with s.mu held.
func (s *Server) takeFault(method, path string, p *project) *fault {
	for _, f := range s.faults {
		if f.times == 0 {
			continue
		}
		if f.projectID != 0 {
			if p == nil || p.ID != f.projectID || !MatchRequest(f.method, "**", method, path) {
				continue
			}
		} else if !MatchRequest(f.method, f.glob, method, path) {
			continue
		}
		if f.times > 0 {
			f.times--
		}
		return f
	}
	return nil
}

// MatchRequest reports whether a request's method and escaped path match
// a method ("*" for any, else case-insensitive) and a path glob.
func MatchRequest(methodPattern, pathGlob, method, path string) bool {
	if methodPattern != "*" && !strings.EqualFold(methodPattern, method) {
		return false
	}
	return glob.Match(pathGlob, path)
}

func writeFault(w http.ResponseWriter, r *http.Request, f *fault) {
	switch {
	case f.location != "":
		w.Header().Set("Location", f.location+r.URL.RequestURI())
		writeMessage(w, f.status, statusLine(f.status))
	case f.garbage:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(f.body)+64))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(f.body))
	default:
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		writeStatus(w, f.status)
	}
}

func writeStatus(w http.ResponseWriter, status int) {
	if status == http.StatusTooManyRequests {
		if w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", "0")
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		_, _ = w.Write([]byte("Retry later\n"))
		return
	}
	writeMessage(w, status, statusLine(status))
}

// statusLine is "<code> <text>", GitLab's message for a bare status.
func statusLine(status int) string {
	text := http.StatusText(status)
	if text == "" {
		text = "Error"
	}
	return strconv.Itoa(status) + " " + text
}

func (s *Server) hang(w http.ResponseWriter, r *http.Request) {
	t := time.NewTimer(s.hangLimit)
	defer t.Stop()
	select {
	case <-r.Context().Done():
		return
	case <-s.closing:
		writeMessage(w, http.StatusServiceUnavailable, statusLine(http.StatusServiceUnavailable))
	case <-t.C:
		writeMessage(w, http.StatusGatewayTimeout, statusLine(http.StatusGatewayTimeout))
	}
}
