package catalog

import (
	"fmt"
	"strings"
	"testing"
)

// want is an expected problem; msg is a substring of its message.
type want struct {
	doc, line, col int
	field, msg     string
}

func (w want) String() string {
	return fmt.Sprintf("doc %d %d:%d %s ~ %q", w.doc, w.line, w.col, w.field, w.msg)
}

// expectProblems runs Validate and compares its problems, in order, with
// wants.
// testKinds are the installation's own kinds in the tests, which check the
// envelope and metadata of entities without a built-in spec.
var testKinds = []string{"Widget", "K", "My-Kind"}

func expectProblems(t *testing.T, src string, wants ...want) {
	t.Helper()
	got := Options{Kinds: testKinds}.Validate([]byte(src))
	ok := len(got) == len(wants)
	for i := 0; ok && i < len(got); i++ {
		g, w := got[i], wants[i]
		ok = g.Doc == w.doc && g.Line == w.line && g.Column == w.col && g.Field == w.field &&
			strings.Contains(g.Message, w.msg)
	}
	if !ok {
		var b strings.Builder
		fmt.Fprintf(&b, "Validate(\n%s)\ngot %d problems:\n", src, len(got))
		for _, p := range got {
			fmt.Fprintf(&b, "  doc %d %v\n", p.Doc, p)
		}
		fmt.Fprintf(&b, "want %d:\n", len(wants))
		for _, w := range wants {
			fmt.Fprintf(&b, "  %v\n", w)
		}
		t.Error(b.String())
	}
}

// componentHead is lines 1-4 of a valid Component; metadata fields added
// after it start on line 5.
const componentHead = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc
`

const componentSpec = `spec:
  type: service
  lifecycle: production
  owner: team-a
`

// component is a Component whose metadata ends with extraMeta.
func component(extraMeta string) string {
	return componentHead + extraMeta + componentSpec
}

// entityWithSpec is an entity of kind whose spec body (indented by two
// spaces) starts on line 5.
func entityWithSpec(apiVersion, kind, specBody string) string {
	return fmt.Sprintf("apiVersion: %s\nkind: %s\nmetadata: {name: x}\nspec:\n%s", apiVersion, kind, specBody)
}
