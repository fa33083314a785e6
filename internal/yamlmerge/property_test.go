package yamlmerge

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// randValue makes a small random YAML value.
func randValue(r *rand.Rand, depth int) any {
	switch n := r.IntN(6); {
	case n == 0 && depth < 3:
		m := map[string]any{}
		for i := range r.IntN(4) {
			m[fmt.Sprintf("k%d", i)] = randValue(r, depth+1)
		}
		return m
	case n == 1:
		var s []any
		for range r.IntN(4) {
			s = append(s, fmt.Sprintf("item%d", r.IntN(6)))
		}
		return s
	case n == 2:
		return r.IntN(3)
	default:
		return fmt.Sprintf("v%d", r.IntN(3))
	}
}

// edit changes, adds or deletes the given top-level keys of a copy of m.
func edit(r *rand.Rand, m map[string]any, keys []string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for _, k := range keys {
		if r.IntN(4) == 0 {
			delete(out, k)
		} else {
			out[k] = randValue(r, 1)
		}
	}
	return out
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMergeDisjointEdits checks, on random documents, that when the team
// and the template change different keys the result holds both changes
// and nothing is reported.
func TestMergeDisjointEdits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	keys := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for i := range 500 {
		base := map[string]any{}
		for _, k := range keys[:r.IntN(len(keys))] {
			base[k] = randValue(r, 1)
		}
		perm := r.Perm(len(keys))
		var mine, tmpl []string
		for j, p := range perm {
			switch j % 3 {
			case 0:
				mine = append(mine, keys[p])
			case 1:
				tmpl = append(tmpl, keys[p])
			}
		}
		ours, theirs := edit(r, base, mine), edit(r, base, tmpl)
		want := edit(r, ours, nil)
		for _, k := range tmpl {
			if v, ok := theirs[k]; ok {
				want[k] = v
			} else {
				delete(want, k)
			}
		}
		b, o, th := marshal(t, base), marshal(t, ours), marshal(t, theirs)
		res, err := Merge(b, o, th, Options{})
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		var got map[string]any
		if err := yaml.Unmarshal(res.Data, &got); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		var wantRead map[string]any // as YAML reads it back
		if err := yaml.Unmarshal(marshal(t, want), &wantRead); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, wantRead) || res.Kept != nil {
			t.Fatalf("case %d:\nbase:\n%s\nours:\n%s\ntheirs:\n%s\ngot:\n%s\nwant:\n%s\nkept %q", i, b, o, th, res.Data, marshal(t, want), res.Kept)
		}
	}
}
