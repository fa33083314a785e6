package scaffold

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/Masterminds/sprig/v3"

	"github.com/platform-team/platform/internal/bytesize"
)

// forbiddenFuncs is the one list of sprig functions templates do not get. A
// template cannot read the user's secrets or reach the network, and the same
// inputs must always give the same bytes (a later `platform update` re-renders
// and merges three ways): nothing may depend on the environment, the clock, the
// time zone or randomness. TestFuncMapHermetic runs every other function twice
// under two time zones to hold the rest to that.
var forbiddenFuncs = []string{
	// The environment: the user's secrets live there.
	"env", "expandenv",
	// The network: getHostByName asks DNS.
	"getHostByName",
	// The clock: now, and everything that formats "now" or the local zone when
	// given no time (toDate and mustToDate are replaced by UTC versions below).
	"now", "ago", "durationRound",
	"date", "date_in_zone", "dateInZone", "date_modify", "dateModify", "htmlDate", "htmlDateInZone",
	// Randomness: random strings, numbers, orders and identifiers.
	"randAlphaNum", "randAlpha", "randAscii", "randNumeric", "randBytes", "randInt", "shuffle", "uuidv4",
	// Randomness in cryptography: random salts (bcrypt, htpasswd), random IVs
	// (encryptAES) and fresh keys and certificates.
	"bcrypt", "htpasswd", "encryptAES",
	"genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
	"genSignedCert", "genSignedCertWithKey",
}

// maxListLen bounds the lists until, untilStep and seq build: a count is a
// number in the template, and a slice of 200 billion ints is not an error Go
// can recover from, it ends the process.
const maxListLen = 1 << 20

// funcLimits are what the functions of one render may produce.
type funcLimits struct {
	// bytes bounds any one result (strings, and lists and maps by a rough
	// weight of their contents); it is the per-file output cap, since a result
	// larger than a file may hold can only fail later, after the harm.
	bytes int64
	// stopped is set when the render gave up waiting (time budget, Ctrl-C): the
	// next function call of an abandoned execution fails, so it ends early.
	stopped *atomic.Bool
}

// errStopped ends an execution that nobody waits for any more.
var errStopped = errors.New("render stopped")

// funcMap is sprig's function map without forbiddenFuncs, with the functions
// that allocate in proportion to an argument replaced by capped versions, and
// every function wrapped so that no result exceeds l.bytes. A function reports
// a problem by panicking with an error, which text/template turns into an
// error naming the file, the line and the function.
// It is built per render: text/template keeps the map it is given.
func funcMap(l funcLimits) template.FuncMap {
	fm := sprig.TxtFuncMap()
	for _, name := range forbiddenFuncs {
		if _, ok := fm[name]; !ok {
			panic("scaffold: forbidden function " + name + " is not in sprig's map: update forbiddenFuncs")
		}
		delete(fm, name)
	}
	for name, fn := range cappedFuncs(l.bytes, fm) {
		if _, ok := fm[name]; !ok {
			panic("scaffold: replaced function " + name + " is not in sprig's map: update cappedFuncs")
		}
		fm[name] = fn
	}
	// text/template's own functions that build strings, guarded the same way
	// (a function map may override them; these are the same functions).
	maps.Copy(fm, template.FuncMap{
		"print": fmt.Sprint, "printf": fmt.Sprintf, "println": fmt.Sprintln,
		"html": template.HTMLEscaper, "js": template.JSEscaper, "urlquery": template.URLQueryEscaper,
	})
	for name, fn := range fm {
		fm[name] = guard(name, fn, l)
	}
	return fm
}

