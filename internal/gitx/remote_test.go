package gitx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
)

func TestProjectFromRemote(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"https://gitlab.example.com/payments/payments-api.git", "payments/payments-api"},
		{"https://gitlab.example.com/payments/payments-api", "payments/payments-api"},
		{"https://gitlab.example.com/payments/payments-api/", "payments/payments-api"},
		{"https://gitlab.example.com/payments/payments-api.git/", "payments/payments-api"},
		{"https://gitlab-ci-token:glpat-secret@gitlab.example.com/payments/core/api.git", "payments/core/api"},
		{"https://oauth2@gitlab.example.com:8443/a/b/c/d.git", "a/b/c/d"},
		{"http://gitlab.local/Group/Project", "Group/Project"},
		{"ssh://git@gitlab.example.com:2222/group/sub/proj.git", "group/sub/proj"},
		{"ssh://gitlab.example.com/group/proj", "group/proj"},
		{"git+ssh://git@gitlab.example.com/group/proj.git", "group/proj"},
		{"git@gitlab.example.com:group/sub/proj.git", "group/sub/proj"},
		{"git@gitlab.example.com:/group/proj.git", "group/proj"},
		{"gitlab.example.com:group/proj", "group/proj"},
		{"  git@gitlab.com:group/proj.git\n", "group/proj"},
		{"https://gitlab.example.com/group/my%20proj.git", ""},
		{"https://gitlab.example.com/group/proj.git?x=1#frag", "group/proj"},
		{"https://gitlab.example.com/group/my.proj.git", "group/my.proj"},
	} {
		got, err := ProjectFromRemote(tc.url)
		if tc.want == "" {
			if err == nil {
				t.Errorf("ProjectFromRemote(%q) = %q, want an error", tc.url, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ProjectFromRemote(%q) = %q, %v; want %q", tc.url, got, err, tc.want)
		}
	}
}

func TestProjectFromRemoteRejects(t *testing.T) {
	for _, url := range []string{
		"",
		"/srv/git/proj.git",
		"./proj",
		"../group/proj.git",
		`C:\repos\proj`,
		"c:/repos/proj",
		"file:///srv/git/group/proj.git",
		"https://gitlab.example.com/proj.git",
		"https://gitlab.example.com/",
		"https:///group/proj",
		"git@gitlab.example.com:proj.git",
		"https://gitlab.example.com/group//proj",
		"https://gitlab.example.com/group/../proj",
	} {
		if got, err := ProjectFromRemote(url); err == nil {
			t.Errorf("ProjectFromRemote(%q) = %q, want an error", url, got)
		}
	}
}

func TestProjectFromRemoteHidesCredentials(t *testing.T) {
	_, err := ProjectFromRemote("https://user:glpat-supersecret@gitlab.example.com/proj.git")
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), "supersecret") {
		t.Errorf("error leaks the token: %v", err)
	}
}

// repoWithRemotes makes a repository in a temporary directory with the
// given remotes (name -> URL) and returns its directory.
func repoWithRemotes(t *testing.T, remotes map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	for name, url := range remotes {
		if _, err := repo.CreateRemote(&config.RemoteConfig{Name: name, URLs: []string{url}}); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRemoteURL(t *testing.T) {
	dir := repoWithRemotes(t, map[string]string{
		"origin":   "git@gitlab.example.com:me/fork.git",
		"upstream": "https://gitlab.example.com/payments/api.git",
	})
	got, err := RemoteURL(dir, "upstream", "gitlab", "origin")
	if err != nil || got != "https://gitlab.example.com/payments/api.git" {
		t.Errorf("RemoteURL(upstream first) = %q, %v", got, err)
	}
	got, err = RemoteURL(dir, "gitlab", "origin")
	if err != nil || got != "git@gitlab.example.com:me/fork.git" {
		t.Errorf("RemoteURL(gitlab, origin) = %q, %v", got, err)
	}

	// A subdirectory finds the repository above it.
	sub := filepath.Join(dir, "services", "api")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err = RemoteURL(sub, "origin")
	if err != nil || got != "git@gitlab.example.com:me/fork.git" {
		t.Errorf("RemoteURL(subdirectory) = %q, %v", got, err)
	}

	if _, err := RemoteURL(dir, "gitlab"); !errors.Is(err, ErrNoRemote) {
		t.Errorf("RemoteURL(missing remote) error = %v, want ErrNoRemote", err)
	}
	if _, err := RemoteURL(dir); !errors.Is(err, ErrNoRemote) {
		t.Errorf("RemoteURL(no names) error = %v, want ErrNoRemote", err)
	}
}

func TestRemoteURLNotARepository(t *testing.T) {
	dir := t.TempDir()
	_, err := RemoteURL(dir, "origin")
	if !errors.Is(err, git.ErrRepositoryNotExists) {
		t.Errorf("RemoteURL(plain directory) error = %v, want ErrRepositoryNotExists", err)
	}
}

// TestRemoteURLAppliesInsteadOf: a rewrite rule in the repository's config
// is applied, as git does when it fetches.
func TestRemoteURLAppliesInsteadOf(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		".git/HEAD": "ref: refs/heads/main\n",
		".git/config": `[remote "origin"]
	url = gl:payments/api.git
	fetch = +refs/heads/*:refs/remotes/origin/*
[url "git@gitlab.example.com:"]
	insteadOf = gl:
`,
	})
	for _, d := range []string{"objects", "refs/heads"} {
		if err := os.MkdirAll(filepath.Join(dir, ".git", d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got, err := RemoteURL(dir, "origin")
	if err != nil || got != "git@gitlab.example.com:payments/api.git" {
		t.Fatalf("RemoteURL = %q, %v", got, err)
	}
	if p, err := ProjectFromRemote(got); err != nil || p != "payments/api" {
		t.Errorf("ProjectFromRemote(%q) = %q, %v", got, p, err)
	}
}
