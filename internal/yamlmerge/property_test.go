package yamlmerge

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
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

// TestMergeRulesAtTopLevel checks, on random documents edited on both
// sides (often the same keys), the rules for each top-level key whose
// three values are not all mappings or all sequences.
func TestMergeRulesAtTopLevel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	keys := []string{"a", "b", "c", "d", "e"}
	read := func(b []byte) map[string]any {
		var m map[string]any
		if err := yaml.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	conflicts := 0
	for i := range 1000 {
		base := map[string]any{}
		for _, k := range keys[:r.IntN(len(keys))] {
			base[k] = randValue(r, 1)
		}
		mine := keys[:r.IntN(len(keys))]
		tmpl := keys[r.IntN(len(keys)):]
		b, o, th := marshal(t, base), marshal(t, edit(r, base, mine)), marshal(t, edit(r, base, tmpl))
		res, err := Merge(b, o, th, Options{})
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		bm, om, tm, got := read(b), read(o), read(th), read(res.Data)
		for _, k := range keys {
			bv, bok := bm[k]
			ov, ook := om[k]
			tv, tok := tm[k]
			gv, gok := got[k]
			same := func(v any, ok bool, w any, wok bool) bool { return ok == wok && reflect.DeepEqual(v, w) }
			kept := slices.Contains(res.Kept, "document 1: "+k)
			var want any
			var wantOK, wantKept bool
			switch {
			case same(tv, tok, bv, bok):
				want, wantOK = ov, ook
			case same(ov, ook, bv, bok):
				want, wantOK = tv, tok
			case same(ov, ook, tv, tok):
				want, wantOK = ov, ook
			case kindOf(ov) == kindOf(tv) && kindOf(ov) != "scalar" && (!bok || kindOf(bv) == kindOf(ov)):
				continue // merged below the top level
			default:
				want, wantOK, wantKept = ov, ook, true
			}
			if wantKept {
				conflicts++
			}
			if !same(gv, gok, want, wantOK) || kept != wantKept {
				t.Fatalf("case %d, key %s:\nbase:\n%s\nours:\n%s\ntheirs:\n%s\ngot:\n%s\nkept %q", i, k, b, o, th, res.Data, res.Kept)
			}
		}
	}
	if conflicts < 100 {
		t.Errorf("only %d conflicts in 1000 cases: the generator needs work", conflicts)
	}
}

func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "map"
	case []any:
		return "seq"
	}
	return "scalar"
}
