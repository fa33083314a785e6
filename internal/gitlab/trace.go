package gitlab

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/platform-team/platform/internal/redact"
)

// traceTransport writes one line per HTTP attempt (retries included) to w.
// It sits below client-go's retry loop, so each retry shows up. Headers are
// never printed, so PRIVATE-TOKEN, JOB-TOKEN and Authorization cannot leak.
type traceTransport struct {
	next   http.RoundTripper
	w      io.Writer
	mu     *sync.Mutex
	redact func(string) string
}

func (t *traceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	elapsed := time.Since(start).Round(time.Millisecond)

	var outcome string
	if err != nil {
		outcome = "error: " + networkCause(err)
	} else {
		outcome = resp.Status
		if outcome == "" {
			outcome = statusText(resp.StatusCode)
		}
	}
	line := fmt.Sprintf("gitlab: %s %s %s (%s)", req.Method, traceURL(req.URL), outcome, elapsed)
	line = t.redact(oneLine(line))

	t.mu.Lock()
	fmt.Fprintln(t.w, line)
	t.mu.Unlock()
	return resp, err
}

// traceURL is u with credentials hidden: userinfo and credential-like
// query values (private_token, job_token, ...).
func traceURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	return redact.URL(u.String())
}
