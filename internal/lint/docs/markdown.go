package docs

import (
	"bytes"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/platform-team/platform/internal/lint"
)

// Markdown is what the docs rules need from a Markdown file: its headings and
// its links, with positions. ParseMarkdown builds it with a line-based scanner
// that follows CommonMark where it matters for links and anchors (code blocks
// and code spans hide links, setext and ATX headings, reference definitions)
// and stays simple elsewhere; see ParseMarkdown for its limits.
type Markdown struct {
	Headings []Heading
	Links    []Link
	// Defs are the reference definitions, by normalized label.
	Defs map[string]Link

	// anchors are the fragment identifiers the page defines.
	anchors map[string]bool
}

// Heading is an ATX (# Title) or setext (Title / =====) heading.
type Heading struct {
	Level int
	// Text is the heading's text with inline markup removed.
	Text string
	// ID is an explicit id ({#id} of attr_list), or "".
	ID           string
	Line, Column int
}

// Link is a link or image destination found outside code.
type Link struct {
	// Dest is the destination as written, backslash escapes removed; for a
	// reference link it is the definition's destination.
	Dest         string
	Line, Column int
	Image        bool
	// Label is the reference label of a reference link or definition.
	Label string
	// Def is true for a reference definition ([label]: dest).
	Def bool
	// Undefined is true for a full reference link ([text][label]) whose label
	// has no definition.
	Undefined bool
	// HTML is true for an href or src attribute of an HTML tag.
	HTML bool
}

// cacheKey is the File.Cached key of a file's parsed Markdown.
const cacheKey = "docs.markdown"

// markdownOf returns f parsed as Markdown, once per file.
func markdownOf(f *lint.File) *Markdown {
	return f.Cached(cacheKey, func() any { return ParseMarkdown(f.Data) }).(*Markdown)
}

// HasAnchor reports whether fragment (without '#', possibly percent-encoded)
// names a heading or an explicit id of the page. Fragments are compared
// case-sensitively, as browsers do; "top" always exists (browsers scroll to the top).
func (m *Markdown) HasAnchor(fragment string) bool {
	frag := unescapeURL(fragment)
	if frag == "" || strings.EqualFold(frag, "top") {
		return true
	}
	return m.anchors[frag]
}

// segment is one line's contribution to a text block.
type segment struct {
	line  int    // 1-based line number
	start int    // byte offset in the raw line where text starts
	text  string // the line's content from start, comments masked
}

// block is a run of lines scanned together for inline links (a paragraph,
// or one heading line).
type block struct {
	segs []segment
	list bool // a line of the block starts a list item
}

// ParseMarkdown scans Markdown source. It never fails: anything it does not
// recognize is text. Its limits, on purpose:
//
//   - Fenced code (``` or ~~~, any indentation inside lists) and indented code
//     (4 spaces after a blank line, outside lists) are skipped; so are front
//     matter (--- ... --- at the top) and HTML comments.
//   - List structure is approximated: a line indented 4+ spaces after a blank
//     line is code unless a list item was seen since the last unindented
//     paragraph.
//   - Inline constructs are matched within a paragraph (they may span its
//     lines): code spans, [text](dest), ![alt](src), [text][label],
//     [label][], [label] when defined, <a href> and <img src> tags. Not
//     supported: reference definitions whose destination or title is on
//     the next line, links nested inside link text (CommonMark forbids
//     them), entity references in destinations, destinations longer than
//     4096 bytes, and raw HTML blocks other than the tags above.
//   - Pathological input (thousands of unclosed "[a](" on one line) makes
//     the scanner give up on inline links for that paragraph rather than
//     take quadratic time.
//   - Headings inside blockquotes count; headings inside list items and HTML
//     blocks (<h2>) do not, but id= and name= attributes of HTML tags do.
func ParseMarkdown(data []byte) *Markdown {
	m := &Markdown{Defs: map[string]Link{}, anchors: map[string]bool{}}
	lines := splitLines(data)
	p := &parser{m: m, lines: lines, prevBlank: true}
	p.run()
	for _, b := range p.blocks {
		m.scanInline(b, lines)
		for _, sg := range b.segs {
			if strings.Contains(sg.text, "#") {
				for _, id := range inlineAttrID.FindAllStringSubmatch(sg.text, -1) {
					m.anchors[id[1]] = true
				}
			}
		}
	}
	m.buildAnchors()
	return m
}

