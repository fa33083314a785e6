package scaffold

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// AnswersFile records a generated repository's provenance.
const AnswersFile = ".platform/answers.yaml"

const answersHeader = `# Written by 'platform new service': the template this repository came from and
# the answers it was made with. Kept for 'platform update'; no timestamps, paths or
# user names, so regenerating with the same answers gives the same bytes.
`

// Answers renders .platform/answers.yaml: template name, path, version and
// source (with the commit for git sources) and the values in parameter order,
// without those of secret parameters and of conditional ones that do not apply.
func Answers(t *Template, values Values) ([]byte, error) {
	tmpl := mapping(
		"name", scalar(t.Manifest.Metadata.Name),
		"path", scalar(t.Manifest.Spec.Path),
		"version", scalar(t.Manifest.Spec.Version),
		"source", scalar(t.Source.Kind),
	)
	if t.Source.Ref != "" {
		tmpl.Content = append(tmpl.Content, scalar("ref"), scalar(t.Source.Ref))
	}
	if t.Source.Commit != "" {
		tmpl.Content = append(tmpl.Content, scalar("commit"), scalar(t.Source.Commit))
	}
	if av := t.Manifest.APIVersion; av != "" && av != APIVersion {
		// Another kind of template (a Backstage Software Template): say so,
		// so that an update runs it the same way.
		tmpl.Content = append(tmpl.Content, scalar("apiVersion"), scalar(av))
	}
	vals := mapping()
	for _, kv := range t.Manifest.Ordered(values) {
		// A parameter whose condition does not hold has only its zero
		// value: recorded, it would be given on the next run.
		if p := t.Manifest.Parameter(kv[0].(string)); p != nil && (p.Secret || !t.Manifest.Active(p, values)) {
			continue
		}
		var n yaml.Node
		if err := n.Encode(kv[1]); err != nil {
			return nil, fmt.Errorf("encode answer %v: %w", kv[0], err)
		}
		vals.Content = append(vals.Content, scalar(kv[0].(string)), &n)
	}
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{mapping("template", tmpl, "values", vals)}}
	var buf bytes.Buffer
	buf.WriteString(answersHeader)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode %s: %w", AnswersFile, err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s, Tag: "!!str"} }

func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, scalar(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}

// Provenance is what .platform/answers.yaml records: the template a service
// was made from and the answers it was made with.
type Provenance struct {
	Template RecordedTemplate `yaml:"template"`
	// Values are the answers as recorded, in YAML's types; Inputs.Recorded
	// converts them to each parameter's type.
	Values Values `yaml:"values"`
}

// RecordedTemplate is the template section of .platform/answers.yaml.
type RecordedTemplate struct {
	Name    string `yaml:"name"`
	Path    string `yaml:"path"`
	Version string `yaml:"version"`
	// Source is the Source kind: embedded, local or git.
	Source string `yaml:"source"`
	// Ref is the git reference (URL//SUBDIR@REF) of a git template.
	Ref string `yaml:"ref,omitempty"`
	// Commit is the commit a git template's ref resolved to.
	Commit string `yaml:"commit,omitempty"`
	// APIVersion is the kind of template when it is not the platform's own
	// (scaffolder.backstage.io/v1beta3 for a Backstage Software Template).
	APIVersion string `yaml:"apiVersion,omitempty"`
}

// AnswersError is an answers file that cannot be read.
type AnswersError struct{ Msg string }

func (e *AnswersError) Error() string { return AnswersFile + ": " + e.Msg }

// ReadAnswers parses .platform/answers.yaml as Answers writes it. Unknown
// keys are allowed (a newer platform may record more); a missing template
// name, version or source, an unknown source kind, or a git source without
// its ref is an *AnswersError.
func ReadAnswers(data []byte) (*Provenance, error) {
	var p Provenance
	if err := yaml.Unmarshal(data, &p); err != nil {
		return nil, &AnswersError{Msg: fmt.Sprintf("not valid YAML: %v (restore it from git history)", err)}
	}
	t := p.Template
	var missing []string
	for _, f := range []struct{ key, value string }{{"name", t.Name}, {"version", t.Version}, {"source", t.Source}} {
		if f.value == "" {
			missing = append(missing, "template."+f.key)
		}
	}
	if len(missing) > 0 {
		return nil, &AnswersError{Msg: fmt.Sprintf("%s missing: the file was not written by 'platform new service' (restore it from git history)", strings.Join(missing, ", "))}
	}
	switch t.Source {
	case SourceEmbedded, SourceLocal:
	case SourceGit:
		if t.Ref == "" {
			return nil, &AnswersError{Msg: "template.ref missing for a git template: it says where the template lives"}
		}
	default:
		return nil, &AnswersError{Msg: fmt.Sprintf("unknown template.source %q (want embedded, local or git)", t.Source)}
	}
	if p.Values == nil {
		p.Values = Values{}
	}
	return &p, nil
}
