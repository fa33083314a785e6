// Package textdist measures how far apart two short strings are, for "did
// you mean" suggestions: a typed name against the names a program knows.
package textdist

import "strings"

// Suggest returns the candidate closest to s: the same name in another case,
// or one at most two edits away (three for names longer than 12), or "".
func Suggest(s string, candidates []string) string {
	best, limit := "", 3
	if len(s) > 12 {
		limit = 4
	}
	for _, c := range candidates {
		if strings.EqualFold(c, s) {
			return c
		}
		if d := Distance(strings.ToLower(s), strings.ToLower(c), limit); d < limit {
			best, limit = c, d
		}
	}
	return best
}

// Distance is the optimal string alignment distance of a and b (Levenshtein's,
// with a swap of adjacent bytes as one edit), or limit when it is at least
// limit. The limit keeps comparing against long candidates cheap.
func Distance(a, b string, limit int) int {
	if abs(len(a)-len(b)) >= limit {
		return limit
	}
	// rows i-2, i-1 and i of the distance matrix.
	back := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], back[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		back, prev, cur = prev, cur, back
	}
	return min(prev[len(b)], limit)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
