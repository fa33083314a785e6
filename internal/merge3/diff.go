package merge3

// This file holds the line diff: Myers' O(ND) algorithm in its linear-space
// form (the "middle snake" divide and conquer of Myers 1986, section 4b),
// followed by a compaction pass that slides each run of changed lines to a
// canonical position among equivalent diffs.

// hunk is one change of a diff from a to b: a[a0:a1] was replaced by b[b0:b1].
type hunk struct{ a0, a1, b0, b1 int }

// diffLines returns the changes that turn a into b, in order. Lines are
// compared by their interned ids.
func diffLines(a, b []int) []hunk {
	ca := make([]bool, len(a))
	cb := make([]bool, len(b))
	// Common head and tail are never part of a change.
	lo := 0
	for lo < len(a) && lo < len(b) && a[lo] == b[lo] {
		lo++
	}
	ea, eb := len(a), len(b)
	for ea > lo && eb > lo && a[ea-1] == b[eb-1] {
		ea--
		eb--
	}
	if lo < ea || lo < eb {
		n := ea + eb - 2*lo + 3
		d := &differ{a: a, b: b, ca: ca, cb: cb, vf: make([]int, 2*n+1), vb: make([]int, 2*n+1), off: n}
		d.compare(lo, ea, lo, eb)
		compact(a, ca, cb)
		compact(b, cb, ca)
	}
	return hunks(ca, cb)
}

// hunks turns the changed-line marks of both sides into hunks.
func hunks(ca, cb []bool) []hunk {
	var out []hunk
	i, j := 0, 0
	for i < len(ca) || j < len(cb) {
		if i < len(ca) && ca[i] || j < len(cb) && cb[j] {
			h := hunk{a0: i, b0: j}
			for i < len(ca) && ca[i] {
				i++
			}
			for j < len(cb) && cb[j] {
				j++
			}
			h.a1, h.b1 = i, j
			out = append(out, h)
			continue
		}
		i++
		j++
	}
	return out
}

// maxCost bounds the edit cost one split explores before it settles for a
// good split instead of the best one, so that the diff of large, very
// different files takes time about linear in their size rather than
// quadratic. Diffs cheaper than this are minimal.
const maxCost = 1024

type differ struct {
	a, b   []int
	ca, cb []bool
	vf, vb []int // furthest x on each diagonal k, indexed k+off
	off    int
}

// compare marks the changed lines of a[a0:a1] against b[b0:b1].
func (d *differ) compare(a0, a1, b0, b1 int) {
	for a0 < a1 && b0 < b1 && d.a[a0] == d.b[b0] {
		a0++
		b0++
	}
	for a1 > a0 && b1 > b0 && d.a[a1-1] == d.b[b1-1] {
		a1--
		b1--
	}
	switch {
	case a0 == a1:
		for j := b0; j < b1; j++ {
			d.cb[j] = true
		}
	case b0 == b1:
		for i := a0; i < a1; i++ {
			d.ca[i] = true
		}
	default:
		x, y := d.split(a0, a1, b0, b1)
		d.compare(a0, x, b0, y)
		d.compare(x, a1, y, b1)
	}
}

