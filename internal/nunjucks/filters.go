package nunjucks

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// builtins are nunjucks' built-in filters that are hermetic (random is
// left out: it is not deterministic).
var builtins map[string]builtin

func init() {
	builtins = map[string]builtin{
		"abs":        func(_ *evaluator, v any, _ []any) (any, error) { return math.Abs(toNum(v)), nil },
		"capitalize": fCapitalize,
		"default":    fDefault,
		"d":          fDefault,
		"dump":       fDump,
		"escape":     fEscape,
		"e":          fEscape,
		"first":      fFirst,
		"last":       fLast,
		"float":      fFloat,
		"int":        fInt,
		"indent":     fIndent,
		"join":       fJoin,
		"length":     fLength,
		"list":       fList,
		"lower":      fLower,
		"upper":      fUpper,
		"nl2br":      fNl2br,
		"replace":    fReplace,
		"reverse":    fReverse,
		"round":      fRound,
		"safe":       fSafe,
		"sort":       fSort,
		"string":     fString,
		"sum":        fSum,
		"title":      fTitle,
		"trim":       fTrim,
		"truncate":   fTruncate,
		"urlencode":  fURLEncode,
		"wordcount":  fWordcount,
		"selectattr": func(_ *evaluator, v any, a []any) (any, error) { return filterAttr(v, a, true) },
		"rejectattr": func(_ *evaluator, v any, a []any) (any, error) { return filterAttr(v, a, false) },
		"select":     fSelect(true),
		"reject":     fSelect(false),
	}
}

func arg(args []any, i int) any {
	if i < len(args) {
		return args[i]
	}
	return Undefined{}
}

// normStr is nunjucks' normalize(value, ”): null, undefined and false
// become ""; other non-strings fail like calling a string method on them.
func normStr(v any, method string) (string, error) {
	switch x := v.(type) {
	case nil, Undefined:
		return "", nil
	case bool:
		if !x {
			return "", nil
		}
	case string:
		return x, nil
	}
	return "", fmt.Errorf("str.%s is not a function", method)
}

func fCapitalize(_ *evaluator, v any, _ []any) (any, error) {
	s, err := normStr(v, "toLowerCase")
	if err != nil {
		return nil, err
	}
	return capitalize(s), nil
}

func capitalize(s string) string {
	u := units(strings.ToLower(s))
	if len(u) == 0 {
		return ""
	}
	return strings.ToUpper(fromUnits(u[:1])) + fromUnits(u[1:])
}

// fDefault: only undefined is replaced, unless the second argument is true,
// then any falsy value is.
func fDefault(_ *evaluator, v any, args []any) (any, error) {
	if truthy(arg(args, 1)) {
		if truthy(v) {
			return v, nil
		}
		return arg(args, 0), nil
	}
	if v != (Undefined{}) {
		return v, nil
	}
	return arg(args, 0), nil
}

// fDump is JSON.stringify(value, null, spaces).
func fDump(ev *evaluator, v any, args []any) (any, error) {
	indent := ""
	switch sp := arg(args, 0).(type) {
	case string:
		u := units(sp)
		if len(u) > 10 {
			u = u[:10]
		}
		indent = fromUnits(u)
	default:
		if f, ok := toFloat(sp); ok {
			n := int(math.Min(10, math.Trunc(f)))
			if n >= 1 {
				indent = strings.Repeat(" ", n)
			}
		}
	}
	b := &jsonBuf{}
	if ev != nil {
		b.limit = ev.env.opts.MaxOutputBytes
	}
	if !writeJSON(b, v, indent, "", 0) {
		return Undefined{}, nil
	}
	if b.over {
		return nil, ev.checkSize(pos{}, b.Len())
	}
	return b.String(), nil
}

// jsonBuf is the output of writeJSON, which stops growing past limit.
type jsonBuf struct {
	strings.Builder
	limit int
	over  bool
}

