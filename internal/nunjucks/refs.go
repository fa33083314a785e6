package nunjucks

import (
	"sort"
	"strings"
)

// Ref is a reference from a template to its context: a name, followed by
// the constant member names read from it ("values.destination.owner").
type Ref struct {
	Path      string
	Line, Col int
	// Guarded is true when the template tests for the value itself:
	// "x is defined", "x is undefined" or "x | default(...)".
	Guarded bool
}

// Refs lists the context references in src, in order of appearance, for
// linting (for example undefined ${{ values.x }} in skeleton files).
// Names bound by the template itself ({% set %}, loop variables, loop)
// and globals (range) are left out. A member read with a computed key
// ends the path before that key; a method call ends it before the method.
func (e *Env) Refs(name, src string) ([]Ref, error) {
	p := &parser{lx: e.newLexer(name, src)}
	nodes, err := p.parseNodes()
	if err != nil {
		return nil, err
	}
	w := &refWalker{scopes: []map[string]bool{{}}}
	w.stmts(nodes)
	return w.refs, nil
}

// RefsOf is Refs for a single expression without delimiters.
func (e *Env) RefsOf(src string) ([]Ref, error) {
	x, err := e.parseExpression(src)
	if err != nil {
		return nil, err
	}
	w := &refWalker{scopes: []map[string]bool{{}}}
	w.expr(x, false)
	return w.refs, nil
}

type refWalker struct {
	scopes []map[string]bool
	refs   []Ref
}

func (w *refWalker) bound(name string) bool {
	for _, s := range w.scopes {
		if s[name] {
			return true
		}
	}
	_, global := globals[name]
	return global
}

func (w *refWalker) stmts(nodes []stmt) {
	for _, n := range nodes {
		switch n := n.(type) {
		case *outputNode:
			w.expr(n.x, false)
		case *ifNode:
			w.expr(n.cond, false)
			w.stmts(n.body)
			w.stmts(n.else_)
		case *forNode:
			w.expr(n.iter, false)
			scope := map[string]bool{"loop": true}
			for _, name := range n.names {
				scope[name] = true
			}
			w.scopes = append(w.scopes, scope)
			w.stmts(n.body)
			w.scopes = w.scopes[:len(w.scopes)-1]
			w.stmts(n.else_)
		case *setNode:
			if n.value != nil {
				w.expr(n.value, false)
			} else {
				w.stmts(n.body)
			}
			for _, name := range n.names {
				w.scopes[len(w.scopes)-1][name] = true
			}
		}
	}
}

// path returns the dotted path of a symbol followed by constant lookups,
// and the expressions left to walk (computed keys).
func refPath(x expr) (root *symExpr, parts []string, rest []expr) {
	switch n := x.(type) {
	case *symExpr:
		return n, nil, nil
	case *lookupExpr:
		root, parts, rest = refPath(n.obj)
		if root == nil {
			return nil, nil, nil
		}
		if k, ok := n.key.(*litExpr); ok && len(rest) == 0 {
			if s, isStr := k.v.(string); isStr {
				return root, append(parts, s), nil
			}
			if f, isNum := toFloat(k.v); isNum {
				return root, append(parts, numStr(f)), nil
			}
		}
		return root, parts, append(rest, n.key)
	}
	return nil, nil, nil
}

func (w *refWalker) add(x expr, guarded bool) bool {
	root, parts, rest := refPath(x)
	if root == nil {
		return false
	}
	if !w.bound(root.name) {
		w.refs = append(w.refs, Ref{
			Path:    strings.Join(append([]string{root.name}, parts...), "."),
			Line:    root.line,
			Col:     root.col,
			Guarded: guarded,
		})
	}
	for _, r := range rest {
		w.expr(r, false)
	}
	return true
}

func (w *refWalker) expr(x expr, guarded bool) {
	switch n := x.(type) {
	case nil:
	case *symExpr, *lookupExpr:
		if !w.add(n, guarded) {
			if l, ok := n.(*lookupExpr); ok {
				w.expr(l.obj, false)
				w.expr(l.key, false)
			}
		}
	case *arrayExpr:
		for _, it := range n.items {
			w.expr(it, false)
		}
	case *groupExpr:
		for _, it := range n.items {
			w.expr(it, false)
		}
	case *dictExpr:
		for _, it := range n.vals {
			w.expr(it, false)
		}
	case *callExpr:
		// x.method(...) reads x; the method is not data.
		if l, ok := n.fn.(*lookupExpr); ok {
			if _, lit := l.key.(*litExpr); lit {
				w.expr(l.obj, false)
			} else {
				w.expr(n.fn, false)
			}
		} else {
			w.expr(n.fn, false)
		}
		for _, a := range n.args {
			w.expr(a, false)
		}
	case *filterExpr:
		for i, a := range n.args {
			w.expr(a, i == 0 && (n.name == "default" || n.name == "d"))
		}
	case *binExpr:
		w.expr(n.l, false)
		w.expr(n.r, false)
	case *unaryExpr:
		w.expr(n.x, false)
	case *isExpr:
		w.expr(n.x, n.test == "defined" || n.test == "undefined")
		for _, a := range n.args {
			w.expr(a, false)
		}
	case *condExpr:
		w.expr(n.cond, false)
		w.expr(n.then, false)
		w.expr(n.else_, false)
	}
}

// RefRoots returns the distinct first members under root ("values") that
// refs read, sorted: the keys a template expects in that object.
func RefRoots(refs []Ref, root string) []string {
	seen := map[string]bool{}
	for _, r := range refs {
		parts := strings.Split(r.Path, ".")
		if parts[0] == root && len(parts) > 1 {
			seen[parts[1]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
