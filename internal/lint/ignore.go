package lint

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// IgnoreAnnotation is the name, under the annotation prefix, of the per-object
// escape hatch: "<prefix>/lint-ignore: '<rule>: <reason>'", one entry per line.
const IgnoreAnnotation = "lint-ignore"

// ignoreEntry silences a rule (ID or glob) on one YAML document of a file.
type ignoreEntry struct {
	rule, reason string
	line         int // of the annotation
	from, to     int // the document's lines
}

// ignores reads the lint-ignore annotations of every document of a YAML file.
func ignores(f *File, prefix string) []ignoreEntry {
	if !f.IsYAML() || prefix == "" {
		return nil
	}
	key := prefix + "/" + IgnoreAnnotation
	return f.Cached("lint.ignores:"+key, func() any {
		docs, _ := f.YAML()
		var out []ignoreEntry
		for i, doc := range docs {
			ann := Lookup(doc, "metadata", "annotations", key)
			if ann == nil || ann.Kind != yaml.ScalarNode {
				continue
			}
			to := 1 << 30
			if i+1 < len(docs) {
				to = docs[i+1].Line - 1
			}
			for _, entry := range strings.FieldsFunc(ann.Value, func(r rune) bool { return r == '\n' || r == ';' }) {
				rule, reason, _ := strings.Cut(entry, ":")
				out = append(out, ignoreEntry{rule: strings.TrimSpace(rule), reason: strings.TrimSpace(reason), line: ann.Line, from: docLine(doc), to: to})
			}
		}
		return out
	}).([]ignoreEntry)
}

// docLine is the first line of a document: the line of its first key.
func docLine(doc *yaml.Node) int {
	if doc.Kind == yaml.MappingNode && len(doc.Content) > 0 {
		return doc.Content[0].Line
	}
	return doc.Line
}

func (e ignoreEntry) covers(f Finding) bool {
	return e.reason != "" && f.Line >= e.from && f.Line <= e.to && ruleMatch(e.rule, f.Rule)
}

// ignoreRule reports lint-ignore annotations without a reason.
var ignoreRule = NewFileRule(Meta{
	ID:       "lint/ignore",
	Severity: SeverityError,
	Summary:  "lint-ignore annotations on Kubernetes objects need a rule and a reason",
	Doc: `An object can opt out of a rule with an annotation under the organisation's prefix
(platform.example.com by default):

` + "```yaml\nmetadata:\n  annotations:\n    platform.example.com/lint-ignore: \"k8s/probes: a one-shot migration pod has no endpoint\"\n```" + `

Several entries go on separate lines (or are separated by ';'). The ignore applies to
that object (its YAML document) only. An entry without a reason is refused and ignores
nothing: an escape hatch must say why it is taken.`,
	Bad:  map[string]string{"deploy/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  annotations:\n    platform.example.com/lint-ignore: k8s/probes\n"},
	Good: map[string]string{"deploy/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  annotations:\n    platform.example.com/lint-ignore: \"k8s/probes: one-shot pod\"\n"},
}, parsedYAML, checkIgnores)

// parsedYAML applies the ignore rule to YAML files, and parses them: the
// rule reads every YAML file's annotations, and parsing while the engine
// decides which rules apply parses them all in parallel, before checks that
// build indexes of the whole repository (MkDocs sites, TechDocs) need them.
func parsedYAML(f *File) bool {
	if !f.IsYAML() {
		return false
	}
	f.YAML()
	return true
}

func checkIgnores(repo *Repo, f *File, r *Reporter) {
	for _, e := range ignores(f, repo.Settings.AnnotationPrefix) {
		if e.rule == "" || e.reason == "" {
			r.Report(f.Path, e.line, 0, fmt.Sprintf("lint-ignore entry %q needs a rule and a reason", e.rule+ifReason(e.reason)),
				`write it as "<rule>: <reason>", e.g. "k8s/probes: one-shot pod"`)
		}
	}
}

func ifReason(reason string) string {
	if reason == "" {
		return ""
	}
	return ": " + reason
}

// EngineRules are the rules of the engine itself (family lint).
func EngineRules() []Rule {
	return Sorted(ignoreRule, skippedRule, unreadableRule, waiverRule)
}
