package gitlabci

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/textdist"
)

// problem is one schema violation, worded for the finding.
type problem struct {
	line, column  int
	message, hint string
}

// placeholder matches a $[[ inputs.x ]] interpolation, as written or as
// configOf replaces it when the file does not parse otherwise ($IIIIII).
var placeholder = regexp.MustCompile(`\$\[\[|\$I{6,}`)

// problemsOf turns the leaf errors that explain a document's failures (see
// explaining) into problems: less those GitLab would not raise, each worded
// with its place in the file. A mapping with an unknown keyword is not also
// said to miss one: the unknown keyword is usually the missing one misspelt.
func problemsOf(explained []*jsonschema.ValidationError, in *instance, root *yaml.Node) []problem {
	var leaves []*jsonschema.ValidationError
	unknownAt := map[string]bool{}
	for _, leaf := range explained {
		if !raisedByGitLab(leaf, in) {
			continue
		}
		leaves = append(leaves, leaf)
		if _, ok := leaf.ErrorKind.(*kind.AdditionalProperties); ok {
			unknownAt[pointer(leaf.InstanceLocation)] = true
		}
	}
	var out []problem
	for _, leaf := range leaves {
		if _, ok := leaf.ErrorKind.(*kind.Required); ok && unknownAt[pointer(leaf.InstanceLocation)] {
			continue
		}
		out = append(out, describe(leaf, in, root))
	}
	slices.SortStableFunc(out, func(a, b problem) int {
		return cmp.Or(cmp.Compare(a.line, b.line), cmp.Compare(a.column, b.column))
	})
	return out
}

// explaining returns the leaf errors under e; of an anyOf or oneOf that no
// branch satisfies, only the errors of the branch that fits best.
func explaining(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	switch k := e.ErrorKind.(type) {
	case *kind.AnyOf:
		return bestBranch(e)
	case *kind.OneOf:
		if k.Subschemas == nil {
			return bestBranch(e)
		}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, explaining(c)...)
	}
	return out
}

// bestBranch picks the branch of a failed anyOf/oneOf the value was most
// likely written for: not one it fails only by its type, then the one whose
// errors are deepest in the value, then the one with fewest errors. When
// every branch fails by type alone, the answer is one type error naming
// every type the branches take.
func bestBranch(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	var best []*jsonschema.ValidationError
	bestScore := [3]int{}
	var types []string
	allTypeOnly := true
	for i, c := range e.Causes {
		leaves := explaining(c)
		typeOnly, depth := 1, 0
		for _, l := range leaves {
			t, ok := l.ErrorKind.(*kind.Type)
			if !ok || len(l.InstanceLocation) > len(e.InstanceLocation) {
				typeOnly = 0
			} else {
				types = append(types, t.Want...)
			}
			depth = max(depth, len(l.InstanceLocation))
		}
		allTypeOnly = allTypeOnly && typeOnly == 1
		score := [3]int{-typeOnly, depth, -len(leaves)}
		if i == 0 || slices.Compare(score[:], bestScore[:]) > 0 {
			best, bestScore = leaves, score
		}
	}
	if allTypeOnly && len(best) > 0 {
		slices.Sort(types)
		got := best[0].ErrorKind.(*kind.Type).Got
		return []*jsonschema.ValidationError{{
			SchemaURL:        e.SchemaURL,
			InstanceLocation: e.InstanceLocation,
			ErrorKind:        &kind.Type{Got: got, Want: slices.Compact(types)},
		}}
	}
	return best
}

// raisedByGitLab reports whether GitLab itself would reject what the leaf
// error is about: not a value GitLab fills in before validating (an
// interpolation, a !reference), nor the pattern or format of a value holding
// a $VARIABLE, which GitLab expands; a job that is not a mapping is
// gitlab-ci/job-script's.
func raisedByGitLab(e *jsonschema.ValidationError, in *instance) bool {
	loc := e.InstanceLocation
	for i := 0; i <= len(loc); i++ {
		if in.references[pointer(loc[:i])] {
			return false
		}
	}
	v := valueAt(in.value, loc)
	if s, ok := v.(string); ok {
		if placeholder.MatchString(s) {
			return false
		}
		switch e.ErrorKind.(type) {
		case *kind.Pattern, *kind.Format:
			if strings.Contains(s, "$") {
				return false
			}
		}
	}
	if _, ok := e.ErrorKind.(*kind.Type); ok && len(loc) == 1 && !keywords[loc[0]] && loc[0] != "pages" {
		return false
	}
	return true
}

