package gitx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// checkClone asserts dir is a clone detached at want with file holding content.
func checkClone(t *testing.T, dir string, want plumbing.Hash, file, content string) {
	t.Helper()
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	head, err := repo.Reference(plumbing.HEAD, false)
	if err != nil {
		t.Fatal(err)
	}
	if head.Type() != plumbing.HashReference || head.Hash() != want {
		t.Errorf("HEAD = %s, want detached at %s", head, want)
	}
	got, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != content {
		t.Errorf("%s = %q, want %q", file, got, content)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if st, err := wt.Status(); err != nil || !st.IsClean() {
		t.Errorf("work tree not clean: %v %v", st, err)
	}
}

func TestClone(t *testing.T) {
	r := newRemote(t)
	tests := []struct {
		name    string
		ref     string
		want    plumbing.Hash
		file    string
		content string
	}{
		{"annotated tag", "v1.0.0", r.c1, "README.md", "one\n"},
		{"lightweight tag", "light", r.c3, "dev.txt", "dev\n"},
		{"branch", "dev", r.c3, "dev.txt", "dev\n"},
		{"full ref name", "refs/heads/main", r.c2, "README.md", "two\n"},
		{"remote HEAD", "", r.c2, "README.md", "two\n"},
		{"full hash, not a tip", r.c1.String(), r.c1, "README.md", "one\n"},
		{"full hash of a tip", r.c2.String(), r.c2, "README.md", "two\n"},
		{"abbreviated hash", r.c3.String()[:7], r.c3, "dev.txt", "dev\n"},
		{"abbreviated hash, odd length, upper case", strings.ToUpper(r.c1.String()[:9]), r.c1, "README.md", "one\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "clone")
			got, err := Clone(context.Background(), r.dir, tt.ref, dir)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want.String() {
				t.Errorf("Clone = %s, want %s", got, tt.want)
			}
			checkClone(t, dir, tt.want, tt.file, tt.content)
		})
	}
}

func TestCloneRecordsRefsAndOrigin(t *testing.T) {
	r := newRemote(t)
	dir := t.TempDir() // exists and is empty: allowed
	if _, err := Clone(context.Background(), r.dir, "v1.0.0", dir); err != nil {
		t.Fatal(err)
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := repo.Tag("v1.0.0")
	if err != nil {
		t.Fatalf("tag not recorded: %v", err)
	}
	if _, err := repo.TagObject(tag.Hash()); err != nil {
		t.Errorf("annotated tag object not fetched: %v", err)
	}
	origin, err := repo.Remote("origin")
	if err != nil {
		t.Fatal(err)
	}
	if got := origin.Config().URLs; len(got) != 1 || got[0] != r.dir {
		t.Errorf("origin = %v, want %s", got, r.dir)
	}
}

func TestCloneSources(t *testing.T) {
	r := newRemote(t)

	// A non-bare repository, made by InitCommit.
	work := t.TempDir()
	writeFiles(t, work, map[string]string{"hello.txt": "hi\n"})
	workHead, err := InitCommit(work, testAuthor, "init", testWhen)
	if err != nil {
		t.Fatal(err)
	}

	rel, err := filepath.Rel(mustGetwd(t), r.dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url, want, file string
	}{
		{"file URL", "file://" + filepath.ToSlash(r.dir), r.c2.String(), "README.md"},
		{"relative path", rel, r.c2.String(), "README.md"},
		{"non-bare repository", work, workHead, "hello.txt"},
		{"non-bare repository's .git", filepath.Join(work, ".git"), workHead, "hello.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "clone")
			got, err := Clone(context.Background(), tt.url, "", dir)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Clone = %s, want %s", got, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, tt.file)); err != nil {
				t.Error(err)
			}
		})
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

// TestCloneWithoutGit proves local clones need no git binary: go-git's stock
// file transport would exec git-upload-pack from PATH.
func TestCloneWithoutGit(t *testing.T) {
	r := newRemote(t)
	t.Setenv("PATH", "")
	for _, url := range []string{r.dir, "file://" + filepath.ToSlash(r.dir)} {
		dir := filepath.Join(t.TempDir(), "clone")
		got, err := Clone(context.Background(), url, "v1.0.0", dir)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		if got != r.c1.String() {
			t.Errorf("%s: Clone = %s, want %s", url, got, r.c1)
		}
	}
}

func TestCloneUnknownRef(t *testing.T) {
	r := newRemote(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "clone")
	for _, ref := range []string{"v9.9.9", "refs/heads/nope", "deadbeef", strings.Repeat("ab", 20)} {
		_, err := Clone(context.Background(), r.dir, ref, dir)
		if !errors.Is(err, ErrUnknownRef) {
			t.Fatalf("%s: got %v, want ErrUnknownRef", ref, err)
		}
		msg := err.Error()
		for _, want := range []string{r.dir, `"` + ref + `"`} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: message %q lacks %q", ref, msg, want)
			}
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: failed clone left %s behind", ref, dir)
		}
	}
	_, err := Clone(context.Background(), r.dir, "v9.9.9", dir)
	if msg := err.Error(); !strings.Contains(msg, "branches: dev, main; tags: light, v1.0.0") {
		t.Errorf("message %q does not list the remote's refs", msg)
	}
}

func TestCloneDestination(t *testing.T) {
	r := newRemote(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"keep.txt": "mine\n"})
	_, err := Clone(context.Background(), r.dir, "", dir)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("got %v, want a not-empty error", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("destination was changed: %v", entries)
	}

	// An empty destination that existed is emptied again on failure.
	empty := t.TempDir()
	if _, err := Clone(context.Background(), r.dir, "nope", empty); err == nil {
		t.Fatal("want an error")
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("failed clone left %v in the destination", entries)
	}
}

func TestCloneMissingSource(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	_, err := Clone(context.Background(), missing, "main", filepath.Join(t.TempDir(), "clone"))
	if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), `"main"`) {
		t.Fatalf("got %v, want an error naming %s and the ref", err, missing)
	}
}

func TestCloneCanceled(t *testing.T) {
	r := newRemote(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := filepath.Join(t.TempDir(), "clone")
	if _, err := Clone(ctx, r.dir, "", dir); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("canceled clone left %s behind", dir)
	}
}

// TestCloneRedactsCredentials talks to a loopback HTTP server that fails
// every request, and checks that the credentials in the URL appear nowhere
// in the error, while the host and path still do. (On a 500, go-git's own
// message quotes the request URL; it hides a password but not a token passed
// as the user name.)
func TestCloneRedactsCredentials(t *testing.T) {
	var sawAuth bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _, sawAuth = r.BasicAuth()
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	for _, url := range []string{
		"http://deploy-user:s3cr3t-t0ken@" + host + "/group/repo.git",
		"http://glpat-s3cr3t-t0ken@" + host + "/group/repo.git", // token as user name
		"http://deploy-user:s3cr3t%2Ft0ken@" + host + "/group/repo.git",
	} {
		_, err := Clone(context.Background(), url, "v1", filepath.Join(t.TempDir(), "clone"))
		if err == nil {
			t.Fatalf("%s: want an error", url)
		}
		msg := err.Error()
		for _, secret := range []string{"s3cr3t", "deploy-user"} {
			if strings.Contains(msg, secret) {
				t.Errorf("error leaks %q: %s", secret, msg)
			}
		}
		if want := "http://***@" + host + "/group/repo.git"; !strings.Contains(msg, want) {
			t.Errorf("error %q does not name %s", msg, want)
		}
	}
	if !sawAuth {
		t.Error("credentials from the URL were not sent")
	}
}
