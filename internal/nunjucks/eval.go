package nunjucks

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Filter is a template filter: value | name(args...). It receives and may
// return template values: nil (null), Undefined{}, bool, string, float64
// (or a numeric type taken from the context), []any, map[string]any or
// *Object. An error fails the render at the filter's position.
type Filter func(value any, args ...any) (any, error)

// Default budgets.
const (
	DefaultMaxOutputBytes = 32 << 20
	DefaultMaxSteps       = 5_000_000
)

// ErrBudget is wrapped by errors returned when a template exceeds
// MaxOutputBytes or MaxSteps.
var ErrBudget = errors.New("template budget exceeded")

// Options configure an Env.
type Options struct {
	// VariableStart and VariableEnd delimit output tags; "{{" and "}}" by
	// default. Backstage uses "${{" and "}}". Block ({% %}) and comment
	// ({# #}) tags are fixed.
	VariableStart, VariableEnd string
	// Filters are added to the built-in filters, replacing any of the same
	// name; a nil entry removes a built-in.
	Filters map[string]Filter
	// MaxOutputBytes bounds the rendered output and any string value built
	// while rendering (DefaultMaxOutputBytes when 0).
	MaxOutputBytes int
	// MaxSteps bounds evaluation work: every node evaluated and every loop
	// iteration is a step (DefaultMaxSteps when 0).
	MaxSteps int
	// KeepOrder makes Eval and RenderInput return objects as *Object, in
	// JavaScript's key order, instead of map[string]any.
	KeepOrder bool
}

// Env renders templates with one configuration. It is safe for concurrent
// use: it holds no state between calls.
type Env struct {
	opts    Options
	filters map[string]builtin
}

// builtin is a filter with access to the evaluator's budget.
type builtin func(e *evaluator, v any, args []any) (any, error)

// New returns an Env for opts.
func New(opts Options) *Env {
	if opts.VariableStart == "" {
		opts.VariableStart = "{{"
	}
	if opts.VariableEnd == "" {
		opts.VariableEnd = "}}"
	}
	if opts.MaxOutputBytes <= 0 {
		opts.MaxOutputBytes = DefaultMaxOutputBytes
	}
	if opts.MaxSteps <= 0 {
		opts.MaxSteps = DefaultMaxSteps
	}
	e := &Env{opts: opts, filters: map[string]builtin{}}
	for name, f := range builtins {
		e.filters[name] = f
	}
	for name, f := range opts.Filters {
		if f == nil {
			delete(e.filters, name)
			continue
		}
		f := f
		e.filters[name] = func(_ *evaluator, v any, args []any) (any, error) { return f(v, args...) }
	}
	return e
}

func (e *Env) newLexer(name, src string) *lexer {
	return &lexer{name: name, src: src, line: 1, col: 1, varStart: e.opts.VariableStart, varEnd: e.opts.VariableEnd}
}

// Render renders src, naming it name in errors (name:line:col: message).
func (e *Env) Render(name, src string, ctx map[string]any) (string, error) {
	p := &parser{lx: e.newLexer(name, src)}
	nodes, err := p.parseNodes()
	if err != nil {
		return "", err
	}
	ev := e.evaluator(name, ctx)
	if err := ev.exec(nodes); err != nil {
		return "", err
	}
	return ev.out.String(), nil
}

// parseExpression parses src as one expression without delimiters, and
// nothing after it.
func (e *Env) parseExpression(src string) (expr, error) {
	lx := e.newLexer("expression", src)
	lx.inCode = true
	p := &parser{lx: lx}
	x, err := p.parseTopExpression()
	if err != nil {
		return nil, err
	}
	if t, err := p.next(); err != nil {
		return nil, err
	} else if t != nil {
		return nil, p.errAt(t, "unexpected token after expression: %s", t.val)
	}
	return x, nil
}

