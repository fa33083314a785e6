package gitlabtest

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
)

// OtherHost is a server that is not the GitLab under test: the target of a
// Redirect, or a git remote on another host. It records every request with
// the credentials it carried, verbatim, so a test can assert that no token
// arrived, and answers 401 with a Basic challenge (as a git host would).
type OtherHost struct {
	// URL is the base URL, http://127.0.0.1:port.
	URL string

	srv  *httptest.Server
	mu   sync.Mutex
	seen []string
}

// NewOtherHost starts an OtherHost on a loopback port. Stop it with Close.
func NewOtherHost() *OtherHost {
	o := &OtherHost{}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var creds []string
		for _, h := range []string{"Private-Token", "Job-Token", "Authorization"} {
			if v := r.Header.Get(h); v != "" {
				if b, ok := strings.CutPrefix(v, "Basic "); ok {
					if dec, err := base64.StdEncoding.DecodeString(b); err == nil {
						v = "Basic " + string(dec)
					}
				}
				creds = append(creds, strings.ToUpper(h)+"="+v)
			}
		}
		for _, q := range []string{"private_token", "job_token", "access_token"} {
			if v := r.URL.Query().Get(q); v != "" {
				creds = append(creds, q+"="+v)
			}
		}
		line := r.Method + " " + r.URL.EscapedPath()
		if len(creds) > 0 {
			line += " " + strings.Join(creds, " ")
		}
		o.mu.Lock()
		o.seen = append(o.seen, line)
		o.mu.Unlock()
		w.Header().Set("WWW-Authenticate", `Basic realm="other"`)
		writeMessage(w, http.StatusUnauthorized, "401 Unauthorized")
	}))
	o.URL = o.srv.URL
	return o
}

// Requests returns "METHOD /path [HEADER=value ...]" for every request so
// far, credentials verbatim (Basic auth decoded to user:password).
func (o *OtherHost) Requests() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.seen)
}

// Close stops the server.
func (o *OtherHost) Close() { o.srv.Close() }
