package nunjucks

import (
	"errors"
	"strings"
	"testing"
)

// specCase is one template and the exact string Nunjucks renders for it.
type specCase struct {
	name string
	tmpl string
	ctx  map[string]any
	want string
}

// backstage is the Env Backstage's SecureTemplater configures.
func backstage() *Env {
	return New(Options{VariableStart: "${{", VariableEnd: "}}", Filters: BackstageFilters()})
}

func runSpec(t *testing.T, e *Env, cases []specCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := e.Render(c.name, c.tmpl, c.ctx)
			if err != nil {
				t.Fatalf("Render(%q): %v", c.tmpl, err)
			}
			if got != c.want {
				t.Errorf("Render(%q)\n got %q\nwant %q", c.tmpl, got, c.want)
			}
		})
	}
}

var values = map[string]any{
	"values": map[string]any{
		"name":    "my-service",
		"owner":   "group:default/team-a",
		"port":    8080,
		"ratio":   1.0,
		"enabled": true,
		"off":     false,
		"empty":   "",
		"none":    nil,
		"list":    []any{"a", "b", "c"},
		"nolist":  []any{},
		"noobj":   map[string]any{},
		"obj":     map[string]any{"b": 2.0, "a": 1.0},
		"nested":  map[string]any{"deep": map[string]any{"x": "y"}},
		"repoUrl": "gitlab.example.com?owner=group&repo=name",
	},
}

func TestSpecOutput(t *testing.T) {
	runSpec(t, backstage(), []specCase{
		// Text outside tags passes through unchanged.
		{"text", "plain text\n", nil, "plain text\n"},
		// With Backstage's tags, {{ }} is plain text.
		{"mustache is text", "{{ values.name }}", values, "{{ values.name }}"},
		{"variable", "${{ values.name }}", values, "my-service"},
		// suppressValue prints undefined and null as "".
		{"undefined", "[${{ nope }}]", nil, "[]"},
		{"null", "[${{ values.none }}]", values, "[]"},
		// memberLookup of undefined/null yields undefined, no error.
		{"member of undefined", "[${{ nope.a.b }}]", nil, "[]"},
		{"member of null", "[${{ values.none.x }}]", values, "[]"},
		// JS String(): numbers without ".0", booleans, arrays joined by ",",
		// objects as [object Object].
		{"int", "${{ values.port }}", values, "8080"},
		{"float one", "${{ values.ratio }}", values, "1"},
		{"float", "${{ 1.5 }}", nil, "1.5"},
		{"bool", "${{ values.enabled }} ${{ values.off }}", values, "true false"},
		{"array", "${{ values.list }}", values, "a,b,c"},
		{"array with null", "${{ [1, none, 2] }}", nil, "1,,2"},
		{"object", "${{ values.obj }}", values, "[object Object]"},
		// "1e21" lexes as a name, not a number.
		{"exponent is a name", "${{ 1e21 }}", map[string]any{"1e21": 1e21}, "1e+21"},
		{"lookup styles", "${{ values['name'] }} ${{ values.list[1] }} ${{ values.nested.deep.x }}", values, "my-service b y"},
		{"string index and length", "${{ values.name[0] }}${{ values.name.length }}", values, "m10"},
		{"array length", "${{ values.list.length }}", values, "3"},
		// Comments vanish.
		{"comment", "a{# hidden ${{ x }} #}b", nil, "ab"},
		{"raw", "{% raw %}${{ keep }}{% if %}{% endraw %}", nil, "${{ keep }}{% if %}"},
		{"raw nested", "{% raw %}a{% raw %}b{% endraw %}c{% endraw %}", nil, "a{% raw %}b{% endraw %}c"},
		{"verbatim", "{% verbatim %}${{ x }}{% endverbatim %}", nil, "${{ x }}"},
		// Without endraw the rest is lexed as a template again.
		{"unclosed raw", "{% raw %}a{% raw %}b{% endraw %}${{ 1 }}", nil, "a{% raw %}b{% endraw %}1"},
		// "{%- endraw %}" does not end a raw block.
		{"raw dash endraw", "{% raw %}a{%- endraw %}b{% endraw %}", nil, "a{%- endraw %}b"},
		// GitHub Actions expressions are kept by raw.
		{"actions", "run: {% raw %}${{ github.sha }}{% endraw %}", nil, "run: ${{ github.sha }}"},
	})
}

func TestSpecDefaultDelimiters(t *testing.T) {
	runSpec(t, New(Options{}), []specCase{
		{"mustache", "{{ name }}", map[string]any{"name": "x"}, "x"},
		// "$" before {{ is text with the default tags.
		{"dollar", "${{ name }}", map[string]any{"name": "x"}, "$x"},
		{"trim", "a  {{- name -}}  b", map[string]any{"name": "x"}, "axb"},
	})
}

