// Package nunjucks is a hermetic Go implementation of the subset of
// Nunjucks (the JavaScript template engine) that Backstage Software
// Templates use, rendering byte for byte what Backstage's scaffolder
// renders. Backstage configures Nunjucks with autoescape off and the
// variable tags "${{" and "}}"; New(Options{VariableStart: "${{",
// VariableEnd: "}}", Filters: BackstageFilters()}) is that configuration.
//
// Supported:
//   - tags: output ${{ expr }}; if, elif (or elseif), else, endif; for x in
//     xs and for k, v in obj with loop.index, index0, revindex, revindex0,
//     first, last, length and an else branch when nothing was iterated;
//     set a = expr and the block form set a ... endset; raw and verbatim;
//     comments {# #}; whitespace control with "-" on any tag ({%- -%},
//     ${{- -}}, {#- -#}); text passes through.
//   - expressions: string literals ('..' and ".." with \n \t \r escapes),
//     numbers, true/false, none/null, arrays, objects {k: v}, a.b, a['b'],
//     a[0], calls, filters x | f(a, b), + - * / // % **, unary - +, ~,
//     == != === !== < > <= >=, and/or/not, in/not in, is [not] test(args),
//     a if c else b, parentheses; the range() global; the String methods
//     toUpperCase, toLowerCase, trim, startsWith, endsWith, includes, split
//     and replace, and the Array methods includes and join.
//   - filters: abs, batch, capitalize, center, default/d, dictsort, dump,
//     escape/e, forceescape, first, last, float, groupby, int, indent, join,
//     length, list, lower, upper, nl2br, replace, reverse, round, safe,
//     select, reject, selectattr, rejectattr, sort, string, striptags, sum,
//     title, trim, truncate, urlencode, wordcount, and BackstageFilters:
//     parseRepoUrl, parseEntityRef, pick, projectSlug.
//   - tests: defined, undefined, null/none, number, string, truthy, falsy,
//     odd, even, divisibleby, equalto/eq/sameas, ne, gt, lt, ge, le, lower,
//     upper, callable, iterable, mapping, escaped.
//
// Values follow JavaScript as Nunjucks does: empty arrays and objects are
// true; "", 0, NaN, null and undefined are false; output prints null and
// undefined as "", numbers as JavaScript does (1.0 is "1"), arrays joined
// with "," and objects as "[object Object]"; + concatenates when either
// side is a string, array or object; == is JavaScript's loose equality;
// member access on undefined or null is undefined, not an error; a set in
// a loop updates a variable of an enclosing scope. Nunjucks compiles
// operators into JavaScript without parentheses, so JavaScript's
// precedence decides the order: "not a == b" is (!a) == b, "a ~ b + c" is
// a + "" + b + c; this package evaluates them the same way.
// Nunjucks refuses a stray "#}" in text and treats "{#" as a comment even
// with Backstage's variable tags; so does this package.
//
// Step inputs: RenderInput renders one string of a step's input as
// Backstage's scaffolder does (a lone ${{ expr }} keeps its type; a failed
// render keeps the string); Eval evaluates one bare expression.
//
// Linting: Refs and RefsOf list the context paths a template reads
// (values.x.y), leaving out names the template binds itself.
//
// Key order: JavaScript objects keep insertion order, which shows in dump
// and in for k, v loops. ParseJSON and FromYAML build contexts with that
// order (*Object); Options.KeepOrder makes Eval and RenderInput return
// *Object instead of map[string]any.
//
// Differences from Nunjucks: macros, includes, extends, blocks, call,
// filter blocks, slices (a[1:2]), keyword arguments, regular expression
// literals and the random filter (not deterministic) are not supported and
// fail with an error naming them. A plain map[string]any has no key order,
// so its keys are enumerated (for, dump, list) with integer-like keys first
// and the rest sorted; use *Object for insertion order, which object
// literals in templates always keep. Strings measure length in UTF-16 code
// units as JavaScript does; case mapping uses Go's Unicode tables.
// Smaller differences, none of which Backstage templates are known to rely
// on: only the listed JavaScript methods exist (String.replace does not
// expand "$" patterns); the cycler and joiner globals are missing; the
// right side of "is" is a test name with optional arguments, not a full
// expression; "in" on an object sees its own keys only; the lower and
// upper tests are false for non-strings instead of throwing; inherited
// properties (toString, constructor) are undefined.
//
// The engine is hermetic: no environment, clock, randomness, file or
// network access. Work is bounded by Options.MaxSteps (every evaluated
// node and loop iteration, DefaultMaxSteps) and Options.MaxOutputBytes (the
// output and any string built, DefaultMaxOutputBytes); exceeding either
// fails with an error wrapping ErrBudget. Nesting is bounded at parse time.
// Errors name the template, line and column: "name:line:col: message".
package nunjucks
