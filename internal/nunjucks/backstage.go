package nunjucks

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// BackstageFilters returns the filters Backstage's scaffolder registers:
// parseRepoUrl, parseEntityRef, pick and projectSlug, as its
// createDefaultFilters defines them.
//
// Backstage decides which required query parameters a repo URL needs from
// the SCM integration configured for its host. Offline there is no such
// configuration, so the kind of host is taken from its name: github hosts
// need repo and owner, bitbucket hosts project and repo (and workspace on
// www.bitbucket.org), azure hosts project and repo, gerrit hosts repo, and
// every other host is GitLab (owner and repo, unless project is given).
//
// Backstage runs Nunjucks in an isolate and passes each filter's result
// back as JSON, so a filter whose result is undefined (pick of a missing
// key) fails there with JSON.parse's error; these filters do the same.
func BackstageFilters() map[string]Filter {
	fs := backstageFilters()
	for name, f := range fs {
		f := f
		fs[name] = func(v any, args ...any) (any, error) {
			r, err := f(v, args...)
			if err == nil && r == (Undefined{}) {
				return nil, errors.New(`"undefined" is not valid JSON`)
			}
			return r, err
		}
	}
	return fs
}

func backstageFilters() map[string]Filter {
	return map[string]Filter{
		"parseRepoUrl": func(v any, _ ...any) (any, error) {
			return ParseRepoURL(toStr(v))
		},
		"parseEntityRef": func(v any, args ...any) (any, error) {
			return parseEntityRef(v, arg(args, 0))
		},
		"pick": func(v any, args ...any) (any, error) {
			return lodashGet(v, arg(args, 0)), nil
		},
		"projectSlug": func(v any, _ ...any) (any, error) {
			o, err := ParseRepoURL(toStr(v))
			if err != nil {
				return nil, err
			}
			owner, ok := o.Get("owner")
			if !ok {
				owner = Undefined{}
			}
			repo, _ := o.Get("repo")
			return toStr(owner) + "/" + toStr(repo), nil
		},
	}
}

// ParseRepoURL parses a RepoUrlPicker value ("host?owner=x&repo=y") like
// Backstage's parseRepoUrl. The result has host and repo (null when
// absent), then owner, organization, workspace and project when present.
func ParseRepoURL(repoURL string) (*Object, error) {
	u, err := url.Parse("https://" + repoURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("Invalid repo URL passed to publisher, got %s, TypeError: Invalid URL", repoURL)
	}
	host := strings.ToLower(u.Host)
	if strings.HasSuffix(host, ":443") {
		host = strings.TrimSuffix(host, ":443")
	}
	params := searchParams(u.RawQuery)
	get := func(k string) (string, bool) {
		for _, p := range params {
			if p[0] == k {
				return p[1], true
			}
		}
		return "", false
	}
	serialized := "https://" + host
	if u.EscapedPath() == "" {
		serialized += "/"
	} else {
		serialized += u.EscapedPath()
	}
	if u.RawQuery != "" {
		serialized += "?" + u.RawQuery
	}
	require := func(names ...string) error {
		for _, n := range names {
			if v, _ := get(n); v == "" {
				return fmt.Errorf("Invalid repo URL passed to publisher: %s, missing %s", serialized, n)
			}
		}
		return nil
	}
	hostname := strings.ToLower(u.Hostname())
	var rerr error
	_, hasProject := get("project")
	projectVal, _ := get("project")
	switch {
	case strings.Contains(hostname, "github"):
		rerr = require("repo", "owner")
	case strings.Contains(hostname, "bitbucket"):
		if host == "www.bitbucket.org" {
			rerr = require("workspace")
		}
		if rerr == nil {
			rerr = require("project", "repo")
		}
	case hostname == "dev.azure.com" || strings.HasSuffix(hostname, ".visualstudio.com") || strings.Contains(hostname, "azure"):
		rerr = require("project", "repo")
	case strings.Contains(hostname, "gerrit"):
		rerr = require("repo")
	default: // GitLab: project is the project ID and makes owner and repo optional.
		if !hasProject || projectVal == "" {
			rerr = require("owner", "repo")
		}
	}
	if rerr != nil {
		return nil, rerr
	}
	o := NewObject()
	o.Set("host", host)
	for _, k := range []string{"owner", "repo", "organization", "workspace", "project"} {
		if v, ok := get(k); ok {
			o.Set(k, v)
		} else if k == "repo" {
			o.Set(k, nil) // searchParams.get gives null, which survives JSON
		}
	}
	return o, nil
}