func TestSpecWhitespaceControl(t *testing.T) {
	runSpec(t, backstage(), []specCase{
		// Without "-" nothing is trimmed (trimBlocks and lstripBlocks are off).
		{"no control", "a\n{% if true %}\nb\n{% endif %}\nc", nil, "a\n\nb\n\nc"},
		// "{%-" trims all whitespace before, "-%}" all after, newlines included.
		{"block both", "a\n  {%- if true -%}\n  b\n  {%- endif -%}\n c", nil, "abc"},
		{"variable", "a \n ${{- 'x' -}} \n b", nil, "axb"},
		{"comment", "a \n{#- c -#}\n b", nil, "ab"},
		{"only left", "a \n{%- set x = 1 %} b", nil, "a b"},
		{"only right", "a {% set x = 1 -%} \n b", nil, "a b"},
		{"for list", "items:\n{%- for i in ['a','b'] %}\n  - ${{ i }}\n{%- endfor %}\n", nil, "items:\n  - a\n  - b\n"},
		// The lexer treats "-" before "}}" as whitespace control.
		{"minus before end", "${{ 3 -}}x", nil, "3x"},
	})
}

func TestSpecLiteralsAndOperators(t *testing.T) {
	runSpec(t, backstage(), []specCase{
		{"strings", `${{ 'a\'b' }} ${{ "c\"d" }} ${{ 'x\ny' }} ${{ '\q' }}`, nil, "a'b c\"d x\ny q"},
		{"null and none", "${{ null }}${{ none }}|${{ none is none }}", nil, "|true"},
		{"array literal", "${{ [1, 'two', [3]] | dump }}", nil, `[1,"two",[3]]`},
		{"object literal order", "${{ {b: 1, 'a': 2, \"c d\": [3]} | dump }}", nil, `{"b":1,"a":2,"c d":[3]}`},
		{"trailing comma", "${{ [1, 2,] | length }}", nil, "2"},
		{"arithmetic", "${{ 1 + 2 * 3 }} ${{ 7 / 2 }} ${{ 7 // 2 }} ${{ 7 % 3 }} ${{ 2 ** 10 }}", nil, "7 3.5 3 1 1024"},
		{"unary", "${{ -3 + 1 }} ${{ +'4' }}", nil, "-2 4"},
		{"parens", "${{ (1 + 2) * 3 }}", nil, "9"},
		// + concatenates when either side is a string (JavaScript).
		{"plus strings", "${{ 'a' + 1 }} ${{ 1 + '1' }} ${{ values.name + '-svc' }}", values, "a1 11 my-service-svc"},
		// nunjucks emits operators into JavaScript without parentheses, so
		// JavaScript's precedence decides: 'x' + 5 - 3 is ('x' + 5) - 3.
		{"plus minus precedence", "${{ 'x' + 5 - 3 }}", nil, "NaN"},
		{"parenthesised", "${{ 'x' + (5 - 3) }}", nil, "x2"},
		// not a == b is (!a) == b.
		{"not binds to first operand", "${{ not 'a' == 'b' }} ${{ not (1 == 2) }} ${{ not 1 + 1 }}", nil, "false true 1"},
		// a ~ b + c is a + "" + b + c.
		{"tilde then plus", "${{ 'p-' ~ 1 + 1 }}", nil, "p-11"},
		{"plus then tilde", "${{ 1 + 1 ~ 'x' }}", nil, "2x"},
		// a == b < c is a == (b < c) in JavaScript.
		{"equality below relational", "${{ false == 2 < 1 }}", nil, "true"},
		// (a, b) is the comma operator.
		{"comma group", "${{ (1, 2) }}", nil, "2"},
		{"mismatched closer", "${{ [1, 2) | length }}", nil, "2"},
		{"undefined plus", "${{ nope + 1 }}", nil, "NaN"},
		{"null plus", "${{ values.none + 1 }}", values, "1"},
		{"divide by zero", "${{ 1 / 0 }} ${{ -1 / 0 }}", nil, "Infinity -Infinity"},
		// ~ is left + "" + right: undefined becomes "undefined".
		{"tilde", "${{ 'a' ~ 1 ~ true }} ${{ nope ~ 'x' }}", nil, "a1true undefinedx"},
		{"float arithmetic", "${{ 0.1 + 0.2 }}", nil, "0.30000000000000004"},
		{"comparisons", "${{ 1 < 2 }} ${{ 2 <= 1 }} ${{ 'b' > 'a' }} ${{ 3 >= 3 }}", nil, "true false true true"},
		// == is loose, === strict.
		{"loose equality", "${{ 1 == '1' }} ${{ 1 === '1' }} ${{ 1 != '1' }} ${{ 1 !== '1' }}", nil, "true false false true"},
		{"null equals undefined", "${{ values.none == nope }} ${{ values.none === nope }}", values, "true false"},
		{"int equals float", "${{ values.port == 8080 }} ${{ values.port === 8080 }}", values, "true true"},
		{"arrays by reference", "${{ [] == [] }}", nil, "false"},
		// and/or yield an operand, as in JavaScript.
		{"and or values", "${{ '' or 'dflt' }} ${{ 'a' and 'b' }} ${{ 0 and 'b' }}", nil, "dflt b 0"},
		{"not", "${{ not values.enabled }} ${{ not not 'x' }}", values, "false true"},
		{"in", "${{ 'b' in values.list }} ${{ 'z' in values.list }} ${{ 'serv' in values.name }} ${{ 'a' in values.obj }} ${{ 'q' not in values.list }}", values, "true false true true true"},
		// A missing else renders "".
		{"inline if", "${{ 'y' if values.enabled else 'n' }} [${{ 'y' if values.off }}]", values, "y []"},
		{"is tests", "${{ values.name is defined }} ${{ nope is undefined }} ${{ nope is not defined }} ${{ 4 is divisibleby(2) }} ${{ 3 is odd }} ${{ values.name is string }} ${{ values.port is number }} ${{ values.obj is mapping }}", values, "true true true true true true true true"},
		{"filter binds tighter than +", "${{ 'a' + 'b' | upper }}", nil, "aB"},
		{"unary minus then filter", "${{ -1 | abs }}", nil, "1"},
		{"range", "${{ range(3) }} ${{ range(1, 7, 2) }} ${{ range(3, 0, -1) }}", nil, "0,1,2 1,3,5 3,2,1"},
		{"string methods", "${{ values.name.toUpperCase() }} ${{ values.name.split('-') | join('_') }} ${{ values.name.replace('-', '_') }} ${{ values.name.startsWith('my') }}", values, "MY-SERVICE my_service my_service true"},
	})
}

