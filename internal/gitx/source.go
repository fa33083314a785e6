package gitx

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	"github.com/go-git/go-git/v5/plumbing/transport/server"

	"github.com/platform-team/platform/internal/redact"
)

// source is a remote repository ready to open an upload-pack session on.
type source struct {
	tr        transport.Transport
	ep        *transport.Endpoint
	localPath string // set for local repositories
	local     *git.Repository
}

// openSource picks the transport for rawURL. Local repositories are opened
// here and served by go-git's in-process server, given to this one call as a
// Loader: go-git v5's only other way is client.InstallProtocol("file", ...),
// a write to an unsynchronised package-level map that would race with any
// other go-git user in the process. http(s) gets its own client per call
// (newHTTPTransport: redirects to another host are refused); ssh and git use
// go-git's stock clients, which client.NewClient only reads.
func openSource(rawURL string) (*source, error) {
	if p, ok := localRepoPath(rawURL); ok {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		repo, err := git.PlainOpen(abs)
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, fmt.Errorf("no git repository at %s", abs)
		}
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", abs, err)
		}
		return &source{
			tr:        server.NewClient(storerLoader{repo.Storer}),
			ep:        &transport.Endpoint{Protocol: "file", Path: abs},
			localPath: abs,
			local:     repo,
		}, nil
	}

	ep, err := transport.NewEndpoint(rawURL)
	if err != nil {
		return nil, fmt.Errorf("parse URL: %w", err)
	}
	if ep.Protocol == "http" || ep.Protocol == "https" {
		return &source{tr: newHTTPTransport(), ep: ep}, nil
	}
	tr, err := client.NewClient(ep)
	if err != nil {
		return nil, err
	}
	return &source{tr: tr, ep: ep}, nil
}

func (s *source) close() {
	if s.local != nil {
		closeStorer(s.local)
	}
}

// recordedURL is the URL to store as the clone's origin: the absolute path
// for a local source, else the URL without secret credentials.
func (s *source) recordedURL(rawURL string) string {
	if s.localPath != "" {
		return s.localPath
	}
	return redact.Clean(rawURL)
}

// localRepoPath reports whether rawURL names a local repository, and its
// path. It follows git's rules: file:// URLs and anything without "://" are
// local, unless the latter is scp-like (a colon with no slash before it, and
// not a Windows drive letter).
func localRepoPath(rawURL string) (string, bool) {
	scheme, _, hasScheme := strings.Cut(rawURL, "://")
	if hasScheme {
		if !strings.EqualFold(scheme, "file") {
			return "", false
		}
		u, err := url.Parse(rawURL)
		if err != nil || u.Path == "" {
			return "", false // let transport.NewEndpoint report it
		}
		return filepath.FromSlash(u.Path), true
	}
	colon := strings.IndexByte(rawURL, ':')
	if colon < 0 || strings.ContainsAny(rawURL[:colon], `/\`) || isDriveLetter(rawURL[:colon]) {
		return rawURL, true
	}
	return "", false
}

func isDriveLetter(s string) bool {
	return len(s) == 1 && ('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z')
}

// storerLoader serves one already opened repository to go-git's in-process
// server, whatever endpoint it is asked for. Unlike server.DefaultLoader it
// also accepts non-bare repositories (DefaultLoader chroots to the work tree
// and then finds no objects there).
type storerLoader struct{ s storer.Storer }

func (l storerLoader) Load(*transport.Endpoint) (storer.Storer, error) { return l.s, nil }
