package lint

import (
	"fmt"
	"path"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Waiver silences one rule on matching paths until it expires. Reason and
// expiry are required: an escape hatch leaves an audit trail.
type Waiver struct {
	// Rule and Path are exact values or path.Match globs.
	Rule    string
	Path    string
	Reason  string
	Expires string // YYYY-MM-DD, valid through that day
	// Line is where the waiver is declared in Settings.WaiverFile.
	Line int
}

// active reports whether the waiver is well-formed and not expired at now.
func (w Waiver) active(now time.Time) bool {
	if w.Rule == "" || w.Path == "" || strings.TrimSpace(w.Reason) == "" {
		return false
	}
	until, err := time.Parse(time.DateOnly, w.Expires)
	if err != nil {
		return false
	}
	return now.Before(until.AddDate(0, 0, 1))
}

func (w Waiver) covers(f Finding) bool {
	return ruleMatch(w.Rule, f.Rule) && globMatch(w.Path, f.Path)
}

// ruleMatch matches a rule ID against a glob. IDs with more than one slash
// (policy/main/deny) are matched by a glob ending in "/*" on any of their
// leading segments, so that policy/* names every policy rule.
func ruleMatch(pattern, id string) bool {
	if globMatch(pattern, id) {
		return true
	}
	prefix, ok := strings.CutSuffix(pattern, "/*")
	if !ok {
		return false
	}
	segments := strings.Split(id, "/")
	for i := 1; i < len(segments)-1; i++ {
		if globMatch(prefix, strings.Join(segments[:i], "/")) {
			return true
		}
	}
	return false
}

func globMatch(pattern, s string) bool {
	if pattern == s {
		return true
	}
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}

// waiverRule reports waivers that are incomplete, malformed or expired.
var waiverRule = NewRepoRule(Meta{
	ID:       "lint/waiver",
	Severity: SeverityError,
	Summary:  "waivers in platform.yaml need a rule, a path, a reason and an expiry that has not passed",
	Doc: `A waiver silences one rule on some paths: an escape hatch that leaves an audit
trail. It needs a reason and an expiry date (YYYY-MM-DD, valid through that day), so that
every exception is explained and revisited. An expired waiver no longer silences anything
and is itself a finding, pointing at its line in platform.yaml: renew it with a new
reason, or fix what it waived.

` + "```yaml\nlint:\n  waivers:\n    - {rule: k8s/resources, path: deploy/base/job.yaml, reason: \"batch job sized by the operator\", expires: 2027-03-01}\n```",
	Bad:  map[string]string{"platform.yaml": "lint:\n  waivers:\n    - {rule: k8s/resources, path: deploy/base/job.yaml}\n"},
	Good: map[string]string{"platform.yaml": "lint:\n  waivers:\n    - {rule: k8s/resources, path: deploy/base/job.yaml, reason: sized by the operator, expires: 2999-01-01}\n"},
}, checkWaivers)

// checkWaivers reads the waivers from Settings, or from a platform.yaml at the
// root when the settings carry none (the examples and tests).
func checkWaivers(repo *Repo, r *Reporter) {
	file := repo.Settings.WaiverFile
	waivers := repo.Settings.Waivers
	if file == "" {
		file = "platform.yaml"
		if f, ok := repo.File(file); ok {
			waivers = parseWaivers(f)
		}
	}
	now := repo.Settings.Now
	if now.IsZero() {
		now = time.Now()
	}
	for _, w := range waivers {
		var missing []string
		for _, field := range []struct{ name, value string }{{"rule", w.Rule}, {"path", w.Path}, {"reason", w.Reason}, {"expires", w.Expires}} {
			if strings.TrimSpace(field.value) == "" {
				missing = append(missing, field.name)
			}
		}
		switch {
		case len(missing) > 0:
			r.Report(file, w.Line, 0, fmt.Sprintf("waiver for %s is missing %s", orAny(w.Rule), strings.Join(missing, " and ")),
				"every waiver needs rule, path, reason and expires (YYYY-MM-DD)")
		case !validDate(w.Expires):
			r.Report(file, w.Line, 0, fmt.Sprintf("waiver for %s: expires %q is not a date", w.Rule, w.Expires), "write the expiry as YYYY-MM-DD")
		case !w.active(now):
			r.Report(file, w.Line, 0, fmt.Sprintf("waiver for %s on %s expired on %s", w.Rule, w.Path, w.Expires),
				"fix the findings it waived, or renew it with a new expiry and reason")
		}
	}
}

func orAny(s string) string {
	if s == "" {
		return "(no rule)"
	}
	return s
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// parseWaivers reads lint.waivers from a platform.yaml, with their lines.
func parseWaivers(f *File) []Waiver {
	docs, _ := f.YAML()
	if len(docs) == 0 {
		return nil
	}
	list := Lookup(docs[0], "lint", "waivers")
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	var out []Waiver
	for _, item := range list.Content {
		w := Waiver{Line: item.Line}
		field := func(k string) string {
			if n := Lookup(item, k); n != nil && n.Kind == yaml.ScalarNode {
				return n.Value
			}
			return ""
		}
		w.Rule, w.Path, w.Reason, w.Expires = field("rule"), field("path"), field("reason"), field("expires")
		out = append(out, w)
	}
	return out
}

func nowOr(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