// valueAt returns the instance value at loc, nil when there is none.
func valueAt(v any, loc []string) any {
	for _, step := range loc {
		switch x := v.(type) {
		case map[string]any:
			v = x[step]
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

var english = message.NewPrinter(language.English)

// renamed are keywords GitLab once had, with what replaced them.
var renamed = map[string]string{"type": "stage", "types": "stages"}

// describe words a leaf error: where (the job and keyword path), what is
// wrong, and a hint.
func describe(e *jsonschema.ValidationError, in *instance, root *yaml.Node) problem {
	loc := e.InstanceLocation
	key, value := nodeAt(root, loc)
	at := value
	if key != nil {
		at = key
	}
	p := problem{hint: "see https://docs.gitlab.com/ci/yaml/ for what the keyword takes"}
	where := place(loc)
	switch k := e.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		name := k.Properties[0]
		if kn := lint.KeyNode(value, name); kn != nil {
			at = kn
		} else if mk := mergeKey(value); mk != nil {
			at = mk // the keyword came in through <<: *anchor
		}
		p.message = fmt.Sprintf("%s: unknown keyword %s", where, name)
		if len(k.Properties) > 1 {
			p.message += fmt.Sprintf(" (and %s)", strings.Join(k.Properties[1:], ", "))
		}
		p.hint = unknownHint(name, loc, e.SchemaURL)
	case *kind.Type:
		p.message = fmt.Sprintf("%s: must be %s, not %s%s", where, strings.Join(k.Want, " or "), k.Got, shown(valueAt(in.value, loc)))
	case *kind.Enum:
		var want []string
		for _, w := range k.Want {
			want = append(want, fmt.Sprint(w))
		}
		p.message = fmt.Sprintf("%s: %v is not one of %s", where, k.Got, strings.Join(want, ", "))
	case *kind.Required:
		p.message = fmt.Sprintf("%s: missing %s", where, strings.Join(k.Missing, ", "))
	case *kind.MinItems:
		p.message = fmt.Sprintf("%s: must have at least %d item(s), not %d", where, k.Want, k.Got)
	case *kind.MaxItems:
		p.message = fmt.Sprintf("%s: must have at most %d item(s), not %d", where, k.Want, k.Got)
	default:
		p.message = fmt.Sprintf("%s: %s", where, e.ErrorKind.LocalizedString(english))
	}
	if at != nil {
		p.line, p.column = at.Line, at.Column
	}
	if p.line == 0 {
		p.line, p.column = 1, 1
	}
	return p
}

// mergeKey returns the first merge key (<<) of a mapping, or nil. At the top
// level of a file it means jobs may come from an anchor, which the job list
// does not follow.
func mergeKey(m *yaml.Node) *yaml.Node {
	m = lint.Deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Tag == "!!merge" || k.Value == "<<" {
			return k
		}
	}
	return nil
}

// unknownHint is the hint for an unknown keyword: its new name, the known
// keyword it looks like, or the keywords GitLab knows there.
func unknownHint(name string, loc []string, schemaURL string) string {
	if len(loc) == 1 && loc[0] == "spec" {
		return "spec: is a component's header (before ---) and holds only inputs:; rename a job called spec"
	}
	if to, ok := renamed[name]; ok {
		return fmt.Sprintf("%s: is the old name of %s:, which GitLab no longer accepts: rename it", name, to)
	}
	keys := known(schemaURL)
	if s := textdist.Suggest(name, keys); s != "" {
		return fmt.Sprintf("did you mean %s?", s)
	}
	if len(keys) > 0 && len(keys) <= 12 {
		return "remove it or use one GitLab knows here: " + strings.Join(keys, ", ")
	}
	return "remove it or correct its spelling: https://docs.gitlab.com/ci/yaml/ lists the keywords"
}

// shown is a scalar value for a message, " (\"two\")", or "".
func shown(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 40 {
			x = x[:37] + "..."
		}
		return fmt.Sprintf(" (%q)", x)
	case bool, int64, float64:
		return fmt.Sprintf(" (%v)", x)
	}
	return ""
}

// place names an instance location as a reader finds it: job.keyword[0].key,
// or "the configuration" for the top level.
func place(loc []string) string {
	if len(loc) == 0 {
		return "the configuration"
	}
	var b strings.Builder
	for i, step := range loc {
		switch {
		case i > 0 && isIndex(step):
			b.WriteString("[" + step + "]")
		case i > 0:
			b.WriteString("." + step)
		default:
			b.WriteString(step)
		}
	}
	return b.String()
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// known returns the keywords of the schema object an additionalProperties
// error comes from (its schema URL ends in /additionalProperties), sorted.
func known(schemaURL string) []string {
	_, frag, _ := strings.Cut(schemaURL, "#")
	v := rawSchema()
	for _, step := range strings.Split(strings.TrimSuffix(frag, "/additionalProperties"), "/")[1:] {
		step = strings.NewReplacer("~1", "/", "~0", "~").Replace(step)
		switch x := v.(type) {
		case map[string]any:
			v = x[step]
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	obj, _ := v.(map[string]any)
	props, _ := obj["properties"].(map[string]any)
	out := make([]string, 0, len(props))
	for k := range props {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
