package catalogrules

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/catalog"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/linttest"
)

func TestExamples(t *testing.T) {
	linttest.CheckExamples(t, Rules())
}

func TestRulesAreTheCatalogFamily(t *testing.T) {
	errors := map[string]bool{}
	for _, id := range errorRuleIDs {
		errors[id] = true
	}
	for _, r := range Rules() {
		m := r.Meta()
		if m.Family() != "catalog" {
			t.Errorf("rule %s is not in the catalog family", m.ID)
		}
		if !r.IsFileRule() {
			t.Errorf("rule %s is not a file rule", m.ID)
		}
		if errors[m.ID] != (m.Severity == lint.SeverityError) {
			t.Errorf("rule %s has severity %s: the rules mirroring Backstage are errors, policy rules are not", m.ID, m.Severity)
		}
	}
}

func TestAppliesToCatalogFilesOnly(t *testing.T) {
	bad := "kind: [\n"
	got := linttest.Run(Rules(), map[string]string{
		"catalog-info.yaml":           bad,
		"services/a/catalog-info.yml": bad,
		"catalog-info.yaml.bak":       bad,
		"other.yaml":                  bad,
		"deploy/catalog-info.json":    bad,
	})
	var paths []string
	for _, f := range got {
		paths = append(paths, f.Path)
	}
	if want := []string{"catalog-info.yaml", "services/a/catalog-info.yml"}; !slices.Equal(paths, want) {
		t.Errorf("findings on %v, want on %v", paths, want)
	}
}

// want is an expected finding; msg is a substring of its message.
type want struct {
	rule      string
	line, col int
	msg       string
}

// expect compares findings, in order, with wants.
func expect(t *testing.T, got []lint.Finding, wants ...want) {
	t.Helper()
	ok := len(got) == len(wants)
	for i := 0; ok && i < len(got); i++ {
		g, w := got[i], wants[i]
		ok = g.Rule == w.rule && g.Line == w.line && g.Column == w.col && strings.Contains(g.Message, w.msg) && g.Hint != ""
	}
	if !ok {
		var b strings.Builder
		fmt.Fprintf(&b, "got %d findings:\n", len(got))
		for _, f := range got {
			fmt.Fprintf(&b, "  %s %d:%d %s (hint %q)\n", f.Rule, f.Line, f.Column, f.Message, f.Hint)
		}
		fmt.Fprintf(&b, "want %d:\n", len(wants))
		for _, w := range wants {
			fmt.Fprintf(&b, "  %s %d:%d ~ %q\n", w.rule, w.line, w.col, w.msg)
		}
		t.Error(b.String())
	}
}

func run(files map[string]string) []lint.Finding {
	return linttest.Run(Rules(), files)
}

func runWith(settings lint.Settings, files map[string]string) []lint.Finding {
	return linttest.RunWith(settings, Rules(), files)
}

func catalogFile(src string) map[string]string {
	return map[string]string{"catalog-info.yaml": src}
}

// TestErrorRules checks that every kind of problem lands in its rule, at
// the position of the offending node, across documents.
func TestErrorRules(t *testing.T) {
	src := `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments_api!
  namespace: Payments
  labels:
    tier: back end
  annotations:
    gitlab.com/project-id: 1234
  tags: [Go]
  links:
    - url: not a url
status: {}
spec:
  type: service
  owner: group:payments
  dependsOn: [db]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: x
  name: y
spec: {}
---
kind: Component
metadata: {name: z}
---
- just a list
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: s}
spec:
  owner: [group
`
	expect(t, run(catalogFile(src)),
		want{idMetadata, 4, 9, `metadata.name: "payments_api!" is not a valid entity name`},
		want{idMetadata, 5, 14, `metadata.namespace: "Payments" is not a valid namespace`},
		want{idLabelsAnnotations, 7, 11, `metadata.labels.tier: "back end" is not a label value`},
		want{idLabelsAnnotations, 9, 28, `metadata.annotations.gitlab.com/project-id: must be a string, not number 1234`},
		want{idTagsLinks, 10, 10, `metadata.tags[0]: "Go" is not a valid tag`},
		want{idTagsLinks, 12, 12, `metadata.links[0].url: "not a url" is not a valid URL`},
		want{idEnvelope, 13, 1, `unknown root field "status"`},
		want{idSpec, 14, 1, `spec.lifecycle: is required`},
		want{idEntityRef, 17, 15, `spec.dependsOn[0]: the catalog cannot relate this entity`},
		want{idYAML, 23, 3, `metadata.name: duplicate key "name" (first defined on line 22)`},
		want{idEnvelope, 26, 1, `apiVersion: is required`},
		want{idEnvelope, 29, 1, `the document must be an object`},
		want{idYAML, 35, 0, `invalid YAML`},
	)
}

