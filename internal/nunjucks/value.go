package nunjucks

import (
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Undefined is JavaScript's undefined: the value of a name or member that
// does not exist. It renders as "" and is falsy. Eval returns Undefined{}
// when the expression's value is undefined.
type Undefined struct{}

// Object is an insertion-ordered JavaScript object. Object literals in
// templates evaluate to *Object so that dump keeps their key order; a
// context may hold *Object too where key order matters. Plain
// map[string]any values are enumerated with integer-like keys first
// (ascending, as JavaScript does) and the rest sorted.
type Object struct {
	keys []string
	m    map[string]any
}

// NewObject returns an empty ordered object.
func NewObject() *Object { return &Object{m: map[string]any{}} }

// Set sets key to v, appending key if it is new.
func (o *Object) Set(key string, v any) {
	if _, ok := o.m[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.m[key] = v
}

// Get returns the value of key and whether it is present.
func (o *Object) Get(key string) (any, bool) {
	v, ok := o.m[key]
	return v, ok
}

// Keys returns the keys in JavaScript enumeration order.
func (o *Object) Keys() []string { return jsKeyOrder(o.keys, false) }

// Len returns the number of keys.
func (o *Object) Len() int { return len(o.keys) }

// function is a callable value: a global (range) or a bound method.
type function struct {
	name string
	call func(e *evaluator, args []any) (any, error)
}

// isArrayIndex reports whether k is a canonical array index ("0", "12").
func isArrayIndex(k string) bool {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	n, _ := strconv.ParseUint(k, 10, 64)
	return n < 1<<32-1
}

// jsKeyOrder orders keys as JavaScript enumerates own properties: array
// indices ascending first, then the others in insertion order (sorted when
// the source has no order).
func jsKeyOrder(keys []string, sortRest bool) []string {
	var idx, rest []string
	for _, k := range keys {
		if isArrayIndex(k) {
			idx = append(idx, k)
		} else {
			rest = append(rest, k)
		}
	}
	if len(idx) == 0 && !sortRest {
		return append([]string(nil), keys...)
	}
	sort.Slice(idx, func(i, j int) bool {
		a, _ := strconv.ParseUint(idx[i], 10, 64)
		b, _ := strconv.ParseUint(idx[j], 10, 64)
		return a < b
	})
	if sortRest {
		sort.Strings(rest)
	}
	return append(idx, rest...)
}

// objectKeys returns the keys of an object value in enumeration order, and
// whether v is an object at all.
func objectKeys(v any) ([]string, bool) {
	switch o := v.(type) {
	case *Object:
		return o.Keys(), true
	case map[string]any:
		ks := make([]string, 0, len(o))
		for k := range o {
			ks = append(ks, k)
		}
		return jsKeyOrder(ks, true), true
	}
	return nil, false
}

// objectGet reads a property of an object value.
func objectGet(v any, key string) (any, bool) {
	switch o := v.(type) {
	case *Object:
		return o.Get(key)
	case map[string]any:
		x, ok := o[key]
		return x, ok
	}
	return nil, false
}

func isObject(v any) bool {
	switch v.(type) {
	case *Object, map[string]any:
		return true
	}
	return false
}

// toFloat converts Go numeric kinds to float64.
func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float32:
		return float64(n), true
	case int32:
		return float64(n), true
	case int16:
		return float64(n), true
	case int8:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint64:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint8:
		return float64(n), true
	}
	return 0, false
}

func isNumber(v any) bool { _, ok := toFloat(v); return ok }

// truthy is JavaScript's ToBoolean: empty arrays and objects are true.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil, Undefined:
		return false
	case bool:
		return x
	case string:
		return x != ""
	}
	if f, ok := toFloat(v); ok {
		return f != 0 && !math.IsNaN(f)
	}
	return true
}

// toStr is JavaScript's String(v) as used when output is concatenated:
// arrays join with ",", objects are "[object Object]".
func toStr(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case Undefined:
		return "undefined"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case string:
		return x
	case []any:
		var b strings.Builder
		writeArrayStr(&b, x, 0)
		return b.String()
	case *Object, map[string]any:
		return "[object Object]"
	case *function:
		return "function " + x.name + "() { [native code] }"
	}
	if f, ok := toFloat(v); ok {
		return numStr(f)
	}
	return "[object Object]"
}

// maxArrayStr caps the string form of an array: a context whose arrays
// share elements could otherwise stringify exponentially large. Past it
// the text is cut short; it is above any sane MaxOutputBytes, so output
// built from it fails the budget instead.
const maxArrayStr = 64 << 20

func writeArrayStr(b *strings.Builder, x []any, depth int) {
	for i, e := range x {
		if b.Len() > maxArrayStr || depth > maxDepth {
			return
		}
		if i > 0 {
			b.WriteByte(',')
		}
		switch e := e.(type) {
		case nil, Undefined:
		case []any:
			writeArrayStr(b, e, depth+1)
		default:
			b.WriteString(toStr(e))
		}
	}
}