// writeJSON writes v as JSON.stringify does; false means v serialises to
// undefined.
func writeJSON(b *jsonBuf, v any, indent, cur string, depth int) bool {
	if b.limit > 0 && b.Len() > b.limit {
		b.over = true
		return true
	}
	if depth > maxDepth {
		b.WriteString("null")
		return true
	}
	switch x := v.(type) {
	case Undefined, *function:
		return false
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(toStr(x))
	case string:
		writeJSONString(&b.Builder, x)
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return true
		}
		inner := cur + indent
		b.WriteByte('[')
		for i, it := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if indent != "" {
				b.WriteString("\n" + inner)
			}
			if !writeJSON(b, it, indent, inner, depth+1) {
				b.WriteString("null")
			}
		}
		if indent != "" {
			b.WriteString("\n" + cur)
		}
		b.WriteByte(']')
	case *Object, map[string]any:
		keys, _ := objectKeys(x)
		inner := cur + indent
		b.WriteByte('{')
		n := 0
		for _, k := range keys {
			it, _ := objectGet(x, k)
			switch it.(type) {
			case Undefined, *function:
				continue
			}
			if n > 0 {
				b.WriteByte(',')
			}
			n++
			if indent != "" {
				b.WriteString("\n" + inner)
			}
			writeJSONString(&b.Builder, k)
			b.WriteByte(':')
			if indent != "" {
				b.WriteByte(' ')
			}
			writeJSON(b, it, indent, inner, depth+1)
		}
		if n > 0 && indent != "" {
			b.WriteString("\n" + cur)
		}
		b.WriteByte('}')
	default:
		f, ok := toFloat(v)
		if !ok {
			return false
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			b.WriteString("null")
		} else {
			b.WriteString(numStr(f))
		}
	}
	return true
}

