package merge3

import "bytes"

// Labels name the three versions in conflict markers: "<<<<<<< " + Ours
// opens a conflict, ">>>>>>> " + Theirs closes it (the space is written even
// for an empty label). Base is accepted for symmetry with git merge-file -L;
// the default conflict style does not print it.
type Labels struct{ Ours, Base, Theirs string }

// Result is the outcome of Merge.
type Result struct {
	Data      []byte // merged, with conflict markers where both sides changed the same lines
	Conflicts int    // conflict hunks; 0 = clean
}

// binaryProbe is how much of a file IsBinary looks at (as git does).
const binaryProbe = 8000

// IsBinary reports whether data looks binary: a NUL byte in its first 8000
// bytes, git's own test. Merge treats its input as lines of text; callers
// must not pass it binary files.
func IsBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), binaryProbe)], 0) >= 0
}

// file is one version split into lines (each with its end of line, the last
// one possibly without) and their interned ids.
type file struct {
	lines [][]byte
	ids   []int
}

func splitLines(data []byte, intern map[string]int) file {
	var f file
	for len(data) > 0 {
		n := bytes.IndexByte(data, '\n') + 1
		if n == 0 {
			n = len(data)
		}
		line := data[:n:n]
		data = data[n:]
		id, ok := intern[string(line)]
		if !ok {
			id = len(intern)
			intern[string(line)] = id
		}
		f.lines = append(f.lines, line)
		f.ids = append(f.ids, id)
	}
	return f
}

// Merge merges the changes from base to ours and from base to theirs, line
// by line. Where only one side changed a run of lines, that side's version
// is taken; where both made the same change, it is taken once; where both
// changed the same or adjacent lines differently, a conflict is written:
//
//	<<<<<<< ours label
//	ours' lines
//	=======
//	theirs' lines
//	>>>>>>> theirs label
//
// See the package documentation for how this matches git merge-file.
func Merge(base, ours, theirs []byte, labels Labels) Result {
	intern := make(map[string]int)
	fb := splitLines(base, intern)
	fo := splitLines(ours, intern)
	ft := splitLines(theirs, intern)
	m := &merger{base: fb, ours: fo, theirs: ft, labels: labels}
	m.merge(diffLines(fb.ids, fo.ids), diffLines(fb.ids, ft.ids))
	return m.write()
}

// segment is a piece of the merged output: lines that merged cleanly (in
// ours), or a conflict between ours and theirs.
type segment struct {
	conflict bool
	ours     [][]byte // the lines (for a clean segment) or ours' side
	theirs   [][]byte // theirs' side of a conflict
	o0, t0   int      // where ours' and theirs' side start in their files (conflicts)
	changed  bool     // a clean segment holds a change of one side
}

type merger struct {
	base, ours, theirs file
	labels             Labels
	segs               []segment
}

// clean appends lines that merged cleanly. unchanged says they are lines
// neither side changed (only such a stretch can join two conflicts); a
// one-sided change marks the stretch it falls in even when it adds no line.
func (m *merger) clean(lines [][]byte, unchanged bool) {
	if len(lines) == 0 && unchanged {
		return
	}
	if n := len(m.segs); n > 0 && !m.segs[n-1].conflict {
		s := &m.segs[n-1]
		s.ours = append(s.ours, lines...)
		s.changed = s.changed || !unchanged
		return
	}
	m.segs = append(m.segs, segment{ours: append([][]byte(nil), lines...), changed: !unchanged})
}

// merge walks the changes of both sides in base order. Changes that overlap
// or touch in base form one region; a region changed by one side only takes
// that side, one changed by both is refined line by line (refine).
func (m *merger) merge(ho, ht []hunk) {
	pos := 0  // next base line to copy
	doff := 0 // ours line - base line before the current region
	toff := 0 // theirs line - base line
	i, j := 0, 0
	for i < len(ho) || j < len(ht) {
		// The region starts with the change that starts first.
		var b0, b1 int
		var ui, uj int // changes of each side in the region: ho[i:ui], ht[j:uj]
		if j >= len(ht) || i < len(ho) && ho[i].a0 <= ht[j].a0 {
			b0, b1 = ho[i].a0, ho[i].a1
			ui, uj = i+1, j
		} else {
			b0, b1 = ht[j].a0, ht[j].a1
			ui, uj = i, j+1
		}
		for {
			if ui < len(ho) && ho[ui].a0 <= b1 {
				b1 = max(b1, ho[ui].a1)
				ui++
			} else if uj < len(ht) && ht[uj].a0 <= b1 {
				b1 = max(b1, ht[uj].a1)
				uj++
			} else {
				break
			}
		}
		m.clean(m.base.lines[pos:b0], true)
		o0, o1 := b0+doff, b1+doff
		if ui > i {
			o0 = ho[i].b0 - (ho[i].a0 - b0)
			last := ho[ui-1]
			doff = last.b1 - last.a1
			o1 = b1 + doff
		}
		t0, t1 := b0+toff, b1+toff
		if uj > j {
			t0 = ht[j].b0 - (ht[j].a0 - b0)
			last := ht[uj-1]
			toff = last.b1 - last.a1
			t1 = b1 + toff
		}
		switch {
		case uj == j:
			m.clean(m.ours.lines[o0:o1], false)
		case ui == i:
			m.clean(m.theirs.lines[t0:t1], false)
		default:
			m.refine(o0, o1, t0, t1)
		}
		pos = b1
		i, j = ui, uj
	}
	m.clean(m.base.lines[pos:], true)
}