func TestErrorRulesNameTheFieldOnce(t *testing.T) {
	got := run(catalogFile("apiVersion: backstage.io/v1alpha1\nkind: component\nmetadata: {name: x}\n"))
	expect(t, got, want{idEnvelope, 2, 7, `kind "component" is not recognized`})
	if strings.HasPrefix(got[0].Message, "kind: ") {
		t.Errorf("message repeats the field: %q", got[0].Message)
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		field, msg, want string
	}{
		{"", "invalid YAML: did not find expected key", idYAML},
		{"metadata.name", `duplicate key "name" (first defined on line 3); ...`, idYAML},
		{"spec.owner", `duplicate key "owner" (first defined on line 3); ...`, idYAML},
		{"", "the document must be an object (an entity), not an array", idEnvelope},
		{"apiVersion", "is required", idEnvelope},
		{"kind", `"9x" is not a valid kind`, idEnvelope},
		{"metadata", "is required", idEnvelope},
		{"metadata", "must be an object, not a string", idEnvelope},
		{"spec", "is required for kind Component", idEnvelope},
		{"status", `unknown root field "status": ...`, idEnvelope},
		{"metadata.x", `unknown root field "metadata.x": ...`, idEnvelope},
		{`[""]`, `unknown root field "": ...`, idEnvelope},
		{"metadata.name", "is required", idMetadata},
		{"metadata.namespace", "is not a valid namespace", idMetadata},
		{"metadata.title", "must not be empty", idMetadata},
		{"metadata.description", "must be a string", idMetadata},
		{`metadata[""]`, "anything", idMetadata},
		{"metadata.labelsx", "anything", idMetadata},
		{"metadata.labels", "must be an object", idLabelsAnnotations},
		{"metadata.labels.a/b", "is not a valid label key", idLabelsAnnotations},
		{`metadata.labels[""]`, "is not a valid label key", idLabelsAnnotations},
		{"metadata.annotations.backstage.io/techdocs-ref", "must be a string", idLabelsAnnotations},
		{"metadata.tags", "must be an array", idTagsLinks},
		{"metadata.tags[2]", "is not a valid tag", idTagsLinks},
		{"metadata.links[0].url", "is required", idTagsLinks},
		{"spec.type", "is required", idSpec},
		{"spec.owner", "must not be empty", idSpec},
		{"spec.steps[0].action", "is required", idSpec},
		{`spec[""]`, "anything", idSpec},
		{"spec.owner", "the catalog cannot relate this entity: invalid entity reference", idEntityRef},
		{"spec.dependsOn[1]", "the catalog cannot relate this entity: invalid entity reference", idEntityRef},
	} {
		if got := Classify(catalog.Problem{Field: tc.field, Message: tc.msg}); got != tc.want {
			t.Errorf("Classify(%s: %s) = %s, want %s", tc.field, tc.msg, got, tc.want)
		}
	}
}

// errorRuleIDs are the rules Classify assigns problems to.
var errorRuleIDs = []string{idEntityRef, idEnvelope, idLabelsAnnotations, idMetadata, idSpec, idTagsLinks, idYAML}