func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", `"`, "&quot;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `\`, "&#92;")

func fEscape(_ *evaluator, v any, _ []any) (any, error) {
	if v == nil || v == (Undefined{}) {
		return "", nil
	}
	return htmlEscaper.Replace(toStr(v)), nil
}

func fFirst(_ *evaluator, v any, _ []any) (any, error) {
	if v == nil || v == (Undefined{}) {
		return nil, fmt.Errorf("cannot read properties of %s (reading '0')", toStr(v))
	}
	return member(v, 0.0), nil
}

func fLast(_ *evaluator, v any, _ []any) (any, error) {
	if v == nil || v == (Undefined{}) {
		return nil, fmt.Errorf("cannot read properties of %s (reading 'length')", toStr(v))
	}
	return member(v, toNum(member(v, "length"))-1), nil
}

// parseFloatPrefix is JavaScript's parseFloat.
func parseFloatPrefix(s string) float64 {
	s = strings.TrimLeftFunc(s, isJSSpace)
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if strings.HasPrefix(s[i:], "Infinity") {
		if s[0] == '-' {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return math.NaN()
	}
	end := i
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			end = k
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(s[:end], "."), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return f
		}
		return math.NaN()
	}
	return f
}

// parseIntPrefix is JavaScript's parseInt(s, 10).
func parseIntPrefix(s string) float64 {
	s = strings.TrimLeftFunc(s, isJSSpace)
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start {
		return math.NaN()
	}
	f, _ := strconv.ParseFloat(s[start:i], 64)
	if neg {
		f = -f
	}
	return f
}

func fFloat(_ *evaluator, v any, args []any) (any, error) {
	f := parseFloatPrefix(toStr(v))
	if math.IsNaN(f) {
		return arg(args, 0), nil
	}
	return f, nil
}

func fInt(_ *evaluator, v any, args []any) (any, error) {
	f := parseIntPrefix(toStr(v))
	if math.IsNaN(f) {
		return arg(args, 0), nil
	}
	return f, nil
}

func fIndent(ev *evaluator, v any, args []any) (any, error) {
	s, err := normStr(v, "split")
	if err != nil {
		return nil, err
	}
	if s == "" {
		return "", nil
	}
	w := arg(args, 0)
	if !truthy(w) {
		w = 4.0
	}
	n := int(math.Ceil(toNum(w)))
	if n < 0 || math.IsNaN(toNum(w)) {
		n = 0
	}
	lines := strings.Split(s, "\n")
	if err := ev.checkSize(pos{}, len(s)+n*len(lines)); err != nil {
		return nil, err
	}
	sp := strings.Repeat(" ", n)
	first := truthy(arg(args, 1))
	for i, l := range lines {
		if i > 0 || first {
			lines[i] = sp + l
		}
	}
	return strings.Join(lines, "\n"), nil
}

func fJoin(ev *evaluator, v any, args []any) (any, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("arr.join is not a function")
	}
	sep := ""
	if d := arg(args, 0); truthy(d) {
		sep = toStr(d)
	}
	if attr := arg(args, 1); truthy(attr) {
		mapped := make([]any, len(arr))
		for i, it := range arr {
			mapped[i] = member(it, attr)
		}
		arr = mapped
	}
	var b strings.Builder
	for i, it := range arr {
		if i > 0 {
			b.WriteString(sep)
		}
		if it != nil && it != (Undefined{}) {
			b.WriteString(toStr(it))
		}
		if err := ev.checkSize(pos{}, b.Len()); err != nil {
			return nil, err
		}
	}
	return b.String(), nil
}

func fLength(_ *evaluator, v any, _ []any) (any, error) {
	switch x := v.(type) {
	case nil, Undefined:
		return 0.0, nil
	case bool:
		if !x {
			return 0.0, nil
		}
		return Undefined{}, nil
	case string:
		return float64(jsLen(x)), nil
	case []any:
		return float64(len(x)), nil
	case *Object, map[string]any:
		keys, _ := objectKeys(x)
		return float64(len(keys)), nil
	}
	return Undefined{}, nil
}

func fList(_ *evaluator, v any, _ []any) (any, error) {
	switch x := v.(type) {
	case string:
		u := units(x)
		out := make([]any, len(u))
		for i := range u {
			out[i] = fromUnits(u[i : i+1])
		}
		return out, nil
	case []any:
		return x, nil
	case *Object, map[string]any:
		keys, _ := objectKeys(x)
		out := make([]any, len(keys))
		for i, k := range keys {
			o := NewObject()
			val, _ := objectGet(x, k)
			o.Set("key", k)
			o.Set("value", val)
			out[i] = o
		}
		return out, nil
	}
	return nil, errors.New("list filter: type not iterable")
}

func fLower(_ *evaluator, v any, _ []any) (any, error) {
	s, err := normStr(v, "toLowerCase")
	return strings.ToLower(s), err
}

func fUpper(_ *evaluator, v any, _ []any) (any, error) {
	s, err := normStr(v, "toUpperCase")
	return strings.ToUpper(s), err
}

func fNl2br(_ *evaluator, v any, _ []any) (any, error) {
	if v == nil || v == (Undefined{}) {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, errors.New("str.replace is not a function")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\n", "<br />\n"), nil
}

// fReplace is nunjucks' replace: every occurrence of a string (or number)
// pattern, or the first maxCount ones.
func fReplace(ev *evaluator, v any, args []any) (any, error) {
	old := arg(args, 0)
	if f, ok := toFloat(old); ok {
		old = numStr(f)
	}
	olds, ok := old.(string)
	if !ok {
		return v, nil
	}
	if f, ok := toFloat(v); ok {
		v = numStr(f)
	}
	s, ok := v.(string)
	if !ok {
		return v, nil
	}
	repl := toStr(arg(args, 1))
	maxCount := -1.0
	if mc := arg(args, 2); mc != (Undefined{}) {
		maxCount = toNum(mc)
	}
	if olds == "" {
		u := units(s)
		if err := ev.checkSize(pos{}, len(s)+(len(u)+1)*len(repl)); err != nil {
			return nil, err
		}
		parts := make([]string, len(u))
		for i := range u {
			parts[i] = fromUnits(u[i : i+1])
		}
		return repl + strings.Join(parts, repl) + repl, nil
	}
	if maxCount == 0 || !strings.Contains(s, olds) {
		return s, nil
	}
	n := strings.Count(s, olds)
	if maxCount > 0 && float64(n) > maxCount {
		n = int(math.Ceil(maxCount))
	}
	if err := ev.checkSize(pos{}, len(s)+n*len(repl)); err != nil {
		return nil, err
	}
	return strings.Replace(s, olds, repl, n), nil
}

func fReverse(_ *evaluator, v any, _ []any) (any, error) {
	switch x := v.(type) {
	case string:
		u := units(x)
		for i, j := 0, len(u)-1; i < j; i, j = i+1, j-1 {
			u[i], u[j] = u[j], u[i]
		}
		return fromUnits(u), nil
	case []any:
		out := make([]any, len(x))
		for i, it := range x {
			out[len(x)-1-i] = it
		}
		return out, nil
	}
	return []any{}, nil
}

func fRound(_ *evaluator, v any, args []any) (any, error) {
	prec := 0.0
	if p := arg(args, 0); p != (Undefined{}) {
		prec = toNum(p)
	}
	factor := math.Pow(10, prec)
	x := toNum(v) * factor
	switch toStr(arg(args, 1)) {
	case "ceil":
		x = math.Ceil(x)
	case "floor":
		x = math.Floor(x)
	default:
		x = math.Floor(x + 0.5) // Math.round rounds halves up
	}
	return x / factor, nil
}

func fSort(_ *evaluator, v any, args []any) (any, error) {
	arr, ok := v.([]any)
	if !ok {
		return []any{}, nil
	}
	out := append([]any(nil), arr...)
	reversed := truthy(arg(args, 0))
	caseSens := truthy(arg(args, 1))
	attr := arg(args, 2)
	get := attrGetter(attr)
	key := func(x any) any {
		if truthy(attr) {
			x = get(x)
		}
		if s, ok := x.(string); ok && !caseSens {
			return strings.ToLower(s)
		}
		return x
	}
	sort.SliceStable(out, func(i, j int) bool {
		x, y := key(out[i]), key(out[j])
		if reversed {
			lt, _ := jsLess(y, x)
			return lt
		}
		lt, _ := jsLess(x, y)
		return lt
	})
	return out, nil
}

func fString(_ *evaluator, v any, _ []any) (any, error) {
	if v == nil || v == (Undefined{}) {
		return nil, fmt.Errorf("cannot read properties of %s (reading 'toString')", toStr(v))
	}
	return toStr(v), nil
}

// fSum is start + arr.reduce((a, b) => a + b, 0).
func fSum(_ *evaluator, v any, args []any) (any, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, errors.New("arr.reduce is not a function")
	}
	var acc any = 0.0
	for _, it := range arr {
		if attr := arg(args, 0); truthy(attr) {
			it = member(it, attr)
		}
		acc = jsAdd(acc, it)
	}
	var start any = 0.0
	if st := arg(args, 1); st != (Undefined{}) {
		start = st
	}
	return jsAdd(start, acc), nil
}

// jsAdd is JavaScript's binary +.
func jsAdd(a, b any) any {
	if isStrLike(a) || isStrLike(b) {
		return toStr(a) + toStr(b)
	}
	return toNum(a) + toNum(b)
}

// fSelect is select/reject: keep the items whose test is want.
func fSelect(want bool) builtin {
	return func(_ *evaluator, v any, args []any) (any, error) {
		arr, ok := v.([]any)
		if !ok {
			if s, isStr := v.(string); isStr {
				arr, _ = mustList(s)
			} else {
				arr = []any{}
			}
		}
		name := "truthy"
		if t := arg(args, 0); t != (Undefined{}) {
			name = toStr(t)
		}
		out := []any{}
		for _, it := range arr {
			r, err := runTest(name, it, args[min(1, len(args)):])
			if err != nil {
				return nil, err
			}
			if r == want {
				out = append(out, it)
			}
		}
		return out, nil
	}
}

func mustList(s string) ([]any, error) {
	v, err := fList(nil, s, nil)
	l, _ := v.([]any)
	return l, err
}

func fTitle(_ *evaluator, v any, _ []any) (any, error) {
	s, err := normStr(v, "split")
	if err != nil {
		return nil, err
	}
	words := strings.Split(s, " ")
	for i, w := range words {
		words[i] = capitalize(w)
	}
	return strings.Join(words, " "), nil
}

// fTrim does not normalise its input in nunjucks: only strings work.
func fTrim(_ *evaluator, v any, _ []any) (any, error) {
	s, ok := v.(string)
	if !ok {
		if v == nil || v == (Undefined{}) {
			return nil, fmt.Errorf("cannot read properties of %s (reading 'replace')", toStr(v))
		}
		return nil, errors.New("str.replace is not a function")
	}
	return strings.TrimFunc(s, isJSSpace), nil
}

// fSafe marks a value safe, which makes it a string; null and undefined
// become "".
func fSafe(_ *evaluator, v any, _ []any) (any, error) {
	if v == nil || v == (Undefined{}) {
		return "", nil
	}
	return toStr(v), nil
}

func fTruncate(_ *evaluator, v any, args []any) (any, error) {
	s, err := normStr(v, "substring")
	if err != nil {
		return nil, err
	}
	n := 255
	if l := arg(args, 0); truthy(l) {
		n = int(toNum(l))
	}
	u := units(s)
	if len(u) <= n {
		return s, nil
	}
	if n < 0 {
		n = 0
	}
	if truthy(arg(args, 1)) {
		u = u[:n]
	} else {
		idx := -1
		for i := min(n, len(u)-1); i >= 0; i-- {
			if u[i] == ' ' {
				idx = i
				break
			}
		}
		if idx == -1 {
			idx = n
		}
		u = u[:idx]
	}
	end := "..."
	if e := arg(args, 2); e != nil && e != (Undefined{}) {
		end = toStr(e)
	}
	return fromUnits(u) + end, nil
}

// encodeURIComponent escapes all but A-Z a-z 0-9 - _ . ! ~ * ' ( ).
func encodeURIComponent(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func fURLEncode(_ *evaluator, v any, _ []any) (any, error) {
	if s, ok := v.(string); ok {
		return encodeURIComponent(s), nil
	}
	var pairs []string
	switch x := v.(type) {
	case []any:
		for _, it := range x {
			pairs = append(pairs, encodeURIComponent(toStr(member(it, 0.0)))+"="+encodeURIComponent(toStr(member(it, 1.0))))
		}
	case *Object, map[string]any:
		keys, _ := objectKeys(x)
		for _, k := range keys {
			val, _ := objectGet(x, k)
			pairs = append(pairs, encodeURIComponent(k)+"="+encodeURIComponent(toStr(val)))
		}
	}
	return strings.Join(pairs, "&"), nil
}

func fWordcount(_ *evaluator, v any, _ []any) (any, error) {
	s, _ := v.(string)
	n := 0
	in := false
	for _, r := range s {
		w := r < utf8.RuneSelf && (r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
		if w && !in {
			n++
		}
		in = w
	}
	if n == 0 {
		return nil, nil
	}
	return float64(n), nil
}

func filterAttr(v any, args []any, keep bool) (any, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, errors.New("arr.filter is not a function")
	}
	out := []any{}
	for _, it := range arr {
		if truthy(member(it, arg(args, 0))) == keep {
			out = append(out, it)
		}
	}
	return out, nil
}

// stringMethod returns the few JavaScript String methods templates use.
func stringMethod(s, name string) *function {
	m := func(f func(args []any) (any, error)) *function {
		return &function{name: name, call: func(_ *evaluator, args []any) (any, error) { return f(args) }}
	}
	switch name {
	case "toUpperCase":
		return m(func([]any) (any, error) { return strings.ToUpper(s), nil })
	case "toLowerCase":
		return m(func([]any) (any, error) { return strings.ToLower(s), nil })
	case "trim":
		return m(func([]any) (any, error) { return strings.TrimFunc(s, isJSSpace), nil })
	case "startsWith":
		return m(func(a []any) (any, error) { return strings.HasPrefix(s, toStr(arg(a, 0))), nil })
	case "endsWith":
		return m(func(a []any) (any, error) { return strings.HasSuffix(s, toStr(arg(a, 0))), nil })
	case "includes":
		return m(func(a []any) (any, error) { return strings.Contains(s, toStr(arg(a, 0))), nil })
	case "split":
		return m(func(a []any) (any, error) {
			sep := arg(a, 0)
			if sep == (Undefined{}) {
				return []any{s}, nil
			}
			var parts []string
			if toStr(sep) == "" {
				u := units(s)
				out := make([]any, len(u))
				for i := range u {
					out[i] = fromUnits(u[i : i+1])
				}
				return out, nil
			}
			parts = strings.Split(s, toStr(sep))
			out := make([]any, len(parts))
			for i, p := range parts {
				out[i] = p
			}
			return out, nil
		})
	case "replace":
		// String.prototype.replace with a string pattern: first occurrence.
		return m(func(a []any) (any, error) { return strings.Replace(s, toStr(arg(a, 0)), toStr(arg(a, 1)), 1), nil })
	}
	return nil
}

// arrayMethod returns the few JavaScript Array methods templates use.
func arrayMethod(arr []any, name string) *function {
	switch name {
	case "includes":
		return &function{name: name, call: func(_ *evaluator, a []any) (any, error) {
			for _, it := range arr {
				x, y := it, arg(a, 0)
				if strictEq(x, y) {
					return true, nil
				}
			}
			return false, nil
		}}
	case "join":
		return &function{name: name, call: func(ev *evaluator, a []any) (any, error) {
			sep := arg(a, 0)
			if sep == (Undefined{}) {
				sep = ","
			}
			return fJoin(ev, arr, []any{toStr(sep)})
		}}
	}
	return nil
}
