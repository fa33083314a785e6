package merge3

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var testLabels = Labels{Ours: "ours", Base: "base", Theirs: "go-service 1.2.0"}

type mergeCase struct {
	name               string
	base, ours, theirs string
	want               string
	conflicts          int
}

// cases are the behaviours the update engine relies on; want was checked
// against git merge-file (TestMatchesGit re-checks it where git is installed).
var cases = []mergeCase{
	{
		name: "ours only",
		base: "a\nb\nc\n", ours: "a\nB\nc\n", theirs: "a\nb\nc\n",
		want: "a\nB\nc\n",
	},
	{
		name: "theirs only",
		base: "a\nb\nc\n", ours: "a\nb\nc\n", theirs: "a\nb\nC\n",
		want: "a\nb\nC\n",
	},
	{
		name: "non-overlapping both",
		base: "1\n2\n3\n4\n5\n6\n7\n8\n9\n", ours: "one\n2\n3\n4\n5\n6\n7\n8\n9\n", theirs: "1\n2\n3\n4\n5\n6\n7\n8\nnine\n",
		want: "one\n2\n3\n4\n5\n6\n7\n8\nnine\n",
	},
	{
		name: "identical changes",
		base: "a\nb\nc\n", ours: "a\nX\nc\nd\n", theirs: "a\nX\nc\nd\n",
		want: "a\nX\nc\nd\n",
	},
	{
		name: "same line differently",
		base: "a\nb\nc\n", ours: "a\nours\nc\n", theirs: "a\ntheirs\nc\n",
		want:      "a\n<<<<<<< ours\nours\n=======\ntheirs\n>>>>>>> go-service 1.2.0\nc\n",
		conflicts: 1,
	},
	{
		name: "adjacent lines",
		base: "a\nb\nc\nd\n", ours: "a\nB\nc\nd\n", theirs: "a\nb\nC\nd\n",
		want:      "a\n<<<<<<< ours\nB\nc\n=======\nb\nC\n>>>>>>> go-service 1.2.0\nd\n",
		conflicts: 1,
	},
	{
		name: "one line apart",
		base: "a\nb\nc\nd\ne\n", ours: "a\nB\nc\nd\ne\n", theirs: "a\nb\nc\nD\ne\n",
		want: "a\nB\nc\nD\ne\n",
	},
	{
		name: "insert at start both",
		base: "a\nb\n", ours: "o\na\nb\n", theirs: "t\na\nb\n",
		want:      "<<<<<<< ours\no\n=======\nt\n>>>>>>> go-service 1.2.0\na\nb\n",
		conflicts: 1,
	},
	{
		name: "insert at start ours end theirs",
		base: "a\nb\nc\n", ours: "o\na\nb\nc\n", theirs: "a\nb\nc\nt\n",
		want: "o\na\nb\nc\nt\n",
	},
	{
		name: "both added different lines at end",
		base: "a\nb\n", ours: "a\nb\nours\n", theirs: "a\nb\ntheirs\n",
		want:      "a\nb\n<<<<<<< ours\nours\n=======\ntheirs\n>>>>>>> go-service 1.2.0\n",
		conflicts: 1,
	},
	{
		name: "no trailing newline conflict",
		base: "a\nb", ours: "a\nours", theirs: "a\ntheirs",
		want:      "a\n<<<<<<< ours\nours\n=======\ntheirs\n>>>>>>> go-service 1.2.0\n",
		conflicts: 1,
	},
	{
		name: "no trailing newline clean",
		base: "a\nb\nc", ours: "A\nb\nc", theirs: "a\nb\nC",
		want: "A\nb\nC",
	},
	{
		name: "theirs drops trailing newline",
		base: "a\nb\nc\nd\n", ours: "A\nb\nc\nd\n", theirs: "a\nb\nc\nd",
		want: "A\nb\nc\nd",
	},
	{
		name: "empty base both added",
		base: "", ours: "o\n", theirs: "t\n",
		want:      "<<<<<<< ours\no\n=======\nt\n>>>>>>> go-service 1.2.0\n",
		conflicts: 1,
	},
	{
		name: "empty base same content",
		base: "", ours: "x\n", theirs: "x\n",
		want: "x\n",
	},
	{
		name: "all empty",
		want: "",
	},
	{
		name: "ours emptied theirs edited",
		base: "a\nb\n", ours: "", theirs: "a\nB\n",
		want:      "<<<<<<< ours\n=======\na\nB\n>>>>>>> go-service 1.2.0\n",
		conflicts: 1,
	},
	{
		name: "crlf clean",
		base: "a\r\nb\r\nc\r\nd\r\ne\r\n", ours: "A\r\nb\r\nc\r\nd\r\ne\r\n", theirs: "a\r\nb\r\nc\r\nd\r\nE\r\n",
		want: "A\r\nb\r\nc\r\nd\r\nE\r\n",
	},
	{
		name: "crlf conflict",
		base: "a\r\nb\r\nc\r\n", ours: "a\r\nours\r\nc\r\n", theirs: "a\r\ntheirs\r\nc\r\n",
		want:      "a\r\n<<<<<<< ours\r\nours\r\n=======\r\ntheirs\r\n>>>>>>> go-service 1.2.0\r\nc\r\n",
		conflicts: 1,
	},
	{
		name: "crlf conflict without final newline",
		base: "a\r\nb", ours: "a\r\nours", theirs: "a\r\ntheirs",
		want:      "a\r\n<<<<<<< ours\r\nours\r\n=======\r\ntheirs\r\n>>>>>>> go-service 1.2.0\r\n",
		conflicts: 1,
	},
	{
		name: "crlf ours lf theirs",
		base: "a\r\nb\r\nc\r\n", ours: "a\r\nours\r\nc\r\n", theirs: "a\ntheirs\nc\n",
		want:      "<<<<<<< ours\na\r\nours\r\nc\r\n=======\na\ntheirs\nc\n>>>>>>> go-service 1.2.0\n",
		conflicts: 1,
	},
	{
		name: "refined conflict keeps common lines out",
		base: "a\nb\nc\nd\n", ours: "a\nx\nsame\ny\nd\n", theirs: "a\nz\nsame\nw\nd\n",
		want:      "a\n<<<<<<< ours\nx\nsame\ny\n=======\nz\nsame\nw\n>>>>>>> go-service 1.2.0\nd\n",
		conflicts: 1,
	},
	{
		name:      "two conflicts far apart",
		base:      "a\n1\n2\n3\n4\n5\nb\n",
		ours:      "A1\n1\n2\n3\n4\n5\nB1\n",
		theirs:    "A2\n1\n2\n3\n4\n5\nB2\n",
		want:      "<<<<<<< ours\nA1\n=======\nA2\n>>>>>>> go-service 1.2.0\n1\n2\n3\n4\n5\n<<<<<<< ours\nB1\n=======\nB2\n>>>>>>> go-service 1.2.0\n",
		conflicts: 2,
	},
	{
		name:      "conflicts joined across punctuation",
		base:      "a\n}\n}\n)\n]\nb\n",
		ours:      "A1\n}\n}\n)\n]\nB1\n",
		theirs:    "A2\n}\n}\n)\n]\nB2\n",
		want:      "<<<<<<< ours\nA1\n}\n}\n)\n]\nB1\n=======\nA2\n}\n}\n)\n]\nB2\n>>>>>>> go-service 1.2.0\n",
		conflicts: 1,
	},
	{
		name:      "a one-sided change between conflicts keeps them apart",
		base:      "a\n1\n2\n3\nb\n",
		ours:      "A1\n1\nn1\nn2\n2\n3\nB1\n",
		theirs:    "A2\n1\n2\n3\nB2\n",
		want:      "<<<<<<< ours\nA1\n=======\nA2\n>>>>>>> go-service 1.2.0\n1\nn1\nn2\n2\n3\n<<<<<<< ours\nB1\n=======\nB2\n>>>>>>> go-service 1.2.0\n",
		conflicts: 2,
	},
	{
		name:      "conflicts joined across non-ASCII lines",
		base:      "a\né\né\né\né\nb\n",
		ours:      "A1\né\né\né\né\nB1\n",
		theirs:    "A2\né\né\né\né\nB2\n",
		want:      "<<<<<<< ours\nA1\né\né\né\né\nB1\n=======\nA2\né\né\né\né\nB2\n>>>>>>> go-service 1.2.0\n",
		conflicts: 1,
	},
	{
		name:   "yaml manifest team edits one line template another",
		base:   yamlBase,
		ours:   strings.Replace(yamlBase, "replicas: 2", "replicas: 5", 1),
		theirs: strings.Replace(yamlBase, "readOnlyRootFilesystem: false", "readOnlyRootFilesystem: true", 1),
		want: strings.Replace(strings.Replace(yamlBase, "replicas: 2", "replicas: 5", 1),
			"readOnlyRootFilesystem: false", "readOnlyRootFilesystem: true", 1),
	},
	{
		name:   "yaml manifest both edit the same line",
		base:   yamlBase,
		ours:   strings.Replace(yamlBase, "image: payments:1.0.0", "image: payments:1.4.2", 1),
		theirs: strings.Replace(yamlBase, "image: payments:1.0.0", "image: registry.example.com/payments:1.0.0", 1),
		want: strings.Replace(yamlBase, "          image: payments:1.0.0\n",
			"<<<<<<< ours\n          image: payments:1.4.2\n=======\n          image: registry.example.com/payments:1.0.0\n>>>>>>> go-service 1.2.0\n", 1),
		conflicts: 1,
	},
	{
		name:   "template removed a block the team edited",
		base:   yamlBase,
		ours:   strings.Replace(yamlBase, "cpu: 100m", "cpu: 250m", 1),
		theirs: strings.Replace(yamlBase, resourcesBlock, "", 1),
		want: strings.Replace(yamlBase, resourcesBlock,
			"<<<<<<< ours\n"+strings.Replace(resourcesBlock, "cpu: 100m", "cpu: 250m", 1)+"=======\n>>>>>>> go-service 1.2.0\n", 1),
		conflicts: 1,
	},
	{
		name:   "go file team edited a function the template did not touch",
		base:   goBase,
		ours:   strings.Replace(goBase, "\treturn \"ok\"\n", "\tlog.Print(\"health\")\n\treturn \"ok\"\n", 1),
		theirs: strings.Replace(goBase, "const version = \"1.0.0\"", "const version = \"1.2.0\"", 1),
		want: strings.Replace(strings.Replace(goBase, "\treturn \"ok\"\n", "\tlog.Print(\"health\")\n\treturn \"ok\"\n", 1),
			"const version = \"1.0.0\"", "const version = \"1.2.0\"", 1),
	},
}