// problemCorpus holds inputs that, together, make catalog.Validate report every
// kind of problem it knows.
var problemCorpus = []string{
	"a: [\n",
	"a: 1\na: 2\n",
	"- 1\n",
	"\"text\"\n",
	"kind: Component\n",
	"apiVersion: 1\nkind: Component\nmetadata: {name: x}\n",
	"apiVersion: backstage.io/v1alpha1\nkind: 9x\nmetadata: {name: x}\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x}\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: []\nspec: 1\n",
	"apiVersion: example.com/v1\nkind: Component\nmetadata: {name: x}\nspec: {}\n",
	"apiVersion: v1\nkind: Widget\nmetadata: {name: x}\nstatus: {}\nrelations: []\n",
	"apiVersion: {$text: x}\nkind: Component\nmetadata: {$yaml: y}\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ''\n  namespace: A_B\n  title: ''\n  description: 1\n  uid: []\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n  labels: {'a b': c, d: 'e f', g: 1}\n  annotations: {'/x': y, z: [1]}\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n  labels: []\n  annotations: 1\n  tags: {a: b}\n  links: 1\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n  tags: [A, '', 1]\n  links: [1, {}, {url: x, title: ' ', icon: 'a b', type: 1}]\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x}\nspec: {type: 1, lifecycle: '', owner: ':x', system: 'a:', providesApis: [1, ''], dependsOn: [x]}\n",
	"apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: x}\nspec: {type: a, lifecycle: b, owner: c, definition: 1}\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: x}\nspec: {type: team, profile: 1, children: [':']}\n",
	"apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: x}\nspec: {profile: {email: ''}}\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: x}\nspec: {presence: maybe, targets: x}\n",
	"apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: x}\nspec: {type: t, parameters: 1, steps: [1, {id: 1, input: 2, if: []}], output: []}\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: x, namespace: ns}\nspec: {type: db, owner: 'user:', dependencyOf: ['ns/']}\n",
	"---\napiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata: {name: x}\nspec: {owner: a, subdomainOf: ''}\n---\nb: [\n---\n- 1\n",
}

// TestClassifyIsTotal runs the rules over the corpus: every problem of
// catalog.Validate comes out as exactly one error finding, at its position,
// and every error rule gets some.
func TestClassifyIsTotal(t *testing.T) {
	hit := map[string]int{}
	for _, src := range problemCorpus {
		problems := catalog.Validate([]byte(src))
		if len(problems) == 0 {
			t.Errorf("corpus entry has no problem:\n%s", src)
		}
		var errs []lint.Finding
		for _, f := range run(catalogFile(src)) {
			if f.Severity == lint.SeverityError {
				errs = append(errs, f)
			}
		}
		if len(errs) != len(problems) {
			t.Errorf("%d problems but %d error findings for\n%s\nproblems: %v\nfindings: %v", len(problems), len(errs), src, problems, errs)
			continue
		}
		for _, p := range problems {
			id := Classify(p)
			if !slices.Contains(errorRuleIDs, id) {
				t.Errorf("problem %v classified as %q, not an error rule", p, id)
			}
			hit[id]++
			if !slices.ContainsFunc(errs, func(f lint.Finding) bool {
				return f.Rule == id && f.Line == p.Line && f.Column == p.Column && strings.Contains(f.Message, p.Message)
			}) {
				t.Errorf("problem %v has no finding of %s at its position; findings: %v", p, id, errs)
			}
		}
	}
	for _, id := range errorRuleIDs {
		if hit[id] == 0 {
			t.Errorf("no corpus problem lands in %s", id)
		}
	}
}

// TestClassifyFollowsValidateMessages fails when catalog.Validate changes a
// message Classify recognises.
func TestClassifyFollowsValidateMessages(t *testing.T) {
	for prefix, src := range map[string]string{
		msgInvalidYAML:  "a: [\n",
		msgDuplicateKey: "a: 1\na: 2\n",
		msgRootField:    "apiVersion: v1\nkind: X\nmetadata: {name: x}\nstatus: 1\n",
		msgEntityRef:    "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: x}\nspec: {type: db, owner: a, dependsOn: [b]}\n",
	} {
		if !slices.ContainsFunc(catalog.Validate([]byte(src)), func(p catalog.Problem) bool { return strings.HasPrefix(p.Message, prefix) }) {
			t.Errorf("catalog.Validate no longer reports a problem starting %q for\n%s", prefix, src)
		}
	}
}

// TestParsesOnce: the rules share one Validate result and one entity list per file.
func TestParsesOnce(t *testing.T) {
	f := lint.NewFile("catalog-info.yaml", []byte(goodComponent))
	repo := lint.NewRepo("", linttest.Settings, []*lint.File{f})
	var findings []lint.Finding
	for _, r := range Rules() {
		r.CheckFile(repo, f, lint.NewReporter(r.Meta(), &findings))
	}
	for _, key := range []string{"catalogrules.problems", "catalogrules.entities"} {
		f.Cached(key, func() any {
			t.Errorf("%s was not cached by the rules", key)
			return nil
		})
	}
}
