package promote

import (
	"fmt"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	numbered := func(n int, change map[int]string) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			if s, ok := change[i]; ok {
				b.WriteString(s)
				continue
			}
			fmt.Fprintf(&b, "line %d\n", i)
		}
		return b.String()
	}
	cases := []struct{ name, before, after, want string }{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"one line", numbered(10, nil), numbered(10, map[int]string{5: "five\n"}),
			"--- a/k.yaml\n+++ b/k.yaml\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+five\n line 6\n line 7\n line 8\n"},
		{"first line", "a\nb\n", "x\nb\n", "--- a/k.yaml\n+++ b/k.yaml\n@@ -1,2 +1,2 @@\n-a\n+x\n b\n"},
		{"inserted", "a\nb\nc\n", "a\nb\nnew\nc\n", "--- a/k.yaml\n+++ b/k.yaml\n@@ -1,3 +1,4 @@\n a\n b\n+new\n c\n"},
		{"removed", "a\nb\nc\n", "a\nc\n", "--- a/k.yaml\n+++ b/k.yaml\n@@ -1,3 +1,2 @@\n a\n-b\n c\n"},
		{"from empty", "", "a\n", "--- a/k.yaml\n+++ b/k.yaml\n@@ -0,0 +1 @@\n+a\n"},
		{"no newline at the end", "a\nb", "a\nc", "--- a/k.yaml\n+++ b/k.yaml\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"},
		{"two hunks", numbered(20, nil), numbered(20, map[int]string{2: "two\n", 18: "eighteen\n"}),
			"--- a/k.yaml\n+++ b/k.yaml\n@@ -1,5 +1,5 @@\n line 1\n-line 2\n+two\n line 3\n line 4\n line 5\n" +
				"@@ -15,6 +15,6 @@\n line 15\n line 16\n line 17\n-line 18\n+eighteen\n line 19\n line 20\n"},
		{"close changes share a hunk", numbered(12, nil), numbered(12, map[int]string{3: "three\n", 9: "nine\n"}),
			"--- a/k.yaml\n+++ b/k.yaml\n@@ -1,12 +1,12 @@\n line 1\n line 2\n-line 3\n+three\n line 4\n line 5\n line 6\n line 7\n line 8\n-line 9\n+nine\n line 10\n line 11\n line 12\n"},
		{"replace and remove", "- name: x\n  newName: y\n  newTag: 1\n", "- name: x\n  digest: d\n  newName: y\n",
			"--- a/k.yaml\n+++ b/k.yaml\n@@ -1,3 +1,3 @@\n - name: x\n+  digest: d\n   newName: y\n-  newTag: 1\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Diff("k.yaml", []byte(c.before), []byte(c.after)); got != c.want {
				t.Fatalf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestDiffOfAPromotion(t *testing.T) {
	after, err := SetPin([]byte(golden), img, "0.2.0")
	if err != nil {
		t.Fatal(err)
	}
	want := "--- a/deploy/overlays/staging/kustomization.yaml\n+++ b/deploy/overlays/staging/kustomization.yaml\n" +
		"@@ -6,4 +6,4 @@\n # The version running in staging. `platform promote staging` edits newTag in a merge request.\n images:\n" +
		"   - name: registry.example.com/payments/payments-api\n-    newTag: 0.1.0\n+    newTag: 0.2.0\n"
	if got := Diff(OverlayPath("staging"), []byte(golden), after); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}
