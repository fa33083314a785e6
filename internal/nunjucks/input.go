package nunjucks

import (
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strings"
)

// singleExpr is Backstage's /\${{(.+)}}/g: "." stops at line breaks and
// the match is greedy.
var singleExpr = regexp.MustCompile(`\$\{\{([^\n\r\x{2028}\x{2029}]+)\}\}`)

// RenderInput renders one string of a step's input the way Backstage's
// scaffolder does (renderTemplateString in NunjucksWorkflowRunner):
//
//   - When the string parses to a single node that is not text (a lone
//     ${{ expr }}), every ${{ x }} in it is rewritten to ${{ ( x ) | dump }},
//     rendered, and the output parsed as JSON, so the value keeps its type
//     (numbers, booleans, arrays, objects). An empty output is Undefined{}.
//   - Otherwise, or when that fails, the string is rendered as text; an
//     empty output is Undefined{}.
//   - When rendering fails, the original string is returned unchanged,
//     with the error (Backstage logs it and keeps the string).
//
// Values come back as plain Go values (map[string]any, or *Object with
// Options.KeepOrder, []any, float64, string, bool, nil) or Undefined{}. The Env must use Backstage's "${{"
// and "}}" variable tags.
func (e *Env) RenderInput(name, s string, ctx map[string]any) (any, error) {
	if e.isSingleNode(name, s) {
		wrapped := singleExpr.ReplaceAllString(s, "$${{ ( $1 ) | dump }}")
		if out, err := e.Render(name, wrapped, ctx); err == nil {
			if out == "" {
				return Undefined{}, nil
			}
			if v, err := jsonParse(out); err == nil {
				return plain(v, true, e.opts.KeepOrder), nil
			}
		}
	}
	out, err := e.Render(name, s, ctx)
	if err != nil {
		return s, err
	}
	if out == "" {
		return Undefined{}, nil
	}
	return out, nil
}

// isSingleNode is Backstage's isSingleTemplateString: the template parses
// to exactly one node and it is not text.
func (e *Env) isSingleNode(name, s string) bool {
	p := &parser{lx: e.newLexer(name, s)}
	nodes, err := p.parseNodes()
	if err != nil || len(nodes) != 1 {
		return false
	}
	_, text := nodes[0].(*textNode)
	return !text
}

// ParseJSON decodes JSON as JavaScript's JSON.parse does, keeping object
// key order in *Object, so that a context built from it dumps and iterates
// objects in the order Backstage would.
func ParseJSON(s string) (any, error) { return jsonParse(s) }

// jsonParse is JSON.parse, keeping object key order in *Object.
func jsonParse(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	v, err := jsonValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after JSON value")
	}
	return v, nil
}

func jsonValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errors.New("JSON nested too deeply")
	}
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := jsonValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := dec.Token()
			return arr, err
		case '{':
			o := NewObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := jsonValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				o.Set(k, v)
			}
			_, err := dec.Token()
			return o, err
		}
		return nil, errors.New("unexpected JSON delimiter")
	case json.Number:
		return strToNum(t.String()), nil
	case string, bool, nil:
		return t, nil
	}
	return nil, errors.New("unexpected JSON token")
}
