package docs

import (
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

var (
	inlineLinkText = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	refLinkText    = regexp.MustCompile(`!?\[([^\]]*)\]\[[^\]]*\]`)
	htmlTag        = regexp.MustCompile(`<[^>]+>`)
	markupChars    = strings.NewReplacer("`", "", "**", "", "*", "", "~~", "")
)

// plainText removes the inline markup of a heading that would otherwise leak
// letters into its anchor: link destinations, HTML tags, code and emphasis
// markers.
func plainText(s string) string {
	if strings.ContainsAny(s, "[<") {
		s = inlineLinkText.ReplaceAllString(s, "$1")
		s = refLinkText.ReplaceAllString(s, "$1")
		s = htmlTag.ReplaceAllString(s, "")
	}
	s = unescapeMarkdown(s)
	if strings.Contains(s, "&") {
		s = html.UnescapeString(s)
	}
	s = markupChars.Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// githubSlug is GitHub's heading anchor: lower case, letters, numbers, marks,
// "_" and "-" kept, each space a "-", everything else dropped.
func githubSlug(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(text)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// latinFold maps common accented Latin letters to their base letter, which
// is what Python-Markdown's NFKD-then-ASCII slugify keeps of them.
var latinFold = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{
		'a': "àáâãäåāăą", 'c': "çćĉċč", 'd': "ď", 'e': "èéêëēĕėęě", 'g': "ĝğġģ",
		'h': "ĥ", 'i': "ìíîïĩīĭįı", 'j': "ĵ", 'k': "ķ", 'l': "ĺļľ", 'n': "ñńņňŉ",
		'o': "òóôõöōŏő", 'r': "ŕŗř", 's': "śŝşš", 't': "ţť", 'u': "ùúûüũūŭůűų",
		'w': "ŵ", 'y': "ýÿŷ", 'z': "źżž",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

// mkdocsSlug is Python-Markdown's default toc slugify, which MkDocs and
// TechDocs use: accents folded, non-ASCII dropped, [^\w\s-] dropped, lower
// case, runs of spaces and hyphens one "-" (a leading or trailing one kept).
func mkdocsSlug(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		if f, ok := latinFold[r]; ok {
			r = f
		}
		switch {
		case r >= 0x80:
		case r == '_' || r == '-' || r == ' ' || r == '\t' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	// re.sub(r'[-\s]+', '-', value.strip()): a leading or trailing hyphen
	// stays.
	var out strings.Builder
	sep := false
	for _, r := range strings.TrimSpace(b.String()) {
		if r == ' ' || r == '\t' || r == '-' {
			sep = true
			continue
		}
		if sep {
			out.WriteByte('-')
			sep = false
		}
		out.WriteRune(r)
	}
	if sep {
		out.WriteByte('-')
	}
	return out.String()
}

// buildAnchors records every anchor of the page: each heading's GitHub and
// MkDocs slugs (with their duplicate suffixes) and explicit ids.
func (m *Markdown) buildAnchors() {
	gh := map[string]int{}
	mk := map[string]int{}
	for _, h := range m.Headings {
		text := h.Text
		if h.ID != "" {
			// MkDocs (attr_list) uses the id instead of the slug; GitHub
			// does not know the syntax and slugs the whole text.
			m.anchors[h.ID] = true
			text += " {#" + h.ID + "}"
		}
		s := githubSlug(text)
		if n := gh[s]; n > 0 {
			m.anchors[s+"-"+strconv.Itoa(n)] = true
		} else {
			m.anchors[s] = true
		}
		gh[s]++
		if h.ID != "" {
			continue
		}
		s = mkdocsSlug(h.Text)
		if n := mk[s]; n > 0 {
			m.anchors[s+"_"+strconv.Itoa(n)] = true
		} else {
			m.anchors[s] = true
		}
		mk[s]++
	}
}

// unescapeURL decodes percent-escapes, leaving s as it is when it has a bad one.
func unescapeURL(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
