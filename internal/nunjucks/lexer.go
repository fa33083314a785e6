package nunjucks

import (
	"fmt"
	"strings"
)

type tokType int

const (
	tData tokType = iota
	tComment
	tBlockStart
	tBlockEnd
	tVarStart
	tVarEnd
	tString
	tInt
	tFloat
	tBool
	tNone
	tSymbol
	tOp // operators and punctuation: ( ) [ ] { } , : | ~ . + - etc.
)

var tokNames = map[tokType]string{
	tData: "data", tComment: "comment", tBlockStart: "block-start", tBlockEnd: "block-end",
	tVarStart: "variable-start", tVarEnd: "variable-end", tString: "string", tInt: "int",
	tFloat: "float", tBool: "boolean", tNone: "none", tSymbol: "symbol", tOp: "operator",
}

type token struct {
	typ       tokType
	val       string
	line, col int
}

// Tag delimiters. Block and comment tags are fixed, as Backstage only
// changes the variable tags.
const (
	blockStart   = "{%"
	blockEnd     = "%}"
	commentStart = "{#"
	commentEnd   = "#}"
)

// delimChars and whitespace split tokens inside tags, as in nunjucks.
const (
	delimChars = "()[]{}%*-+~/#,:|.<>=!"
	wsChars    = " \n\t\r"
	intChars   = "0123456789"
)

// lexer is pulled by the parser one token at a time, because {% raw %}
// reads the source directly from the lexer's position.
type lexer struct {
	name      string
	src       string
	pos       int
	line, col int
	inCode    bool
	varStart  string
	varEnd    string
}

// posError is an error located in a template.
type posError struct {
	name      string
	line, col int
	msg       string
	err       error // wrapped cause, if any
}

func (e *posError) Unwrap() error { return e.err }

func (e *posError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.name, e.line, e.col, e.msg)
}

func (l *lexer) errf(line, col int, format string, args ...any) error {
	return &posError{name: l.name, line: line, col: col, msg: fmt.Sprintf(format, args...)}
}

func (l *lexer) finished() bool { return l.pos >= len(l.src) }

func (l *lexer) forward(n int) {
	for i := 0; i < n && l.pos < len(l.src); i++ {
		if l.src[l.pos] == '\n' {
			l.line++
			l.col = 1
		} else if l.src[l.pos]&0xC0 != 0x80 {
			l.col++
		}
		l.pos++
	}
}

func (l *lexer) matches(s string) bool { return strings.HasPrefix(l.src[l.pos:], s) }

func (l *lexer) extractString(s string) bool {
	if l.matches(s) {
		l.forward(len(s))
		return true
	}
	return false
}

// extractUntil consumes bytes not in chars; ok is false at end of input.
func (l *lexer) extractUntil(chars string) (string, bool) {
	if l.finished() {
		return "", false
	}
	start := l.pos
	for !l.finished() && strings.IndexByte(chars, l.src[l.pos]) < 0 {
		l.forward(1)
	}
	return l.src[start:l.pos], true
}

func (l *lexer) extractWhile(chars string) string {
	start := l.pos
	for !l.finished() && strings.IndexByte(chars, l.src[l.pos]) >= 0 {
		l.forward(1)
	}
	return l.src[start:l.pos]
}

