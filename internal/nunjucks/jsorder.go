package nunjucks

// Nunjucks compiles an expression to JavaScript source and emits binary
// operators without parentheses, so what decides the order of evaluation
// is JavaScript's precedence over the flattened operator sequence, not the
// tree Nunjucks parsed: "not a == b" runs as (!a) == b, "'x' + 5 - 3" as
// ('x' + 5) - 3 and "a ~ b + c" as a + "" + b + c. jsOrder rebuilds the
// parsed tree the way JavaScript reads that source. Parentheses, calls,
// filters, lookups, "in", "is", "//", "**" and inline if are emitted as
// closed units and stay as they are.

// jsPrec is JavaScript's binary operator precedence.
var jsPrec = map[string]int{
	"||": 1, "or": 1,
	"&&": 2, "and": 2,
	"==": 3, "!=": 3, "===": 3, "!==": 3,
	"<": 4, ">": 4, "<=": 4, ">=": 4,
	"+": 5, "-": 5,
	"*": 6, "/": 6, "%": 6,
}

// flatItem is an operand (x), a prefix "!" (not), or a binary operator.
type flatItem struct {
	x   expr
	not bool
	op  string
	pos pos
}

func isFlat(x expr) bool {
	switch x := x.(type) {
	case *binExpr:
		_, ok := jsPrec[x.op]
		return ok || x.op == "~"
	case *unaryExpr:
		return x.op == "not"
	}
	return false
}

func flatten(x expr, out []flatItem) []flatItem {
	switch n := x.(type) {
	case *binExpr:
		if isFlat(n) {
			out = flatten(n.l, out)
			if n.op == "~" {
				// left + "" + right
				out = append(out, flatItem{op: "+", pos: n.pos}, flatItem{x: &litExpr{n.pos, ""}}, flatItem{op: "+", pos: n.pos})
			} else {
				out = append(out, flatItem{op: n.op, pos: n.pos})
			}
			return flatten(n.r, out)
		}
	case *unaryExpr:
		if n.op == "not" {
			out = append(out, flatItem{not: true, pos: n.pos})
			return flatten(n.x, out)
		}
	}
	return append(out, flatItem{x: jsOrder(x)})
}

// jsOrder returns x rebuilt with JavaScript's precedence, recursively.
func jsOrder(x expr) expr {
	if x == nil {
		return nil
	}
	if isFlat(x) {
		items := flatten(x, nil)
		if len(items) > 4*maxChain {
			// Rebuilt left-deep, this would evaluate too deep.
			return &errExpr{pos: x.at(), msg: "expression too long"}
		}
		b := &rebuilder{items: items}
		return b.parse(0)
	}
	switch n := x.(type) {
	case *arrayExpr:
		for i := range n.items {
			n.items[i] = jsOrder(n.items[i])
		}
	case *groupExpr:
		for i := range n.items {
			n.items[i] = jsOrder(n.items[i])
		}
	case *dictExpr:
		for i := range n.vals {
			n.vals[i] = jsOrder(n.vals[i])
		}
	case *lookupExpr:
		n.obj, n.key = jsOrder(n.obj), jsOrder(n.key)
	case *callExpr:
		n.fn = jsOrder(n.fn)
		for i := range n.args {
			n.args[i] = jsOrder(n.args[i])
		}
	case *filterExpr:
		for i := range n.args {
			n.args[i] = jsOrder(n.args[i])
		}
	case *binExpr: // in, //, **
		n.l, n.r = jsOrder(n.l), jsOrder(n.r)
	case *unaryExpr: // - and +
		n.x = jsOrder(n.x)
	case *isExpr:
		n.x = jsOrder(n.x)
		for i := range n.args {
			n.args[i] = jsOrder(n.args[i])
		}
	case *condExpr:
		n.cond, n.then, n.else_ = jsOrder(n.cond), jsOrder(n.then), jsOrder(n.else_)
	}
	return x
}

type rebuilder struct {
	items []flatItem
	i     int
}

// operand reads prefix "!"s and one operand.
func (b *rebuilder) operand() expr {
	it := b.items[b.i]
	b.i++
	if it.not {
		return &unaryExpr{pos: it.pos, op: "not", x: b.operand()}
	}
	return it.x
}

// parse is precedence climbing over the flat sequence; all JavaScript
// binary operators here are left-associative.
func (b *rebuilder) parse(minPrec int) expr {
	l := b.operand()
	for b.i < len(b.items) {
		op := b.items[b.i]
		p := jsPrec[op.op]
		if p < minPrec {
			break
		}
		b.i++
		r := b.parse(p + 1)
		l = &binExpr{pos: op.pos, op: op.op, l: l, r: r}
	}
	return l
}

// errExpr fails when evaluated.
type errExpr struct {
	pos
	msg string
}