func TestSpecTruthiness(t *testing.T) {
	runSpec(t, backstage(), []specCase{
		// JS truthiness: empty arrays and objects are true.
		{"empty array", "{% if values.nolist %}yes{% else %}no{% endif %}", values, "yes"},
		{"empty object", "{% if values.noobj %}yes{% else %}no{% endif %}", values, "yes"},
		{"empty string", "{% if values.empty %}yes{% else %}no{% endif %}", values, "no"},
		{"zero", "{% if 0 %}yes{% else %}no{% endif %}", nil, "no"},
		{"string zero", "{% if '0' %}yes{% else %}no{% endif %}", nil, "yes"},
		{"string false", "{% if 'false' %}yes{% else %}no{% endif %}", nil, "yes"},
		{"null", "{% if values.none %}yes{% else %}no{% endif %}", values, "no"},
		{"undefined", "{% if nope %}yes{% else %}no{% endif %}", nil, "no"},
		{"NaN", "{% if nope + 1 %}yes{% else %}no{% endif %}", nil, "no"},
	})
}

func TestSpecIf(t *testing.T) {
	ctx := map[string]any{"n": 2.0}
	runSpec(t, backstage(), []specCase{
		{"if", "{% if n == 2 %}two{% endif %}", ctx, "two"},
		{"elif", "{% if n == 1 %}one{% elif n == 2 %}two{% else %}many{% endif %}", ctx, "two"},
		{"elseif", "{% if n == 1 %}one{% elseif n == 3 %}three{% else %}other{% endif %}", ctx, "other"},
		{"nested", "{% if n %}{% if n > 1 %}big{% endif %}{% endif %}", ctx, "big"},
		{"and or", "{% if n > 1 and n < 3 or false %}in{% endif %}", ctx, "in"},
	})
}

