package gitlabtest

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/revlist"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// newServer starts a fake for one test.
func newServer(t *testing.T, opts Options) *Server {
	t.Helper()
	s := New(opts)
	t.Cleanup(s.Close)
	return s
}

// newClient is client-go pointed at s with the user token; retries wait
// a millisecond so fault tests stay fast.
func newClient(t *testing.T, s *Server, opts ...gitlab.ClientOptionFunc) *gitlab.Client {
	t.Helper()
	opts = append([]gitlab.ClientOptionFunc{
		gitlab.WithBaseURL(s.URL),
		gitlab.WithCustomBackoff(func(time.Duration, time.Duration, int, *http.Response) time.Duration { return time.Millisecond }),
	}, opts...)
	c, err := gitlab.NewClient(s.Token, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rawGet fetches path with the user token, returning status and body.
func rawGet(t *testing.T, s *Server, method, path string, header map[string]string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func must[T any](t *testing.T) func(T, *gitlab.Response, error) T {
	return func(v T, _ *gitlab.Response, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// commitWork makes dir a repository (first use) and commits files on branch.
func commitWork(t *testing.T, dir, branch string, files map[string]string) plumbing.Hash {
	t.Helper()
	repo, err := git.PlainOpen(dir)
	if err != nil {
		repo, err = git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(branch)}})
		if err != nil {
			t.Fatal(err)
		}
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if head, err := repo.Head(); err == nil && head.Name().Short() != branch {
		if err := wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(branch), Create: true, Keep: true}); err != nil {
			t.Fatal(err)
		}
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Add(name); err != nil {
			t.Fatal(err)
		}
	}
	sig := &object.Signature{Name: "T", Email: "t@example.com", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	h, err := wt.Commit("commit on "+branch, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// push sends branch of the repository at dir to the bare repository at
// remote through go-git's in-process server: no git binary involved.
func push(t *testing.T, dir, remote, branch string) {
	t.Helper()
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(branch), true)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := transport.NewEndpoint(remote)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := server.NewClient(server.DefaultLoader).NewReceivePackSession(ep, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	ctx := context.Background()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refs, err := adv.AllReferences()
	if err != nil {
		t.Fatal(err)
	}
	old := plumbing.ZeroHash
	var haves []plumbing.Hash
	if r, ok := refs[ref.Name()]; ok {
		old = r.Hash()
		haves = append(haves, old)
	}
	objs, err := revlist.Objects(repo.Storer, []plumbing.Hash{ref.Hash()}, haves)
	if err != nil {
		t.Fatal(err)
	}
	req := packp.NewReferenceUpdateRequestFromCapabilities(adv.Capabilities)
	req.Commands = []*packp.Command{{Name: ref.Name(), Old: old, New: ref.Hash()}}
	rd, wr := io.Pipe()
	req.Packfile = rd
	go func() {
		_, err := packfile.NewEncoder(wr, repo.Storer, false).Encode(objs, 10)
		_ = wr.CloseWithError(err)
	}()
	report, err := sess.ReceivePack(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if report != nil {
		if err := report.Error(); err != nil {
			t.Fatal(err)
		}
	}
}

// noSecrets fails if any recorded request holds a token value.
func noSecrets(t *testing.T, s *Server) {
	t.Helper()
	for _, r := range s.Requests() {
		for _, field := range []string{r.Method, r.Path, r.Query, r.Body, r.Auth} {
			if strings.Contains(field, s.Token) || strings.Contains(field, s.JobToken) {
				t.Errorf("recorded request %s holds a token: %q", r, field)
			}
		}
	}
}