// next returns the next token, nil at end of input.
func (l *lexer) next() (*token, error) {
	line, col := l.line, l.col
	tok := func(t tokType, v string) *token { return &token{typ: t, val: v, line: line, col: col} }
	if l.finished() {
		return nil, nil
	}
	if l.inCode {
		cur := l.src[l.pos]
		switch {
		case cur == '"' || cur == '\'':
			s, err := l.parseString(cur)
			if err != nil {
				return nil, err
			}
			return tok(tString, s), nil
		case strings.IndexByte(wsChars, cur) >= 0 || l.matches("\u00A0"):
			for !l.finished() && (strings.IndexByte(wsChars, l.src[l.pos]) >= 0 || l.matches("\u00A0")) {
				if l.matches("\u00A0") {
					l.forward(2)
				} else {
					l.forward(1)
				}
			}
			return l.next()
		case l.matches(blockEnd) || l.matches("-"+blockEnd):
			v := blockEnd
			if cur == '-' {
				v = "-" + blockEnd
			}
			l.forward(len(v))
			l.inCode = false
			return tok(tBlockEnd, v), nil
		case l.matches(l.varEnd) || l.matches("-"+l.varEnd):
			v := l.varEnd
			if !l.matches(l.varEnd) {
				v = "-" + l.varEnd
			}
			l.forward(len(v))
			l.inCode = false
			return tok(tVarEnd, v), nil
		case cur == 'r' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '/':
			return nil, l.errf(line, col, "regular expression literals are not supported")
		case strings.IndexByte(delimChars, cur) >= 0:
			for _, op := range []string{"===", "!==", "==", "!=", "<=", ">=", "//", "**"} {
				if l.matches(op) {
					l.forward(len(op))
					return tok(tOp, op), nil
				}
			}
			l.forward(1)
			return tok(tOp, string(cur)), nil
		default:
			word, _ := l.extractUntil(wsChars + delimChars)
			if word == "" {
				// Non-breaking space or a quote right after a word.
				l.forward(1)
				return tok(tSymbol, l.src[l.pos-1:l.pos]), nil
			}
			if isDigits(word) {
				if !l.finished() && l.src[l.pos] == '.' {
					l.forward(1)
					dec := l.extractWhile(intChars)
					return tok(tFloat, word+"."+dec), nil
				}
				return tok(tInt, word), nil
			}
			switch word {
			case "true", "false":
				return tok(tBool, word), nil
			case "none", "null":
				return tok(tNone, word), nil
			}
			return tok(tSymbol, word), nil
		}
	}
	// Template text.
	switch {
	case l.matches(blockStart + "-"):
		l.forward(3)
		l.inCode = true
		return tok(tBlockStart, blockStart+"-"), nil
	case l.matches(blockStart):
		l.forward(2)
		l.inCode = true
		return tok(tBlockStart, blockStart), nil
	case l.matches(l.varStart + "-"):
		l.forward(len(l.varStart) + 1)
		l.inCode = true
		return tok(tVarStart, l.varStart+"-"), nil
	case l.matches(l.varStart):
		l.forward(len(l.varStart))
		l.inCode = true
		return tok(tVarStart, l.varStart), nil
	}
	begin := string([]byte{blockStart[0], l.varStart[0], commentStart[0], commentEnd[0]})
	var b strings.Builder
	inComment := false
	if l.matches(commentStart) {
		inComment = true
		l.forward(len(commentStart))
		b.WriteString(commentStart)
	}
	for {
		data, ok := l.extractUntil(begin)
		if !ok {
			break
		}
		b.WriteString(data)
		if l.finished() {
			break
		}
		if !inComment && (l.matches(blockStart) || l.matches(l.varStart) || l.matches(commentStart)) {
			break
		}
		if l.matches(commentEnd) {
			if !inComment {
				// nunjucks refuses a stray "#}" in text.
				return nil, l.errf(l.line, l.col, "unexpected end of comment")
			}
			l.forward(len(commentEnd))
			b.WriteString(commentEnd)
			return tok(tComment, b.String()), nil
		}
		b.WriteByte(l.src[l.pos])
		l.forward(1)
	}
	if inComment {
		return nil, l.errf(line, col, "expected end of comment, got end of file")
	}
	return tok(tData, b.String()), nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseString reads a quoted string with nunjucks' escapes: \n \t \r, and
// a backslash before any other character yields that character.
func (l *lexer) parseString(delim byte) (string, error) {
	line, col := l.line, l.col
	l.forward(1)
	var b strings.Builder
	for !l.finished() && l.src[l.pos] != delim {
		c := l.src[l.pos]
		if c == '\\' {
			l.forward(1)
			if l.finished() {
				break
			}
			switch l.src[l.pos] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				start := l.pos
				l.forward(1)
				for l.pos < len(l.src) && l.src[l.pos]&0xC0 == 0x80 {
					l.pos++
				}
				b.WriteString(l.src[start:l.pos])
				continue
			}
			l.forward(1)
			continue
		}
		b.WriteByte(c)
		l.forward(1)
	}
	if l.finished() {
		return "", l.errf(line, col, "unterminated string")
	}
	l.forward(1)
	return b.String(), nil
}