// Eval evaluates one expression (without delimiters) and returns its value
// with its type kept, as Backstage does for a step input that is a single
// ${{ expression }}: objects come back as map[string]any, arrays as []any,
// numbers as float64 (or the context's own numeric type when the value is
// taken from it unchanged), and an undefined value as Undefined{}.
func (e *Env) Eval(src string, ctx map[string]any) (any, error) {
	x, err := e.parseExpression(src)
	if err != nil {
		return nil, err
	}
	ev := e.evaluator("expression", ctx)
	v, err := ev.eval(x)
	if err != nil {
		return nil, err
	}
	return plain(v, true, e.opts.KeepOrder), nil
}

// plain converts engine values to plain Go values the way a JSON round trip
// would: undefined members are dropped, undefined array items become nil,
// non-finite numbers become nil.
func plain(v any, top, keepOrder bool) any {
	switch x := v.(type) {
	case Undefined, *function:
		if top {
			return Undefined{}
		}
		return nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case []any:
		out := make([]any, len(x))
		for i, it := range x {
			out[i] = plain(it, false, keepOrder)
		}
		return out
	case *Object, map[string]any:
		keys, _ := objectKeys(x)
		var ordered *Object
		var out map[string]any
		if keepOrder {
			ordered = NewObject()
		} else {
			out = make(map[string]any, len(keys))
		}
		for _, k := range keys {
			it, _ := objectGet(x, k)
			switch it.(type) {
			case Undefined, *function:
				continue
			}
			if keepOrder {
				ordered.Set(k, plain(it, false, true))
			} else {
				out[k] = plain(it, false, false)
			}
		}
		if keepOrder {
			return ordered
		}
		return out
	}
	return v
}

// placeAt gives a budget error raised inside a filter or function the
// position of the call.
func placeAt(err error, p pos) error {
	var pe *posError
	if errors.As(err, &pe) && pe.line == 0 {
		pe.line, pe.col = p.line, p.col
	}
	return err
}

type evaluator struct {
	env    *Env
	name   string
	ctx    map[string]any
	frames []map[string]any
	out    *strings.Builder
	steps  int
}

func (e *Env) evaluator(name string, ctx map[string]any) *evaluator {
	return &evaluator{env: e, name: name, ctx: ctx, frames: []map[string]any{{}}, out: &strings.Builder{}}
}

func (ev *evaluator) errAt(p pos, format string, args ...any) error {
	return &posError{name: ev.name, line: p.line, col: p.col, msg: fmt.Sprintf(format, args...)}
}

func (ev *evaluator) step(p pos) error {
	ev.steps++
	if ev.steps > ev.env.opts.MaxSteps {
		return ev.budgetErr(p, fmt.Sprintf("more than %d evaluation steps", ev.env.opts.MaxSteps))
	}
	return nil
}

func (ev *evaluator) budgetErr(p pos, msg string) error {
	return &posError{name: ev.name, line: p.line, col: p.col, msg: msg + ": " + ErrBudget.Error(), err: ErrBudget}
}

// checkSize fails when a string would exceed the output budget.
func (ev *evaluator) checkSize(p pos, n int) error {
	if n > ev.env.opts.MaxOutputBytes {
		return ev.budgetErr(p, fmt.Sprintf("output larger than %d bytes", ev.env.opts.MaxOutputBytes))
	}
	return nil
}

func (ev *evaluator) write(p pos, s string) error {
	if err := ev.checkSize(p, ev.out.Len()+len(s)); err != nil {
		return err
	}
	ev.out.WriteString(s)
	return nil
}

