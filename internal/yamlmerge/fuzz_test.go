package yamlmerge

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzMerge checks the invariants that hold for any input: no panic; a
// result that reads back; an untouched file (ours == base) becomes theirs'
// bytes; a template that changed nothing (theirs == base), or a team that
// already has theirs (ours == theirs), leaves ours' bytes alone; merging
// a result again changes nothing.
func FuzzMerge(f *testing.F) {
	v1, v2 := catalog("1.0.0"), catalog("1.1.0")
	seeds := [][3]string{
		{v1, strings.Replace(v1, "lifecycle: experimental", "lifecycle: production # team", 1), v2},
		{v1, strings.Replace(v1, "    - golden-path\n", "    - golden-path\n    - payments\n", 1), strings.Replace(v2, "    - http\n", "", 1)},
		{v1, v1[:strings.Index(v1, "---")], v2 + "---\nkind: Resource\nmetadata: {name: c}\n"},
		{"a: 1\nb: 2\n", "b: 2\nz: &z [1]\ny: *z\n", "a: 1\nn: 5\nb: 3\n"},
		{"x: {a: 1}\ny: {a: 1, b: 2}\n", "x: &x {a: 1}\ny:\n  <<: *x\n  b: 2\n", "x: {a: 1}\ny: {a: 1}\n"},
		{"- 1\n- 2\n", "[1, 3]", "[2, 4]"},
		{"", "a: 1\n", "---\n---\nb: 2\n"},
		{"a: &a [*a]\n", "a: &a [*a, 1]\n", "a: 2\n"},
		{"a: 1\nb: |\n  x\n", "a: 1\r\nb: |\r\n  x\r\n  y\r\nc: \"p\\\r\n  q\"\r\n", "a: 2\nb: |\n  x\n"},
	}
	for _, s := range seeds {
		f.Add([]byte(s[0]), []byte(s[1]), []byte(s[2]))
	}
	force := Options{Force: [][]string{versionPath, {"a"}, {"y", "a"}}}
	f.Fuzz(func(t *testing.T, base, ours, theirs []byte) {
		if len(base)+len(ours)+len(theirs) > 1<<16 {
			return
		}
		for _, opts := range []Options{{}, force} {
			res, err := Merge(base, ours, theirs, opts)
			var pe *ParseError
			if errors.As(err, &pe) {
				continue
			}
			if err != nil {
				t.Fatalf("merge: %v", err) // only invalid input may fail
			}
			if _, err := parse("result", res.Data); err != nil {
				t.Fatalf("result does not parse: %v\n%s", err, res.Data)
			}
			if res.Changed == bytes.Equal(res.Data, ours) {
				t.Fatalf("Changed %v for\n%s", res.Changed, res.Data)
			}
			// What a merge left is what the next one leaves too (unless
			// documents without identity, matched by position, were
			// added or removed: positions then move).
			if again, err := Merge(base, res.Data, theirs, opts); err != nil || (again.Changed && sameAnonymous(base, ours, theirs)) {
				t.Fatalf("merging the result again: %v\n%s\nthen\n%s", err, res.Data, again.Data)
			}
			if res, err := Merge(base, base, theirs, opts); err != nil || !bytes.Equal(res.Data, theirs) {
				t.Fatalf("Merge(base, base, theirs) = %q, %v", res.Data, err)
			}
			if res, err := Merge(base, theirs, theirs, opts); err != nil || res.Changed || !bytes.Equal(res.Data, theirs) {
				t.Fatalf("Merge(base, theirs, theirs) = %+v, %v", res, err)
			}
			if len(opts.Force) == 0 {
				if res, err := Merge(base, ours, base, opts); err != nil || res.Changed || !bytes.Equal(res.Data, ours) || res.Kept != nil {
					t.Fatalf("Merge(base, ours, base) = %+v, %v", res, err)
				}
			}
		}
	})
}

// sameAnonymous reports whether the three streams have as many documents
// without identity each.
func sameAnonymous(streams ...[]byte) bool {
	count := -1
	for _, s := range streams {
		nodes, err := parse("", s)
		if err != nil {
			return false
		}
		n := 0
		for _, d := range nodes {
			if _, _, ok := identity(d); !ok {
				n++
			}
		}
		if count >= 0 && n != count {
			return false
		}
		count = n
	}
	return true
}
