// Package redact hides credentials in URLs and in messages that quote URLs.
// It is the one redaction platform uses wherever a URL is shown: git remotes,
// template references, GitLab URLs, HTTP traces and errors from go-git and
// net/http. It works on raw strings and never fails: a URL that net/url
// cannot parse (a bad % escape, a space in the password) is redacted all the
// same, since a parse error would otherwise quote it whole.
package redact

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Mask replaces every hidden credential.
const Mask = "***"

// minSecretUserLen is the shortest http(s) user name treated as a credential:
// tokens are often passed as the user, but "git" is no secret, and scrubbing
// so short a word would mangle every message that contains it.
const minSecretUserLen = 4

// secretWords are the parts of a query parameter name that say its value is
// a credential (matched case-insensitively, anywhere in the name).
var secretWords = []string{"token", "password", "passwd", "pwd", "secret", "key", "sig", "auth", "credential", "session"}

// parts is a URL split on the raw string: scheme://userinfo@hostpath?query#fragment.
type parts struct {
	scheme   string // without "://"; empty for scp-like and paths
	userinfo string // without "@"; hasUser says whether there was one
	hasUser  bool
	rest     string // host and path: what follows the userinfo
	query    string // without "?"; hasQuery says whether there was one
	hasQuery bool
	fragment string // without "#"
	hasFrag  bool
}

func split(raw string) parts {
	var p parts
	s := raw
	if scheme, rest, ok := strings.Cut(s, "://"); ok && validScheme(scheme) {
		p.scheme = scheme
		s = rest
		// The authority ends at the first "/"; "?" and "#" are not trusted to
		// end it, because a password may hold them unescaped.
		authority, _, _ := strings.Cut(s, "/")
		at := strings.LastIndex(authority, "@")
		if at < 0 && strings.Contains(s[len(authority):], "@") && !plausibleHostPort(authority) {
			// "https://u:pa/ss@host": an unescaped "/" in the password.
			at = len(authority) + strings.Index(s[len(authority):], "@")
		}
		if at >= 0 {
			p.userinfo, p.hasUser, s = s[:at], true, s[at+1:]
		}
	} else if u, rest, ok := scpUser(raw); ok {
		p.userinfo, p.hasUser, s = u, true, rest
	}
	if before, frag, ok := strings.Cut(s, "#"); ok {
		s, p.fragment, p.hasFrag = before, frag, true
	}
	if before, q, ok := strings.Cut(s, "?"); ok {
		s, p.query, p.hasQuery = before, q, true
	}
	p.rest = s
	return p
}