type parser struct {
	m      *Markdown
	lines  []string
	blocks []block
	para   block

	inFence   bool
	fenceChar byte
	fenceLen  int
	inIndent  bool
	inComment bool
	listCtx   bool
	prevBlank bool
}

func (p *parser) flush() {
	if len(p.para.segs) > 0 {
		p.blocks = append(p.blocks, p.para)
	}
	p.para = block{}
}

func (p *parser) blank() {
	p.flush()
	p.prevBlank = true
}

func (p *parser) run() {
	start := frontMatterEnd(p.lines)
	for i := start; i < len(p.lines); i++ {
		p.line(i+1, p.lines[i])
	}
	p.flush()
}

// frontMatterEnd returns the index of the first line after YAML front matter.
func frontMatterEnd(lines []string) int {
	if len(lines) == 0 || strings.TrimRight(lines[0], " \t") != "---" {
		return 0
	}
	for j := 1; j < len(lines); j++ {
		if t := strings.TrimRight(lines[j], " \t"); t == "---" || t == "..." {
			return j + 1
		}
	}
	return 0
}

func (p *parser) line(num int, raw string) {
	content, off := stripQuote(raw)
	if p.inFence {
		if isFenceClose(content, p.fenceChar, p.fenceLen) {
			p.inFence = false
		}
		return
	}
	if p.inComment {
		end := strings.Index(content, "-->")
		if end < 0 {
			return
		}
		p.inComment = false
		content = strings.Repeat(" ", end+3) + content[end+3:]
	}
	indent := indentWidth(content)
	trimmed := strings.TrimLeft(content, " \t")
	if p.inIndent {
		if trimmed == "" || indent >= 4 {
			return
		}
		p.inIndent = false
	}
	if strings.TrimSpace(trimmed) == "" {
		p.blank()
		return
	}
	if c, n, ok := fenceOpen(trimmed); ok && (indent <= 3 || p.listCtx) {
		p.flush()
		p.inFence, p.fenceChar, p.fenceLen = true, c, n
		p.prevBlank = false
		return
	}
	if indent >= 4 && p.prevBlank && !p.listCtx {
		p.flush()
		p.inIndent = true
		return
	}
	content = p.maskComments(content)
	trimmed = strings.TrimLeft(content, " \t")
	if strings.TrimSpace(trimmed) == "" {
		p.blank()
		return
	}
	item := isListItem(trimmed)
	if item {
		p.listCtx = true
	} else if p.prevBlank && indent == 0 {
		p.listCtx = false
	}
	lead := len(content) - len(trimmed)
	if indent <= 3 {
		if level, text, id, ok := atxHeading(trimmed); ok {
			p.flush()
			p.m.Headings = append(p.m.Headings, Heading{Level: level, Text: plainText(text), ID: id, Line: num, Column: column(p.lines[num-1], off+lead)})
			p.blocks = append(p.blocks, block{segs: []segment{{line: num, start: off, text: content}}})
			p.prevBlank = false
			return
		}
		if level, ok := setextUnderline(trimmed); ok && len(p.para.segs) > 0 && !p.para.list && !strings.HasPrefix(strings.TrimSpace(p.para.segs[0].text), "|") {
			var parts []string
			for _, s := range p.para.segs {
				parts = append(parts, strings.TrimSpace(s.text))
			}
			first := p.para.segs[0]
			firstLead := len(first.text) - len(strings.TrimLeft(first.text, " \t"))
			p.m.Headings = append(p.m.Headings, Heading{Level: level, Text: plainText(strings.Join(parts, " ")), Line: first.line, Column: column(p.lines[first.line-1], first.start+firstLead)})
			p.flush()
			p.prevBlank = false
			return
		}
	}
	// A definition cannot interrupt a paragraph (CommonMark 4.7).
	if (indent <= 3 || p.listCtx) && (len(p.para.segs) == 0 || item) {
		if def, ok := refDefinition(trimmed); ok {
			def.Line = num
			def.Column = column(p.lines[num-1], off+lead)
			if _, dup := p.m.Defs[def.Label]; !dup {
				p.m.Defs[def.Label] = def
			}
			p.m.Links = append(p.m.Links, def)
			p.prevBlank = false
			return
		}
	}
	if item {
		// A list item starts a new block, as it interrupts a paragraph.
		p.flush()
		p.para.list = true
	}
	p.para.segs = append(p.para.segs, segment{line: num, start: off, text: content})
	p.prevBlank = false
}

