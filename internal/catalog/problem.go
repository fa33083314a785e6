package catalog

import (
	"cmp"
	"fmt"
	"slices"
)

// Problem is one reason the Backstage catalog would reject a document.
type Problem struct {
	// Doc is the 0-based index of the YAML document in the file, counting
	// every document the stream holds, empty ones included.
	Doc int
	// Line and Column locate the offending node, 1-based. Column is 0 when
	// only the line is known (YAML syntax errors).
	Line, Column int
	// Field is the path of the offending field, e.g. "metadata.name" or
	// "spec.dependsOn[1]"; empty for problems with the document as a whole.
	Field string
	// Message says what is wrong and what the catalog expects instead.
	Message string
}

// String formats the problem as "line:column: field: message".
func (p Problem) String() string {
	pos := fmt.Sprintf("%d:%d", p.Line, p.Column)
	if p.Field == "" {
		return fmt.Sprintf("%s: %s", pos, p.Message)
	}
	return fmt.Sprintf("%s: %s: %s", pos, p.Field, p.Message)
}

// sortProblems orders problems by document, position, field and message so
// that Validate's output is stable.
func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(
			cmp.Compare(a.Doc, b.Doc),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Field, b.Field),
			cmp.Compare(a.Message, b.Message),
		)
	})
}
