package k8s

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/textdist"
)

var ruleYamlSyntax = lint.NewFileRule(lint.Meta{
	ID:       "k8s/yaml-syntax",
	Severity: lint.SeverityError,
	Summary:  "Kubernetes manifests and kustomizations are well-formed YAML without duplicate keys",
	Doc: `A manifest that does not parse cannot be applied: kubectl, kustomize and Argo CD
stop at the first syntax error, often far from the change that caused it. A duplicate
key parses with some tools (the last value wins, silently) and is rejected by others
(kubectl), so it is an error too.

Which files are manifests: YAML files with at least one document that has a string
` + "`apiVersion`" + ` and ` + "`kind`" + `, every ` + "`kustomization.yaml`" + `, and any YAML file under a
` + "`deploy/`" + ` directory. A file that does not parse is reported when it is under ` + "`deploy/`" + `
or its text has top-level ` + "`apiVersion:`" + ` and ` + "`kind:`" + ` lines, even though its objects cannot
be read; not when it holds ` + "`{{ }}`" + ` (a template of another tool, YAML only once rendered).
The platform's own files (catalog-info.yaml, platform.yaml, mkdocs.yml,
.gitlab-ci.yml, template.yaml) and Helm chart templates are not manifests.

**Fix:** correct the syntax at the reported line (indentation, a missing colon, an
unclosed quote or bracket), or remove one of the duplicate keys.`,
	Bad: one("deploy/base/service.yaml", `apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  selector:
    app.kubernetes.io/name: web
  ports:
    - name: http
      port: 80
     targetPort: http
`),
	Good: one("deploy/base/service.yaml", goodService),
}, isManifest, manifestCheck(checkSyntax))

func checkSyntax(c *checkCtx) {
	if e := c.m.syntax; e != nil {
		line := syntaxErrorLine(c.f.Data, e)
		c.r.Report(c.f.Path, line, e.Column, "invalid YAML: "+e.Msg,
			"fix the syntax at this line (indentation, a missing colon, an unclosed quote or bracket): kubectl and kustomize cannot read the file")
	}
	for _, doc := range c.m.docs {
		duplicateKeys(c, doc, 0)
	}
}

// syntaxErrorLine improves on the line the YAML parser gives: it names where
// the broken construct began (a list at line 11), not where it broke (line
// 13), and nothing for an unknown anchor. The line is the first one at which
// the file's beginning fails with the same error.
func syntaxErrorLine(data []byte, e *lint.SyntaxError) int {
	const anchor = "unknown anchor '"
	if rest, ok := strings.CutPrefix(e.Msg, anchor); ok {
		name, _, _ := strings.Cut(rest, "'")
		if i := bytes.Index(data, []byte("*"+name)); i >= 0 {
			return bytes.Count(data[:i], []byte("\n")) + 1
		}
	}
	starts := []int{0} // byte offset of each line
	for i, b := range data {
		if b == '\n' && i+1 < len(data) {
			starts = append(starts, i+1)
		}
	}
	from := min(max(e.Line, 1), len(starts))
	// Only the broken document is parsed again: it starts at the last
	// document marker before the line the parser named.
	doc := 0
	for l := 1; l <= from; l++ {
		if bytes.HasPrefix(data[starts[l-1]:], []byte("---")) {
			doc = starts[l-1]
		}
	}
	// Bounded, and only for a broken file: at most 200 lines further, and a
	// few megabytes of parsing in all.
	budget := 4 << 20
	for line := from; line <= len(starts) && line < from+200; line++ {
		end := len(data)
		if line < len(starts) {
			end = starts[line]
		}
		if budget -= end - doc; budget < 0 {
			break
		}
		if msg, failed := parseError(data[doc:end]); failed && msg == e.Msg {
			return line
		}
	}
	return from
}

// parseError returns the message of the first YAML error in data, without
// its line, as lint.File.YAML words it.
func parseError(data []byte) (string, bool) {
	f := lint.NewFile("prefix.yaml", data)
	_, err := f.YAML()
	if err == nil {
		return "", false
	}
	return err.Msg, true
}

