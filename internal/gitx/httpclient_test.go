package gitx

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5"
)

// gitHost is a fake smart-HTTP git server that records the credentials each
// request carries, and either redirects every request to another server or
// answers 401.
type gitHost struct {
	srv *httptest.Server

	mu       sync.Mutex
	auths    []string // Authorization header of each request, "" when none
	paths    []string
	redirect string // base URL to redirect to, with the same path; "" answers 401
	status   int    // redirect status, default 302
}

func newGitHost(t *testing.T, tls bool) *gitHost {
	h := &gitHost{status: http.StatusFound}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.auths = append(h.auths, r.Header.Get("Authorization")+r.Header.Get("Private-Token"))
		h.paths = append(h.paths, r.Method+" "+r.URL.Path)
		to, status := h.redirect, h.status
		h.mu.Unlock()
		if to != "" {
			http.Redirect(w, r, to+r.URL.RequestURI(), status)
			return
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
		http.Error(w, "authentication required", http.StatusUnauthorized)
	})
	if tls {
		h.srv = httptest.NewTLSServer(handler)
	} else {
		h.srv = httptest.NewServer(handler)
	}
	t.Cleanup(h.srv.Close)
	return h
}

func (h *gitHost) seen() (auths, paths []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.auths...), append([]string(nil), h.paths...)
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// repoWithBranch makes a repository with one commit on main.
func repoWithBranch(t *testing.T) string {
	dir := t.TempDir()
	if _, err := git.PlainInit(dir, false); err != nil {
		t.Fatal(err)
	}
	commitFile(t, dir, "a.txt", "a", "first")
	return dir
}

func TestPushSendsTheTokenOnlyToTheGitLabHost(t *testing.T) {
	gitlab := newGitHost(t, false)
	other := newGitHost(t, false)
	dir := repoWithBranch(t)
	const token = "glpat-push-secret"

	// A remote on the GitLab host gets the token.
	_, err := Push(context.Background(), dir, PushOptions{URL: gitlab.srv.URL + "/g/p.git", Branch: "master", Token: token, GitLabURL: gitlab.srv.URL})
	if err == nil {
		t.Fatal("push to a 401 server succeeded")
	}
	if auths, _ := gitlab.seen(); len(auths) == 0 || auths[0] != basic("oauth2", token) {
		t.Fatalf("the GitLab host saw %q, want the token as basic auth", auths)
	}

	// A remote on another host does not, and the error says why.
	_, err = Push(context.Background(), dir, PushOptions{URL: other.srv.URL + "/g/p.git", Branch: "master", Token: token, GitLabURL: gitlab.srv.URL})
	if err == nil {
		t.Fatal("push to a 401 server succeeded")
	}
	auths, _ := other.seen()
	if len(auths) == 0 {
		t.Fatal("the other host saw no request")
	}
	for _, a := range auths {
		if a != "" {
			t.Errorf("the other host saw credentials %q", a)
		}
	}
	if !strings.Contains(err.Error(), "only sent to "+gitlab.srv.URL) || strings.Contains(err.Error(), token) {
		t.Errorf("error = %v", err)
	}

	// Without a GitLab URL the token goes nowhere.
	before := len(auths)
	_, _ = Push(context.Background(), dir, PushOptions{URL: other.srv.URL + "/g/p.git", Branch: "master", Token: token})
	if auths, _ := other.seen(); len(auths) == before || auths[before] != "" {
		t.Errorf("with no GitLab URL the other host saw %q", auths[before:])
	}
}

func TestGitRedirectToAnotherHostIsRefused(t *testing.T) {
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			gitlab := newGitHost(t, false)
			other := newGitHost(t, false)
			gitlab.redirect, gitlab.status = other.srv.URL, status
			dir := repoWithBranch(t)
			const token = "glpat-redirect-secret"

			_, err := Push(context.Background(), dir, PushOptions{URL: gitlab.srv.URL + "/g/p.git", Branch: "master", Token: token, GitLabURL: gitlab.srv.URL})
			var re *RedirectError
			if !errors.As(err, &re) || re.From != gitlab.srv.URL || re.To != other.srv.URL {
				t.Fatalf("push error = %v, want a RedirectError from %s to %s", err, gitlab.srv.URL, other.srv.URL)
			}
			if !strings.Contains(err.Error(), gitlab.srv.URL) || !strings.Contains(err.Error(), other.srv.URL) || strings.Contains(err.Error(), token) {
				t.Errorf("error = %v: want both hosts, no token", err)
			}
			if auths, paths := other.seen(); len(auths) > 0 {
				t.Errorf("the other host was asked %q with %q", paths, auths)
			}

			// Clone with credentials in the URL: the same.
			_, err = Clone(context.Background(), strings.Replace(gitlab.srv.URL, "://", "://oauth2:"+token+"@", 1)+"/g/p.git", "", filepath.Join(t.TempDir(), "c"))
			if !errors.As(err, &re) || strings.Contains(err.Error(), token) {
				t.Fatalf("clone error = %v", err)
			}
			if auths, paths := other.seen(); len(auths) > 0 {
				t.Errorf("the other host was asked %q with %q", paths, auths)
			}
		})
	}
}

