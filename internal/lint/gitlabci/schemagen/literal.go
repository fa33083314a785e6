package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// object is a JavaScript object literal's properties, in source order.
type object []member

type member struct {
	key   string
	value any
}

// MarshalJSON writes the members in source order, as GitLab's ci.json has them.
func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := marshal(m.key)
		if err != nil {
			return nil, err
		}
		v, err := marshal(m.value)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// parseLiteral parses the JavaScript literal at the start of src: objects
// (identifier or string keys), arrays, double- or single-quoted strings,
// numbers, true/false/null and the minifier's !0 and !1. It stops at the end
// of the literal; anything else (a function, a variable) is an error.
func parseLiteral(src []byte) (any, error) {
	p := &literalParser{src: src}
	return p.value(0)
}

type literalParser struct {
	src []byte
	pos int
}

func (p *literalParser) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *literalParser) skipSpace() {
	for p.pos < len(p.src) && strings.IndexByte(" \t\r\n", p.src[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *literalParser) peek() byte {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

func (p *literalParser) value(depth int) (any, error) {
	if depth > 200 {
		return nil, p.errorf("nested too deeply")
	}
	switch c := p.peek(); {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"' || c == '\'':
		return p.str()
	case c == '!':
		p.pos++
		switch p.peek() {
		case '0':
			p.pos++
			return true, nil
		case '1':
			p.pos++
			return false, nil
		}
		return nil, p.errorf("unexpected !")
	case c == '-' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		switch word := p.ident(); word {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		default:
			return nil, p.errorf("unexpected %q", word)
		}
	}
}

func (p *literalParser) object(depth int) (any, error) {
	p.pos++ // {
	o := object{}
	for {
		if p.peek() == '}' {
			p.pos++
			return o, nil
		}
		var key string
		if c := p.peek(); c == '"' || c == '\'' {
			s, err := p.str()
			if err != nil {
				return nil, err
			}
			key = s
		} else if key = p.ident(); key == "" {
			return nil, p.errorf("expected a property name")
		}
		if p.peek() != ':' {
			return nil, p.errorf("expected : after %q", key)
		}
		p.pos++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		o = append(o, member{key, v})
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
		default:
			return nil, p.errorf("expected , or } in an object")
		}
	}
}

func (p *literalParser) array(depth int) (any, error) {
	p.pos++ // [
	out := []any{}
	for {
		if p.peek() == ']' {
			p.pos++
			return out, nil
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
		default:
			return nil, p.errorf("expected , or ] in an array")
		}
	}
}

// ident reads an identifier (letters, digits, _ and $).
func (p *literalParser) ident() string {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			p.pos++
			continue
		}
		break
	}
	return string(p.src[start:p.pos])
}

func (p *literalParser) number() (any, error) {
	start := p.pos
	for p.pos < len(p.src) && strings.IndexByte("+-.0123456789eE", p.src[p.pos]) >= 0 {
		p.pos++
	}
	text := string(p.src[start:p.pos])
	if strings.HasPrefix(text, ".") {
		text = "0" + text
	}
	if _, err := strconv.ParseFloat(text, 64); err != nil {
		return nil, p.errorf("bad number %q", text)
	}
	return json.Number(text), nil
}

// str reads a quoted string with JavaScript's escapes.
func (p *literalParser) str() (string, error) {
	quote := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == quote:
			p.pos++
			return b.String(), nil
		case c == '\n':
			return "", p.errorf("newline in a string")
		case c != '\\':
			r, size := utf8.DecodeRune(p.src[p.pos:])
			b.WriteRune(r)
			p.pos += size
			continue
		}
		p.pos++ // backslash
		if p.pos >= len(p.src) {
			break
		}
		e := p.src[p.pos]
		p.pos++
		switch e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case '0':
			b.WriteByte(0)
		case 'x', 'u':
			r, err := p.hexEscape(e)
			if err != nil {
				return "", err
			}
			b.WriteRune(r)
		case '\n':
			// a line continuation
		default:
			b.WriteByte(e)
		}
	}
	return "", p.errorf("unterminated string")
}

// hexEscape reads the digits of \xHH, \uHHHH or \u{H...}.
func (p *literalParser) hexEscape(kind byte) (rune, error) {
	n := 2
	if kind == 'u' {
		n = 4
		if p.pos < len(p.src) && p.src[p.pos] == '{' {
			end := bytes.IndexByte(p.src[p.pos:], '}')
			if end < 0 {
				return 0, p.errorf("bad \\u{} escape")
			}
			v, err := strconv.ParseUint(string(p.src[p.pos+1:p.pos+end]), 16, 32)
			p.pos += end + 1
			return rune(v), err
		}
	}
	if p.pos+n > len(p.src) {
		return 0, p.errorf("short \\%c escape", kind)
	}
	v, err := strconv.ParseUint(string(p.src[p.pos:p.pos+n]), 16, 32)
	if err != nil {
		return 0, p.errorf("bad \\%c escape", kind)
	}
	p.pos += n
	r := rune(v)
	if kind == 'u' && utf16IsSurrogate(r) && p.pos+6 <= len(p.src) && p.src[p.pos] == '\\' && p.src[p.pos+1] == 'u' {
		if lo, err := strconv.ParseUint(string(p.src[p.pos+2:p.pos+6]), 16, 32); err == nil {
			p.pos += 6
			return (r-0xD800)<<10 + (rune(lo) - 0xDC00) + 0x10000, nil
		}
	}
	return r, nil
}

func utf16IsSurrogate(r rune) bool { return r >= 0xD800 && r < 0xDC00 }