// maskComments replaces HTML comments in s with spaces, entering the comment
// state when one is left open at the end of the line.
func (p *parser) maskComments(s string) string {
	if !strings.Contains(s, "<!--") {
		return s
	}
	b := []byte(s)
	for i := 0; i+4 <= len(b); {
		j := bytes.Index(b[i:], []byte("<!--"))
		if j < 0 {
			break
		}
		j += i
		end := bytes.Index(b[j+4:], []byte("-->"))
		stop := len(b)
		if end < 0 {
			p.inComment = true
		} else {
			stop = j + 4 + end + 3
		}
		for k := j; k < stop; k++ {
			b[k] = ' '
		}
		i = stop
	}
	return string(b)
}

// splitLines splits data into lines without their line endings.
func splitLines(data []byte) []string {
	s := string(data)
	lines := strings.Split(s, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// stripQuote removes blockquote markers (> ) and returns the rest and its offset.
func stripQuote(raw string) (string, int) {
	off := 0
	for {
		s := raw[off:]
		sp := 0
		for sp < len(s) && sp < 3 && s[sp] == ' ' {
			sp++
		}
		if sp >= len(s) || s[sp] != '>' {
			return s, off
		}
		off += sp + 1
		if off < len(raw) && raw[off] == ' ' {
			off++
		}
	}
}

// indentWidth is the width of s's leading whitespace, tabs to multiples of 4.
func indentWidth(s string) int {
	w := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			w++
		case '\t':
			w += 4 - w%4
		default:
			return w
		}
	}
	return w
}

// column is the 1-based column, in characters, of byte offset off of line.
func column(line string, off int) int {
	if off > len(line) {
		off = len(line)
	}
	if off < 0 {
		off = 0
	}
	return utf8.RuneCountInString(line[:off]) + 1
}

// fenceOpen reports whether s (without indentation) opens a fenced code block.
func fenceOpen(s string) (byte, int, bool) {
	if len(s) < 3 || (s[0] != '`' && s[0] != '~') {
		return 0, 0, false
	}
	c := s[0]
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	if n < 3 {
		return 0, 0, false
	}
	if c == '`' && strings.IndexByte(s[n:], '`') >= 0 {
		return 0, 0, false
	}
	return c, n, true
}

// isFenceClose reports whether s closes a fence of n characters c.
func isFenceClose(s string, c byte, n int) bool {
	t := strings.TrimSpace(s)
	if len(t) < n {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != c {
			return false
		}
	}
	return true
}

// isListItem reports whether s (without indentation) starts a list item.
func isListItem(s string) bool {
	if s == "" {
		return false
	}
	i := 0
	switch s[0] {
	case '-', '*', '+':
		i = 1
	default:
		for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i >= len(s) || (s[i] != '.' && s[i] != ')') {
			return false
		}
		i++
	}
	return i == len(s) || s[i] == ' ' || s[i] == '\t'
}

var explicitID = regexp.MustCompile(`\s*\{[^{}]*?#([^\s{}]+)[^{}]*\}\s*$`)

// inlineAttrID is an attr_list id on an inline or block element:
// **term**{ #id } or a paragraph ending in {: #id }.
var inlineAttrID = regexp.MustCompile(`\{:?\s*#([A-Za-z][\w:.-]*)[^{}]*\}`)

