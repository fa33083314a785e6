package gitx

import (
	"fmt"

	"net/http"
	"net/url"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/platform-team/platform/internal/origin"
	"github.com/platform-team/platform/internal/redact"
)

// RedirectError is a git server that redirected to another origin (scheme,
// host or port), which is never followed: credentials go only to the host
// the URL names, and a repository is only fetched from or pushed to there.
type RedirectError struct {
	From string // scheme://host[:port] of the URL asked for
	To   string // scheme://host[:port] it redirected to
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s redirected to %s, another host: not followed (use the repository's URL on %s if that is where it lives)", e.From, e.To, e.To)
}

// newHTTPTransport is go-git's http(s) transport with our redirect policy,
// built per call: client.InstallProtocol would be a racy global (source.go).
//
// go-git v5.19 already strips credentials from a redirect that leaves the
// origin, refuses https to http, and follows redirects only for the first
// request (GET info/refs), never a POST. On top of that we refuse any
// redirect to another origin outright, so a push never lands, even without
// credentials, somewhere the user did not name; only an http to https
// upgrade on the same host (default ports) is followed.
func newHTTPTransport() transport.Transport {
	return githttp.NewClientWithOptions(&http.Client{
		Transport:     http.DefaultTransport,
		CheckRedirect: checkGitRedirect,
	}, &githttp.ClientOptions{RedirectPolicy: githttp.FollowInitialRedirects})
}

func checkGitRedirect(req *http.Request, via []*http.Request) error {
	if len(via) == 0 {
		return nil
	}
	from := via[0].URL
	if !origin.Same(from, req.URL) && !origin.HTTPSUpgrade(from, req.URL) {
		return &RedirectError{From: origin.Of(from), To: origin.Of(req.URL)}
	}
	return nil
}

// TokenMayGo reports whether a GitLab token configured for gitlabURL may be
// sent to the git remote remoteURL: only over http(s), to the same host and
// port, and never over http unless GitLab itself is reached over http.
func TokenMayGo(gitlabURL, remoteURL string) bool {
	g, err := url.Parse(gitlabURL)
	if err != nil || g.Host == "" {
		return false
	}
	scheme, _, ok := strings.Cut(remoteURL, "://")
	if !ok || (!strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "http")) {
		return false
	}
	r, err := url.Parse(redact.Clean(remoteURL))
	if err != nil || r.Host == "" {
		return false
	}
	if !strings.EqualFold(r.Hostname(), g.Hostname()) {
		return false
	}
	if strings.EqualFold(r.Scheme, g.Scheme) {
		return origin.Port(r) == origin.Port(g)
	}
	// GitLab over http, the remote over https on the same host: safer.
	return strings.EqualFold(g.Scheme, "http") && strings.EqualFold(r.Scheme, "https") && r.Port() == "" && g.Port() == ""
}
