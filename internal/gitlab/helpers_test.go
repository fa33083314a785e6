package gitlab

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const testToken = "glpat-T0pS3cretTokenValue" // platform:allow-secret (a test value)

// hit is one request the test server received.
type hit struct {
	Method string
	Path   string // escaped, e.g. /api/v4/projects/payments%2Fapi
	Query  url.Values
	Body   string
	Header http.Header
}

// bodyMap decodes the hit's JSON body.
func (h hit) bodyMap(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(h.Body), &m); err != nil {
		t.Fatalf("%s %s: body %q is not a JSON object: %v", h.Method, h.Path, h.Body, err)
	}
	return m
}

// recorder records every request before handing it to the test's handler,
// which gets the request's index (0-based) too.
type recorder struct {
	mu   sync.Mutex
	hits []hit
}

func (r *recorder) all() []hit {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hit(nil), r.hits...)
}

// calls lists the hits as "METHOD path?query" strings, for comparing sequences.
func (r *recorder) calls() []string {
	var out []string
	for _, h := range r.all() {
		s := h.Method + " " + h.Path
		if len(h.Query) > 0 {
			s += "?" + h.Query.Encode()
		}
		out = append(out, s)
	}
	return out
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, n int)

// newTestClient starts an httptest server answering with h and a Client for
// it with the test token and quick retries. mod adjusts the Config.
func newTestClient(t *testing.T, h handlerFunc, mod func(*Config)) (*Client, *recorder, *httptest.Server) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		n := len(rec.hits)
		rec.hits = append(rec.hits, hit{
			Method: r.Method,
			Path:   r.URL.EscapedPath(),
			Query:  r.URL.Query(),
			Body:   string(body),
			Header: r.Header.Clone(),
		})
		rec.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r, n)
	}))
	t.Cleanup(srv.Close)
	cfg := Config{
		BaseURL:      srv.URL,
		Token:        testToken,
		Timeout:      5 * time.Second,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		HTTPClient:   srv.Client(),
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, rec, srv
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if s, ok := v.(string); ok {
		io.WriteString(w, s)
		return
	}
	json.NewEncoder(w).Encode(v)
}

// route answers by "METHOD escaped-path"; anything else fails the test and
// gets a 501, which client-go does not retry.
func route(t *testing.T, routes map[string]func(w http.ResponseWriter, r *http.Request)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ int) {
		key := r.Method + " " + r.URL.EscapedPath()
		if f, ok := routes[key]; ok {
			f(w, r)
			return
		}
		t.Errorf("unexpected request %s", key)
		w.WriteHeader(http.StatusNotImplemented)
	}
}

func wantCalls(t *testing.T, rec *recorder, want ...string) {
	t.Helper()
	got := rec.calls()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n  got  %q\n  want %q", got, want)
	}
}
