package promote

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzSetPin checks that SetPin never panics and that an edit it makes reads
// back as the new version while every other line stays as it was.
func FuzzSetPin(f *testing.F) {
	seeds := []struct{ data, image, version string }{
		{golden, img, "0.2.0"},
		{golden, "", digestA},
		{"images:\n- name: x\n  newTag: \"1.2.3\"\n", "x", "1.10"},
		{"images:\n- name: x\n  newTag: '1' # c\n  digest: " + digestA + "\n", "x", "yes"},
		{"images: [{name: x, newTag: \"1\"}]", "x", digestB},
		{"images: [{digest: " + digestA + ", name: x}]", "x", "2"},
		{"images:\r\n  - name: x\r\n", "x", "2"},
		{"\ufeffimages:\n- name: x\n  newTag: !!str &v 1.0.0 # c\n", "x", "1.0.1"},
		{"images:\n- name: x\n  newTag:\n", "", "v1"},
		{"images:\n- name: x\n  newTag: |\n    1\n", "x", "2"},
		{"images:\n- name: x\n  newTag: 1.0\n    .0\n", "x", "2"},
		{"images:\n- &e {name: x, newTag: '1'}\nother: *e\n", "x", "2"},
		{"images:\n- name: \"x\\u00e9\"\n  newTag: a\u2028b\n", "x\u00e9", "2"},
		{"images:\n- name: x\n  digest:\n    sha256:" + strings.Repeat("a", 64) + "\n", "x", "2"},
		{"images: [{name: x,\n  newTag: '1'\n  }]\n", "x", digestA},
	}
	for _, s := range seeds {
		f.Add([]byte(s.data), s.image, s.version)
	}
	f.Fuzz(func(t *testing.T, data []byte, image, version string) {
		if _, err := SetPin(data, image, version); err != nil && ValidVersion(version) != nil {
			// Most mutations make an invalid version; go on with a valid one
			// made from it, so that the edits get fuzzed too.
			version = validTag(version)
		}
		out, err := SetPin(data, image, version)
		if err != nil {
			return
		}
		pin, err := ReadPin(out, image)
		if err != nil {
			t.Fatalf("the result does not read back: %v\n%q", err, out)
		}
		if pin.Version() != version {
			t.Fatalf("read back %q, want %q\n%q", pin.Version(), version, out)
		}
		if before, err := ReadPin(data, image); err == nil && before.Version() == version {
			if !bytes.Equal(out, data) {
				t.Fatalf("an unchanged version changed the file\n%q\n%q", data, out)
			}
		}
		// At most one line is added or rewritten, and it carries the version;
		// what is removed is the rewritten line and the other field.
		var added, removed int
		// Appending to an unterminated last line gives it a break: that is
		// no change to the line.
		bare := func(b []byte) []line {
			lines := splitLines(string(b))
			for i := range lines {
				lines[i] = line{text: strings.TrimSuffix(lines[i].text, "\r")}
			}
			return lines
		}
		for _, op := range diffLines(bare(data), bare(out)) {
			switch op.kind {
			case '+':
				added++
				if !strings.Contains(op.l.text, version) {
					t.Fatalf("line %q was changed but does not carry the version\n%q\n%q", op.l.text, data, out)
				}
			case '-':
				removed++
			}
		}
		if added > 1 || removed > 3 {
			t.Fatalf("%d lines added, %d removed\n%q\n%q", added, removed, data, out)
		}
	})
}

// validTag keeps the characters of s a tag may hold.
func validTag(s string) string {
	var b strings.Builder
	b.WriteByte('v')
	for _, r := range s {
		if b.Len() < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.-", r)) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