func TestGitRedirectFromHTTPSToHTTPIsRefused(t *testing.T) {
	secure := newGitHost(t, true)
	secure.redirect = strings.Replace(secure.srv.URL, "https://", "http://", 1) // same host and port, http
	tr := secure.srv.Client().Transport
	defer func(old http.RoundTripper) { http.DefaultTransport = old }(http.DefaultTransport)
	http.DefaultTransport = tr // trust the test certificate (this test is not parallel)

	dir := repoWithBranch(t)
	_, err := Push(context.Background(), dir, PushOptions{URL: secure.srv.URL + "/g/p.git", Branch: "master", Token: "glpat-x", GitLabURL: secure.srv.URL})
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("push error = %v, want a refused redirect", err)
	}
	if auths, _ := secure.seen(); len(auths) != 1 {
		t.Errorf("requests after the downgrade: %q", auths)
	}
}

func TestTokenMayGo(t *testing.T) {
	tests := []struct {
		gitlab, remote string
		ok             bool
	}{
		{"https://gitlab.example.com", "https://gitlab.example.com/g/p.git", true},
		{"https://gitlab.example.com", "https://GitLab.Example.com:443/g/p.git", true},
		{"https://gitlab.example.com", "https://oauth2:x@gitlab.example.com/g/p.git", true},
		{"https://gitlab.example.com", "http://gitlab.example.com/g/p.git", false},
		{"https://gitlab.example.com", "https://gitlab.example.com:8443/g/p.git", false},
		{"https://gitlab.example.com", "https://github.com/g/p.git", false},
		{"https://gitlab.example.com", "https://gitlab.example.com.evil.com/g/p.git", false},
		{"https://gitlab.example.com", "ssh://git@gitlab.example.com/g/p.git", false},
		{"https://gitlab.example.com", "git@gitlab.example.com:g/p.git", false},
		{"https://gitlab.example.com", "/srv/g/p.git", false},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/g/p.git", true},
		{"http://gitlab.internal", "https://gitlab.internal/g/p.git", true},
		{"", "https://gitlab.example.com/g/p.git", false},
		{"https://gitlab.example.com", "https://u:%zz@gitlab.example.com/g/p.git", true},
	}
	for _, tt := range tests {
		if got := TokenMayGo(tt.gitlab, tt.remote); got != tt.ok {
			t.Errorf("TokenMayGo(%q, %q) = %v, want %v", tt.gitlab, tt.remote, got, tt.ok)
		}
	}
}

func TestCloneSendsTheTokenOnlyToTheGitLabHost(t *testing.T) {
	gitlab := newGitHost(t, false)
	other := newGitHost(t, false)
	const token = "glpat-clone-secret"
	tok := Token{Value: token, GitLabURL: gitlab.srv.URL}

	_, err := CloneWithToken(context.Background(), gitlab.srv.URL+"/g/p.git", "main", filepath.Join(t.TempDir(), "c1"), tok)
	if err == nil {
		t.Fatal("clone from a 401 server succeeded")
	}
	if auths, _ := gitlab.seen(); len(auths) == 0 || auths[0] != basic("oauth2", token) {
		t.Fatalf("the GitLab host saw %q, want the token as basic auth", auths)
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("error shows the token: %v", err)
	}

	tok.Job = true
	_, _ = CloneWithToken(context.Background(), gitlab.srv.URL+"/g/p.git", "main", filepath.Join(t.TempDir(), "c2"), tok)
	if auths, _ := gitlab.seen(); auths[len(auths)-1] != basic("gitlab-ci-token", token) {
		t.Errorf("a job token went as %q", auths[len(auths)-1])
	}

	_, _ = CloneWithToken(context.Background(), other.srv.URL+"/g/p.git", "main", filepath.Join(t.TempDir(), "c3"), tok)
	auths, _ := other.seen()
	if len(auths) == 0 {
		t.Fatal("the other host saw no request")
	}
	for _, a := range auths {
		if a != "" {
			t.Errorf("the other host saw credentials %q", a)
		}
	}
}