// split finds a point (x, y) on an optimal edit path from (a0, b0) to
// (a1, b1) by running the greedy algorithm forward from the start and
// backward from the end until the two frontiers overlap. Diagonal k holds
// the points with x-y == k.
func (d *differ) split(a0, a1, b0, b1 int) (int, int) {
	a, b := d.a, d.b
	fmid, bmid := a0-b0, a1-b1
	odd := (fmid-bmid)&1 != 0
	vf, vb, off := d.vf, d.vb, d.off
	// vf and vb are indexed by diagonal, shifted so that index off is the
	// diagonal each search starts on.
	fo, bo := off-fmid, off-bmid
	vf[fmid+fo] = a0
	vb[bmid+bo] = a1
	dmin, dmax := a0-b1, a1-b0
	fmin, fmax, bmin, bmax := fmid, fmid, bmid, bmid
	for cost := 1; ; cost++ {
		if cost > maxCost {
			// Too expensive to find the middle of a minimal path: split at
			// the forward point furthest along instead (the diff stays
			// valid, no longer minimal).
			bx, by := -1, -1
			for k := fmin; k <= fmax; k++ {
				x := vf[k+fo]
				y := x - k
				if x >= a0 && y >= b0 && x <= a1 && y <= b1 && x+y > bx+by &&
					x+y > a0+b0 && x+y < a1+b1 {
					bx, by = x, y
				}
			}
			if bx >= 0 {
				return bx, by
			}
		}
		// Forward step.
		if fmin > dmin {
			fmin--
		} else {
			fmin++
		}
		if fmax < dmax {
			fmax++
		} else {
			fmax--
		}
		for k := fmax; k >= fmin; k -= 2 {
			var x int
			if k == fmin || k != fmax && vf[k-1+fo] < vf[k+1+fo] {
				x = vf[k+1+fo]
			} else {
				x = vf[k-1+fo] + 1
			}
			y := x - k
			for x < a1 && y < b1 && a[x] == b[y] {
				x++
				y++
			}
			vf[k+fo] = x
			if odd && k >= bmin && k <= bmax && vb[k+bo] <= x {
				return x, y
			}
		}
		// Backward step.
		if bmin > dmin {
			bmin--
		} else {
			bmin++
		}
		if bmax < dmax {
			bmax++
		} else {
			bmax--
		}
		for k := bmax; k >= bmin; k -= 2 {
			var x int
			lo, hi := vb[k-1+bo], vb[k+1+bo]
			if k == bmin {
				x = hi - 1
			} else if k == bmax {
				x = lo
			} else if lo < hi {
				x = lo
			} else {
				x = hi - 1
			}
			y := x - k
			for x > a0 && y > b0 && a[x-1] == b[y-1] {
				x--
				y--
			}
			vb[k+bo] = x
			if !odd && k >= fmin && k <= fmax && x <= vf[k+fo] {
				return x, y
			}
		}
	}
}

// compact slides every run of changed lines in one side up and down while
// the shifted run holds the same lines, to a canonical place: as low as it
// goes, unless some position lines it up with a change of the other side,
// then the lowest such position. Runs that meet while sliding merge.
func compact(lines []int, ch, och []bool) {
	n := len(ch)
	type group struct{ start, end int }
	first := func(c []bool) group {
		e := 0
		for e < len(c) && c[e] {
			e++
		}
		return group{0, e}
	}
	next := func(c []bool, g *group) bool {
		if g.end >= len(c) {
			return false
		}
		g.start = g.end + 1
		g.end = g.start
		for g.end < len(c) && c[g.end] {
			g.end++
		}
		return true
	}
	prev := func(c []bool, g *group) bool {
		if g.start == 0 {
			return false
		}
		g.end = g.start - 1
		g.start = g.end
		for g.start > 0 && c[g.start-1] {
			g.start--
		}
		return true
	}
	slideDown := func(g *group) bool {
		if g.end < n && lines[g.start] == lines[g.end] {
			ch[g.start] = false
			ch[g.end] = true
			g.start++
			g.end++
			for g.end < n && ch[g.end] {
				g.end++
			}
			return true
		}
		return false
	}
	slideUp := func(g *group) bool {
		if g.start > 0 && lines[g.start-1] == lines[g.end-1] {
			g.start--
			g.end--
			ch[g.start] = true
			ch[g.end] = false
			for g.start > 0 && ch[g.start-1] {
				g.start--
			}
			return true
		}
		return false
	}
	g, og := first(ch), first(och)
	for {
		if g.end != g.start {
			var size, earliestEnd int
			var endMatch int
			for {
				size = g.end - g.start
				endMatch = -1
				for slideUp(&g) {
					prev(och, &og)
				}
				earliestEnd = g.end
				if og.end > og.start {
					endMatch = g.end
				}
				for slideDown(&g) {
					next(och, &og)
					if og.end > og.start {
						endMatch = g.end
					}
				}
				if size == g.end-g.start {
					break
				}
			}
			if g.end != earliestEnd && endMatch >= 0 {
				for g.end > endMatch && slideUp(&g) {
					prev(och, &og)
				}
			}
		}
		if !next(ch, &g) {
			break
		}
		next(och, &og)
	}
}