func duplicateKeys(c *checkCtx, n *yaml.Node, depth int) {
	if n == nil || depth > 1000 {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		var first map[string]*yaml.Node
		if len(n.Content) > 32 {
			first = make(map[string]*yaml.Node, len(n.Content)/2)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				continue
			}
			var prev *yaml.Node
			if first != nil {
				if prev = first[k.Value]; prev == nil {
					first[k.Value] = k
				}
			} else {
				for j := 0; j < i && prev == nil; j += 2 {
					if p := n.Content[j]; p.Kind == yaml.ScalarNode && p.Value == k.Value && p.Tag != "!!merge" {
						prev = p
					}
				}
			}
			if prev != nil {
				c.report(k, fmt.Sprintf("duplicate key %q (first at line %d)", k.Value, prev.Line),
					"remove one of them: kubectl rejects the file, and tools that accept it keep only the last value")
			}
		}
		for _, child := range n.Content {
			duplicateKeys(c, child, depth+1)
		}
	case yaml.SequenceNode:
		for _, child := range n.Content {
			duplicateKeys(c, child, depth+1)
		}
	}
}

var ruleSchema = lint.NewFileRule(lint.Meta{
	ID:       "k8s/schema",
	Severity: lint.SeverityError,
	Summary:  "Kubernetes objects and kustomizations match the API schema: known apiVersion and kind, no unknown or mistyped fields",
	Doc: `The API server rejects an object with an unknown field (with strict validation, the
default of ` + "`kubectl apply`" + `) or a value of the wrong type, and kustomize rejects an unknown
field in a kustomization. Some tools only warn, or drop the field: a misspelt
` + "`imagePulPolicy`" + ` or ` + "`livenessprobe`" + ` silently does nothing. This rule finds these before a
deployment does, offline.

The schema is generated from the Go types of ` + "`k8s.io/api`" + ` (every built-in kind of every
API group, as of Kubernetes ` + schemaRelease() + `) and from kustomize's Kustomization and
Component. It checks:

- the apiVersion serves the kind (` + "`apps/v1beta1`" + ` Deployments were removed in Kubernetes 1.16,
  ` + "`batch/v1beta1`" + ` CronJobs in 1.25: use the replacement the message names);
- every field exists, with the exact field path (` + "`spec.template.spec.containers[0]`" + `) and a
  suggestion for a misspelling;
- the type of every value: integers are not quoted (` + "`replicas: \"3\"`" + `), strings are
  (` + "`value: \"8080\"`" + ` in an env var), quantities parse (` + "`128Mi`" + `, not ` + "`128MB`" + `), Secret
  ` + "`data`" + ` is base64, times are RFC 3339.

Kinds of other API groups (custom resources such as ` + "`postgresql.cnpg.io/v1`" + ` Cluster) are
not checked. In a kustomize patch file, patch directives (` + "`$patch`" + `, ` + "`$retainKeys`" + `...) are
allowed. Files a kustomization names under ` + "`generators`" + `, ` + "`transformers`" + ` or ` + "`validators`" + `
hold kustomize plugin configurations (` + "`builtin`" + ` LabelTransformer, PrefixSuffixTransformer...),
not Kubernetes objects, and are not checked against the API schema. Required fields and
enumerations are left to the API server.

**Fix:** correct the field name or the value as the message and hint say;
` + "`kubectl explain <kind>.<path>`" + ` lists the fields of an object.`,
	Bad:  one("deploy/base/deployment.yaml", edit("  replicas: 2", `  replicas: "2"`, "          ports:", "          imagePulPolicy: IfNotPresent\n          ports:")),
	Good: one("deploy/base/deployment.yaml", goodDeployment),
}, isManifest, manifestCheck(checkSchema))

