package catalog

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Validate checks a catalog-info.yaml file the way the Backstage catalog
// does when it ingests it, and returns every problem it finds, sorted by
// document and position. No problems means the catalog accepts the file.
//
// Each YAML document is one entity. Empty documents are skipped, as the
// catalog skips them, but a file with no entity at all is a problem: it
// registers nothing. A document that is not valid YAML is reported at the
// line of the syntax error, and the other documents are still checked. Only
// the built-in kinds are accepted; Options.Validate accepts more.
func Validate(data []byte) []Problem { return Options{}.Validate(data) }

// Options are what an installation adds to the catalog it validates against.
type Options struct {
	// Kinds are kinds beyond the built-in ones that the installation's own
	// processors accept (platform.yaml catalog.kinds). Their entities get the
	// checks of any entity (envelope and metadata); their spec is free-form.
	Kinds []string
}

// Validate is the package's Validate with the installation's additions.
func (o Options) Validate(data []byte) []Problem {
	var problems []Problem
	entities := 0
	for i, ch := range splitDocuments(data) {
		c := &checker{doc: i, lineOffset: ch.lineOffset, kinds: o.Kinds}
		c.document(ch.text)
		problems = append(problems, c.problems...)
		entities += c.entities
	}
	if entities == 0 && len(problems) == 0 {
		problems = append(problems, Problem{Line: 1, Message: MsgNoEntity})
	}
	sortProblems(problems)
	return problems
}

// MsgNoEntity is the problem of a file without a single entity.
const MsgNoEntity = "the file holds no entity, only empty documents or comments: the catalog registers nothing from it"

// document parses and checks one document. It mirrors parseEntityYaml
// (plugins/catalog-node/src/processing/util.ts): YAML errors reject the
// document, null documents are ignored, and anything but an object at the
// root is an error.
func (c *checker) document(text []byte) {
	root, err := parseDocument(text)
	if err != nil {
		line, msg := syntaxError(err, text)
		c.problems = append(c.problems, Problem{Doc: c.doc, Line: line + c.lineOffset, Message: "invalid YAML: " + msg})
		return
	}
	if root == nil {
		return
	}
	c.duplicateKeys(root, "")
	if len(c.problems) > 0 {
		return
	}
	doc := deref(root)
	if doc == nil {
		return
	}
	switch t, _ := typeOf(doc); t {
	case jsNull:
		return
	case jsObject:
		c.entities++
		c.entity(field{node: doc})
	default:
		c.add(doc, "", "the document must be an object (an entity), not %s %s", article(t), t)
	}
}

// parseDocument parses one document with yaml.v3 and returns its root node,
// or nil for an empty document. yaml.v3 reports errors by panicking
// internally and recovering; the recover here only keeps a parser bug on
// hostile input from escaping Validate.
func parseDocument(text []byte) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("yaml: parser failed: %v", r)
		}
	}()
	var n yaml.Node
	if err := yaml.Unmarshal(text, &n); err != nil {
		return nil, err
	}
	if n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
		return nil, nil
	}
	return n.Content[0], nil
}

var (
	yamlErrorLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)
	unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// parserProblems are the messages of libyaml's parser (parserc.go), as
// opposed to its scanner. yaml.v3 prints the 0-based line for those and the
// 1-based line for scanner errors.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// syntaxError turns a yaml.v3 error into a 1-based line of text and a
// message. When yaml.v3 gives no line, the line is found from the message
// where possible, else it is the document's first line.
func syntaxError(err error, text []byte) (int, string) {
	m := yamlErrorLine.FindStringSubmatch(err.Error())
	if m == nil {
		return 1, err.Error()
	}
	msg := m[2]
	line, _ := strconv.Atoi(m[1])
	if parserProblems[msg] {
		line++
	}
	if a := unknownAnchor.FindStringSubmatch(msg); a != nil {
		for i, l := range bytes.Split(text, []byte("\n")) {
			if bytes.Contains(l, []byte("*"+a[1])) {
				line = i + 1
				break
			}
		}
	}
	// Errors found at the end of input name the line after the last one.
	lines := bytes.Count(text, []byte("\n"))
	if len(text) > 0 && text[len(text)-1] != '\n' {
		lines++
	}
	return max(min(line, lines), 1), msg
}