const resourcesBlock = `          resources:
            requests:
              cpu: 100m
              memory: 128Mi
`

const yamlBase = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
  labels:
    app: payments
spec:
  replicas: 2
  selector:
    matchLabels:
      app: payments
  template:
    metadata:
      labels:
        app: payments
    spec:
      containers:
        - name: payments
          image: payments:1.0.0
` + resourcesBlock + `          securityContext:
            runAsNonRoot: true
            readOnlyRootFilesystem: false
`

const goBase = `package main

import "log"

const version = "1.0.0"

func health() string {
	return "ok"
}

func main() {
	log.Printf("payments %s", version)
	log.Print(health())
}
`

func TestMerge(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Merge([]byte(c.base), []byte(c.ours), []byte(c.theirs), testLabels)
			if string(got.Data) != c.want {
				t.Errorf("merge:\n got %q\nwant %q", got.Data, c.want)
			}
			if got.Conflicts != c.conflicts {
				t.Errorf("conflicts = %d, want %d", got.Conflicts, c.conflicts)
			}
		})
	}
}

// gitMerge runs git merge-file -p outside any repository, without the user's
// configuration (merge.conflictStyle would change the output).
func gitMerge(t testing.TB, base, ours, theirs []byte, l Labels) ([]byte, int) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string][]byte{"base": base, "ours": ours, "theirs": theirs} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("git", "merge-file", "-p", "-L", l.Ours, "-L", l.Base, "-L", l.Theirs, "ours", "base", "theirs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"HOME="+dir, "GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("git merge-file: %v: %s", err, stderr.String())
	}
	if code < 0 || code > 127 {
		t.Fatalf("git merge-file failed (%d): %s", code, stderr.String())
	}
	return out, code
}

func needGit(t testing.TB) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

func TestMatchesGit(t *testing.T) {
	needGit(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			compareWithGit(t, []byte(c.base), []byte(c.ours), []byte(c.theirs), true)
		})
	}
}

// compareWithGit checks that Merge is correct (checkMerge) and reports
// whether it wrote what git merge-file writes; with strict, a difference
// fails the test.
func compareWithGit(t *testing.T, base, ours, theirs []byte, strict bool) (identical bool) {
	t.Helper()
	want, code := gitMerge(t, base, ours, theirs, testLabels)
	got := Merge(base, ours, theirs, testLabels)
	checkMerge(t, base, ours, theirs, got)
	identical = bytes.Equal(got.Data, want) && min(got.Conflicts, 127) == code
	if !strict {
		return identical
	}
	if !bytes.Equal(got.Data, want) {
		t.Errorf("differs from git merge-file\nbase   %q\nours   %q\ntheirs %q\n got %q\ngit %q", base, ours, theirs, got.Data, want)
	}
	if min(got.Conflicts, 127) != code { // git's exit status is capped at 127
		t.Errorf("conflicts = %d, git says %d", got.Conflicts, code)
	}
	return identical
}

// randomEdit applies a few random line edits (replace, insert, delete) to
// base, drawing new lines from a small alphabet so that repeated lines and
// accidental matches happen, as they do in real files.
func randomEdit(r *rand.Rand, base []string, crlf bool) []string {
	out := append([]string(nil), base...)
	words := []string{"a", "b", "c", "x", "y", "}", "", "\tfoo()", "bar: 1"}
	eol := "\n"
	if crlf {
		eol = "\r\n"
	}
	for range r.IntN(4) {
		pos := r.IntN(len(out) + 1)
		line := words[r.IntN(len(words))] + eol
		if r.IntN(8) == 0 { // a file with mixed line endings
			line = strings.TrimSuffix(line, "\r\n") + "\n"
			if !crlf {
				line = strings.TrimSuffix(line, "\n") + "\r\n"
			}
		}
		switch op := r.IntN(3); {
		case op == 0 && pos < len(out):
			out[pos] = line
		case op == 1 && pos < len(out):
			out = append(out[:pos], out[pos+1:]...)
		default:
			out = append(out[:pos], append([]string{line}, out[pos:]...)...)
		}
	}
	return out
}

func randomBase(r *rand.Rand, crlf bool) []string {
	n := r.IntN(15)
	words := []string{"a", "b", "c", "d", "e", "}", "", "func f() {", "x: 1", "y: 2"}
	eol := "\n"
	if crlf {
		eol = "\r\n"
	}
	base := make([]string, n)
	for i := range base {
		base[i] = words[r.IntN(len(words))] + eol
	}
	return base
}

func join(lines []string, dropEOL bool) []byte {
	s := strings.Join(lines, "")
	if dropEOL {
		s = strings.TrimRight(s, "\r\n")
	}
	return []byte(s)
}

func TestRandomMatchesGit(t *testing.T) {
	needGit(t)
	r := rand.New(rand.NewPCG(12, 2026))
	n := 400
	if testing.Short() {
		n = 50
	}
	same := 0
	defer func() { t.Logf("identical to git merge-file: %d of %d", same, n) }()
	for i := range n {
		crlf := r.IntN(8) == 0
		base := randomBase(r, crlf)
		ours := randomEdit(r, base, crlf)
		theirs := randomEdit(r, base, crlf)
		b := join(base, r.IntN(10) == 0)
		o := join(ours, r.IntN(10) == 0)
		th := join(theirs, r.IntN(10) == 0)
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			if compareWithGit(t, b, o, th, true) {
				same++
			}
		})
	}
}

func TestIsBinary(t *testing.T) {
	if IsBinary([]byte("text\nmore\n")) {
		t.Error("text reported binary")
	}
	if !IsBinary([]byte("PNG\x00\x01")) {
		t.Error("NUL not reported binary")
	}
	late := append(bytes.Repeat([]byte("a"), 8000), 0)
	if IsBinary(late) {
		t.Error("NUL after 8000 bytes counts (git looks at the first 8000 only)")
	}
	if !IsBinary(late[1:]) {
		t.Error("NUL at byte 8000 not reported")
	}
}

// countLines counts the lines of data equal to line, ignoring a CR before
// the LF.
func countLines(data []byte, line string) int {
	n := 0
	for _, l := range bytes.Split(data, []byte("\n")) {
		if string(bytes.TrimSuffix(l, []byte("\r"))) == line {
			n++
		}
	}
	return n
}

func FuzzMerge(f *testing.F) {
	for _, c := range cases {
		f.Add([]byte(c.base), []byte(c.ours), []byte(c.theirs))
	}
	f.Fuzz(func(t *testing.T, base, ours, theirs []byte) {
		l := Labels{Ours: "ours", Base: "base", Theirs: "theirs"}
		if got := Merge(base, base, theirs, l); !bytes.Equal(got.Data, theirs) || got.Conflicts != 0 {
			t.Fatalf("ours == base: got %q, want theirs %q", got.Data, theirs)
		}
		if got := Merge(base, ours, base, l); !bytes.Equal(got.Data, ours) || got.Conflicts != 0 {
			t.Fatalf("theirs == base: got %q, want ours %q", got.Data, ours)
		}
		if got := Merge(base, ours, ours, l); !bytes.Equal(got.Data, ours) || got.Conflicts != 0 {
			t.Fatalf("ours == theirs: got %q, want %q", got.Data, ours)
		}
		got := Merge(base, ours, theirs, l)
		if bytes.Contains(base, []byte("<<<<<<<")) || bytes.Contains(ours, []byte("<<<<<<<")) ||
			bytes.Contains(theirs, []byte("<<<<<<<")) || bytes.Contains(base, []byte(">>>>>>>")) ||
			bytes.Contains(ours, []byte(">>>>>>>")) || bytes.Contains(theirs, []byte(">>>>>>>")) {
			return // markers in the input: counting them in the output proves nothing
		}
		opening, closing := countLines(got.Data, "<<<<<<< ours"), countLines(got.Data, ">>>>>>> theirs")
		if opening != got.Conflicts || closing != got.Conflicts {
			t.Fatalf("%d conflicts but %d opening and %d closing markers: %q", got.Conflicts, opening, closing, got.Data)
		}
	})
}

// benchInput is a 300-line file edited on both sides: seven changes each,
// apart, and one line both changed differently (one conflict).
func benchInput() (base, ours, theirs []byte) {
	var b []string
	for i := range 300 {
		b = append(b, fmt.Sprintf("line %d: value = %d\n", i, i*7))
	}
	o := append([]string(nil), b...)
	th := append([]string(nil), b...)
	for i := 10; i < 280; i += 40 {
		o[i] = fmt.Sprintf("line %d: ours changed\n", i)
		th[i+20] = fmt.Sprintf("line %d: theirs changed\n", i+20)
	}
	o[150] = "line 150: ours\n"
	th[150] = "line 150: theirs\n"
	return join(b, false), join(o, false), join(th, false)
}

func TestBenchInputMatchesGit(t *testing.T) {
	needGit(t)
	base, ours, theirs := benchInput()
	if got := Merge(base, ours, theirs, testLabels); got.Conflicts != 1 {
		t.Errorf("conflicts = %d, want 1", got.Conflicts)
	}
	compareWithGit(t, base, ours, theirs, true)
}

func BenchmarkMerge(b *testing.B) {
	base, ours, theirs := benchInput()
	b.ReportAllocs()
	for b.Loop() {
		Merge(base, ours, theirs, testLabels)
	}
}

// TestLargeMatchesGit compares big, very different files with git, so that
// xdiff's cost cut-offs run: the "enough is enough" split past an edit cost
// of 256, and (only past 32k lines a side) the good-snake heuristic. Merge
// has no such cut-offs (its diffs are minimal), so where git's heuristics
// pick a longer diff the outputs differ: the test asserts correctness
// (checkMerge) and logs how many outputs are identical.
func TestLargeMatchesGit(t *testing.T) {
	needGit(t)
	if testing.Short() {
		t.Skip("large inputs")
	}
	same, total := 0, 0
	defer func() { t.Logf("identical to git merge-file: %d of %d", same, total) }()
	compare := func(t *testing.T, base, ours, theirs []byte) {
		total++
		if compareWithGit(t, base, ours, theirs, false) {
			same++
		}
	}
	r := rand.New(rand.NewPCG(7, 7))
	line := func(alpha int) string { return fmt.Sprintf("l%d\n", r.IntN(alpha)) }
	// Scattered edits of up to a whole file's size.
	for i := range 20 {
		n, alpha := 200+r.IntN(3000), 3+r.IntN(200)
		base := make([]string, n)
		for j := range base {
			base[j] = line(alpha)
		}
		edit := func() []string {
			out := append([]string(nil), base...)
			for range r.IntN(n) {
				pos := r.IntN(len(out) + 1)
				switch op := r.IntN(3); {
				case op == 0 && pos < len(out):
					out[pos] = line(2 * alpha)
				case op == 1 && pos < len(out):
					out = append(out[:pos], out[pos+1:]...)
				default:
					out = append(out[:pos], append([]string{line(2 * alpha)}, out[pos:]...)...)
				}
			}
			return out
		}
		o, th := edit(), edit()
		t.Run(fmt.Sprint("scattered", i), func(t *testing.T) {
			compare(t, join(base, false), join(o, false), join(th, false))
		})
	}
	// 40,000 lines with a changed block every 20 to 60 lines.
	for i := range 2 {
		alpha := 2000 + r.IntN(5000)
		base := make([]string, 40000)
		for j := range base {
			base[j] = line(alpha)
		}
		edit := func() []string {
			out := append([]string(nil), base...)
			for p := r.IntN(40); p < len(out)-20; p += 20 + r.IntN(40) {
				for k := range 5 + r.IntN(15) {
					out[p+k] = line(alpha)
				}
			}
			return out
		}
		o, th := edit(), edit()
		t.Run(fmt.Sprint("blocks", i), func(t *testing.T) {
			compare(t, join(base, false), join(o, false), join(th, false))
		})
	}
}