// atxHeading parses "## Title ##" and returns level, raw text and explicit id.
func atxHeading(s string) (int, string, string, bool) {
	n := 0
	for n < len(s) && s[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(s) && s[n] != ' ' && s[n] != '\t') {
		return 0, "", "", false
	}
	text := strings.TrimSpace(s[n:])
	// A closing sequence of #s, preceded by a space or alone.
	if t := strings.TrimRight(text, "#"); t != text && (t == "" || strings.HasSuffix(t, " ") || strings.HasSuffix(t, "\t")) {
		text = strings.TrimSpace(t)
	}
	id := ""
	if m := explicitID.FindStringSubmatchIndex(text); m != nil {
		id = text[m[2]:m[3]]
		text = strings.TrimSpace(text[:m[0]])
	}
	return n, text, id, true
}

// setextUnderline reports whether s is a setext underline, and its level.
func setextUnderline(s string) (int, bool) {
	t := strings.TrimRight(s, " \t")
	if t == "" || (t[0] != '=' && t[0] != '-') {
		return 0, false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != t[0] {
			return 0, false
		}
	}
	if t[0] == '=' {
		return 1, true
	}
	return 2, true
}

// refDefinition parses "[label]: dest "title"".
func refDefinition(s string) (Link, bool) {
	if !strings.HasPrefix(s, "[") || strings.HasPrefix(s, "[^") {
		return Link{}, false
	}
	end := -1
	for i := 1; i < len(s) && i < 1000; i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == '[' {
			return Link{}, false
		}
		if s[i] == ']' {
			end = i
			break
		}
	}
	if end < 0 || end+1 >= len(s) || s[end+1] != ':' {
		return Link{}, false
	}
	label := normalizeLabel(s[1:end])
	if label == "" {
		return Link{}, false
	}
	rest := strings.TrimLeft(s[end+2:], " \t")
	var dest string
	if strings.HasPrefix(rest, "<") {
		j := strings.IndexByte(rest, '>')
		if j < 0 {
			return Link{}, false
		}
		dest = rest[1:j]
	} else {
		j := strings.IndexAny(rest, " \t")
		if j < 0 {
			j = len(rest)
		}
		dest = rest[:j]
	}
	if dest == "" {
		return Link{}, false
	}
	return Link{Dest: unescapeMarkdown(dest), Label: label, Def: true}, true
}