func TestSpecFor(t *testing.T) {
	runSpec(t, backstage(), []specCase{
		{"list", "{% for x in values.list %}${{ x }}{% endfor %}", values, "abc"},
		{"loop vars", "{% for x in values.list %}${{ loop.index }}${{ loop.index0 }}${{ loop.revindex }}${{ loop.revindex0 }}${{ loop.first }}${{ loop.last }}${{ loop.length }};{% endfor %}", values,
			"1032truefalse3;2121falsefalse3;3210falsetrue3;"},
		{"else on empty", "{% for x in values.nolist %}${{ x }}{% else %}none{% endfor %}", values, "none"},
		{"else on undefined", "{% for x in nope %}${{ x }}{% else %}none{% endfor %}", nil, "none"},
		{"else skipped", "{% for x in [1] %}${{ x }}{% else %}none{% endfor %}", nil, "1"},
		// for k, v walks an object; map[string]any keys come sorted.
		{"object", "{% for k, v in values.obj %}${{ k }}=${{ v }};{% endfor %}", values, "a=1;b=2;"},
		{"object literal order", "{% for k, v in {z: 1, a: 2} %}${{ k }}${{ v }}{% endfor %}", nil, "z1a2"},
		// Integer-like keys come first, ascending, as JavaScript enumerates them.
		{"integer keys", "{% for k, v in {b: 1, '2': 2, '1': 3} %}${{ k }}{% endfor %}", nil, "12b"},
		{"destructure pairs", "{% for a, b in [[1, 2], [3, 4]] %}${{ a }}${{ b }};{% endfor %}", nil, "12;34;"},
		{"string chars", "{% for c in 'abc' %}${{ c }}.{% endfor %}", nil, "a.b.c."},
		// Two names over a string walk it like an object: index keys.
		{"string pairs", "{% for i, c in 'ab' %}${{ i }}${{ c }}{% endfor %}", nil, "0a1b"},
		// One name over an object makes no iterations.
		{"single name over object", "{% for x in values.obj %}${{ x }}{% else %}empty{% endfor %}", values, "empty"},
		{"nested loop", "{% for a in [1,2] %}{% for b in ['x','y'] %}${{ a }}${{ b }}{% endfor %}{% endfor %}", nil, "1x1y2x2y"},
		{"outer loop var after inner", "{% for a in [1,2] %}{% for b in [1] %}{% endfor %}${{ loop.index }}{% endfor %}", nil, "12"},
		{"loop var scoped", "{% for x in [1] %}{% endfor %}[${{ x }}]", nil, "[]"},
	})
}

func TestSpecSet(t *testing.T) {
	runSpec(t, backstage(), []specCase{
		{"set", "{% set x = values.name | upper %}${{ x }}", values, "MY-SERVICE"},
		{"set several", "{% set a, b = 1 %}${{ a }}${{ b }}", nil, "11"},
		{"block set", "{% set x %}a${{ 1 + 1 }}b{% endset %}[${{ x }}]", nil, "[a2b]"},
		{"shadows context", "{% set values = 'v' %}${{ values }}", values, "v"},
		// frame.set(name, v, resolveUp): a set inside a loop updates the
		// enclosing scope's variable.
		{"set in loop updates outer", "{% set n = 0 %}{% for i in [1,2,3] %}{% set n = n + i %}{% endfor %}${{ n }}", nil, "6"},
		// A new name set inside a loop stays in the loop.
		{"set in loop new name", "{% for i in [1] %}{% set inner = 'x' %}{% endfor %}[${{ inner }}]", nil, "[]"},
		// nunjucks skips the block end of "{% set x -%}" without trimming.
		{"block set dash", "{% set x -%}  a{% endset %}[${{ x }}]", nil, "[  a]"},
		{"set in if is visible", "{% if true %}{% set y = 2 %}{% endif %}${{ y }}", nil, "2"},
	})
}

