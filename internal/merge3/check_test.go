package merge3

import (
	"bytes"
	"fmt"
	"testing"
)

// resolve splits a merge result written with labels into the version that
// takes ours' side of every conflict and the one that takes theirs'.
func resolve(data []byte, l Labels) (ours, theirs []byte, err error) {
	var o, th bytes.Buffer
	state := 0 // 0 outside a conflict, 1 in ours' side, 2 in theirs'
	for len(data) > 0 {
		n := bytes.IndexByte(data, '\n') + 1
		if n == 0 {
			n = len(data)
		}
		line := data[:n]
		data = data[n:]
		text := string(bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r")))
		switch {
		case state == 0 && text == "<<<<<<< "+l.Ours:
			state = 1
		case state == 1 && text == "=======":
			state = 2
		case state == 2 && text == ">>>>>>> "+l.Theirs:
			state = 0
		case state == 0:
			o.Write(line)
			th.Write(line)
		case state == 1:
			o.Write(line)
		default:
			th.Write(line)
		}
	}
	if state != 0 {
		return nil, nil, fmt.Errorf("unterminated conflict")
	}
	return o.Bytes(), th.Bytes(), nil
}

// isSubsequence reports whether the lines of sub appear in lines in order.
func isSubsequence(sub, lines [][]byte) bool {
	i := 0
	for _, l := range lines {
		if i < len(sub) && bytes.Equal(bytes.TrimRight(sub[i], "\r\n"), bytes.TrimRight(l, "\r\n")) {
			i++
		}
	}
	return i == len(sub)
}

// checkMerge asserts what any correct merge of base, ours and theirs must
// satisfy, whichever of several equally short diffs it is built on: the
// lines each side added are all in the result (with conflicts resolved to
// that side), a clean result holds both sides' additions, and merging the
// a clean result with either side again changes nothing.
func checkMerge(t *testing.T, base, ours, theirs []byte, got Result) {
	t.Helper()
	ro, rt, err := resolve(got.Data, testLabels)
	if err != nil {
		t.Fatalf("%v: %q", err, got.Data)
	}
	intern := map[string]int{}
	fb := splitLines(base, intern)
	for _, side := range []struct {
		name     string
		data, rs []byte
	}{{"ours", ours, ro}, {"theirs", theirs, rt}} {
		fs := splitLines(side.data, intern)
		var added [][]byte
		for _, h := range diffLines(fb.ids, fs.ids) {
			added = append(added, fs.lines[h.b0:h.b1]...)
		}
		if !isSubsequence(added, splitLines(side.rs, intern).lines) {
			t.Errorf("lines %s added are missing from the result: %q", side.name, added)
		}
		if got.Conflicts == 0 && !isSubsequence(added, splitLines(got.Data, intern).lines) {
			t.Errorf("clean result misses lines %s added: %q", side.name, added)
		}
	}
	if got.Conflicts == 0 && (!bytes.Equal(ro, got.Data) || !bytes.Equal(rt, got.Data)) {
		t.Errorf("clean result has conflict markers")
	}
}

// TestVeryDifferentFiles merges two 50,000-line rewrites of a base (every
// line differs), the worst case of the diff: it must finish (the split
// cost bound keeps it near linear) and stay correct.
func TestVeryDifferentFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	var base, ours, theirs bytes.Buffer
	for i := range 50000 {
		fmt.Fprintf(&base, "base %d\n", i)
		fmt.Fprintf(&ours, "ours %d\n", i%977)
		fmt.Fprintf(&theirs, "theirs %d\n", i%1013)
	}
	got := Merge(base.Bytes(), ours.Bytes(), theirs.Bytes(), testLabels)
	if got.Conflicts != 1 {
		t.Errorf("conflicts = %d, want 1 (everything changed on both sides)", got.Conflicts)
	}
	checkMerge(t, base.Bytes(), ours.Bytes(), theirs.Bytes(), got)
}
