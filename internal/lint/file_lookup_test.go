package lint

import (
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestLookupHonoursMergeKeys(t *testing.T) {
	src := `base: &base
  image: golang:1.26
  stage: test
  vars: {a: 1}
more: &more
  stage: build
  tags: [x]
job:
  <<: [*base, *more]
  stage: lint
one:
  <<: *more
quoted:
  "<<": *base
nested:
  <<: {<<: *base}
`
	f := NewFile("x.yaml", []byte(src))
	docs, err := f.YAML()
	if err != nil {
		t.Fatal(err)
	}
	doc := docs[0]
	for _, tc := range []struct {
		keys []string
		want string
	}{
		{[]string{"job", "stage"}, "lint"},        // the mapping's own key wins
		{[]string{"job", "image"}, "golang:1.26"}, // from the first merged mapping
		{[]string{"job", "tags"}, "[x]"},          // from the second
		{[]string{"job", "vars", "a"}, "1"},       // a path goes on below a merged value
		{[]string{"one", "stage"}, "build"},       // <<: *anchor
		{[]string{"nested", "image"}, "golang:1.26"},
		{[]string{"quoted", "image"}, ""}, // a quoted "<<" is a plain key
		{[]string{"job", "nope"}, ""},
	} {
		got := ""
		if n := Lookup(doc, tc.keys...); n != nil {
			got = n.Value
			if n.Kind != yaml.ScalarNode && len(n.Content) > 0 {
				got = "[" + n.Content[0].Value + "]"
			}
		}
		if got != tc.want {
			t.Errorf("Lookup(%v) = %q, want %q", tc.keys, got, tc.want)
		}
	}
	if KeyNode(Lookup(doc, "job"), "image") != nil {
		t.Error("KeyNode must find only the mapping's own keys")
	}
}

// Anchors that merge each other many times over stay linear: every mapping is
// visited once per lookup, so a miss does not explode.
func TestLookupMergeKeysStayLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString("m0: &m0 {a: 1}\n")
	for i := 1; i < 40; i++ {
		b.WriteString("m" + strconv.Itoa(i) + ": &m" + strconv.Itoa(i) + " {<<: [")
		for j := 0; j < 8; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*m" + strconv.Itoa(i-1))
		}
		b.WriteString("]}\n")
	}
	f := NewFile("x.yaml", []byte(b.String()))
	docs, err := f.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if Lookup(docs[0], "m39", "missing") != nil {
		t.Fatal("found a missing key")
	}
	if got, _ := Scalar(Lookup(docs[0], "m39", "a")); got != "1" {
		t.Fatalf("m39.a = %q", got)
	}
}
