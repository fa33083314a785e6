package scaffold

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// AnswersFile records a generated repository's provenance.
const AnswersFile = ".platform/answers.yaml"

const answersHeader = `# Written by 'platform new service': the template this repository came from and
# the answers it was made with. Kept for 'platform update'; no timestamps, paths or
# user names, so regenerating with the same answers gives the same bytes.
`

// Answers renders .platform/answers.yaml: template name, path, version and
// source (with the commit for git sources) and the values in parameter order.
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
	vals := mapping()
	for _, kv := range t.Manifest.Ordered(values) {
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
