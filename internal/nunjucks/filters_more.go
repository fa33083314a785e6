package nunjucks

import (
	"errors"
	"math"
	"regexp"
	"sort"
	"strings"
)

func init() {
	builtins["batch"] = fBatch
	builtins["center"] = fCenter
	builtins["dictsort"] = fDictsort
	builtins["forceescape"] = fEscape
	builtins["groupby"] = fGroupby
	builtins["striptags"] = fStriptags
}

// attrGetter is nunjucks' lib.getAttrGetter: a dotted path of own
// properties; anything missing is undefined.
func attrGetter(attr any) func(any) any {
	var parts []string
	switch a := attr.(type) {
	case nil, Undefined:
	case string:
		if a != "" {
			parts = strings.Split(a, ".")
		}
	default:
		parts = []string{toStr(a)}
	}
	return func(item any) any {
		for _, p := range parts {
			v := member(item, p)
			if v == (Undefined{}) {
				return Undefined{}
			}
			// Methods and "length" are not own properties.
			if _, isFn := v.(*function); isFn {
				return Undefined{}
			}
			if _, isObj := item.(*Object); !isObj {
				if _, isMap := item.(map[string]any); !isMap && p == "length" {
					return Undefined{}
				}
			}
			item = v
		}
		return item
	}
}

// repeat is lib.repeat: the loop runs while i < n.
func repeat(s string, n float64) string {
	if math.IsNaN(n) || n <= 0 {
		return ""
	}
	return strings.Repeat(s, int(math.Ceil(n)))
}

func fBatch(ev *evaluator, v any, args []any) (any, error) {
	arr, ok := v.([]any)
	if !ok {
		if s, isStr := v.(string); isStr {
			arr, _ = mustList(s)
		} else {
			return []any{}, nil
		}
	}
	n := toNum(arg(args, 0))
	fill := arg(args, 1)
	res := []any{}
	tmp := []any{}
	for i, it := range arr {
		if math.Mod(float64(i), n) == 0 && len(tmp) > 0 {
			res = append(res, tmp)
			tmp = []any{}
		}
		tmp = append(tmp, it)
	}
	if len(tmp) > 0 {
		if truthy(fill) {
			if err := ev.step(pos{}); err != nil {
				return nil, err
			}
			for i := float64(len(tmp)); i < n; i++ {
				if err := ev.step(pos{}); err != nil {
					return nil, err
				}
				tmp = append(tmp, fill)
			}
		}
		res = append(res, tmp)
	}
	return res, nil
}

func fCenter(ev *evaluator, v any, args []any) (any, error) {
	s, err := normStr(v, "length")
	if err != nil {
		return nil, err
	}
	w := arg(args, 0)
	if !truthy(w) {
		w = 80.0
	}
	width := toNum(w)
	l := float64(jsLen(s))
	if l >= width {
		return s, nil
	}
	spaces := width - l
	if err := ev.checkSize(pos{}, len(s)+int(spaces)); err != nil {
		return nil, err
	}
	return repeat(" ", spaces/2-math.Mod(spaces, 2)) + s + repeat(" ", spaces/2), nil
}

func fDictsort(_ *evaluator, v any, args []any) (any, error) {
	keys, ok := objectKeys(v)
	if !ok {
		return nil, errors.New("dictsort filter: val must be an object")
	}
	caseSens := truthy(arg(args, 0))
	si := 0
	switch by := arg(args, 1); by {
	case Undefined{}, "key":
	case "value":
		si = 1
	default:
		return nil, errors.New("dictsort filter: You can only sort by either key or value")
	}
	pairs := make([]any, len(keys))
	for i, k := range keys {
		val, _ := objectGet(v, k)
		pairs[i] = []any{k, val}
	}
	key := func(p any) any {
		x := p.([]any)[si]
		if s, ok := x.(string); ok && !caseSens {
			return strings.ToUpper(s)
		}
		return x
	}
	sort.SliceStable(pairs, func(i, j int) bool {
		a, b := key(pairs[i]), key(pairs[j])
		gt, _ := jsLess(b, a)
		return !gt && !strictEq(a, b)
	})
	return pairs, nil
}

func fGroupby(_ *evaluator, v any, args []any) (any, error) {
	arr, ok := v.([]any)
	if !ok {
		return NewObject(), nil
	}
	get := attrGetter(arg(args, 0))
	o := NewObject()
	for _, it := range arr {
		k := toStr(get(it))
		cur, _ := o.Get(k)
		list, _ := cur.([]any)
		o.Set(k, append(list, it))
	}
	return o, nil
}

var (
	tagRe       = regexp.MustCompile(`(?i)</?([a-z][a-z0-9]*)\b[^>]*>|<!--[\s\S]*?-->`)
	edgeSpaceRe = regexp.MustCompile(`(?m)^ +| +$`)
	spacesRe    = regexp.MustCompile(` +`)
	manyNLRe    = regexp.MustCompile(`\n\n\n+`)
)

func fStriptags(_ *evaluator, v any, args []any) (any, error) {
	s, err := normStr(v, "replace")
	if err != nil {
		return nil, err
	}
	s = strings.TrimFunc(tagRe.ReplaceAllString(s, ""), isJSSpace)
	if truthy(arg(args, 0)) {
		s = edgeSpaceRe.ReplaceAllString(s, "")
		s = spacesRe.ReplaceAllString(s, " ")
		s = strings.ReplaceAll(s, "\r\n", "\n")
		return manyNLRe.ReplaceAllString(s, "\n\n"), nil
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if isJSSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String(), nil
}