func TestSpecFilters(t *testing.T) {
	runSpec(t, backstage(), []specCase{
		// dump is JSON.stringify(value, null, spaces).
		{"dump string", "${{ values.name | dump }}", values, `"my-service"`},
		{"dump number", "${{ values.port | dump }} ${{ values.ratio | dump }}", values, "8080 1"},
		{"dump list", "${{ values.list | dump }}", values, `["a","b","c"]`},
		{"dump object sorted", "${{ values.obj | dump }}", values, `{"a":1,"b":2}`},
		{"dump indent", "${{ {a: [1, 2], b: {}, c: []} | dump(2) }}", nil, "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": []\n}"},
		{"dump indent string", "${{ [1] | dump('\t') }}", nil, "[\n\t1\n]"},
		{"dump undefined", "[${{ nope | dump }}]", nil, "[]"},
		{"dump null", "${{ values.none | dump }}", values, "null"},
		{"dump escapes", `${{ ('a"b\\c' + "\n") | dump }}`, nil, `"a\"b\\c\n"`},
		{"dump drops undefined members", "${{ {a: nope, b: 1} | dump }} ${{ [nope] | dump }}", nil, `{"b":1} [null]`},
		{"dump html chars kept", "${{ '<a&b>' | dump }}", nil, `"<a&b>"`},
		// replace replaces every occurrence of a string pattern.
		{"replace all", "${{ 'a-b-c' | replace('-', '_') }}", nil, "a_b_c"},
		{"replace max", "${{ 'a-b-c' | replace('-', '_', 1) }}", nil, "a_b-c"},
		{"replace empty", "${{ 'abc' | replace('', '.') }}", nil, ".a.b.c."},
		{"replace number", "${{ 1234 | replace(2, 'x') }}", nil, "1x34"},
		{"replace missing", "${{ 'abc' | replace('z', 'y') }}", nil, "abc"},
		{"lower upper", "${{ 'MiX' | lower }} ${{ 'MiX' | upper }} [${{ nope | upper }}]", nil, "mix MIX []"},
		{"trim", "[${{ '  a b \n' | trim }}]", nil, "[a b]"},
		// default replaces only undefined unless its second argument is true.
		{"default undefined", "${{ nope | default('d') }}", nil, "d"},
		{"default null kept", "[${{ values.none | default('d') }}]", values, "[]"},
		{"default empty kept", "[${{ values.empty | default('d') }}]", values, "[]"},
		{"default boolean", "${{ values.empty | default('d', true) }} ${{ values.off | d('d', true) }}", values, "d d"},
		{"d alias", "${{ nope | d(1) }}", nil, "1"},
		{"join", "${{ values.list | join(', ') }} ${{ values.list | join }}", values, "a, b, c abc"},
		{"join attribute", "${{ [{n: 'x'}, {n: 'y'}] | join('-', 'n') }}", nil, "x-y"},
		{"length", "${{ values.name | length }} ${{ values.list | length }} ${{ values.obj | length }} ${{ nope | length }}", values, "10 3 2 0"},
		{"length utf16", "${{ 'h\u00e9\U0001F600' | length }}", nil, "4"},
		{"first last", "${{ values.list | first }}${{ values.list | last }} ${{ 'xyz' | first }}${{ 'xyz' | last }}", values, "ac xz"},
		{"capitalize title", "${{ 'hELLO world' | capitalize }} ${{ 'hello big world' | title }}", nil, "Hello world Hello Big World"},
		{"int float", "${{ '42px' | int }} ${{ 3.9 | int }} ${{ 'x' | int(7) }} ${{ '2.5e1' | float }} ${{ 'x' | float(1.5) }}", nil, "42 3 7 25 1.5"},
		{"string", "${{ values.port | string }} ${{ values.list | string }}", values, "8080 a,b,c"},
		{"list", "${{ 'ab' | list | dump }} ${{ {a: 1} | list | dump }}", nil, `["a","b"] [{"key":"a","value":1}]`},
		{"safe", "${{ '<b>' | safe }} [${{ nope | safe }}] ${{ [1, 2] | safe | length }}", nil, "<b> [] 3"},
		{"escape", "${{ '<a href=\"x\">&\\'' | escape }}", nil, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"},
		// indent leaves the first line unless asked, and indents blank lines.
		{"indent", "${{ 'a\nb\n\nc' | indent(2) }}", nil, "a\n  b\n  \n  c"},
		{"indent first", "${{ 'a\nb' | indent(2, true) }}", nil, "  a\n  b"},
		{"indent default", "${{ 'a\nb' | indent }}", nil, "a\n    b"},
		{"truncate", "${{ 'hello big world' | truncate(9) }} ${{ 'hello big world' | truncate(9, true) }} ${{ 'hello' | truncate(9) }}", nil, "hello big... hello big... hello"},
		// lastIndexOf(' ', length) searches back from the limit.
		{"truncate at word", "${{ 'hello wonderful world' | truncate(9) }}", nil, "hello..."},
		{"urlencode", "${{ 'a b&c/d' | urlencode }} ${{ {q: 'x y', n: 1} | urlencode }}", nil, "a%20b%26c%2Fd q=x%20y&n=1"},
		{"sort", "${{ [3, 1, 2] | sort }} ${{ ['b', 'A', 'c'] | sort }} ${{ ['b', 'A', 'c'] | sort(true) }} ${{ ['b', 'A', 'c'] | sort(false, true) }}", nil, "1,2,3 A,b,c c,b,A A,b,c"},
		{"sort attribute", "${{ [{n: 2}, {n: 1}] | sort(false, false, 'n') | dump }}", nil, `[{"n":1},{"n":2}]`},
		{"reverse", "${{ [1, 2, 3] | reverse }} ${{ 'abc' | reverse }}", nil, "3,2,1 cba"},
		{"round", "${{ 2.5 | round }} ${{ 2.345 | round(2) }} ${{ 2.1 | round(0, 'ceil') }} ${{ 2.9 | round(0, 'floor') }}", nil, "3 2.35 3 2"},
		{"sum", "${{ [1, 2, 3] | sum }} ${{ [{v: 1}, {v: 2}] | sum('v') }} ${{ [1] | sum(none, 10) }}", nil, "6 3 11"},
		// start + arr.reduce((a, b) => a + b, 0): strings concatenate after 0.
		{"sum strings", "${{ ['a', 'b'] | sum }}", nil, "00ab"},
		{"select reject", "${{ [1, 2, 3, 4] | select('odd') }} ${{ [1, 2, 3, 4] | reject('odd') }} ${{ [0, 1, ''] | select | length }} ${{ [1, 2] | select('equalto', 2) }}", nil, "1,3 2,4 1 2"},
		{"urlencode other", "[${{ 5 | urlencode }}]", nil, "[]"},
		{"abs", "${{ -2.5 | abs }}", nil, "2.5"},
		{"wordcount", "${{ 'one two, three' | wordcount }}", nil, "3"},
		{"nl2br", "${{ 'a\nb' | nl2br }}", nil, "a<br />\nb"},
		{"batch", "${{ [1, 2, 3, 4, 5] | batch(2) | dump }} ${{ [1, 2, 3] | batch(2, 0) | dump }} ${{ [1, 2, 3] | batch(2, 'x') | dump }}", nil, `[[1,2],[3,4],[5]] [[1,2],[3]] [[1,2],[3,"x"]]`},
		// center pads (spaces/2 - spaces%2) before and spaces/2 after, with
		// lib.repeat rounding halves up.
		{"center", "[${{ 'ab' | center(7) }}] [${{ 'ab' | center(6) }}] [${{ 'abc' | center(2) }}]", nil, "[  ab   ] [  ab  ] [abc]"},
		{"dictsort", "${{ {b: 1, A: 3, c: 2} | dictsort | dump }} ${{ {b: 1, A: 3, c: 2} | dictsort(true, 'value') | dump }}", nil, `[["A",3],["b",1],["c",2]] [["b",1],["c",2],["A",3]]`},
		{"groupby", "{% for k, items in [{t: 'x', n: 1}, {t: 'y', n: 2}, {t: 'x', n: 3}] | groupby('t') %}${{ k }}=${{ items | join(',', 'n') }};{% endfor %}", nil, "x=1,3;y=2;"},
		{"sort nested attribute", "${{ [{a: {b: 2} }, {a: {b: 1} }] | sort(false, false, 'a.b') | dump }}", nil, `[{"a":{"b":1}},{"a":{"b":2}}]`},
		{"striptags", "[${{ '  <p>Hello <b>big</b>\n\n world</p><!-- x -->  ' | striptags }}] [${{ '<p>a  b</p>\n\n\n\nc ' | striptags(true) }}]", nil, "[Hello big world] [a b\n\nc]"},
		{"selectattr", "${{ [{a: 1, n: 'x'}, {a: 0, n: 'y'}] | selectattr('a') | join(',', 'n') }}", nil, "x"},
		{"chained", "${{ values.name | replace('-', ' ') | title | replace(' ', '') }}", values, "MyService"},
	})
}

func TestSpecBackstageFilters(t *testing.T) {
	runSpec(t, backstage(), []specCase{
		// parseRepoUrl returns host, owner, repo (and the optional parts given).
		{"parseRepoUrl gitlab", "${{ values.repoUrl | parseRepoUrl | dump }}", values, `{"host":"gitlab.example.com","owner":"group","repo":"name"}`},
		{"parseRepoUrl member", "${{ (values.repoUrl | parseRepoUrl).owner }}/${{ (values.repoUrl | parseRepoUrl).repo }}", values, "group/name"},
		{"parseRepoUrl github", "${{ 'github.com?repo=backstage&owner=backstage' | parseRepoUrl | dump }}", nil, `{"host":"github.com","owner":"backstage","repo":"backstage"}`},
		{"parseRepoUrl gitlab subgroup", "${{ 'gitlab.com?owner=a%2Fb&repo=c' | parseRepoUrl | pick('owner') }}", nil, "a/b"},
		{"parseRepoUrl gitlab project id", "${{ 'gitlab.com?project=42' | parseRepoUrl | dump }}", nil, `{"host":"gitlab.com","repo":null,"project":"42"}`},
		{"parseRepoUrl bitbucket", "${{ 'bitbucket.org?workspace=w&project=p&repo=r' | parseRepoUrl | dump }}", nil, `{"host":"bitbucket.org","repo":"r","workspace":"w","project":"p"}`},
		{"parseRepoUrl port", "${{ 'git.example.com:8443?owner=o&repo=r' | parseRepoUrl | pick('host') }}", nil, "git.example.com:8443"},
		{"projectSlug", "${{ values.repoUrl | projectSlug }}", values, "group/name"},
		// parseEntityRef fills namespace "default" and the given defaults.
		{"parseEntityRef full", "${{ values.owner | parseEntityRef | dump }}", values, `{"kind":"group","namespace":"default","name":"team-a"}`},
		{"parseEntityRef defaults", "${{ 'techdocs' | parseEntityRef({ defaultKind:\"group\", defaultNamespace:\"another-namespace\" }) | dump }}", nil, `{"kind":"group","namespace":"another-namespace","name":"techdocs"}`},
		{"parseEntityRef kind only", "${{ 'user:jane' | parseEntityRef | dump }}", nil, `{"kind":"user","namespace":"default","name":"jane"}`},
		{"parseEntityRef slash before colon", "${{ 'ns/a:b' | parseEntityRef({defaultKind: 'k'}) | dump }}", nil, `{"kind":"k","namespace":"ns","name":"a:b"}`},
		{"parseEntityRef pick", "${{ values.owner | parseEntityRef | pick('name') }}", values, "team-a"},
		// pick is lodash get: dotted and bracketed paths.
		{"pick path", "${{ values | pick('nested.deep.x') }} ${{ values | pick('list[1]') }} ${{ values | pick(['nested', 'deep']) | dump }}", values, `y b {"x":"y"}`},
	})
}

func TestBackstageFilterErrors(t *testing.T) {
	e := backstage()
	for tmpl, want := range map[string]string{
		"${{ 'gitlab.example.com?owner=g' | parseRepoUrl }}":         "Invalid repo URL passed to publisher: https://gitlab.example.com/?owner=g, missing repo",
		"${{ 'github.com?repo=r' | parseRepoUrl }}":                  "Invalid repo URL passed to publisher: https://github.com/?repo=r, missing owner",
		"${{ 'gitlab.example.com' | parseRepoUrl }}":                 "Invalid repo URL passed to publisher: https://gitlab.example.com/, missing owner",
		"${{ 'team-a' | parseEntityRef }}":                           `Entity reference "team-a" had missing or empty kind (e.g. did not start with "component:" or similar)`,
		"${{ 'group:' | parseEntityRef }}":                           `Entity reference "group:" was not on the form [<kind>:][<namespace>/]<name>`,
		"${{ '' | parseEntityRef }}":                                 "Entity reference must not be empty",
		"${{ 'www.bitbucket.org?project=p&repo=r' | parseRepoUrl }}": "missing workspace",
		// The result crosses the isolate as JSON: undefined cannot.
		"${{ values | pick('no.such') }}": `filter pick: "undefined" is not valid JSON`,
	} {
		_, err := e.Render("t", tmpl, nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Render(%q) error = %v, want it to contain %q", tmpl, err, want)
		}
	}
}

func TestSpecNumberFormat(t *testing.T) {
	// Number.prototype.toString.
	for f, want := range map[float64]string{
		0: "0", 1: "1", -1.5: "-1.5", 1e21: "1e+21", 1e20: "100000000000000000000",
		1e-7: "1e-7", 0.000001: "0.000001", 123456789.125: "123456789.125", 1.5e300: "1.5e+300",
	} {
		if got := numStr(f); got != want {
			t.Errorf("numStr(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestEval(t *testing.T) {
	e := backstage()
	ctx := map[string]any{"parameters": map[string]any{"port": 8080, "on": true, "tags": []any{"a"}, "o": map[string]any{"k": "v"}, "name": "x"}}
	cases := []struct {
		expr string
		want any
	}{
		{"parameters.port", 8080},
		{"parameters.on", true},
		{"parameters.name", "x"},
		{"parameters.port + 1", 8081.0},
		{"parameters.nope", Undefined{}},
		{"null", nil},
		{"parameters.name | upper", "X"},
		{"'gitlab.com?owner=o&repo=r' | parseRepoUrl", map[string]any{"host": "gitlab.com", "owner": "o", "repo": "r"}},
		{"{a: nope, b: [nope]}", map[string]any{"b": []any{nil}}},
	}
	for _, c := range cases {
		got, err := e.Eval(c.expr, ctx)
		if err != nil {
			t.Fatalf("Eval(%q): %v", c.expr, err)
		}
		if !deepEqual(got, c.want) {
			t.Errorf("Eval(%q) = %#v, want %#v", c.expr, got, c.want)
		}
	}
	tags, _ := e.Eval("parameters.tags", ctx)
	if l, ok := tags.([]any); !ok || len(l) != 1 || l[0] != "a" {
		t.Errorf("Eval(parameters.tags) = %#v", tags)
	}
	if _, err := e.Eval("a b", ctx); err == nil {
		t.Error("Eval of two expressions: no error")
	}
}

func deepEqual(a, b any) bool {
	var x, y jsonBuf
	okA := writeJSON(&x, a, "", "", 0)
	okB := writeJSON(&y, b, "", "", 0)
	if _, ok := a.(Undefined); ok {
		_, ok2 := b.(Undefined)
		return ok2
	}
	if _, ok := a.(int); ok != isInt(b) {
		return false
	}
	return okA == okB && x.String() == y.String()
}

func isInt(v any) bool { _, ok := v.(int); return ok }

func TestErrors(t *testing.T) {
	e := backstage()
	cases := []struct {
		name, tmpl, want string
	}{
		{"unclosed variable", "a ${{ x ", "t:1:9: expected variable end"},
		{"unclosed if", "{% if x %}a", "parseIf: expected elif, else, or endif, got end of file"},
		{"unclosed for", "{% for x in y %}a", "expected endfor"},
		{"unclosed comment", "a {# b", "t:1:3: expected end of comment, got end of file"},
		{"stray comment end", "a #} b", "unexpected end of comment"},
		{"unknown filter", "${{ x | nosuch }}", "t:1:9: filter not found: nosuch"},
		{"unknown tag", "line\n{% macro m() %}{% endmacro %}", "t:2:4: unknown block tag: macro"},
		{"unknown test", "${{ x is weird }}", "test not found: weird"},
		{"call undefined", "${{ nope() }}", "Unable to call `nope`, which is undefined or falsey"},
		{"call non-function", "${{ values.name() }}", "Unable to call `values[\"name\"]`, which is not a function"},
		{"in on number", "${{ 1 in 2 }}", `Cannot use "in" operator`},
		{"bad filter input", "${{ 5 | upper }}", "filter upper: str.toUpperCase is not a function"},
		// trim, unlike lower and upper, does not turn undefined into "".
		{"trim undefined", "${{ nope | trim }}", "filter trim: cannot read properties of undefined"},
		{"keyword args", "${{ x | f(a=1) }}", "keyword arguments are not supported"},
		{"unexpected token", "${{ ) }}", "unexpected token: )"},
		{"slice", "${{ x[1:2] }}", "slices are not supported"},
		{"deep nesting", "${{ " + strings.Repeat("(", 500) + "1" + strings.Repeat(")", 500) + " }}", "nested too deeply"},
		// "}}" ends the tag even inside an object literal, as in nunjucks.
		{"nested object closes tag", "${{ {a: {b: 1}} }}", "parseAggregate: expected comma after expression"},
		{"number dict key", "${{ {1: 2} }}", "Dict keys must be strings or names"},
		{"empty group", "${{ () }}", "unexpected token: )"},
		{"long chain", "${{ 1" + strings.Repeat(" + 1", 2000) + " }}", "expression too long"},
		{"long mixed chain", "${{ 1" + strings.Repeat(" + 1 - 1", 3000) + " }}", "expression too long"},
		{"long filter chain", "${{ 1" + strings.Repeat(" | abs", 2000) + " }}", "expression too long"},
		{"random is not hermetic", "${{ [1,2] | random }}", "filter not found: random"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.Render("t", c.tmpl, values)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Render(%q) error = %v, want it to contain %q", c.tmpl, err, c.want)
			}
		})
	}
}

func TestBudgets(t *testing.T) {
	e := New(Options{MaxSteps: 10_000, MaxOutputBytes: 1 << 16})
	for name, tmpl := range map[string]string{
		"huge range":      "{% for i in range(100000000) %}{% endfor %}",
		"nested loops":    "{% for a in range(1000) %}{% for b in range(1000) %}x{% endfor %}{% endfor %}",
		"doubling string": "{% set s = 'ab' %}{% for i in range(40) %}{% set s = s ~ s %}{% endfor %}{{ s | length }}",
		"replace blow-up": "{% set s = 'abcdefgh' %}{% for i in range(10) %}{% set s = s | replace('', s) %}{% endfor %}",
		"indent blow-up":  "{{ 'a\nb' | indent(100000000) }}",
		"output":          "{% for i in range(5000) %}0123456789abcdef{% endfor %}",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.Render("t", tmpl, nil)
			if !errors.Is(err, ErrBudget) {
				t.Fatalf("Render: err = %v, want ErrBudget", err)
			}
		})
	}
	// A context DAG that dumps exponentially large stops at the budget.
	var dag any = "leaf"
	for i := 0; i < 40; i++ {
		dag = []any{dag, dag}
	}
	if _, err := e.Render("t", "{{ x | dump }}", map[string]any{"x": dag}); !errors.Is(err, ErrBudget) {
		t.Fatalf("dump of a DAG: err = %v, want ErrBudget", err)
	}
	if _, err := e.Render("t", "{{ x }}", map[string]any{"x": dag}); !errors.Is(err, ErrBudget) {
		t.Fatalf("output of a DAG: err = %v, want ErrBudget", err)
	}
	if _, err := New(Options{}).Render("t", "{% for i in range(1000) %}{{ i }}{% endfor %}", nil); err != nil {
		t.Fatalf("default budget too small: %v", err)
	}
}

func TestCustomFilterOverride(t *testing.T) {
	e := New(Options{Filters: map[string]Filter{
		"shout": func(v any, args ...any) (any, error) { return toStr(v) + "!", nil },
		"upper": nil, // removed
	}})
	got, err := e.Render("t", "{{ 'hi' | shout }}", nil)
	if err != nil || got != "hi!" {
		t.Fatalf("custom filter: %q, %v", got, err)
	}
	if _, err := e.Render("t", "{{ 'hi' | upper }}", nil); err == nil {
		t.Fatal("removed filter still available")
	}
}