// refine writes a region both sides changed: the lines both sides have in
// common (by a diff of the two versions) stay out of the conflicts, so
// identical changes merge cleanly and a conflict holds only what differs.
func (m *merger) refine(o0, o1, t0, t1 int) {
	hs := diffLines(m.ours.ids[o0:o1], m.theirs.ids[t0:t1])
	po := 0
	for _, h := range hs {
		m.clean(m.ours.lines[o0+po:o0+h.a0], true)
		m.segs = append(m.segs, segment{
			conflict: true,
			ours:     m.ours.lines[o0+h.a0 : o0+h.a1],
			theirs:   m.theirs.lines[t0+h.b0 : t0+h.b1],
			o0:       o0 + h.a0, t0: t0 + h.b0,
		})
		po = h.a1
	}
	m.clean(m.ours.lines[o0+po:o1], true)
}

// maxGap is how many common lines may separate two conflicts that are still
// written as one.
const maxGap = 3

// coalesce joins two conflicts separated only by lines neither side
// changed, at most maxGap of them or none with a letter or digit, into one
// conflict holding the lines between on both sides.
func (m *merger) coalesce() {
	var out []segment
	for k := 0; k < len(m.segs); k++ {
		s := m.segs[k]
		n := len(out)
		if s.conflict && n >= 2 && !out[n-1].conflict && !out[n-1].changed && out[n-2].conflict &&
			(len(out[n-1].ours) <= maxGap || !hasAlnum(out[n-1].ours)) {
			c := &out[n-2]
			gap := out[n-1].ours
			c.ours = append(append(append([][]byte(nil), c.ours...), gap...), s.ours...)
			c.theirs = append(append(append([][]byte(nil), c.theirs...), gap...), s.theirs...)
			out = out[:n-1]
			continue
		}
		out = append(out, s)
	}
	m.segs = out
}

func hasAlnum(lines [][]byte) bool {
	for _, l := range lines {
		for _, c := range l {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				return true
			}
		}
	}
	return false
}

func (m *merger) write() Result {
	m.coalesce()
	var r Result
	var out bytes.Buffer
	for _, s := range m.segs {
		if !s.conflict {
			for _, l := range s.ours {
				out.Write(l)
			}
			continue
		}
		r.Conflicts++
		eol := m.eol(s.o0, s.t0)
		marker := func(text string) {
			out.WriteString(text)
			out.WriteString(eol)
		}
		side := func(lines [][]byte) {
			for _, l := range lines {
				out.Write(l)
			}
			if n := len(lines); n > 0 && !bytes.HasSuffix(lines[n-1], []byte("\n")) {
				out.WriteString(eol)
			}
		}
		marker("<<<<<<< " + m.labels.Ours)
		side(s.ours)
		marker("=======")
		side(s.theirs)
		marker(">>>>>>> " + m.labels.Theirs)
	}
	r.Data = out.Bytes()
	return r
}

// eol is the end of line of the markers of a conflict starting at line o0
// of ours and t0 of theirs: CRLF when the line before the conflict (the
// first line at the start of a file) ends in CRLF in ours and in theirs
// (a side without such a line does not object) and the first line of base
// ends in CRLF, as git decides it.
func (m *merger) eol(o0, t0 int) string {
	crlf := func(f file, i int) int { // 1 CRLF, 0 LF, -1 unknown
		if i > 0 {
			i--
		}
		if i >= len(f.lines) {
			return -1
		}
		l := f.lines[i]
		switch {
		case bytes.HasSuffix(l, []byte("\r\n")):
			return 1
		case bytes.HasSuffix(l, []byte("\n")):
			return 0
		}
		return -1
	}
	if crlf(m.ours, o0) == 0 || crlf(m.theirs, t0) == 0 || crlf(m.base, 0) != 1 {
		return "\n"
	}
	return "\r\n"
}
