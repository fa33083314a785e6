package nunjucks

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Template nodes.
type stmt interface{}

type textNode struct{ s string }

type outputNode struct {
	pos
	x expr
}

type ifNode struct {
	pos
	cond        expr
	body, else_ []stmt
}

type forNode struct {
	pos
	names       []string
	iter        expr
	body, else_ []stmt
}

type setNode struct {
	pos
	names []string
	value expr   // nil for a block set
	body  []stmt // the captured body of a block set
}

// Expression nodes.
type expr interface{ at() pos }

type pos struct{ line, col int }

func (p pos) at() pos { return p }

type litExpr struct {
	pos
	v any
}
type symExpr struct {
	pos
	name string
}
type arrayExpr struct {
	pos
	items []expr
}
type dictExpr struct {
	pos
	keys []string
	vals []expr
}
type lookupExpr struct {
	pos
	obj, key expr
}
type callExpr struct {
	pos
	fn   expr
	args []expr
}
type filterExpr struct {
	pos
	name string
	args []expr // args[0] is the filtered value
}
type binExpr struct {
	pos
	op   string
	l, r expr
}
type unaryExpr struct {
	pos
	op string // "not", "-", "+"
	x  expr
}
type isExpr struct {
	pos
	x    expr
	test string
	args []expr
}
type groupExpr struct {
	pos
	items []expr // (a, b) is JavaScript's comma operator: the last value
}
type condExpr struct {
	pos
	cond, then, else_ expr // else_ may be nil
}

// maxDepth bounds nesting while parsing so hostile input cannot exhaust
// the stack; maxChain bounds the operators or filters in one chain, which
// evaluate recursively too.
const (
	maxDepth = 200
	maxChain = 1000
)

type parser struct {
	lx         *lexer
	peeked     []*token
	dropLeadWS bool
	breakOn    []string
	depth      int
}

func (p *parser) next() (*token, error) {
	if n := len(p.peeked); n > 0 {
		t := p.peeked[n-1]
		p.peeked = p.peeked[:n-1]
		return t, nil
	}
	return p.lx.next()
}

func (p *parser) peek() (*token, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	if t != nil {
		p.peeked = append(p.peeked, t)
	}
	return t, nil
}

func (p *parser) push(t *token) {
	if t != nil {
		p.peeked = append(p.peeked, t)
	}
}

func (p *parser) errAt(t *token, format string, args ...any) error {
	line, col := p.lx.line, p.lx.col
	if t != nil {
		line, col = t.line, t.col
	}
	return &posError{name: p.lx.name, line: line, col: col, msg: fmt.Sprintf(format, args...)}
}

// skip consumes the next token if it is typ with value val.
func (p *parser) skip(typ tokType, val string) (bool, error) {
	t, err := p.next()
	if err != nil || t == nil {
		return false, err
	}
	if t.typ == typ && t.val == val {
		return true, nil
	}
	p.push(t)
	return false, nil
}

func (p *parser) skipOp(v string) (bool, error)  { return p.skip(tOp, v) }
func (p *parser) skipSym(v string) (bool, error) { return p.skip(tSymbol, v) }

