package gitx

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/go-git/go-git/v5"

	"github.com/platform-team/platform/internal/redact"
)

// ErrNoRemote is returned by RemoteURL when none of the named remotes exists.
var ErrNoRemote = errors.New("no such remote")

// RemoteURL returns the first URL of the first remote among names that the
// repository holding dir has (dir or a parent directory holds .git). Callers
// name remotes in order of preference, e.g. "upstream", "gitlab", "origin":
// a fork's origin is the fork, its upstream the project. Only the
// repository's own config is read, with its url.<base>.insteadOf rules
// applied; the user's global git config is not.
func RemoteURL(dir string, names ...string) (string, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return "", fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	cfg, err := repo.Config()
	if err != nil {
		return "", fmt.Errorf("read git config of %s: %w", dir, err)
	}
	for _, name := range names {
		if r, ok := cfg.Remotes[name]; ok && len(r.URLs) > 0 && r.URLs[0] != "" {
			return r.URLs[0], nil
		}
	}
	return "", fmt.Errorf("%w: the repository at %s has none of the remotes %s", ErrNoRemote, dir, strings.Join(names, ", "))
}

// ProjectFromRemote returns the GitLab project path ("group/subgroup/project")
// of a git remote URL:
//
//	https://gitlab.example.com/group/sub/proj.git    (with or without .git, with user:token@)
//	ssh://git@gitlab.example.com:2222/group/sub/proj.git
//	git@gitlab.example.com:group/sub/proj.git         (scp-like)
//
// Subgroups are kept and the case is left as written. A local path, a
// file:// URL, or a URL whose path has fewer than two segments (GitLab
// projects always live in a namespace) is an error. Credentials never
// appear in an error message. GitLab installed under a relative URL root
// (https://host/gitlab/group/proj) cannot be told apart from a subgroup,
// so the root becomes part of the path.
func ProjectFromRemote(remote string) (string, error) {
	raw := strings.TrimSpace(remote)
	shown := redact.URL(raw)
	p, err := remotePath(raw)
	if err != nil {
		return "", fmt.Errorf("remote %q: %w", shown, err)
	}
	p = strings.Trim(p, "/")
	p = strings.TrimSuffix(p, ".git")
	p = strings.TrimRight(p, "/")
	if dec, err := url.PathUnescape(p); err == nil {
		p = dec
	}
	segments := strings.Split(p, "/")
	if len(segments) < 2 {
		return "", fmt.Errorf("remote %q: the path %q is not a GitLab project: want namespace/project", shown, p)
	}
	for _, s := range segments {
		if s == "" || s == "." || s == ".." || strings.ContainsAny(s, " \t\n\\:?#@") {
			return "", fmt.Errorf("remote %q: the path %q is not a GitLab project: want namespace/project", shown, p)
		}
	}
	return p, nil
}

// remotePath returns the path part of a remote URL, query and fragment cut.
func remotePath(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("empty remote URL")
	}
	if scheme, rest, ok := strings.Cut(raw, "://"); ok {
		switch strings.ToLower(scheme) {
		case "http", "https", "ssh", "git", "git+ssh", "ssh+git":
		default:
			return "", fmt.Errorf("scheme %s: not a hosted repository", scheme)
		}
		authority, p, _ := strings.Cut(rest, "/")
		host := authority[strings.LastIndex(authority, "@")+1:]
		if host == "" || strings.HasPrefix(host, ":") {
			return "", errors.New("no host")
		}
		p, _, _ = strings.Cut(p, "?")
		p, _, _ = strings.Cut(p, "#")
		return p, nil
	}
	// scp-like syntax: [user@]host:path, recognised as git does: a colon
	// before any slash. A one-letter "host" is a Windows drive.
	colon := strings.IndexByte(raw, ':')
	slash := strings.IndexByte(raw, '/')
	if colon < 0 || (slash >= 0 && slash < colon) {
		return "", errors.New("a local path, not a remote")
	}
	host := raw[strings.LastIndex(raw[:colon], "@")+1 : colon]
	if len(host) < 2 {
		return "", errors.New("a local path, not a remote")
	}
	return raw[colon+1:], nil
}
