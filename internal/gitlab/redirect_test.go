package gitlab

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// otherHost records the credentials of every request it gets.
type otherHost struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string // method path PRIVATE-TOKEN JOB-TOKEN Authorization
}

func newOtherHost(t *testing.T) *otherHost {
	o := &otherHost{}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.seen = append(o.seen, r.Method+" "+r.URL.Path+" private="+r.Header.Get("Private-Token")+" job="+r.Header.Get("Job-Token")+" auth="+r.Header.Get("Authorization"))
		o.mu.Unlock()
		writeJSON(w, 200, `{"id":1,"username":"evil","iid":1,"title":"x"}`)
	}))
	t.Cleanup(o.srv.Close)
	return o
}

func (o *otherHost) requests() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.seen...)
}

func TestRedirectToAnotherHostKeepsTheToken(t *testing.T) {
	for _, jobToken := range []bool{false, true} {
		for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
			other := newOtherHost(t)
			c, rec, srv := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				http.Redirect(w, r, other.srv.URL+r.URL.RequestURI(), status)
			}, func(cfg *Config) { cfg.JobToken = jobToken })

			// GET and POST alike.
			_, getErr := c.CurrentUser(context.Background())
			_, postErr := c.CreateProject(context.Background(), 1, "p", "")
			for _, err := range []error{getErr, postErr} {
				var apiErr *APIError
				var re *RedirectError
				if !errors.As(err, &apiErr) || !errors.As(err, &re) {
					t.Fatalf("%d: err = %v, want an APIError wrapping a RedirectError", status, err)
				}
				if re.From != srv.URL || re.To != other.srv.URL {
					t.Errorf("%d: RedirectError = %+v", status, re)
				}
				if msg := err.Error(); !strings.Contains(msg, srv.URL) || !strings.Contains(msg, other.srv.URL) || strings.Contains(msg, testToken) {
					t.Errorf("%d: message %q should name both hosts and not the token", status, msg)
				}
			}
			if got := other.requests(); len(got) > 0 {
				t.Errorf("%d job=%v: the other host was asked: %q", status, jobToken, got)
			}
			if n := len(rec.all()); n != 2 {
				t.Errorf("%d: %d requests to GitLab, want 2 (no retries of a refused redirect)", status, n)
			}
		}
	}
}

func TestRedirectWithinGitLabIsFollowed(t *testing.T) {
	c, rec, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasPrefix(r.URL.Path, "/old") {
			writeJSON(w, 200, `{"id":7,"username":"`+r.Header.Get("Private-Token")+`"}`)
			return
		}
		http.Redirect(w, r, "/old"+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}, nil)
	u, err := c.CurrentUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != testToken {
		t.Errorf("the same host got token %q after a redirect", u.Username)
	}
	if n := len(rec.all()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestRedirectFromHTTPSToHTTPIsRefused(t *testing.T) {
	var plainSeen []string
	var mu sync.Mutex
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		plainSeen = append(plainSeen, r.Header.Get("Private-Token"))
		mu.Unlock()
		writeJSON(w, 200, `{"id":1,"username":"x"}`)
	}))
	defer plain.Close()
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	defer secure.Close()
	c, err := New(Config{BaseURL: secure.URL, Token: testToken, HTTPClient: secure.Client(), RetryMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CurrentUser(context.Background())
	var re *RedirectError
	if !errors.As(err, &re) || !strings.HasPrefix(re.From, "https://") || !strings.HasPrefix(re.To, "http://") {
		t.Fatalf("err = %v, want a refused https to http redirect", err)
	}
	if !strings.Contains(err.Error(), "from https to http") {
		t.Errorf("err = %v", err)
	}
	if len(plainSeen) > 0 {
		t.Errorf("the http host got %q", plainSeen)
	}
}

func TestCancelWhileGitLabHangs(t *testing.T) {
	release := make(chan struct{})
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}, func(cfg *Config) { cfg.Timeout = time.Minute })
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.CurrentUser(ctx)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the request reach the server; the result does not depend on it
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second): // a guard against hanging, not a measure
		t.Fatal("the call did not return after cancel")
	}
	var apiErr *APIError
	if !errors.Is(err, context.Canceled) || errors.As(err, &apiErr) {
		t.Fatalf("err = %#v, want context.Canceled and no APIError (which would exit 3)", err)
	}
}

func TestResponseSizeCap(t *testing.T) {
	big := `{"id":1,"username":"` + strings.Repeat("x", 4096) + `"}`
	for _, chunked := range []bool{false, true} {
		c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			w.Header().Set("Content-Type", "application/json")
			if chunked {
				w.WriteHeader(200)
				io.WriteString(w, big[:100])
				w.(http.Flusher).Flush()
				io.WriteString(w, big[100:])
				return
			}
			writeJSON(w, 200, big)
		}, func(cfg *Config) { cfg.MaxResponseBytes = 1024; cfg.RetryMax = -1 })
		_, err := c.CurrentUser(context.Background())
		var apiErr *APIError
		if !errors.Is(err, ErrResponseTooLarge) || !errors.As(err, &apiErr) || !strings.Contains(err.Error(), "1024 bytes") {
			t.Errorf("chunked=%v: err = %v", chunked, err)
		}
	}
	// Exactly at the limit is fine.
	exact := `{"id":1,"username":"abc"}`
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, 200, exact) },
		func(cfg *Config) { cfg.MaxResponseBytes = int64(len(exact)) })
	if _, err := c.CurrentUser(context.Background()); err != nil {
		t.Errorf("a body of exactly the limit: %v", err)
	}
}

func TestTruncatedAnswerIsGarbage(t *testing.T) {
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		io.WriteString(w, `{"id":1,"user`)
	}, func(cfg *Config) { cfg.RetryMax = -1 })
	_, err := c.CurrentUser(context.Background())
	var auth *AuthError
	if !errors.Is(err, ErrBadResponse) || errors.As(err, &auth) || !strings.Contains(err.Error(), "answered garbage") {
		t.Fatalf("err = %v", err)
	}
}

func TestUserWithoutNameIsGarbage(t *testing.T) {
	c, _, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeJSON(w, 200, `{}`) }, nil)
	if _, err := c.CurrentUser(context.Background()); !errors.Is(err, ErrBadResponse) {
		t.Fatalf("err = %v", err)
	}
}