// guard wraps fn: it refuses to start once the render stopped, and fails when
// its arguments or its result weigh more than l.bytes or nest deeper than
// maxDepth. Without it, doubling a string or a list in a loop (cat $s $s,
// concat $l $l), or one call with a thousand references to a large string,
// runs out of memory, which Go cannot recover from.
func guard(name string, fn any, l funcLimits) any {
	v := reflect.ValueOf(fn)
	t := v.Type()
	return reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		if l.stopped != nil && l.stopped.Load() {
			panic(errStopped)
		}
		if err := l.check(name, "arguments are", args...); err != nil {
			panic(err)
		}
		var out []reflect.Value
		if t.IsVariadic() {
			out = v.CallSlice(args)
		} else {
			out = v.Call(args)
		}
		if len(out) == 2 && !out[1].IsNil() {
			return out
		}
		if len(out) > 0 {
			if err := l.check(name, "result is", out[0]); err != nil {
				panic(err)
			}
		}
		return out
	}).Interface()
}

// maxDepth bounds how deeply values may nest: printing or indenting a deep
// value (toPrettyJson) costs its depth for every element.
const maxDepth = 100

// check fails when vs weigh more than l.bytes or nest deeper than maxDepth;
// what is "arguments are" or "result is".
func (l funcLimits) check(name, what string, vs ...reflect.Value) error {
	w, deep := weight(vs, l.bytes)
	noun, verb, _ := strings.Cut(what, " ")
	switch {
	case deep:
		return fmt.Errorf("the %s of %s %s nested deeper than %d levels", noun, name, verb, maxDepth)
	case w > l.bytes:
		return fmt.Errorf("the %s of %s %s larger than %s, the most one file may hold (%s)", noun, name, verb, bytesize.Format(l.bytes), EnvRenderMaxBytes)
	}
	return nil
}

// weight estimates what printing vs could produce: the bytes of its strings,
// 8 for every other value and 1 for every element, counting shared values each
// time they appear (as printing would). It stops counting past limit or
// maxDepth, so a cyclic map (set $d "self" $d) ends the count, not the process.
func weight(vs []reflect.Value, limit int64) (total int64, tooDeep bool) {
	stack := make([]weighItem, 0, len(vs))
	for _, v := range vs {
		stack = append(stack, weighItem{v, 0})
	}
	for len(stack) > 0 && total <= limit {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		v, depth := it.v, it.depth
		if depth > maxDepth {
			return total, true
		}
		switch v.Kind() {
		case reflect.Invalid:
		case reflect.String:
			total += int64(v.Len())
		case reflect.Slice, reflect.Array:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				total += int64(v.Len())
				continue
			}
			total += 8
			for i := range v.Len() {
				if total += 1 + leaf(v.Index(i), &stack, depth+1); total > limit {
					break
				}
			}
		case reflect.Map:
			total += 8
			iter := v.MapRange()
			for iter.Next() {
				if total += 1 + leaf(iter.Key(), &stack, depth+1) + leaf(iter.Value(), &stack, depth+1); total > limit {
					break
				}
			}
		case reflect.Pointer, reflect.Interface:
			total += 8
			if !v.IsNil() {
				stack = append(stack, weighItem{v.Elem(), depth})
			}
		case reflect.Struct:
			// Sprig's structs (a semver, a certificate, a time) print their
			// exported fields; time.Location's tables are not printed.
			total += 8
			if v.Type() == reflect.TypeFor[time.Time]() {
				continue
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					stack = append(stack, weighItem{v.Field(i), depth + 1})
				}
			}
		default:
			total += 8
		}
	}
	return total, false
}

type weighItem struct {
	v     reflect.Value
	depth int
}

// leaf weighs an element that is a string or a number (behind interfaces)
// at once, and pushes anything else: a list of a million numbers needs no
// stack of a million items.
func leaf(v reflect.Value, stack *[]weighItem, depth int) int64 {
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return int64(v.Len())
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.Invalid:
		return 8
	}
	*stack = append(*stack, weighItem{v, depth})
	return 0
}