func (p *parser) enter(t *token) error {
	p.depth++
	if p.depth > maxDepth {
		return p.errAt(t, "template nested too deeply")
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// parseNodes parses template content until end of input or a block named
// in p.breakOn (whose block-start token is consumed and whose name is left
// to peek).
func (p *parser) parseNodes() ([]stmt, error) {
	var out []stmt
	for {
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		if t == nil {
			return out, nil
		}
		switch t.typ {
		case tData:
			data := t.val
			nt, err := p.peek()
			if err != nil {
				return nil, err
			}
			if p.dropLeadWS {
				data = strings.TrimLeftFunc(data, isJSSpace)
				p.dropLeadWS = false
			}
			if nt != nil && ((nt.typ == tBlockStart && strings.HasSuffix(nt.val, "-")) ||
				(nt.typ == tVarStart && strings.HasSuffix(nt.val, "-")) ||
				(nt.typ == tComment && strings.HasPrefix(nt.val[len(commentStart):], "-"))) {
				data = strings.TrimRightFunc(data, isJSSpace)
			}
			out = append(out, &textNode{s: data})
		case tBlockStart:
			p.dropLeadWS = false
			n, done, err := p.parseStatement()
			if err != nil {
				return nil, err
			}
			if done {
				return out, nil
			}
			if n != nil {
				out = append(out, n)
			}
		case tVarStart:
			x, err := p.parseTopExpression()
			if err != nil {
				return nil, err
			}
			p.dropLeadWS = false
			if err := p.advanceAfterVarEnd(); err != nil {
				return nil, err
			}
			out = append(out, &outputNode{pos: pos{t.line, t.col}, x: x})
		case tComment:
			body := strings.TrimSuffix(t.val, commentEnd)
			p.dropLeadWS = strings.HasSuffix(body, "-")
		default:
			return nil, p.errAt(t, "unexpected token at top-level: %s", tokNames[t.typ])
		}
	}
}

func (p *parser) advanceAfterBlockEnd(name string) error {
	t, err := p.next()
	if err != nil {
		return err
	}
	if t == nil || t.typ != tBlockEnd {
		return p.errAt(t, "expected block end in %s statement", name)
	}
	if strings.HasPrefix(t.val, "-") {
		p.dropLeadWS = true
	}
	return nil
}

func (p *parser) advanceAfterVarEnd() error {
	t, err := p.next()
	if err != nil {
		return err
	}
	if t == nil || t.typ != tVarEnd {
		got := "end of file"
		if t != nil {
			got = fmt.Sprintf("%q", t.val)
		}
		return p.errAt(t, "expected variable end, got %s", got)
	}
	if strings.HasPrefix(t.val, "-") {
		p.dropLeadWS = true
	}
	return nil
}

// parseUntil parses until one of the named blocks and returns its body; the
// block's name token is left to peek.
func (p *parser) parseUntil(names ...string) ([]stmt, error) {
	prev := p.breakOn
	p.breakOn = names
	defer func() { p.breakOn = prev }()
	return p.parseNodes()
}

// parseStatement parses a tag after its block start. done reports a block
// named in p.breakOn.
func (p *parser) parseStatement() (stmt, bool, error) {
	t, err := p.peek()
	if err != nil {
		return nil, false, err
	}
	if t == nil || t.typ != tSymbol {
		return nil, false, p.errAt(t, "tag name expected")
	}
	for _, b := range p.breakOn {
		if t.val == b {
			return nil, true, nil
		}
	}
	if err := p.enter(t); err != nil {
		return nil, false, err
	}
	defer p.leave()
	switch t.val {
	case "if", "ifAsync":
		n, err := p.parseIf()
		return n, false, err
	case "for", "asyncEach", "asyncAll":
		n, err := p.parseFor()
		return n, false, err
	case "set":
		n, err := p.parseSet()
		return n, false, err
	case "raw", "verbatim":
		n, err := p.parseRaw(t.val)
		return n, false, err
	}
	return nil, false, p.errAt(t, "unknown block tag: %s", t.val)
}

func (p *parser) parseIf() (stmt, error) {
	t, _ := p.next() // if / elif / elseif
	cond, err := p.parseTopExpression()
	if err != nil {
		return nil, err
	}
	if err := p.advanceAfterBlockEnd(t.val); err != nil {
		return nil, err
	}
	n := &ifNode{pos: pos{t.line, t.col}, cond: cond}
	if n.body, err = p.parseUntil("elif", "elseif", "else", "endif"); err != nil {
		return nil, err
	}
	nt, err := p.peek()
	if err != nil {
		return nil, err
	}
	if nt == nil {
		return nil, p.errAt(t, "parseIf: expected elif, else, or endif, got end of file")
	}
	switch nt.val {
	case "elif", "elseif":
		el, err := p.parseIf()
		if err != nil {
			return nil, err
		}
		n.else_ = []stmt{el}
	case "else":
		p.next()
		if err := p.advanceAfterBlockEnd("else"); err != nil {
			return nil, err
		}
		if n.else_, err = p.parseUntil("endif"); err != nil {
			return nil, err
		}
		if end, _ := p.peek(); end == nil {
			return nil, p.errAt(t, "parseIf: expected endif, got end of file")
		}
		p.next()
		if err := p.advanceAfterBlockEnd("endif"); err != nil {
			return nil, err
		}
	case "endif":
		p.next()
		if err := p.advanceAfterBlockEnd("endif"); err != nil {
			return nil, err
		}
	default:
		return nil, p.errAt(nt, "parseIf: expected elif, else, or endif, got %s", nt.val)
	}
	return n, nil
}

func (p *parser) parseFor() (stmt, error) {
	t, _ := p.next()
	n := &forNode{pos: pos{t.line, t.col}}
	var err error
	if n.names, err = p.parseNames("parseFor: expected loop variable"); err != nil {
		return nil, err
	}
	if ok, err := p.skipSym("in"); err != nil || !ok {
		if err != nil {
			return nil, err
		}
		return nil, p.errAt(t, `parseFor: expected "in" keyword for loop`)
	}
	if n.iter, err = p.parseTopExpression(); err != nil {
		return nil, err
	}
	if err := p.advanceAfterBlockEnd("for"); err != nil {
		return nil, err
	}
	if n.body, err = p.parseUntil("endfor", "else", "endeach", "endall"); err != nil {
		return nil, err
	}
	nt, _ := p.peek()
	if nt == nil {
		return nil, p.errAt(t, "parseFor: expected endfor, got end of file")
	}
	p.next()
	if nt.val == "else" {
		if err := p.advanceAfterBlockEnd("else"); err != nil {
			return nil, err
		}
		if n.else_, err = p.parseUntil("endfor", "endeach", "endall"); err != nil {
			return nil, err
		}
		if end, _ := p.peek(); end == nil {
			return nil, p.errAt(t, "parseFor: expected endfor, got end of file")
		}
		p.next()
	}
	return n, p.advanceAfterBlockEnd("for")
}

// parseNames parses a comma-separated list of names (for a, b in ...;
// set x, y = ...), failing with msg where a name is expected.
func (p *parser) parseNames(msg string) ([]string, error) {
	var names []string
	for {
		nt, err := p.next()
		if err != nil {
			return nil, err
		}
		if nt == nil || nt.typ != tSymbol {
			return nil, p.errAt(nt, "%s", msg)
		}
		names = append(names, nt.val)
		more, err := p.skipOp(",")
		if err != nil || !more {
			return names, err
		}
	}
}

func (p *parser) parseSet() (stmt, error) {
	t, _ := p.next()
	n := &setNode{pos: pos{t.line, t.col}}
	var err error
	if n.names, err = p.parseNames("parseSet: expected variable name"); err != nil {
		return nil, err
	}
	eq, err := p.skipOp("=")
	if err != nil {
		return nil, err
	}
	if eq {
		if n.value, err = p.parseTopExpression(); err != nil {
			return nil, err
		}
		return n, p.advanceAfterBlockEnd("set")
	}
	end, err := p.next()
	if err != nil {
		return nil, err
	}
	if end == nil || end.typ != tBlockEnd {
		return nil, p.errAt(end, "parseSet: expected = or block end in set tag")
	}
	// nunjucks skips this block end without looking at its "-", so
	// "{% set x -%}" does not trim the body.
	if n.body, err = p.parseUntil("endset"); err != nil {
		return nil, err
	}
	if e, _ := p.peek(); e == nil {
		return nil, p.errAt(t, "parseSet: expected endset, got end of file")
	}
	p.next()
	return n, p.advanceAfterBlockEnd("endset")
}

var rawRe = map[string]*regexp.Regexp{
	"raw":      regexp.MustCompile(`^(?s)(.*?)\{%\s*(raw|endraw)\s*%\}`),
	"verbatim": regexp.MustCompile(`^(?s)(.*?)\{%\s*(verbatim|endverbatim)\s*%\}`),
}

// parseRaw copies text verbatim up to the matching endraw, counting nested
// raw blocks as nunjucks does. Only "{% endraw %}" without whitespace
// control ends it.
func (p *parser) parseRaw(tag string) (stmt, error) {
	p.next()
	if err := p.advanceAfterBlockEnd(tag); err != nil {
		return nil, err
	}
	re := rawRe[tag]
	level := 1
	var b strings.Builder
	for {
		m := re.FindStringSubmatchIndex(p.lx.src[p.lx.pos:])
		if m == nil {
			// Without its endraw, nunjucks keeps what it copied and lexes
			// the rest as a template again.
			return &textNode{s: b.String()}, nil
		}
		pre := p.lx.src[p.lx.pos : p.lx.pos+m[3]]
		all := m[1]
		name := p.lx.src[p.lx.pos+m[4] : p.lx.pos+m[5]]
		if name == tag {
			level++
		} else {
			level--
		}
		if level == 0 {
			b.WriteString(pre)
			p.lx.forward(all)
			return &textNode{s: b.String()}, nil
		}
		b.WriteString(p.lx.src[p.lx.pos : p.lx.pos+all])
		p.lx.forward(all)
	}
}

// Expressions, with nunjucks' precedence from loosest to tightest.

// parseTopExpression parses an expression that stands alone in the
// compiled JavaScript and puts it in JavaScript's evaluation order.
func (p *parser) parseTopExpression() (expr, error) {
	x, err := p.parseExpression()
	if err != nil {
		return nil, err
	}
	return jsOrder(x), nil
}

func (p *parser) parseExpression() (expr, error) {
	t, _ := p.peek()
	if err := p.enter(t); err != nil {
		return nil, err
	}
	defer p.leave()
	return p.parseInlineIf()
}

func (p *parser) parseInlineIf() (expr, error) {
	t, _ := p.peek()
	body, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	ok, err := p.skipSym("if")
	if err != nil || !ok {
		return body, err
	}
	cond, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	n := &condExpr{pos: posOf(t), cond: cond, then: body}
	if ok, err := p.skipSym("else"); err != nil {
		return nil, err
	} else if ok {
		if n.else_, err = p.parseOr(); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func posOf(t *token) pos {
	if t == nil {
		return pos{}
	}
	return pos{t.line, t.col}
}

// binary parses a left-associative chain of op over sub.
func (p *parser) binary(sub func() (expr, error), typ tokType, ops ...string) (expr, error) {
	l, err := sub()
	if err != nil {
		return nil, err
	}
	chain := 0
	for {
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		if t == nil {
			return l, nil
		}
		matched := ""
		for _, op := range ops {
			if t.typ == typ && t.val == op {
				matched = op
			}
		}
		if matched == "" {
			p.push(t)
			return l, nil
		}
		if chain++; chain > maxChain {
			return nil, p.errAt(t, "expression too long")
		}
		r, err := sub()
		if err != nil {
			return nil, err
		}
		l = &binExpr{pos: posOf(t), op: matched, l: l, r: r}
	}
}

func (p *parser) parseOr() (expr, error)  { return p.binary(p.parseAnd, tSymbol, "or") }
func (p *parser) parseAnd() (expr, error) { return p.binary(p.parseNot, tSymbol, "and") }

func (p *parser) parseNot() (expr, error) {
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	if ok, err := p.skipSym("not"); err != nil {
		return nil, err
	} else if ok {
		if err := p.enter(t); err != nil {
			return nil, err
		}
		defer p.leave()
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &unaryExpr{pos: posOf(t), op: "not", x: x}, nil
	}
	return p.parseIn()
}

func (p *parser) parseIn() (expr, error) {
	l, err := p.parseIs()
	if err != nil {
		return nil, err
	}
	for {
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		if t == nil {
			return l, nil
		}
		invert := t.typ == tSymbol && t.val == "not"
		if !invert {
			p.push(t)
		}
		ok, err := p.skipSym("in")
		if err != nil {
			return nil, err
		}
		if !ok {
			if invert {
				p.push(t)
			}
			return l, nil
		}
		r, err := p.parseIs()
		if err != nil {
			return nil, err
		}
		l = &binExpr{pos: posOf(t), op: "in", l: l, r: r}
		if invert {
			l = &unaryExpr{pos: posOf(t), op: "not", x: l}
		}
	}
}

func (p *parser) parseIs() (expr, error) {
	x, err := p.parseCompare()
	if err != nil {
		return nil, err
	}
	t, _ := p.peek()
	ok, err := p.skipSym("is")
	if err != nil || !ok {
		return x, err
	}
	not, err := p.skipSym("not")
	if err != nil {
		return nil, err
	}
	tt, err := p.next()
	if err != nil {
		return nil, err
	}
	if tt == nil || (tt.typ != tSymbol && tt.typ != tNone && tt.typ != tBool) {
		return nil, p.errAt(tt, "expected test name after is")
	}
	n := &isExpr{pos: posOf(t), x: x, test: tt.val}
	if tt.typ == tNone {
		n.test = "null"
	}
	if nt, _ := p.peek(); nt != nil && nt.typ == tOp && nt.val == "(" {
		if n.args, err = p.parseArgs(); err != nil {
			return nil, err
		}
	}
	if not {
		return &unaryExpr{pos: posOf(t), op: "not", x: n}, nil
	}
	return n, nil
}

func (p *parser) parseCompare() (expr, error) {
	return p.binary(p.parseConcat, tOp, "==", "===", "!=", "!==", "<", ">", "<=", ">=")
}
func (p *parser) parseConcat() (expr, error) { return p.binary(p.parseAdd, tOp, "~") }

// nunjucks nests + over - over * over / over // over % over **, each level
// left-associative; the odd nesting is kept because it changes results
// (a + b - c is a + (b - c)).
func (p *parser) parseAdd() (expr, error)      { return p.binary(p.parseSub, tOp, "+") }
func (p *parser) parseSub() (expr, error)      { return p.binary(p.parseMul, tOp, "-") }
func (p *parser) parseMul() (expr, error)      { return p.binary(p.parseDiv, tOp, "*") }
func (p *parser) parseDiv() (expr, error)      { return p.binary(p.parseFloorDiv, tOp, "/") }
func (p *parser) parseFloorDiv() (expr, error) { return p.binary(p.parseMod, tOp, "//") }
func (p *parser) parseMod() (expr, error)      { return p.binary(p.parsePow, tOp, "%") }
func (p *parser) parsePow() (expr, error) {
	return p.binary(func() (expr, error) { return p.parseUnary(false) }, tOp, "**")
}

func (p *parser) parseUnary(noFilters bool) (expr, error) {
	t, err := p.peek()
	if err != nil {
		return nil, err
	}
	var x expr
	if t != nil && t.typ == tOp && (t.val == "-" || t.val == "+") {
		p.next()
		if err := p.enter(t); err != nil {
			return nil, err
		}
		sub, err := p.parseUnary(true)
		p.leave()
		if err != nil {
			return nil, err
		}
		x = &unaryExpr{pos: posOf(t), op: t.val, x: sub}
	} else if x, err = p.parsePrimary(); err != nil {
		return nil, err
	}
	if !noFilters {
		return p.parseFilter(x)
	}
	return x, nil
}

func (p *parser) parseFilter(x expr) (expr, error) {
	for chain := 0; ; chain++ {
		if chain > maxChain {
			return nil, p.errAt(nil, "expression too long")
		}
		ok, err := p.skipOp("|")
		if err != nil {
			return nil, err
		}
		if !ok {
			return x, nil
		}
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		if t == nil || t.typ != tSymbol {
			return nil, p.errAt(t, "expected filter name")
		}
		name := t.val
		for {
			dot, err := p.skipOp(".")
			if err != nil {
				return nil, err
			}
			if !dot {
				break
			}
			nt, err := p.next()
			if err != nil {
				return nil, err
			}
			if nt == nil || nt.typ != tSymbol {
				return nil, p.errAt(nt, "expected filter name")
			}
			name += "." + nt.val
		}
		f := &filterExpr{pos: posOf(t), name: name, args: []expr{x}}
		if nt, _ := p.peek(); nt != nil && nt.typ == tOp && nt.val == "(" {
			args, err := p.parseArgs()
			if err != nil {
				return nil, err
			}
			f.args = append(f.args, args...)
		}
		x = f
	}
}

// parseArgs parses a parenthesised argument list.
func (p *parser) parseArgs() ([]expr, error) {
	open, _ := p.next()
	var args []expr
	for {
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		if t == nil {
			return nil, p.errAt(open, "expected ), got end of file")
		}
		if t.typ == tOp && t.val == ")" {
			p.next()
			return args, nil
		}
		if len(args) > 0 {
			if ok, err := p.skipOp(","); err != nil {
				return nil, err
			} else if !ok {
				return nil, p.errAt(t, "parseSignature: expected comma after expression")
			}
		}
		a, err := p.parseExpression()
		if err != nil {
			return nil, err
		}
		if eq, _ := p.peek(); eq != nil && eq.typ == tOp && eq.val == "=" {
			return nil, p.errAt(eq, "keyword arguments are not supported")
		}
		args = append(args, a)
	}
}

func (p *parser) parsePrimary() (expr, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, p.errAt(nil, "expected expression, got end of file")
	}
	var x expr
	ps := posOf(t)
	switch t.typ {
	case tString:
		x = &litExpr{ps, t.val}
	case tInt:
		f, _ := strconv.ParseFloat(t.val, 64)
		x = &litExpr{ps, f}
	case tFloat:
		f, _ := strconv.ParseFloat(strings.TrimSuffix(t.val, "."), 64)
		x = &litExpr{ps, f}
	case tBool:
		x = &litExpr{ps, t.val == "true"}
	case tNone:
		x = &litExpr{ps, nil}
	case tSymbol:
		x = &symExpr{ps, t.val}
	case tOp:
		if t.val == "(" || t.val == "[" || t.val == "{" {
			p.push(t)
			if x, err = p.parseAggregate(); err != nil {
				return nil, err
			}
			break
		}
		fallthrough
	default:
		return nil, p.errAt(t, "unexpected token: %s", t.val)
	}
	return p.parsePostfix(x)
}

func (p *parser) parseAggregate() (expr, error) {
	t, _ := p.next()
	if err := p.enter(t); err != nil {
		return nil, err
	}
	defer p.leave()
	closer := map[string]string{"(": ")", "[": "]", "{": "}"}[t.val]
	var items []expr
	var keys []string
	for {
		nt, err := p.peek()
		if err != nil {
			return nil, err
		}
		if nt == nil {
			return nil, p.errAt(t, "expected %s, got end of file", closer)
		}
		// nunjucks ends an aggregate at any closing bracket.
		if nt.typ == tOp && (nt.val == ")" || nt.val == "]" || nt.val == "}") {
			p.next()
			break
		}
		if len(items) > 0 {
			if ok, err := p.skipOp(","); err != nil {
				return nil, err
			} else if !ok {
				return nil, p.errAt(nt, "parseAggregate: expected comma after expression")
			}
			// A trailing comma before the closer is allowed.
			if c, _ := p.peek(); c != nil && c.typ == tOp && (c.val == ")" || c.val == "]" || c.val == "}") {
				continue
			}
		}
		if closer == "}" {
			kt, err := p.next()
			if err != nil {
				return nil, err
			}
			if kt == nil || (kt.typ != tString && kt.typ != tSymbol) {
				return nil, p.errAt(kt, "compilePair: Dict keys must be strings or names")
			}
			key := kt.val
			if ok, err := p.skipOp(":"); err != nil {
				return nil, err
			} else if !ok {
				return nil, p.errAt(kt, "parseAggregate: expected colon after dict key")
			}
			keys = append(keys, key)
		}
		v, err := p.parseExpression()
		if err != nil {
			return nil, err
		}
		items = append(items, v)
	}
	switch closer {
	case ")":
		if len(items) == 0 {
			return nil, p.errAt(t, "unexpected token: )")
		}
		return &groupExpr{posOf(t), items}, nil
	case "]":
		return &arrayExpr{posOf(t), items}, nil
	}
	return &dictExpr{pos: posOf(t), keys: keys, vals: items}, nil
}

func (p *parser) parsePostfix(x expr) (expr, error) {
	for {
		t, err := p.peek()
		if err != nil {
			return nil, err
		}
		if t == nil || t.typ != tOp {
			return x, nil
		}
		switch t.val {
		case "(":
			args, err := p.parseArgs()
			if err != nil {
				return nil, err
			}
			x = &callExpr{pos: posOf(t), fn: x, args: args}
		case "[":
			p.next()
			k, err := p.parseExpression()
			if err != nil {
				return nil, err
			}
			if ok, err := p.skipOp("]"); err != nil {
				return nil, err
			} else if !ok {
				return nil, p.errAt(t, "expected ] after index (slices are not supported)")
			}
			x = &lookupExpr{pos: posOf(t), obj: x, key: k}
		case ".":
			p.next()
			nt, err := p.next()
			if err != nil {
				return nil, err
			}
			if nt == nil || (nt.typ != tSymbol && nt.typ != tBool && nt.typ != tNone) {
				v := "end of file"
				if nt != nil {
					v = nt.val
				}
				return nil, p.errAt(nt, "expected name as lookup value, got %s", v)
			}
			x = &lookupExpr{pos: posOf(t), obj: x, key: &litExpr{posOf(nt), nt.val}}
		default:
			return x, nil
		}
		if err := p.enter(t); err != nil {
			return nil, err
		}
		defer p.leave()
	}
}