// normalizeLabel case-folds a reference label and collapses its whitespace.
func normalizeLabel(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// unescapeMarkdown removes backslashes before ASCII punctuation.
func unescapeMarkdown(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && isPunct(s[i+1]) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isPunct(c byte) bool {
	return c < 0x80 && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

// scanInline finds the links of one block.
func (m *Markdown) scanInline(b block, raw []string) {
	n := 0
	for _, s := range b.segs {
		n += len(s.text) + 1
	}
	text := make([]byte, 0, n)
	starts := make([]int, len(b.segs))
	for i, s := range b.segs {
		starts[i] = len(text)
		text = append(text, s.text...)
		text = append(text, '\n')
	}
	maskCodeSpans(text)
	// Columns count characters from the line start; remembering the last
	// position keeps that linear when a long line has many links.
	lastSeg, lastOff, lastCol := -1, 0, 1
	pos := func(off int) (int, int) {
		i := sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
		if i < 0 {
			i = 0
		}
		s := b.segs[i]
		if s.line-1 >= len(raw) {
			return s.line, 1
		}
		line := raw[s.line-1]
		byteOff := min(max(s.start+off-starts[i], 0), len(line))
		if i != lastSeg || byteOff < lastOff {
			lastSeg, lastOff, lastCol = i, 0, 1
		}
		lastCol += utf8.RuneCountInString(line[lastOff:byteOff])
		lastOff = byteOff
		return s.line, lastCol
	}
	if bytes.IndexByte(text, '<') >= 0 {
		m.scanHTML(text, pos)
	}
	if bytes.IndexByte(text, '[') >= 0 {
		m.scanBrackets(text, pos)
	}
}

var (
	htmlLink   = regexp.MustCompile(`(?i)<(?:a|img|source|video|audio|iframe)\b[^>]*?\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')`)
	htmlAnchor = regexp.MustCompile(`(?i)<[a-z][a-z0-9]*\b[^>]*?\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')`)
)

func (m *Markdown) scanHTML(text []byte, pos func(int) (int, int)) {
	for _, loc := range htmlLink.FindAllSubmatchIndex(text, -1) {
		dest := submatch(text, loc)
		line, col := pos(loc[0])
		image := len(text) > loc[0]+2 && (text[loc[0]+1]|0x20) != 'a'
		m.Links = append(m.Links, Link{Dest: strings.TrimSpace(dest), Line: line, Column: col, HTML: true, Image: image})
	}
	for _, loc := range htmlAnchor.FindAllSubmatchIndex(text, -1) {
		if id := strings.TrimSpace(submatch(text, loc)); id != "" {
			m.anchors[id] = true
		}
	}
}

func submatch(text []byte, loc []int) string {
	for g := 1; 2*g+1 < len(loc); g++ {
		if loc[2*g] >= 0 {
			return string(text[loc[2*g]:loc[2*g+1]])
		}
	}
	return ""
}

// maxOpeners bounds the bracket stack so pathological input stays linear.
const maxOpeners = 256

// scanBrackets matches [ and ] and classifies each pair: inline link or
// image, full, collapsed or shortcut reference.
func (m *Markdown) scanBrackets(text []byte, pos func(int) (int, int)) {
	var stack []int
	n := len(text)
	// budget bounds the bytes that destination parsing may read, so that
	// unclosed "[a](" repeated over a long line stays linear.
	budget := 8*n + 1<<16
	for i := 0; i < n; i++ {
		c := text[i]
		if c == '\\' {
			i++
			continue
		}
		if c == '[' {
			if len(stack) == maxOpeners {
				stack = stack[1:]
			}
			stack = append(stack, i)
			continue
		}
		if c != ']' || len(stack) == 0 {
			continue
		}
		o := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		image := o > 0 && text[o-1] == '!' && !escaped(text, o-1)
		start := o
		if image {
			start = o - 1
		}
		// Inline: [text](dest "title")
		if i+1 < n && text[i+1] == '(' && budget > 0 {
			dest, end, reach, ok := inlineDest(text, i+2)
			budget -= reach - i
			if ok {
				line, col := pos(start)
				m.Links = append(m.Links, Link{Dest: dest, Line: line, Column: col, Image: image})
				if !image {
					stack = dropLinks(text, stack)
				}
				i = end
				continue
			}
		}
		// Full or collapsed reference: [text][label], [text][]
		if i+1 < n && text[i+1] == '[' {
			if end := labelEnd(text, i+2); end >= 0 {
				label := normalizeLabel(string(text[i+2 : end]))
				if label == "" {
					label = normalizeLabel(string(text[o+1 : i]))
				}
				wordBefore := !image && o > 0 && isWordByte(text[o-1])
				if label != "" && !wordBefore {
					line, col := pos(start)
					def, ok := m.Defs[label]
					m.Links = append(m.Links, Link{Dest: def.Dest, Line: line, Column: col, Image: image, Label: label, Undefined: !ok})
					if !image {
						stack = dropLinks(text, stack)
					}
				}
				i = end
				continue
			}
		}
		// Shortcut reference: [label], only when defined.
		if label := normalizeLabel(string(text[o+1 : i])); label != "" {
			if def, ok := m.Defs[label]; ok {
				line, col := pos(start)
				m.Links = append(m.Links, Link{Dest: def.Dest, Line: line, Column: col, Image: image, Label: label})
				if !image {
					stack = dropLinks(text, stack)
				}
			}
		}
	}
}

// dropLinks removes the openers of links from the stack: a link cannot
// contain another link (images may contain links).
func dropLinks(text []byte, stack []int) []int {
	out := stack[:0]
	for _, o := range stack {
		if o > 0 && text[o-1] == '!' {
			out = append(out, o)
		}
	}
	return out
}

func escaped(text []byte, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && text[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

func isWordByte(c byte) bool {
	return c == '_' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// labelEnd returns the index of the ] closing a reference label starting at
// i, or -1.
func labelEnd(text []byte, i int) int {
	for j := i; j < len(text) && j-i < 1000; j++ {
		switch text[j] {
		case '\\':
			j++
		case '[':
			return -1
		case ']':
			return j
		}
	}
	return -1
}

// maxDest is the longest destination (with its title) an inline link may have.
const maxDest = 4096

// inlineDest parses the destination and title of an inline link starting
// after "(" and returns the destination and the index of the closing ")";
// reach is how far it read, success or not.
func inlineDest(text []byte, i int) (dest string, end, reach int, ok bool) {
	n := min(len(text), i+maxDest)
	i = skipSpace(text[:n], i)
	if i < n && text[i] == '<' {
		j := i + 1
		for j < n && text[j] != '>' && text[j] != '\n' && text[j] != '<' {
			if text[j] == '\\' {
				j++
			}
			j++
		}
		if j >= n || text[j] != '>' {
			return "", 0, j, false
		}
		dest = string(text[i+1 : j])
		i = j + 1
	} else {
		depth := 0
		j := i
		for j < n {
			c := text[j]
			if c == '\\' && j+1 < n {
				j += 2
				continue
			}
			if c <= ' ' {
				break
			}
			if c == '(' {
				depth++
			}
			if c == ')' {
				if depth == 0 {
					break
				}
				depth--
			}
			j++
		}
		j = min(j, n)
		dest = string(text[i:j])
		i = j
	}
	i = skipSpace(text[:n], i)
	if i < n && (text[i] == '"' || text[i] == '\'' || text[i] == '(') {
		closer := text[i]
		if closer == '(' {
			closer = ')'
		}
		j := i + 1
		for j < n && text[j] != closer {
			if text[j] == '\\' {
				j++
			}
			j++
		}
		if j >= n {
			return "", 0, j, false
		}
		i = skipSpace(text[:n], j+1)
	}
	if i < n && text[i] == ')' {
		return unescapeMarkdown(dest), i, i, true
	}
	return "", 0, i, false
}

// skipSpace skips spaces and tabs and at most one line ending.
func skipSpace(text []byte, i int) int {
	nl := false
	for i < len(text) {
		switch {
		case text[i] == ' ' || text[i] == '\t':
		case text[i] == '\n' && !nl:
			nl = true
		default:
			return i
		}
		i++
	}
	return i
}

// maskCodeSpans blanks code spans (`code`, “ co`de “), keeping line
// endings, so that brackets inside them are not links.
func maskCodeSpans(text []byte) {
	type run struct{ start, n int }
	var runs []run
	for i := 0; i < len(text); {
		k := bytes.IndexByte(text[i:], '`')
		if k < 0 {
			break
		}
		i += k
		j := i
		for j < len(text) && text[j] == '`' {
			j++
		}
		r := run{i, j - i}
		if escaped(text, i) {
			r.start++
			r.n--
		}
		if r.n > 0 {
			runs = append(runs, r)
		}
		i = j
	}
	if len(runs) < 2 {
		return
	}
	byLen := map[int][]int{}
	for idx, r := range runs {
		byLen[r.n] = append(byLen[r.n], idx)
	}
	next := map[int]int{}
	for idx := 0; idx < len(runs); {
		r := runs[idx]
		list := byLen[r.n]
		p := next[r.n]
		for p < len(list) && list[p] <= idx {
			p++
		}
		next[r.n] = p
		if p == len(list) {
			idx++
			continue
		}
		c := runs[list[p]]
		for k := r.start; k < c.start+c.n; k++ {
			if text[k] != '\n' {
				text[k] = ' '
			}
		}
		idx = list[p] + 1
	}
}