// cappedFuncs replace sprig's functions whose result grows with a number in the
// template (repeat, indent, until, ...) or with the product of two arguments
// (replace, join, wrapWith, regexReplaceAll), and those that depend on the
// local time zone or on map order. Each checks the size before it allocates.
func cappedFuncs(limit int64, sprigs template.FuncMap) map[string]any {
	// join and wrapWith are sprig's own, called once the size is checked.
	sprigJoin := sprigs["join"].(func(string, any) string)
	sprigWrapWith := sprigs["wrapWith"].(func(int, string, string) string)
	tooBig := func(name string, n int64) error {
		return fmt.Errorf("%s would produce %s, more than the %s one file may hold (%s)", name, bytesize.Format(n), bytesize.Format(limit), EnvRenderMaxBytes)
	}
	tooLong := func(name string, n int64) error {
		return fmt.Errorf("%s would make a list of %d numbers, more than %d", name, n, maxListLen)
	}
	// mulOver reports whether a*b+c > limit, without overflowing.
	mulOver := func(a, b, c int64) bool {
		if a < 0 || b < 0 {
			return false
		}
		return b != 0 && a > (limit-c)/b || c > limit
	}
	indent := func(name string, spaces int, s string) (string, error) {
		if spaces < 0 {
			return "", fmt.Errorf("%s: negative count %d", name, spaces)
		}
		lines := int64(strings.Count(s, "\n") + 1)
		if mulOver(lines, int64(spaces), int64(len(s))+1) {
			return "", tooBig(name, saturatedMul(lines, int64(spaces)))
		}
		pad := strings.Repeat(" ", spaces)
		return pad + strings.ReplaceAll(s, "\n", "\n"+pad), nil
	}
	untilStep := func(name string, start, stop, step int) ([]int, error) {
		if n := stepCount(start, stop, step); n > maxListLen {
			return nil, tooLong(name, n)
		}
		v := []int{}
		if stop < start {
			if step >= 0 {
				return v, nil
			}
			for i := start; i > stop; i += step {
				v = append(v, i)
			}
			return v, nil
		}
		if step <= 0 {
			return v, nil
		}
		for i := start; i < stop; i += step {
			v = append(v, i)
		}
		return v, nil
	}
	regexReplace := func(name string, literal bool) func(regex, s, repl string) (string, error) {
		return func(regex, s, repl string) (string, error) {
			re, err := regexp.Compile(regex)
			if err != nil {
				return "", err
			}
			// A replacement expands to repl plus, for each $ in it, at most
			// the match (submatches lie within it). Count before replacing.
			refs := int64(0)
			if !literal {
				refs = int64(strings.Count(repl, "$"))
			}
			total := int64(len(s))
			over := false
			re.ReplaceAllStringFunc(s, func(m string) string {
				if !over {
					total += int64(len(repl)) + refs*int64(len(m))
					over = total > limit
				}
				return ""
			})
			if over {
				return "", tooBig(name, total)
			}
			if literal {
				return re.ReplaceAllLiteralString(s, repl), nil
			}
			return re.ReplaceAllString(s, repl), nil
		}
	}
	must := func(f func(string, string, string) (string, error)) func(string, string, string) string {
		return func(a, b, c string) string {
			s, err := f(a, b, c)
			if err != nil {
				panic(err)
			}
			return s
		}
	}
	orPanic := func(s string, err error) string {
		if err != nil {
			panic(err)
		}
		return s
	}
	return map[string]any{
		"repeat": func(count int, s string) (string, error) {
			if count < 0 {
				return "", fmt.Errorf("repeat: negative count %d", count)
			}
			if mulOver(int64(count), int64(len(s)), 0) {
				return "", tooBig("repeat", saturatedMul(int64(count), int64(len(s))))
			}
			return strings.Repeat(s, count), nil
		},
		"indent":  func(spaces int, s string) string { return orPanic(indent("indent", spaces, s)) },
		"nindent": func(spaces int, s string) string { return "\n" + orPanic(indent("nindent", spaces, s)) },
		"until": func(count int) ([]int, error) {
			step := 1
			if count < 0 {
				step = -1
			}
			return untilStep("until", 0, count, step)
		},
		"untilStep": func(start, stop, step int) ([]int, error) { return untilStep("untilStep", start, stop, step) },
		"seq": func(params ...int) (string, error) {
			var v []int
			var err error
			switch len(params) {
			case 1:
				start, end, inc := 1, params[0], 1
				if end < start {
					inc = -1
				}
				v, err = untilStep("seq", start, end+inc, inc)
			case 2:
				start, end, step := params[0], params[1], 1
				if end < start {
					step = -1
				}
				v, err = untilStep("seq", start, end+step, step)
			case 3:
				start, step, end, inc := params[0], params[1], params[2], 1
				if end < start {
					inc = -1
					if step > 0 {
						return "", nil
					}
				}
				v, err = untilStep("seq", start, end+inc, step)
			default:
				return "", nil
			}
			if err != nil {
				return "", err
			}
			parts := make([]string, len(v))
			for i, n := range v {
				parts[i] = fmt.Sprint(n)
			}
			return strings.Join(parts, " "), nil
		},
		"replace": func(old, new, s string) (string, error) {
			n := int64(strings.Count(s, old))
			if old == "" {
				n = int64(utf8.RuneCountInString(s) + 1)
			}
			if grow := int64(len(new) - len(old)); grow > 0 && mulOver(n, grow, int64(len(s))) {
				return "", tooBig("replace", saturatedMul(n, grow))
			}
			return strings.ReplaceAll(s, old, new), nil
		},
		"join": func(sep string, v any) (string, error) {
			n := int64(0)
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
				n = int64(rv.Len())
			}
			if w, _ := weight([]reflect.Value{reflect.ValueOf(v)}, limit); w > limit || mulOver(n, int64(len(sep)), w) {
				return "", tooBig("join", w+saturatedMul(n, int64(len(sep))))
			}
			return sprigJoin(sep, v), nil
		},
		"wrapWith": func(l int, sep, s string) (string, error) {
			lines := int64(len(s))/int64(max(l, 1)) + 1
			if mulOver(lines, int64(max(len(sep), 1)), int64(len(s))) {
				return "", tooBig("wrapWith", saturatedMul(lines, int64(len(sep))))
			}
			return sprigWrapWith(l, sep, s), nil
		},
		"regexReplaceAll":            must(regexReplace("regexReplaceAll", false)),
		"mustRegexReplaceAll":        regexReplace("mustRegexReplaceAll", false),
		"regexReplaceAllLiteral":     must(regexReplace("regexReplaceAllLiteral", true)),
		"mustRegexReplaceAllLiteral": regexReplace("mustRegexReplaceAllLiteral", true),
		// Dates without a zone are UTC, whatever TZ says.
		"toDate": func(layout, s string) time.Time {
			t, _ := time.ParseInLocation(layout, s, time.UTC)
			return t
		},
		"mustToDate": func(layout, s string) (time.Time, error) { return time.ParseInLocation(layout, s, time.UTC) },
		// Map order is random in Go: keys come sorted, values in key order.
		"keys": func(dicts ...map[string]any) []string {
			k := []string{}
			for _, d := range dicts {
				k = append(k, slices.Collect(maps.Keys(d))...)
			}
			slices.Sort(k)
			return k
		},
		"values": func(dict map[string]any) []any {
			v := []any{}
			for _, k := range slices.Sorted(maps.Keys(dict)) {
				v = append(v, dict[k])
			}
			return v
		},
	}
}

// stepCount is how many numbers untilStep(start, stop, step) makes, saturated
// at maxListLen+1, computed without overflow.
func stepCount(start, stop, step int) int64 {
	if step == 0 || (stop < start) != (step < 0) || stop == start {
		return 0
	}
	var span, by uint64
	if step > 0 {
		span, by = uint64(stop)-uint64(start), uint64(step)
	} else {
		span, by = uint64(start)-uint64(stop), uint64(-step) // -MinInt64 is 1<<63 as a uint64
	}
	n := span / by
	if span%by != 0 {
		n++
	}
	return int64(min(n, maxListLen+1))
}

// saturatedMul is a*b, or the largest int64 when that overflows (for messages).
func saturatedMul(a, b int64) int64 {
	if a != 0 && b > (1<<63-1)/a {
		return 1<<63 - 1
	}
	return a * b
}
