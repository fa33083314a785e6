package catalog

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// checker collects the problems of one document.
type checker struct {
	doc        int
	lineOffset int // lines of the file that precede the document's text
	problems   []Problem
	// kinds are the installation's own kinds (Options.Kinds).
	kinds []string
	// entities counts the documents that are entities (objects).
	entities int
}

// add records a problem located at node at (which may be nil).
func (c *checker) add(at *yaml.Node, field, format string, args ...any) {
	p := Problem{Doc: c.doc, Field: field, Message: fmt.Sprintf(format, args...)}
	if at != nil {
		p.Line, p.Column = c.line(at), at.Column
	}
	c.problems = append(c.problems, p)
}

// line is the file line of a node of this document.
func (c *checker) line(n *yaml.Node) int {
	return n.Line + c.lineOffset
}