func (ev *evaluator) exec(nodes []stmt) error {
	for _, n := range nodes {
		switch n := n.(type) {
		case *textNode:
			if err := ev.write(pos{}, n.s); err != nil {
				return err
			}
		case *outputNode:
			if err := ev.step(n.pos); err != nil {
				return err
			}
			v, err := ev.eval(n.x)
			if err != nil {
				return err
			}
			if v == nil || v == (Undefined{}) {
				continue
			}
			if err := ev.write(n.pos, toStr(v)); err != nil {
				return err
			}
		case *ifNode:
			if err := ev.step(n.pos); err != nil {
				return err
			}
			c, err := ev.eval(n.cond)
			if err != nil {
				return err
			}
			body := n.else_
			if truthy(c) {
				body = n.body
			}
			if err := ev.exec(body); err != nil {
				return err
			}
		case *forNode:
			if err := ev.execFor(n); err != nil {
				return err
			}
		case *setNode:
			if err := ev.step(n.pos); err != nil {
				return err
			}
			var v any
			if n.value != nil {
				var err error
				if v, err = ev.eval(n.value); err != nil {
					return err
				}
			} else {
				saved := ev.out
				ev.out = &strings.Builder{}
				err := ev.exec(n.body)
				v = ev.out.String()
				ev.out = saved
				if err != nil {
					return err
				}
			}
			for _, name := range n.names {
				ev.set(name, v)
			}
		}
	}
	return nil
}

// set assigns like nunjucks' frame.set(name, v, resolveUp): the innermost
// frame that already has name, else the current frame.
func (ev *evaluator) set(name string, v any) {
	for i := len(ev.frames) - 1; i >= 0; i-- {
		if _, ok := ev.frames[i][name]; ok {
			ev.frames[i][name] = v
			return
		}
	}
	ev.frames[len(ev.frames)-1][name] = v
}

func (ev *evaluator) lookup(name string) any {
	for i := len(ev.frames) - 1; i >= 0; i-- {
		if v, ok := ev.frames[i][name]; ok {
			return v
		}
	}
	if v, ok := ev.ctx[name]; ok {
		return v
	}
	if g, ok := globals[name]; ok {
		return g
	}
	return Undefined{}
}

func (ev *evaluator) execFor(n *forNode) error {
	if err := ev.step(n.pos); err != nil {
		return err
	}
	it, err := ev.eval(n.iter)
	if err != nil {
		return err
	}
	ev.frames = append(ev.frames, map[string]any{})
	defer func() { ev.frames = ev.frames[:len(ev.frames)-1] }()
	frame := ev.frames[len(ev.frames)-1]
	iterations := 0
	run := func(i, length int) error {
		iterations++
		if err := ev.step(n.pos); err != nil {
			return err
		}
		loop := NewObject()
		loop.Set("index", float64(i+1))
		loop.Set("index0", float64(i))
		loop.Set("revindex", float64(length-i))
		loop.Set("revindex0", float64(length-i-1))
		loop.Set("first", i == 0)
		loop.Set("last", i == length-1)
		loop.Set("length", float64(length))
		frame["loop"] = loop
		return ev.exec(n.body)
	}
	if truthy(it) {
		switch x := it.(type) {
		case []any:
			for i, item := range x {
				if len(n.names) == 1 {
					frame[n.names[0]] = item
				} else {
					for u, name := range n.names {
						frame[name] = member(item, float64(u))
					}
				}
				if err := run(i, len(x)); err != nil {
					return err
				}
			}
		case string:
			// One name walks the characters; several names walk a string like
			// an object: index keys and characters.
			u := units(x)
			for i := range u {
				if len(n.names) == 1 {
					frame[n.names[0]] = fromUnits(u[i : i+1])
				} else {
					frame[n.names[0]] = numStr(float64(i))
					frame[n.names[1]] = fromUnits(u[i : i+1])
					for _, extra := range n.names[2:] {
						frame[extra] = Undefined{}
					}
				}
				if err := run(i, len(u)); err != nil {
					return err
				}
			}
		case *Object, map[string]any:
			// Only "for k, v in obj" walks an object; a single name over an
			// object makes no iterations, as in nunjucks.
			if len(n.names) > 1 {
				keys, _ := objectKeys(x)
				for i, k := range keys {
					v, _ := objectGet(x, k)
					frame[n.names[0]] = k
					frame[n.names[1]] = v
					for _, extra := range n.names[2:] {
						frame[extra] = Undefined{}
					}
					if err := run(i, len(keys)); err != nil {
						return err
					}
				}
			}
		}
	}
	if iterations == 0 && n.else_ != nil {
		return ev.exec(n.else_)
	}
	return nil
}