// numStr formats a number as JavaScript's Number.prototype.toString does.
func numStr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	neg := f < 0
	if neg {
		f = -f
	}
	// Shortest round-trip digits and the decimal exponent.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expStr, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expStr)
	k := len(digits)
	n := exp + 1 // position of the decimal point
	var s string
	switch {
	case k <= n && n <= 21:
		s = digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		s = digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		s = "0." + strings.Repeat("0", -n) + digits
	default:
		sign := "+"
		if n-1 < 0 {
			sign = "-"
		}
		x := n - 1
		if x < 0 {
			x = -x
		}
		if k == 1 {
			s = digits + "e" + sign + strconv.Itoa(x)
		} else {
			s = digits[:1] + "." + digits[1:] + "e" + sign + strconv.Itoa(x)
		}
	}
	if neg {
		return "-" + s
	}
	return s
}

// toNum is JavaScript's ToNumber.
func toNum(v any) float64 {
	switch x := v.(type) {
	case nil:
		return 0
	case Undefined:
		return math.NaN()
	case bool:
		if x {
			return 1
		}
		return 0
	case string:
		return strToNum(x)
	case []any, *Object, map[string]any, *function:
		return strToNum(toStr(v))
	}
	if f, ok := toFloat(v); ok {
		return f
	}
	return math.NaN()
}

func strToNum(s string) float64 {
	s = strings.TrimFunc(s, isJSSpace)
	if s == "" {
		return 0
	}
	switch s {
	case "Infinity", "+Infinity":
		return math.Inf(1)
	case "-Infinity":
		return math.Inf(-1)
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B') {
		base := map[byte]int{'x': 16, 'X': 16, 'o': 8, 'O': 8, 'b': 2, 'B': 2}[s[1]]
		n, err := strconv.ParseUint(s[2:], base, 64)
		if err != nil {
			return math.NaN()
		}
		return float64(n)
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return math.NaN()
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f
		}
		return math.NaN()
	}
	return f
}

// isJSSpace is JavaScript's \s: white space and line terminators.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// jsLen is a string's length in UTF-16 code units, as JavaScript counts.
func jsLen(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// units returns the UTF-16 code units of s, for index-exact string ops.
func units(s string) []uint16 { return utf16.Encode([]rune(s)) }

func fromUnits(u []uint16) string { return string(utf16.Decode(u)) }

// sameRef reports whether two reference values are the same JS object.
func sameRef(a, b any) bool {
	ra, rb := reflect.ValueOf(a), reflect.ValueOf(b)
	if ra.Kind() != rb.Kind() {
		return false
	}
	switch ra.Kind() {
	case reflect.Slice:
		return ra.Len() == rb.Len() && (ra.Len() == 0 && ra.Pointer() == rb.Pointer() || ra.Len() > 0 && ra.Pointer() == rb.Pointer())
	case reflect.Map, reflect.Pointer:
		return ra.Pointer() == rb.Pointer()
	}
	return false
}

func isRef(v any) bool {
	switch v.(type) {
	case []any, *Object, map[string]any, *function:
		return true
	}
	return false
}

// strictEq is JavaScript's ===.
func strictEq(a, b any) bool {
	if fa, ok := toFloat(a); ok {
		fb, ok := toFloat(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case Undefined:
		_, ok := b.(Undefined)
		return ok
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	}
	return isRef(b) && sameRef(a, b)
}

// looseEq is JavaScript's ==.
func looseEq(a, b any) bool {
	an, bn := a == nil || a == (Undefined{}), b == nil || b == (Undefined{})
	if an || bn {
		return an && bn
	}
	if isRef(a) && isRef(b) {
		return sameRef(a, b)
	}
	if isRef(a) {
		a = toStr(a)
	}
	if isRef(b) {
		b = toStr(b)
	}
	if sa, ok := a.(string); ok {
		if sb, ok := b.(string); ok {
			return sa == sb
		}
	}
	return toNum(a) == toNum(b)
}

// jsLess implements JavaScript's abstract relational comparison a < b.
// The second result is false when the comparison is undefined (NaN).
func jsLess(a, b any) (bool, bool) {
	if isRef(a) {
		a = toStr(a)
	}
	if isRef(b) {
		b = toStr(b)
	}
	sa, aok := a.(string)
	sb, bok := b.(string)
	if aok && bok {
		return compareUnits(sa, sb) < 0, true
	}
	x, y := toNum(a), toNum(b)
	if math.IsNaN(x) || math.IsNaN(y) {
		return false, false
	}
	return x < y, true
}

func compareUnits(a, b string) int {
	ua, ub := units(a), units(b)
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			if ua[i] < ub[i] {
				return -1
			}
			return 1
		}
	}
	return len(ua) - len(ub)
}
