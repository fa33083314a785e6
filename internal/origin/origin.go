// Package origin compares URLs by origin (scheme, host and effective port),
// the unit platform trusts with a GitLab token: the GitLab API client and the
// git transport both follow a redirect only within one origin.
package origin

import (
	"net/url"
	"strings"

	"github.com/platform-team/platform/internal/redact"
)

// Of is u's scheme://host[:port], without credentials, path or query.
func Of(u *url.URL) string {
	if u == nil {
		return ""
	}
	return redact.Clean(strings.ToLower(u.Scheme) + "://" + u.Host)
}

// Same reports whether a and b have the same scheme, host and effective port
// (https://h and https://h:443 are one origin).
func Same(a, b *url.URL) bool {
	if a == nil || b == nil {
		return false
	}
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		Port(a) == Port(b)
}

// HTTPSUpgrade reports a move from http to https on the same host and the
// default ports: the one change of origin that makes things safer.
func HTTPSUpgrade(from, to *url.URL) bool {
	return strings.EqualFold(from.Scheme, "http") && strings.EqualFold(to.Scheme, "https") &&
		strings.EqualFold(from.Hostname(), to.Hostname()) &&
		Port(from) == "80" && Port(to) == "443"
}

// Port is u's port, or the scheme's default (80 for http, 443 for https);
// leading zeros do not count.
func Port(u *url.URL) string {
	if p := strings.TrimLeft(u.Port(), "0"); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return u.Port()
}