// searchParams decodes a query as URLSearchParams does, keeping order.
func searchParams(q string) [][2]string {
	var out [][2]string
	for _, part := range strings.Split(q, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		out = append(out, [2]string{formDecode(k), formDecode(v)})
	}
	return out
}

func formDecode(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// parseEntityRef is @backstage/catalog-model's parseEntityRef.
func parseEntityRef(ref, context any) (any, error) {
	if !truthy(ref) {
		return nil, errors.New("Entity reference must not be empty")
	}
	defKind := member(context, "defaultKind")
	defNS := member(context, "defaultNamespace")
	if !truthy(defNS) {
		defNS = "default"
	}
	var kind, ns, name any
	coalesce := func(v, d any) any {
		if v == nil || v == (Undefined{}) {
			return d
		}
		return v
	}
	if s, ok := ref.(string); ok {
		colon := strings.Index(s, ":")
		slash := strings.Index(s, "/")
		if slash != -1 && slash < colon {
			colon = -1
		}
		var k, n any = Undefined{}, Undefined{}
		if colon != -1 {
			k = s[:colon]
		}
		if slash != -1 {
			n = s[colon+1 : slash]
		}
		nm := s[max(colon+1, slash+1):]
		if k == "" || n == "" || nm == "" {
			return nil, fmt.Errorf("Entity reference %q was not on the form [<kind>:][<namespace>/]<name>", s)
		}
		kind, ns, name = coalesce(k, defKind), coalesce(n, defNS), nm
	} else {
		kind = coalesce(member(ref, "kind"), defKind)
		ns = coalesce(member(ref, "namespace"), defNS)
		name = member(ref, "name")
	}
	textual := func() string {
		var b jsonBuf
		writeJSON(&b, ref, "", "", 0)
		return b.String()
	}
	switch {
	case !truthy(kind):
		return nil, fmt.Errorf(`Entity reference %s had missing or empty kind (e.g. did not start with "component:" or similar)`, textual())
	case !truthy(ns):
		return nil, fmt.Errorf("Entity reference %s had missing or empty namespace", textual())
	case !truthy(name):
		return nil, fmt.Errorf("Entity reference %s had missing or empty name", textual())
	}
	o := NewObject()
	o.Set("kind", kind)
	o.Set("namespace", ns)
	o.Set("name", name)
	return o, nil
}

// lodashGet is lodash's get(obj, path) for the path forms templates use:
// a direct key, "a.b.c", "a[0].b" and "a['b']".
func lodashGet(obj, path any) any {
	if obj == nil || obj == (Undefined{}) {
		return Undefined{}
	}
	if arr, ok := path.([]any); ok {
		cur := obj
		for _, k := range arr {
			cur = member(cur, toStr(k))
			if cur == (Undefined{}) {
				return cur
			}
		}
		return cur
	}
	p := toStr(path)
	if v := member(obj, p); v != (Undefined{}) || !strings.ContainsAny(p, ".[") {
		return v
	}
	var keys []string
	var b strings.Builder
	flush := func() {
		keys = append(keys, b.String())
		b.Reset()
	}
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '.':
			if i == 0 {
				keys = append(keys, "")
			} else if p[i-1] != ']' {
				flush()
			}
		case '[':
			if i > 0 && p[i-1] != ']' && p[i-1] != '.' {
				flush()
			}
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				b.WriteString(p[i:])
				i = len(p)
				continue
			}
			inner := p[i+1 : i+end]
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] {
				inner = inner[1 : len(inner)-1]
			}
			keys = append(keys, inner)
			i += end
		default:
			b.WriteByte(c)
		}
	}
	if b.Len() > 0 || (len(p) > 0 && p[len(p)-1] == '.') {
		flush()
	}
	cur := obj
	for i, k := range keys {
		cur = member(cur, k)
		if cur == (Undefined{}) || (cur == nil && i < len(keys)-1) {
			return Undefined{}
		}
	}
	return cur
}
