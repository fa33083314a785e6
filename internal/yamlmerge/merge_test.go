package yamlmerge

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// catalog is what `platform new service demo --set database=postgres`
// writes, at template version v.
func catalog(v string) string {
	return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: demo
  description: A Go HTTP service on the golden path
  annotations:
    backstage.io/source-template: template:default/go-service
    backstage.io/techdocs-ref: dir:.
    platform.example.com/template-path: golden
    platform.example.com/template-version: ` + v + `
  tags:
    - go
    - http
    - kubernetes
    - golden-path
spec:
  type: service
  lifecycle: experimental
  owner: group:x
  dependsOn:
    - resource:demo-db
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: demo-db
spec:
  type: database
  owner: group:x
`
}

var versionPath = []string{"metadata", "annotations", "platform.example.com/template-version"}

func TestMerge(t *testing.T) {
	tests := []struct {
		name               string
		base, ours, theirs string
		force              [][]string
		want               string
		kept               []string
	}{
		{
			name: "version bump keeps the team's annotation and comments",
			base: catalog("1.0.0"),
			ours: strings.Replace(strings.Replace(catalog("1.0.0"),
				"    backstage.io/techdocs-ref: dir:.\n",
				"    backstage.io/techdocs-ref: dir:.\n    pagerduty.com/service-id: P123 # on call\n", 1),
				"spec:\n", "# owned by the payments team\nspec:\n", 1),
			theirs: catalog("1.1.0"),
			want: strings.Replace(strings.Replace(catalog("1.1.0"),
				"    backstage.io/techdocs-ref: dir:.\n",
				"    backstage.io/techdocs-ref: dir:.\n    pagerduty.com/service-id: P123 # on call\n", 1),
				"spec:\n", "# owned by the payments team\nspec:\n", 1),
		},
		{
			name:   "both changed lifecycle: ours kept and reported",
			base:   catalog("1.0.0"),
			ours:   strings.Replace(catalog("1.0.0"), "lifecycle: experimental", "lifecycle: production", 1),
			theirs: strings.Replace(catalog("1.1.0"), "lifecycle: experimental", "lifecycle: beta", 1),
			want:   strings.Replace(catalog("1.1.0"), "lifecycle: experimental", "lifecycle: production", 1),
			kept:   []string{"Component demo: spec.lifecycle"},
		},
		{
			name:   "both made the same change",
			base:   catalog("1.0.0"),
			ours:   strings.Replace(catalog("1.0.0"), "lifecycle: experimental", "lifecycle: production", 1),
			theirs: strings.Replace(catalog("1.0.0"), "lifecycle: experimental", "lifecycle: production", 1),
			want:   strings.Replace(catalog("1.0.0"), "lifecycle: experimental", "lifecycle: production", 1),
		},
		{
			name:   "template and team each added a tag",
			base:   catalog("1.0.0"),
			ours:   strings.Replace(catalog("1.0.0"), "    - golden-path\n", "    - golden-path\n    - payments\n", 1),
			theirs: strings.Replace(catalog("1.0.0"), "    - golden-path\n", "    - golden-path\n    - grpc\n", 1),
			want:   strings.Replace(catalog("1.0.0"), "    - golden-path\n", "    - golden-path\n    - payments\n    - grpc\n", 1),
		},
		{
			name:   "template removed a tag the team kept, team added one",
			base:   catalog("1.0.0"),
			ours:   strings.Replace(catalog("1.0.0"), "    - golden-path\n", "    - golden-path\n    - payments\n", 1),
			theirs: strings.Replace(catalog("1.0.0"), "    - http\n", "", 1),
			want:   strings.Replace(strings.Replace(catalog("1.0.0"), "    - golden-path\n", "    - golden-path\n    - payments\n", 1), "    - http\n", "", 1),
		},
		{
			name:   "team comments survive a template change beside them",
			base:   catalog("1.0.0"),
			ours:   strings.Replace(catalog("1.0.0"), "  owner: group:x\n  dependsOn:", "  owner: group:x # us\n  dependsOn:", 1),
			theirs: strings.Replace(catalog("1.0.0"), "lifecycle: experimental", "lifecycle: production", 1),
			want:   strings.Replace(strings.Replace(catalog("1.0.0"), "  owner: group:x\n  dependsOn:", "  owner: group:x # us\n  dependsOn:", 1), "lifecycle: experimental", "lifecycle: production", 1),
		},
		{
			name:   "a sequence the team only commented takes theirs' items",
			base:   "tags: [go, http]\n",
			ours:   "tags:\n  - go # lang\n  - http\n",
			theirs: "tags: [go, grpc, http]\n",
			want:   "tags:\n  - go # lang\n  - grpc\n  - http\n",
		},
		{
			name:   "template removed a key the team did not touch",
			base:   catalog("1.0.0"),
			ours:   strings.Replace(catalog("1.0.0"), "lifecycle: experimental", "lifecycle: production", 1),
			theirs: strings.Replace(catalog("1.0.0"), "  description: A Go HTTP service on the golden path\n", "", 1),
			want:   strings.Replace(strings.Replace(catalog("1.0.0"), "lifecycle: experimental", "lifecycle: production", 1), "  description: A Go HTTP service on the golden path\n", "", 1),
		},
		{
			name:   "template removed a key the team changed",
			base:   catalog("1.0.0"),
			ours:   strings.Replace(catalog("1.0.0"), "A Go HTTP service on the golden path", "Payments API", 1),
			theirs: strings.Replace(catalog("1.0.0"), "  description: A Go HTTP service on the golden path\n", "", 1),
			want:   strings.Replace(catalog("1.0.0"), "A Go HTTP service on the golden path", "Payments API", 1),
			kept:   []string{"Component demo: metadata.description"},
		},
		{
			name: "template added a Resource document",
			base: catalog("1.0.0"),
			ours: strings.Replace(catalog("1.0.0"), "lifecycle: experimental", "lifecycle: production", 1),
			theirs: catalog("1.0.0") + `---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: demo-cache
spec:
  type: cache
  owner: group:x
`,
			want: strings.Replace(catalog("1.0.0"), "lifecycle: experimental", "lifecycle: production", 1) + `---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: demo-cache
spec:
  type: cache
  owner: group:x
`,
		},
		{
			name:   "template removed an untouched Resource",
			base:   catalog("1.0.0"),
			ours:   strings.Replace(catalog("1.0.0"), "lifecycle: experimental", "lifecycle: production", 1),
			theirs: catalog("1.0.0")[:strings.Index(catalog("1.0.0"), "---\n")],
			want:   strings.Replace(catalog("1.0.0")[:strings.Index(catalog("1.0.0"), "---\n")], "lifecycle: experimental", "lifecycle: production", 1),
		},
		{
			name:   "template removed a Resource the team only commented",
			base:   catalog("1.0.0"),
			ours:   catalog("1.0.0") + "# the team's note\n",
			theirs: catalog("1.0.0")[:strings.Index(catalog("1.0.0"), "---\n")],
			want:   catalog("1.0.0")[:strings.Index(catalog("1.0.0"), "---\n")],
		},
		{
			name:   "template removed a Resource the team changed",
			base:   catalog("1.0.0"),
			ours:   strings.Replace(catalog("1.0.0"), "type: database", "type: postgres", 1),
			theirs: catalog("1.0.0")[:strings.Index(catalog("1.0.0"), "---\n")],
			want:   strings.Replace(catalog("1.0.0"), "type: database", "type: postgres", 1),
			kept:   []string{"Resource demo-db"},
		},
		{
			name:   "Force overrides a team edit",
			base:   catalog("1.0.0"),
			ours:   strings.Replace(catalog("1.0.0"), "template-version: 1.0.0", "template-version: 0.9.0 # pinned", 1),
			theirs: catalog("1.1.0"),
			force:  [][]string{versionPath},
			want:   strings.Replace(catalog("1.1.0"), "template-version: 1.1.0", "template-version: 1.1.0 # pinned", 1),
		},
		{
			name:   "without Force the team edit is kept",
			base:   catalog("1.0.0"),
			ours:   strings.Replace(catalog("1.0.0"), "template-version: 1.0.0", "template-version: 0.9.0", 1),
			theirs: catalog("1.1.0"),
			want:   strings.Replace(catalog("1.0.0"), "template-version: 1.0.0", "template-version: 0.9.0", 1),
			kept:   []string{`Component demo: metadata.annotations["platform.example.com/template-version"]`},
		},
		{
			name:   "Force puts back a deleted annotations mapping with only the forced key",
			base:   catalog("1.0.0"),
			ours:   "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: demo\nspec:\n  type: service\n",
			theirs: catalog("1.1.0"),
			force:  [][]string{versionPath},
			want:   "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: demo\n  annotations:\n    platform.example.com/template-version: 1.1.0\nspec:\n  type: service\n",
		},
		{
			name:   "documents only in ours are untouched",
			base:   catalog("1.0.0"),
			ours:   catalog("1.0.0") + "---\n# ours\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: demo-api\nspec: {type: openapi, owner: 'group:x'}\n",
			theirs: catalog("1.1.0"),
			want:   catalog("1.1.0") + "---\n# ours\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: demo-api\nspec: {type: openapi, owner: 'group:x'}\n",
		},
		{
			name:   "key added after the key before it in theirs",
			base:   "a: 1\nb: 2\nc: 3\n",
			ours:   "c: 3\na: 1 # one\nb: 2\nz: 9\n",
			theirs: "a: 1\nnew: 5\nnewer: 6\nb: 2\nc: 3\n",
			want:   "c: 3\na: 1 # one\nnew: 5\nnewer: 6\nb: 2\nz: 9\n",
		},
		{
			name:   "key added at the end when ours lacks the key before it",
			base:   "a: 1\nb: 2\n",
			ours:   "b: 2\nz: 9\n",
			theirs: "a: 1\nnew: 5\nb: 2\n",
			want:   "b: 2\nz: 9\nnew: 5\n",
		},
		{
			name:   "first key of theirs goes at the end",
			base:   "a: 1\n",
			ours:   "a: 1\nz: 9\n",
			theirs: "first: 0\na: 1\n",
			want:   "a: 1\nz: 9\nfirst: 0\n",
		},
		{
			name:   "semantic equality: quoting, flow style, comments",
			base:   "a: x\nl: [1, 2]\nm: {k: v}\n",
			ours:   "a: \"x\" # quoted\nl:\n  - 1\n  - 2\nm:\n  k: 'v'\nteam: yes\n",
			theirs: "a: x\nl: [1, 2]\nm: {k: v}\nnew: 1\n",
			want:   "a: \"x\" # quoted\nl:\n  - 1\n  - 2\nm:\n  k: 'v'\nnew: 1\nteam: yes\n",
		},
		{
			name:   "an int is not a string",
			base:   "port: 8080\n",
			ours:   "port: \"8080\"\n",
			theirs: "port: 9090\n",
			want:   "port: \"8080\"\n",
			kept:   []string{"document 1: port"},
		},
		{
			name:   "an alias equal to base is replaced",
			base:   "d: {lifecycle: x}\nspec: {lifecycle: x}\n",
			ours:   "d: &d {lifecycle: x}\nspec: *d\n",
			theirs: "d: {lifecycle: x}\nspec: {lifecycle: y}\n",
			want:   "d: &d {lifecycle: x}\nspec: {lifecycle: y}\n",
		},
		{
			name:   "a change through an alias is kept",
			base:   "d: {lifecycle: x, owner: a}\nspec: {lifecycle: x, owner: a}\n",
			ours:   "d: &d {lifecycle: x, owner: b}\nspec: *d\n",
			theirs: "d: {lifecycle: x, owner: a}\nspec: {lifecycle: y, owner: a}\n",
			want:   "d: &d {lifecycle: x, owner: b}\nspec: *d\n",
			kept:   []string{"document 1: spec"},
		},
		{
			name:   "an alias is not copied from theirs",
			base:   "a: 1\nb: 2\n",
			ours:   "a: 1\nb: 3\n",
			theirs: "a: &x 5\nb: 2\nc: *x\n",
			want:   "a: 5\nb: 3\n",
			kept:   []string{"document 1: c"},
		},
		{
			name:   "a merge key that supplies the deleted key",
			base:   "x: {a: 1}\ny: {a: 1, b: 2}\n",
			ours:   "x: &x {a: 1}\ny:\n  <<: *x\n  a: 1\n  c: 3\n",
			theirs: "x: {a: 1}\ny: {b: 2}\n",
			want:   "x: &x {a: 1}\ny:\n  <<: *x\n  a: 1\n  c: 3\n",
			kept:   []string{"document 1: y.a"},
		},
		{
			name:   "an anchored value is not dropped",
			base:   "a: 1\nb: 2\n",
			ours:   "a: &x 1\nb: 2\nc: *x\n",
			theirs: "a: 3\nb: 4\n",
			want:   "a: &x 1\nb: 4\nc: *x\n",
			kept:   []string{"document 1: a"},
		},
		{
			name:   "a merge key mapping does not lose keys",
			base:   "x: {a: 1}\ny: {a: 1, b: 2}\n",
			ours:   "x: &x {a: 1}\ny:\n  <<: *x\n  b: 2\n  c: 3\n",
			theirs: "x: {a: 1}\ny: {a: 1}\n",
			want:   "x: &x {a: 1}\ny:\n  <<: *x\n  c: 3\n",
		},
		{
			name:   "template-only change in a nested mapping with a team change beside it",
			base:   catalog("1.0.0"),
			ours:   strings.Replace(catalog("1.0.0"), "  owner: group:x\n  dependsOn:", "  owner: group:payments\n  dependsOn:", 1),
			theirs: strings.Replace(catalog("1.0.0"), "lifecycle: experimental", "lifecycle: production", 1),
			want:   strings.Replace(strings.Replace(catalog("1.0.0"), "  owner: group:x\n  dependsOn:", "  owner: group:payments\n  dependsOn:", 1), "lifecycle: experimental", "lifecycle: production", 1),
		},
		{
			name:   "team deleted a document the template changed",
			base:   catalog("1.0.0"),
			ours:   catalog("1.0.0")[:strings.Index(catalog("1.0.0"), "---\n")] + "# no db\n",
			theirs: strings.Replace(catalog("1.0.0"), "type: database", "type: postgres", 1),
			want:   catalog("1.0.0")[:strings.Index(catalog("1.0.0"), "---\n")] + "# no db\n",
			kept:   []string{"Resource demo-db"},
		},
		{
			name:   "team already has the document the template adds",
			base:   "kind: A\nmetadata: {name: a}\n",
			ours:   "kind: A\nmetadata: {name: a}\n---\nkind: B\nmetadata:\n  name: b\nspec:\n  x: team\n  y: 1\n",
			theirs: "kind: A\nmetadata: {name: a}\n---\nkind: B\nmetadata:\n  name: b\nspec:\n  x: template\n  z: 2\n",
			want:   "kind: A\nmetadata: {name: a}\n---\nkind: B\nmetadata:\n  name: b\nspec:\n  x: team\n  z: 2\n  y: 1\n",
			kept:   []string{"B b: spec.x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Merge([]byte(tt.base), []byte(tt.ours), []byte(tt.theirs), Options{Force: tt.force})
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Data) != tt.want {
				t.Errorf("data:\n%s\nwant:\n%s", got.Data, tt.want)
			}
			if !slices.Equal(got.Kept, tt.kept) {
				t.Errorf("kept %q, want %q", got.Kept, tt.kept)
			}
			if got.Changed != (tt.want != tt.ours) {
				t.Errorf("changed %v, want %v", got.Changed, tt.want != tt.ours)
			}
		})
	}
}

func TestMergeUntouchedEqualsTheirs(t *testing.T) {
	base := []byte(catalog("1.0.0"))
	theirs := []byte("# fresh\n" + catalog("2.0.0"))
	got, err := Merge(base, base, theirs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Data) != string(theirs) || !got.Changed || got.Kept != nil {
		t.Errorf("got %+v", got)
	}
}

func TestMergeNothingToDo(t *testing.T) {
	base := []byte(catalog("1.0.0"))
	ours := []byte("# team\n" + strings.Replace(catalog("1.0.0"), "  owner: group:x\n", "  owner:   'group:x'\n", 1))
	for _, theirs := range [][]byte{base, []byte(catalog("1.0.0") + "\n\n")} {
		got, err := Merge(base, ours, theirs, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Data) != string(ours) || got.Changed || got.Kept != nil {
			t.Errorf("got %+v", got)
		}
	}
}

func TestMergeInvalidYAML(t *testing.T) {
	good := []byte("a: 1\n")
	bad := []byte("a: 1\nb: [\n")
	for _, side := range []string{"base", "ours", "theirs"} {
		in := map[string][]byte{"base": good, "ours": good, "theirs": good}
		in[side] = bad
		_, err := Merge(in["base"], in["ours"], in["theirs"], Options{})
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Side != side {
			t.Fatalf("%s: err %v", side, err)
		}
		if want := side + ": line "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: %q does not start with %q", side, err, want)
		}
	}
}

func TestMergeTooLarge(t *testing.T) {
	big := []byte("a: " + strings.Repeat("x", MaxSize) + "\n")
	_, err := Merge([]byte("a: 1\n"), big, []byte("a: 2\n"), Options{})
	if !errors.Is(err, ErrTooLarge) || !strings.HasPrefix(err.Error(), "ours: ") {
		t.Fatalf("err %v", err)
	}
}

func TestMergeKeepsCRLF(t *testing.T) {
	crlf := func(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }
	ours := strings.Replace(catalog("1.0.0"), "lifecycle: experimental", "lifecycle: production", 1)
	got, err := Merge([]byte(catalog("1.0.0")), crlf(ours), []byte(catalog("1.1.0")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := crlf(strings.Replace(ours, "version: 1.0.0", "version: 1.1.0", 1)); string(got.Data) != string(want) {
		t.Errorf("got %q\nwant %q", got.Data, want)
	}
}
