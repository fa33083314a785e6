// Package merge3 merges two edited versions of a text file with their common
// ancestor, line by line, and writes conflicts the way
// `git merge-file -p -L ours -L base -L theirs` does.
//
// # Algorithm
//
// Both sides are diffed against base with Myers' O(ND) algorithm in its
// linear-space form (E. Myers, "An O(ND) Difference Algorithm and Its
// Variations", 1986), after which each run of changed lines is slid to a
// canonical place among equally short diffs: as far down as it goes, unless
// a position lines it up with a change on the other side. The two diffs are
// then walked in base order as in diff3: changes of the two sides that
// overlap or touch (a change ending on the line where the other begins)
// form one region. A region changed by one side takes that side; a region
// both changed is diffed again, ours against theirs, so that lines both
// sides have (including an identical change) stay out of the conflict and
// only what differs is in conflict. Two conflicts separated only by lines
// neither side changed, at most three of them or none with a letter or
// digit, are written as one (git's "zealous" merge).
//
// Lines are compared byte for byte, end of line included: "a\r\n", "a\n"
// and a last line "a" without newline are three different lines.
//
// # Compatibility with git
//
// The conflict markers are git's: "<<<<<<< " + Labels.Ours, "=======",
// ">>>>>>> " + Labels.Theirs (the base section of diff3 style is never
// written). A side whose last line has no newline gets one before the next
// marker. Markers end in CRLF when the first line of base ends in CRLF and
// the line before the conflict (the first line, for a conflict at the top)
// does not end in a bare LF in ours or in theirs; otherwise in LF.
// Result.Conflicts counts conflict hunks, as git's exit status does (git
// caps it at 127).
//
// The output was compared with git 2.39 as a black box (git's source was
// not consulted): it is byte-identical on every case of the tests and on
// 400 of 400 random small edits (with CRLF files and missing final
// newlines). It can differ where the two programs pick different diffs of
// a side against base, which happens on large, heavily edited inputs:
// several diffs can be equally short and the choice between them is not
// fully reproduced, and git's diff gives up on a minimal diff past an edit
// cost of a few hundred lines (with further heuristics for files of over
// 32k lines) where Merge's stays minimal up to a cost of 1024 (see
// Limits). In the tests 12 of 22 such files (hundreds to 40,000 lines with
// edits throughout) come out identical; in the others some conflicts start
// or end on other lines, or are split or joined differently. Either way
// the merge is correct: no line either side added is dropped, a clean
// result holds both sides' changes, and every conflict holds both sides'
// versions of its lines.
//
// # Limits
//
// Merge works on text. Callers must check IsBinary on all three inputs
// first and must bound their size. Memory is proportional to the input.
// Time is proportional to (N+M)·D for files of N and M lines differing in
// D lines while D stays under 1024; past that, each step of the diff's
// divide and conquer settles for a good split instead of the best one (the
// diff stays valid, no longer minimal), which keeps the time about linear
// in the size even for two entirely different large versions.
package merge3