func (ev *evaluator) eval(x expr) (any, error) {
	if err := ev.step(x.at()); err != nil {
		return nil, err
	}
	switch x := x.(type) {
	case *litExpr:
		return x.v, nil
	case *symExpr:
		return ev.lookup(x.name), nil
	case *arrayExpr:
		// Capacity one more than needed gives every literal its own backing
		// array, so == between two literals compares distinct references.
		out := make([]any, 0, len(x.items)+1)
		for _, it := range x.items {
			v, err := ev.eval(it)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case *dictExpr:
		o := NewObject()
		for i, k := range x.keys {
			v, err := ev.eval(x.vals[i])
			if err != nil {
				return nil, err
			}
			o.Set(k, v)
		}
		return o, nil
	case *groupExpr:
		var v any
		for _, it := range x.items {
			var err error
			if v, err = ev.eval(it); err != nil {
				return nil, err
			}
		}
		return v, nil
	case *lookupExpr:
		obj, err := ev.eval(x.obj)
		if err != nil {
			return nil, err
		}
		k, err := ev.eval(x.key)
		if err != nil {
			return nil, err
		}
		return member(obj, k), nil
	case *callExpr:
		return ev.call(x)
	case *filterExpr:
		return ev.filter(x)
	case *unaryExpr:
		v, err := ev.eval(x.x)
		if err != nil {
			return nil, err
		}
		switch x.op {
		case "not":
			return !truthy(v), nil
		case "-":
			return -toNum(v), nil
		}
		return toNum(v), nil
	case *condExpr:
		c, err := ev.eval(x.cond)
		if err != nil {
			return nil, err
		}
		if truthy(c) {
			return ev.eval(x.then)
		}
		if x.else_ == nil {
			// nunjucks compiles a missing else to "".
			return "", nil
		}
		return ev.eval(x.else_)
	case *isExpr:
		return ev.test(x)
	case *binExpr:
		return ev.binary(x)
	case *errExpr:
		return nil, ev.errAt(x.pos, "%s", x.msg)
	}
	return nil, ev.errAt(x.at(), "unknown expression")
}

func (ev *evaluator) binary(x *binExpr) (any, error) {
	l, err := ev.eval(x.l)
	if err != nil {
		return nil, err
	}
	// and / or short-circuit and yield an operand, as in JavaScript.
	switch x.op {
	case "and":
		if !truthy(l) {
			return l, nil
		}
		return ev.eval(x.r)
	case "or":
		if truthy(l) {
			return l, nil
		}
		return ev.eval(x.r)
	}
	r, err := ev.eval(x.r)
	if err != nil {
		return nil, err
	}
	switch x.op {
	case "~":
		// nunjucks emits left + "" + right: undefined becomes "undefined".
		s := toStr(l) + toStr(r)
		return s, ev.checkSize(x.pos, len(s))
	case "+":
		if isStrLike(l) || isStrLike(r) {
			s := toStr(l) + toStr(r)
			return s, ev.checkSize(x.pos, len(s))
		}
		return toNum(l) + toNum(r), nil
	case "-":
		return toNum(l) - toNum(r), nil
	case "*":
		return toNum(l) * toNum(r), nil
	case "/":
		return toNum(l) / toNum(r), nil
	case "//":
		return math.Floor(toNum(l) / toNum(r)), nil
	case "%":
		return math.Mod(toNum(l), toNum(r)), nil
	case "**":
		return jsPow(toNum(l), toNum(r)), nil
	case "==":
		return looseEq(l, r), nil
	case "!=":
		return !looseEq(l, r), nil
	case "===":
		return strictEq(l, r), nil
	case "!==":
		return !strictEq(l, r), nil
	case "<":
		lt, _ := jsLess(l, r)
		return lt, nil
	case ">":
		gt, _ := jsLess(r, l)
		return gt, nil
	case "<=":
		gt, ok := jsLess(r, l)
		return ok && !gt, nil
	case ">=":
		lt, ok := jsLess(l, r)
		return ok && !lt, nil
	case "in":
		return ev.in(x.pos, l, r)
	}
	return nil, ev.errAt(x.pos, "unknown operator %s", x.op)
}

func jsPow(a, b float64) float64 {
	if math.IsNaN(b) || (math.Abs(a) == 1 && math.IsInf(b, 0)) {
		return math.NaN()
	}
	return math.Pow(a, b)
}

// isStrLike reports whether JavaScript's + would concatenate with v: strings
// and objects (which convert to strings).
func isStrLike(v any) bool {
	switch v.(type) {
	case string, []any, *Object, map[string]any, *function:
		return true
	}
	return false
}

// in is nunjucks' runtime.inOperator.
func (ev *evaluator) in(p pos, key, container any) (any, error) {
	switch c := container.(type) {
	case []any:
		for _, it := range c {
			if strictEq(it, key) {
				return true, nil
			}
		}
		return false, nil
	case string:
		return strings.Contains(c, toStr(key)), nil
	case *Object, map[string]any:
		_, ok := objectGet(c, toStr(key))
		return ok, nil
	}
	return nil, ev.errAt(p, "Cannot use \"in\" operator to search for %q in unexpected types.", toStr(key))
}

// member is nunjucks' memberLookup: anything of undefined or null is
// undefined, never an error.
func member(obj, key any) any {
	switch o := obj.(type) {
	case nil, Undefined:
		return Undefined{}
	case string:
		if k, ok := key.(string); ok {
			if k == "length" {
				return float64(jsLen(o))
			}
			if m := stringMethod(o, k); m != nil {
				return m
			}
		}
		if i, ok := index(key); ok {
			u := units(o)
			if i < len(u) {
				return fromUnits(u[i : i+1])
			}
		}
		return Undefined{}
	case []any:
		if k, ok := key.(string); ok {
			if k == "length" {
				return float64(len(o))
			}
			if m := arrayMethod(o, k); m != nil {
				return m
			}
		}
		if i, ok := index(key); ok && i < len(o) {
			return o[i]
		}
		return Undefined{}
	case *Object, map[string]any:
		if v, ok := objectGet(o, toStr(key)); ok {
			return v
		}
		return Undefined{}
	}
	return Undefined{}
}

// index converts a member key to an array index.
func index(key any) (int, bool) {
	if s, ok := key.(string); ok {
		if !isArrayIndex(s) {
			return 0, false
		}
		key = strToNum(s)
	}
	f, ok := toFloat(key)
	if !ok || f < 0 || f != math.Trunc(f) || f > math.MaxInt32 {
		return 0, false
	}
	return int(f), true
}

func (ev *evaluator) call(x *callExpr) (any, error) {
	fn, err := ev.eval(x.fn)
	if err != nil {
		return nil, err
	}
	args := make([]any, len(x.args))
	for i, a := range x.args {
		if args[i], err = ev.eval(a); err != nil {
			return nil, err
		}
	}
	f, ok := fn.(*function)
	if !ok {
		name := exprName(x.fn)
		if !truthy(fn) {
			return nil, ev.errAt(x.pos, "Unable to call `%s`, which is undefined or falsey", name)
		}
		return nil, ev.errAt(x.pos, "Unable to call `%s`, which is not a function", name)
	}
	v, err := f.call(ev, args)
	return ev.result(x.pos, v, err, f.name)
}

// result is the value a function or filter named what returned at p: a
// budget error placed there, another error wrapped with the name, a string
// held to the output budget.
func (ev *evaluator) result(p pos, v any, err error, what string) (any, error) {
	if err != nil {
		if errors.Is(err, ErrBudget) {
			return nil, placeAt(err, p)
		}
		return nil, ev.errAt(p, "%s: %v", what, err)
	}
	if s, ok := v.(string); ok {
		if err := ev.checkSize(p, len(s)); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func exprName(x expr) string {
	switch x := x.(type) {
	case *symExpr:
		return x.name
	case *lookupExpr:
		if k, ok := x.key.(*litExpr); ok {
			return exprName(x.obj) + "[\"" + toStr(k.v) + "\"]"
		}
		return exprName(x.obj) + "[...]"
	}
	return "(expression)"
}

func (ev *evaluator) filter(x *filterExpr) (any, error) {
	f, ok := ev.env.filters[x.name]
	if !ok {
		return nil, ev.errAt(x.pos, "filter not found: %s", x.name)
	}
	args := make([]any, len(x.args))
	for i, a := range x.args {
		var err error
		if args[i], err = ev.eval(a); err != nil {
			return nil, err
		}
	}
	v, err := f(ev, args[0], args[1:])
	return ev.result(x.pos, v, err, "filter "+x.name)
}

// globals are nunjucks' global functions that are hermetic.
var globals = map[string]any{
	"range": &function{name: "range", call: rangeFn},
}

func rangeFn(ev *evaluator, args []any) (any, error) {
	var start, stop, step float64 = 0, 0, 1
	switch {
	case len(args) == 0:
		return []any{}, nil
	case len(args) == 1:
		stop = toNum(args[0])
	default:
		start, stop = toNum(args[0]), toNum(args[1])
		if len(args) > 2 && truthy(args[2]) {
			step = toNum(args[2])
		}
	}
	var out []any
	for i := start; (step > 0 && i < stop) || (step < 0 && i > stop); i += step {
		if err := ev.step(pos{}); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	if out == nil {
		out = []any{}
	}
	return out, nil
}

// test evaluates "x is name(args)" with nunjucks' tests.
func (ev *evaluator) test(x *isExpr) (any, error) {
	v, err := ev.eval(x.x)
	if err != nil {
		return nil, err
	}
	args := make([]any, len(x.args))
	for i, a := range x.args {
		if args[i], err = ev.eval(a); err != nil {
			return nil, err
		}
	}
	r, err := runTest(x.test, v, args)
	if err != nil {
		return nil, ev.errAt(x.pos, "%v", err)
	}
	return r, nil
}

// runTest applies nunjucks' test name to v.
func runTest(name string, v any, args []any) (bool, error) {
	arg := func() any {
		if len(args) > 0 {
			return args[0]
		}
		return Undefined{}
	}
	switch name {
	case "defined":
		return v != Undefined{}, nil
	case "undefined":
		return v == Undefined{}, nil
	case "null", "none":
		return v == nil, nil
	case "number":
		return isNumber(v), nil
	case "string":
		_, ok := v.(string)
		return ok, nil
	case "truthy":
		return truthy(v), nil
	case "falsy":
		return !truthy(v), nil
	case "odd":
		return math.Mod(toNum(v), 2) == 1, nil
	case "even":
		return math.Mod(toNum(v), 2) == 0, nil
	case "divisibleby":
		return math.Mod(toNum(v), toNum(arg())) == 0, nil
	case "equalto", "eq", "sameas":
		return strictEq(v, arg()), nil
	case "ne":
		return !strictEq(v, arg()), nil
	case "gt", "greaterthan":
		r, _ := jsLess(arg(), v)
		return r, nil
	case "lt", "lessthan":
		r, _ := jsLess(v, arg())
		return r, nil
	case "ge":
		r, ok := jsLess(v, arg())
		return ok && !r, nil
	case "le":
		r, ok := jsLess(arg(), v)
		return ok && !r, nil
	case "lower":
		s, ok := v.(string)
		return ok && s == strings.ToLower(s), nil
	case "upper":
		s, ok := v.(string)
		return ok && s == strings.ToUpper(s), nil
	case "callable":
		_, ok := v.(*function)
		return ok, nil
	case "iterable":
		switch v.(type) {
		case string, []any:
			return true, nil
		}
		return false, nil
	case "mapping":
		return isObject(v), nil
	case "escaped":
		return false, nil
	}
	return false, fmt.Errorf("test not found: %s", name)
}
