package gitx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// tagRemote is a bare repository whose tags are what a template repository
// typically holds: versions with and without v, a pre-release, and tags that
// are not versions; some annotated, some lightweight.
func tagRemote(t *testing.T) (dir string, commits map[string]plumbing.Hash) {
	t.Helper()
	r := newRemote(t) // tags v1.0.0 (annotated, c1) and light (c3)
	repo, err := git.PlainOpen(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	tagger := &object.Signature{Name: "Fixture", Email: "fixture@example.com", When: testWhen}
	for name, c := range map[string]plumbing.Hash{"1.1.0": r.c2, "v0.9.0": r.c1, "not-a-version": r.c3} {
		if _, err := repo.CreateTag(name, c, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := repo.CreateTag("v1.2.0-rc.1", r.c3, &git.CreateTagOptions{Tagger: tagger, Message: "rc"}); err != nil {
		t.Fatal(err)
	}
	return r.dir, map[string]plumbing.Hash{
		"1.1.0": r.c2, "light": r.c3, "not-a-version": r.c3, "v0.9.0": r.c1, "v1.0.0": r.c1, "v1.2.0-rc.1": r.c3,
	}
}

func TestRemoteTags(t *testing.T) {
	dir, commits := tagRemote(t)
	t.Setenv("PATH", "") // local sources are served in-process: no git binary
	for _, url := range []string{dir, "file://" + filepath.ToSlash(dir)} {
		tags, err := RemoteTags(context.Background(), url)
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		want := []string{"1.1.0", "light", "not-a-version", "v0.9.0", "v1.0.0", "v1.2.0-rc.1"}
		if got := TagNames(tags); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: tags = %q, want %q", url, got, want)
		}
		for _, tag := range tags {
			if tag.Commit != commits[tag.Name].String() {
				t.Errorf("%s: tag %s: commit %s, want %s", url, tag.Name, tag.Commit, commits[tag.Name])
			}
			annotated := tag.Name == "v1.0.0" || tag.Name == "v1.2.0-rc.1"
			if annotated == (tag.Object == tag.Commit) {
				t.Errorf("%s: tag %s: object %s, commit %s (annotated: %v)", url, tag.Name, tag.Object, tag.Commit, annotated)
			}
		}
	}
}

func TestRemoteTagsEmptyRepository(t *testing.T) {
	dir := t.TempDir()
	if _, err := git.PlainInit(dir, true); err != nil {
		t.Fatal(err)
	}
	tags, err := RemoteTags(context.Background(), dir)
	if err != nil || len(tags) != 0 {
		t.Fatalf("got %v, %v; want no tags and no error", tags, err)
	}
}

func TestRemoteTagsErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	_, err := RemoteTags(context.Background(), missing)
	var re *RemoteError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), missing) {
		t.Fatalf("got %v, want a RemoteError naming %s", err, missing)
	}

	dir, _ := tagRemote(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RemoteTags(ctx, dir); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: got %v, want context.Canceled", err)
	}
}

// TestRemoteTagsRedactsCredentials: as for Clone, credentials in the URL are
// sent but never shown.
func TestRemoteTagsRedactsCredentials(t *testing.T) {
	var sawAuth bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _, sawAuth = r.BasicAuth()
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	_, err := RemoteTags(context.Background(), "http://deploy-user:s3cr3t-t0ken@"+host+"/group/repo.git")
	if err == nil {
		t.Fatal("want an error")
	}
	if msg := err.Error(); strings.Contains(msg, "s3cr3t") || strings.Contains(msg, "deploy-user") || !strings.Contains(msg, "http://***@"+host+"/group/repo.git") {
		t.Errorf("error %q leaks credentials or does not name the remote", msg)
	}
	if !sawAuth {
		t.Error("credentials from the URL were not sent")
	}
}

// TestRemoteTagsRefusesRedirect: a redirect to another host is not followed.
func TestRemoteTagsRefusesRedirect(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("redirect followed to %s", r.URL)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path+"?"+r.URL.RawQuery, http.StatusFound)
	}))
	defer srv.Close()
	_, err := RemoteTags(context.Background(), srv.URL+"/group/repo.git")
	var rd *RedirectError
	if !errors.As(err, &rd) {
		t.Fatalf("got %v, want a RedirectError", err)
	}
}