func checkSchema(c *checkCtx) {
	s := loadSchema()
	patch := c.info.patches[c.f.Path]
	plugin := c.info.plugins[c.f.Path]
	for _, o := range c.m.objects {
		if plugin && o.group != kustomizeGroup {
			continue // a plugin configuration (LabelTransformer...): kustomize's, not the API's
		}
		ki := s.kinds[o.apiVersion+" "+o.kind]
		switch {
		case ki == nil && s.groups[o.group]:
			unknownKind(c, s, o)
		case c.m.kustomization && o.group != kustomizeGroup:
			c.report(o.where(), fmt.Sprintf("a kustomization file holds %s %s", o.apiVersion, o.kind),
				"a kustomization file has kind Kustomization (or Component); put other objects in their own file and list it under resources")
		case ki == nil:
			// A custom resource: its schema is the CRD's, not ours.
		case ki.removed != "":
			hint := "the API has no replacement: remove the object"
			if ki.replacement != "" {
				av, _, _ := strings.Cut(ki.replacement, " ")
				hint = fmt.Sprintf("use apiVersion: %s, and check the fields that changed between the versions", av)
			}
			c.report(nodeOr(o.apiVersionNode, o.where()),
				fmt.Sprintf("%s %s was removed in Kubernetes %s", o.apiVersion, o.kind, ki.removed), hint)
		default:
			v := &validator{foldCase: ki.foldCase, patch: patch, report: c.report}
			if o.group != kustomizeGroup {
				v.resource = strings.ToLower(o.kind)
			}
			v.validate(o.node, ki.typ)
		}
	}
	if c.m.kustomization {
		if len(c.m.docs) == 0 && c.m.syntax == nil {
			c.r.Report(c.f.Path, 1, 1, "the kustomization is empty", "kustomize refuses an empty kustomization: list its resources, or remove the file")
		}
		for _, d := range c.m.strays {
			c.report(d, "a kustomization is a mapping of fields, not "+shape(d), "write the kustomization as key: value fields")
		}
		return
	}
	for _, d := range c.m.strays {
		if d.Kind != yaml.MappingNode {
			c.report(d, "document is "+shape(d)+", not a Kubernetes object", "every document of a manifest is an object with apiVersion, kind and metadata; remove it or move it to its own file")
			continue
		}
		var missing []string
		for _, key := range []string{"apiVersion", "kind"} {
			if v, _ := str(d, key); v == "" {
				missing = append(missing, key)
			}
		}
		c.report(d, "document has no "+strings.Join(missing, " and ")+": it is not a Kubernetes object",
			"give it a string apiVersion and kind, or move it out of this manifest")
	}
}

func shape(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return "a scalar (" + strconv.Quote(clip(n.Value)) + ")"
}

func nodeOr(n, fallback *yaml.Node) *yaml.Node {
	if n != nil {
		return n
	}
	return fallback
}

// unknownKind reports an apiVersion/kind of a built-in group that the
// Kubernetes release does not serve.
func unknownKind(c *checkCtx, s *schema, o *object) {
	if versions := s.served[o.kind]; len(versions) > 0 {
		c.report(nodeOr(o.apiVersionNode, o.where()),
			fmt.Sprintf("%s has no kind %s", o.apiVersion, o.kind),
			fmt.Sprintf("use apiVersion: %s", strings.Join(versions, " or ")))
		return
	}
	candidates := s.kindsOf[o.apiVersion]
	if len(candidates) == 0 {
		candidates = s.allKinds()
	}
	hint := "check the spelling; `kubectl api-resources` lists the kinds a cluster serves"
	if k := textdist.Suggest(o.kind, candidates); k != "" {
		hint = fmt.Sprintf("did you mean %s (apiVersion: %s)?", k, strings.Join(s.served[k], " or "))
	}
	c.report(o.where(), fmt.Sprintf("unknown kind %q in %s", o.kind, o.apiVersion), hint)
}

var ruleDeprecatedAPI = lint.NewFileRule(lint.Meta{
	ID:       "k8s/deprecated-api",
	Severity: lint.SeverityWarning,
	Summary:  "Objects do not use an apiVersion that Kubernetes has deprecated",
	Doc: `A deprecated API version still works, but a later Kubernetes release removes it, and
the upgrade of the cluster then breaks the deployment. Move to the replacement while
both are served. (An apiVersion that is already removed is a ` + "`k8s/schema`" + ` error.)

The deprecations are those known to Kubernetes ` + schemaRelease() + `, the release the schema was
generated from.

**Fix:** change the apiVersion to the one the hint names and check the fields that
changed between the versions.`,
	Bad: one("deploy/base/policy.yaml", `apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicy
metadata:
  name: default-labels
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: ["apps"]
        apiVersions: ["v1"]
        operations: ["CREATE"]
        resources: ["deployments"]
`),
	Good: one("deploy/base/policy.yaml", `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicy
metadata:
  name: default-labels
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: ["apps"]
        apiVersions: ["v1"]
        operations: ["CREATE"]
        resources: ["deployments"]
`),
}, isManifest, manifestCheck(checkDeprecated))

func checkDeprecated(c *checkCtx) {
	s := loadSchema()
	for _, o := range c.m.objects {
		ki := s.kinds[o.apiVersion+" "+o.kind]
		if ki == nil || ki.deprecated == "" || ki.removed != "" {
			continue
		}
		hint := "move to a newer version of the API before the cluster is upgraded"
		if ki.replacement != "" {
			av, _, _ := strings.Cut(ki.replacement, " ")
			hint = fmt.Sprintf("use apiVersion: %s", av)
		}
		c.report(nodeOr(o.apiVersionNode, o.where()),
			fmt.Sprintf("%s %s is deprecated since Kubernetes %s", o.apiVersion, o.kind, ki.deprecated), hint)
	}
}