// validScheme is RFC 3986's scheme syntax.
func validScheme(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !('0' <= c && c <= '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// plausibleHostPort reports whether an authority without "@" looks like
// host[:port]: anything else (a colon followed by letters, or by nothing) is
// the start of a userinfo whose password holds a "/". A password of digits
// before its "/" cannot be told from a port, and is not recognised.
func plausibleHostPort(a string) bool {
	if strings.HasPrefix(a, "[") { // IPv6 literal
		end := strings.Index(a, "]")
		if end < 0 {
			return false
		}
		a = a[end+1:]
		if a == "" {
			return true
		}
		if a[0] != ':' {
			return false
		}
		return a[1:] != "" && allDigits(a[1:])
	}
	_, port, ok := strings.Cut(a, ":")
	return !ok || port != "" && allDigits(port)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// scpUser recognises git's scp-like syntax, [user[:password]@]host:path, and
// returns its userinfo and the rest.
func scpUser(raw string) (userinfo, rest string, ok bool) {
	at := strings.Index(raw, "@")
	if at <= 0 || strings.ContainsAny(raw[:at], `/\`) {
		return "", "", false
	}
	host, _, hasColon := strings.Cut(raw[at+1:], ":")
	if !hasColon || host == "" || strings.ContainsAny(host, `/\`) {
		return "", "", false
	}
	return raw[:at], raw[at+1:], true
}

func (p parts) httpish() bool {
	return strings.Contains(strings.ToLower(p.scheme), "http")
}

// userinfoSecret reports whether the userinfo must be hidden: always when it
// has a password; over http(s) also a bare user name, which may be a token.
// A plain ssh user such as git@ stays: it helps and hides nothing.
func (p parts) userinfoSecret() bool {
	if !p.hasUser {
		return false
	}
	return strings.Contains(p.userinfo, ":") || p.httpish()
}

func (p parts) join(userinfo string, hasUser bool, query, fragment string) string {
	var b strings.Builder
	if p.scheme != "" {
		b.WriteString(p.scheme)
		b.WriteString("://")
	}
	if hasUser {
		b.WriteString(userinfo)
		b.WriteString("@")
	}
	b.WriteString(p.rest)
	if p.hasQuery {
		b.WriteString("?")
		b.WriteString(query)
	}
	if p.hasFrag {
		b.WriteString("#")
		b.WriteString(fragment)
	}
	return b.String()
}

// URL returns raw fit to show: a userinfo with a password (and over http(s)
// any userinfo) becomes "***", and so does the value of every query (or
// fragment) parameter whose name suggests a credential (private_token,
// access_token, password, X-Amz-Signature, api_key, ...). Anything else,
// including a local path, comes back unchanged.
func URL(raw string) string {
	p := split(raw)
	userinfo := p.userinfo
	if p.userinfoSecret() {
		userinfo = Mask
	}
	return p.join(userinfo, p.hasUser, maskParams(p.query, false), maskFragment(p.fragment))
}

// Clean returns raw fit to record (a git remote, a cache key): credentials in
// the userinfo removed (a plain ssh user is kept) and secret query
// parameters dropped.
func Clean(raw string) string {
	p := split(raw)
	hasUser := p.hasUser
	userinfo := p.userinfo
	if p.userinfoSecret() {
		if p.httpish() {
			hasUser = false
		} else {
			userinfo, _, _ = strings.Cut(userinfo, ":")
			hasUser = userinfo != ""
		}
	}
	q := maskParams(p.query, true)
	c := p
	c.hasQuery = p.hasQuery && q != ""
	return c.join(userinfo, hasUser, q, maskFragment(p.fragment))
}

// maskParams masks (or, with drop, removes) the values of secret parameters
// in a query string, keeping everything else byte for byte.
func maskParams(q string, drop bool) string {
	if q == "" {
		return q
	}
	sep := func(r rune) bool { return r == '&' || r == ';' }
	var out []string
	changed := false
	for _, kv := range strings.FieldsFunc(q, sep) {
		k, _, hasValue := strings.Cut(kv, "=")
		if hasValue && SecretName(k) {
			changed = true
			if drop {
				continue
			}
			kv = k + "=" + Mask
		}
		out = append(out, kv)
	}
	if !changed {
		return q
	}
	return strings.Join(out, "&")
}

// maskFragment treats a fragment of key=value pairs (OAuth's
// #access_token=...) like a query.
func maskFragment(f string) string {
	if !strings.Contains(f, "=") {
		return f
	}
	return maskParams(f, false)
}

// SecretName reports whether a query parameter name suggests its value is a
// credential. The name may be percent-encoded.
func SecretName(name string) bool {
	n := strings.ToLower(name)
	if dec, err := url.QueryUnescape(n); err == nil {
		n = dec
	}
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// Secrets returns every credential in raw, in each form a message may quote
// it (as typed, percent-decoded, re-encoded), longest first, for Scrub.
func Secrets(raw string) []string {
	p := split(raw)
	var out []string
	add := func(s string) {
		if s == "" {
			return
		}
		dec, err := url.PathUnescape(s)
		if err != nil {
			dec = s
		}
		qdec, err := url.QueryUnescape(s)
		if err != nil {
			qdec = s
		}
		for _, v := range []string{s, dec, qdec, url.QueryEscape(dec), url.PathEscape(dec), url.User(dec).String()} {
			if v != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	if p.userinfoSecret() {
		user, pass, hasPass := strings.Cut(p.userinfo, ":")
		if hasPass {
			add(p.userinfo)
			add(pass)
		}
		if p.httpish() && len(user) >= minSecretUserLen {
			add(user)
		}
	}
	for _, q := range []string{p.query, p.fragment} {
		for _, kv := range strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' }) {
			if k, v, ok := strings.Cut(kv, "="); ok && SecretName(k) && len(v) >= minSecretUserLen {
				add(v)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// Scrub replaces every occurrence of each secret in msg by "***".
func Scrub(msg string, secrets ...string) string {
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, Mask)
		}
	}
	return msg
}

// urlInText finds URLs in free text: a scheme, "://", then anything up to a
// space or a quote. scpWithPassword finds user:password@host: forms.
var (
	urlInText       = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>` + "`" + `]+`)
	scpWithPassword = regexp.MustCompile(`(^|[\s"'(])[^\s"'@/:()]+:[^\s"'@/]+@([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):`)
	paramInText     = regexp.MustCompile(`(?i)\b([a-z0-9_.-]*(?:token|password|passwd|secret|api_?key|signature)[a-z0-9_.-]*)=([^\s&"';,)]+)`)
)

// Text redacts every URL quoted in msg (as errors from go-git and net/http
// quote request URLs), scp-like remotes with a password, and
// name=value pairs whose name suggests a credential.
func Text(msg string) string {
	msg = urlInText.ReplaceAllStringFunc(msg, URL)
	msg = scpWithPassword.ReplaceAllStringFunc(msg, func(m string) string {
		lead := ""
		if len(m) > 0 && strings.ContainsAny(m[:1], " \t\n\"'(") {
			lead, m = m[:1], m[1:]
		}
		at := strings.LastIndex(m, "@")
		return lead + Mask + m[at:]
	})
	return paramInText.ReplaceAllStringFunc(msg, func(m string) string {
		k, v, _ := strings.Cut(m, "=")
		if v == Mask {
			return m
		}
		return k + "=" + Mask
	})
}

// Error returns err with its message passed through Text and with the
// secrets of each URL in urls scrubbed, keeping the chain for errors.Is and
// errors.As. It returns err itself when nothing changes.
func Error(err error, urls ...string) error {
	if err == nil {
		return nil
	}
	var secrets []string
	for _, u := range urls {
		secrets = append(secrets, Secrets(u)...)
	}
	slices.SortStableFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	msg := Text(Scrub(err.Error(), secrets...))
	if msg == err.Error() {
		return err
	}
	return &scrubbedError{msg: msg, err: err}
}

// scrubbedError prints a redacted message but unwraps to the original error.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
