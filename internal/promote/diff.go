package promote

import (
	"fmt"
	"strings"
)

// diffContext is how many unchanged lines surround a change in a hunk.
const diffContext = 3

// maxDiffCells bounds the quadratic line matching; beyond it the changed
// middle is shown as one replacement.
const maxDiffCells = 4 << 20

// Diff renders a unified diff of two versions of the file at path (a/ and b/
// prefixed in the headers, as git does). It is "" when they are equal.
func Diff(path string, before, after []byte) string {
	a, b := splitLines(string(before)), splitLines(string(after))
	ops := diffLines(a, b)
	var out strings.Builder
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk runs from this change to the last change that is at most
		// 2*diffContext unchanged lines away from the one before it.
		start := max(0, i-diffContext)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j
			} else if j-end > 2*diffContext {
				break
			}
		}
		end = min(len(ops), end+1+diffContext)
		if out.Len() == 0 {
			fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n", path, path)
		}
		writeHunk(&out, ops[start:end])
		i = end
	}
	return out.String()
}

// line is one line of a file, with its break ("" on an unterminated last line).
type line struct{ text, eol string }

func splitLines(s string) []line {
	var lines []line
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, line{s, ""})
			break
		}
		lines = append(lines, line{s[:i], "\n"})
		s = s[i+1:]
	}
	return lines
}

// diffOp is one line of the edit script: ' ' kept, '-' removed, '+' added;
// a and b are its 1-based line numbers in the old and new file.
type diffOp struct {
	kind byte
	l    line
	a, b int
}

// diffLines is a longest-common-subsequence edit script, after trimming the
// common head and tail (the usual promotion touches one line).
func diffLines(a, b []line) []diffOp {
	var ops []diffOp
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		ops = append(ops, diffOp{' ', a[head], head + 1, head + 1})
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	ma, mb := a[head:len(a)-tail], b[head:len(b)-tail]
	n, m := len(ma), len(mb)
	if n*m <= maxDiffCells {
		// lcs[i][j] is the LCS length of ma[i:] and mb[j:].
		lcs := make([][]int32, n+1)
		for i := range lcs {
			lcs[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && ma[i] == mb[j]:
				ops = append(ops, diffOp{' ', ma[i], head + i + 1, head + j + 1})
				i++
				j++
			case j < m && (i == n || lcs[i][j+1] > lcs[i+1][j]):
				ops = append(ops, diffOp{'+', mb[j], head + i, head + j + 1})
				j++
			default:
				ops = append(ops, diffOp{'-', ma[i], head + i + 1, head + j})
				i++
			}
		}
	} else {
		for i, l := range ma {
			ops = append(ops, diffOp{'-', l, head + i + 1, head})
		}
		for j, l := range mb {
			ops = append(ops, diffOp{'+', l, head + n, head + j + 1})
		}
	}
	for k := tail; k > 0; k-- {
		ops = append(ops, diffOp{' ', a[len(a)-k], len(a) - k + 1, len(b) - k + 1})
	}
	// Removals before additions within each run of changes, as diff prints them.
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		j := i
		for j < len(ops) && ops[j].kind != ' ' {
			j++
		}
		run := ops[i:j]
		var minus, plus []diffOp
		for _, op := range run {
			if op.kind == '-' {
				minus = append(minus, op)
			} else {
				plus = append(plus, op)
			}
		}
		copy(run, append(minus, plus...))
		i = j
	}
	return ops
}

func writeHunk(out *strings.Builder, ops []diffOp) {
	var aStart, aLen, bStart, bLen int
	for _, op := range ops {
		if op.kind != '+' {
			if aLen == 0 {
				aStart = op.a
			}
			aLen++
		}
		if op.kind != '-' {
			if bLen == 0 {
				bStart = op.b
			}
			bLen++
		}
	}
	// An empty side is numbered by the line before it, as diff -u does.
	if aLen == 0 {
		aStart = ops[0].a
	}
	if bLen == 0 {
		bStart = ops[0].b
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
	for _, op := range ops {
		out.WriteByte(op.kind)
		out.WriteString(op.l.text)
		out.WriteByte('\n')
		if op.l.eol == "" {
			out.WriteString("\\ No newline at end of file\n")
		}
	}
}

func hunkRange(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
