package gitx

import (
	"net/url"
	"slices"
	"strings"
)

// minSecretUserLen is the shortest http user name treated as a credential.
const minSecretUserLen = 4

// redactedURL is a remote URL split into what may be shown and what must not.
type redactedURL struct {
	shown   string   // the URL with credentials replaced by "***"
	clean   string   // the URL with credentials removed, fit to record
	secrets []string // credential strings to scrub from any message
}

// redactURL hides credentials in a remote URL's userinfo. It works on the raw
// string rather than net/url, because the URL may not parse and the parse
// error itself would quote it. A password is always a secret; over http(s)
// the user name is one too (tokens are often passed as the user). A bare ssh
// user such as git@ is kept: it helps and hides nothing.
func redactURL(raw string) redactedURL {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		// scp-like or a path: no password syntax
		return redactedURL{shown: raw, clean: raw}
	}
	authority, _, _ := strings.Cut(rest, "/")
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return redactedURL{shown: raw, clean: raw}
	}
	userinfo := authority[:at]
	user, pass, hasPass := strings.Cut(userinfo, ":")
	httpish := strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")
	if !hasPass && !httpish {
		return redactedURL{shown: raw, clean: raw}
	}

	r := redactedURL{
		shown: scheme + "://***@" + rest[at+1:],
		clean: scheme + "://" + rest[at+1:],
	}
	if !httpish && user != "" {
		r.clean = scheme + "://" + user + "@" + rest[at+1:]
	}
	// Messages may quote a credential as typed, decoded, or re-encoded by
	// net/url; hide every form.
	add := func(s string) {
		dec, err := url.PathUnescape(s)
		if err != nil {
			dec = s
		}
		for _, v := range []string{s, dec, url.QueryEscape(dec), url.User(dec).String()} {
			if v != "" && !slices.Contains(r.secrets, v) {
				r.secrets = append(r.secrets, v)
			}
		}
	}
	if hasPass {
		add(userinfo) // longest first, so it is replaced whole
		add(pass)
	}
	// A user name that short is no token, and scrubbing it would mangle
	// every word of the message that contains it.
	if httpish && len(user) >= minSecretUserLen {
		add(user)
	}
	return r
}

// scrub replaces every secret in msg by "***".
func (r redactedURL) scrub(msg string) string {
	for _, s := range r.secrets {
		msg = strings.ReplaceAll(msg, s, "***")
	}
	return msg
}

// scrubbedError keeps the error chain for errors.Is/As but prints a message
// with credentials removed: go-git's http transport quotes the full request
// URL, userinfo included, in some errors.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// scrubError returns err with r's secrets removed from its message.
func (r redactedURL) scrubError(err error) error {
	if err == nil || len(r.secrets) == 0 {
		return err
	}
	return &scrubbedError{msg: r.scrub(err.Error()), err: err}
}
