package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Values are a template's answers keyed by parameter name, each of the
// parameter's Go type (string, int, bool or []string).
type Values map[string]any

// Inputs are every way a user gives values, lowest precedence first: the
// answers recorded when the service was made (platform update), values
// files, then --set, then the --owner/--system shortcuts and NAME; then, at a
// terminal, the answers to what these did not say.
type Inputs struct {
	// Recorded are the answers a service was made with (Provenance.Values).
	// Those of parameters the template no longer has are dropped, not
	// reported: see Dropped.
	Recorded    Values
	Name        string
	Owner       string
	System      string
	Sets        []string
	ValuesFiles []string
	// ReadFile reads a values file; tests may replace it.
	ReadFile func(string) ([]byte, error)
	// Ask, when set, asks for the parameters not given (a wizard at a
	// terminal). It gets the given values, already checked, and returns them
	// with the answers; it is not called when the given values have problems.
	Ask func(given Values) (Values, error)
	// Problems are problems the caller found with its own inputs (a silver
	// path whose trade-offs were not accepted): reported with the others.
	Problems []Problem
}

// Problem is one thing wrong with the values, and the flag that fixes it.
type Problem struct {
	Param   string
	Flag    string
	Message string
}

func (p Problem) String() string {
	if p.Flag == "" {
		return p.Message
	}
	return p.Flag + ": " + p.Message
}

// ValidationError carries every problem found, so the user fixes them in one go.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "  " + p.String()
	}
	return fmt.Sprintf("invalid values (%d):\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// FlagFor names the flag that sets a parameter.
func FlagFor(param string) string {
	switch param {
	case "name":
		return "NAME argument"
	case "owner":
		return "--owner"
	case "system":
		return "--system"
	default:
		return "--set " + param + "=VALUE"
	}
}

// Gather reads the values the user gave on the command line and in values
// files, converted to each parameter's type. It does not apply defaults.
func Gather(m *Manifest, in Inputs) (Values, []Problem) {
	given := Values{}
	var problems []Problem
	set := func(name, flag string, v any) {
		p := m.Parameter(name)
		if p == nil {
			problems = append(problems, Problem{Param: name, Flag: flag,
				Message: fmt.Sprintf("template %s has no parameter %q (it has: %s)", m.Metadata.Name, name, strings.Join(paramNames(m), ", "))})
			return
		}
		nv, err := p.normalize(v)
		if err != nil {
			problems = append(problems, Problem{Param: name, Flag: flag, Message: err.Error()})
			return
		}
		given[name] = nv
	}
	for _, name := range slices.Sorted(maps.Keys(in.Recorded)) {
		if m.Parameter(name) != nil {
			set(name, AnswersFile, in.Recorded[name])
		}
	}
	readFile := in.ReadFile
	for _, file := range in.ValuesFiles {
		flag := "--values " + file
		data, err := readFile(file)
		if err != nil {
			problems = append(problems, Problem{Flag: flag, Message: fmt.Sprintf("cannot read: %v", unwrapPathError(err))})
			continue
		}
		doc, err := decodeValuesFile(data)
		if err != nil {
			problems = append(problems, Problem{Flag: flag, Message: err.Error()})
			continue
		}
		for _, kv := range doc {
			set(kv.key, flag, kv.value)
		}
	}
	for _, s := range in.Sets {
		key, raw, ok := strings.Cut(s, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			problems = append(problems, Problem{Flag: "--set " + s, Message: "want key=value, e.g. --set port=9090"})
			continue
		}
		p := m.Parameter(key)
		if p == nil {
			set(key, "--set "+s, raw)
			continue
		}
		v, err := p.Parse(raw)
		if err != nil {
			problems = append(problems, Problem{Param: key, Flag: "--set " + s, Message: err.Error()})
			continue
		}
		given[key] = v
	}
	if in.Owner != "" {
		set("owner", "--owner", in.Owner)
	}
	if in.System != "" {
		set("system", "--system", in.System)
	}
	if in.Name != "" {
		set("name", "NAME argument", in.Name)
	}
	return given, problems
}

// Resolve applies defaults to the given values and validates every parameter,
// returning all problems at once, each naming the flag that fixes it.
// A conditional parameter (see When) is resolved after the parameter its
// condition names; when the condition does not hold, a value given for it
// is dropped and it takes its zero value (or is left out, with LeaveUnset).
func Resolve(m *Manifest, given Values) (Values, []Problem) {
	values := Values{}
	var problems []Problem
	done := map[string]bool{}
	for progress := true; progress; {
		progress = false
		for _, p := range m.Parameters() {
			if done[p.Name] || p.When != nil && !done[p.When.Param] {
				continue
			}
			done[p.Name], progress = true, true
			if p.When != nil {
				// A condition on a parameter that is inactive, unset or
				// refused does not hold.
				if v, ok := values[p.When.Param]; !ok || !p.When.holds(v) {
					if !m.Spec.LeaveUnset {
						values[p.Name] = p.Zero()
					}
					continue
				}
			}
			v, ok := given[p.Name]
			switch {
			case ok:
			case p.Default != nil:
				v = p.Default
			case p.Required:
				msg := "is required" + describe(p)
				if p.When != nil {
					msg += " when " + p.Condition()
				}
				problems = append(problems, Problem{Param: p.Name, Flag: FlagFor(p.Name), Message: msg})
				continue
			case m.Spec.LeaveUnset:
				continue
			default:
				values[p.Name] = p.Zero()
				continue
			}
			msg := p.Validate(v)
			if msg == "" && p.Name == NameParam {
				msg = checkName(v)
			}
			if msg != "" {
				problems = append(problems, Problem{Param: p.Name, Flag: FlagFor(p.Name), Message: msg})
				continue
			}
			values[p.Name] = v
		}
	}
	for _, name := range slices.Sorted(maps.Keys(given)) {
		if m.Parameter(name) == nil {
			problems = append(problems, Problem{Param: name, Flag: FlagFor(name), Message: "unknown parameter"})
		}
	}
	return values, problems
}

// Dropped lists, sorted, the recorded answers whose parameter the template
// no longer has.
func Dropped(m *Manifest, recorded Values) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(recorded)) {
		if m.Parameter(name) == nil {
			out = append(out, name)
		}
	}
	return out
}

// CheckGiven validates the values given so far, without requiring the rest:
// a wizard checks the flags before it asks the remaining questions. A value
// given for a parameter whose condition does not hold is not checked: it
// is dropped.
func CheckGiven(m *Manifest, given Values) []Problem {
	var problems []Problem
	for _, p := range m.Parameters() {
		if v, ok := given[p.Name]; ok && m.Active(p, given) {
			msg := p.Validate(v)
			if msg == "" && p.Name == NameParam {
				msg = checkName(v)
			}
			if msg != "" {
				problems = append(problems, Problem{Param: p.Name, Flag: FlagFor(p.Name), Message: msg})
			}
		}
	}
	return problems
}

// Collect gathers the values given, asks for the rest when in.Ask is set,
// then applies defaults and validates everything, as for flags alone: a
// prompt library may return defaults at the end of input without running its
// validators. All problems are returned at once in a *ValidationError, each
// parameter's at most once.
func Collect(m *Manifest, in Inputs) (Values, error) {
	given, problems := Gather(m, in)
	problems = append(problems, in.Problems...)
	if in.Ask != nil {
		// The flags are checked before a question is asked.
		if all := dedupe(append(problems, CheckGiven(m, given)...)); len(all) > 0 {
			return nil, &ValidationError{Problems: all}
		}
		answered, err := in.Ask(given)
		if err != nil {
			return nil, err
		}
		given = answered
	}
	values, more := Resolve(m, given)
	if all := dedupe(append(problems, more...)); len(all) > 0 {
		return nil, &ValidationError{Problems: all}
	}
	return values, nil
}

// dedupe drops a Resolve problem for a parameter that Gather already reported on.
func dedupe(problems []Problem) []Problem {
	var out []Problem
	reported := map[string]bool{}
	for _, p := range problems {
		if p.Param != "" && reported[p.Param] {
			continue
		}
		if p.Param != "" {
			reported[p.Param] = true
		}
		out = append(out, p)
	}
	return out
}

// describe says what a missing parameter is for: its description's first sentence.
func describe(p *Parameter) string {
	d := strings.TrimSuffix(firstSentence(strings.TrimSpace(p.Description)), ".")
	if d == "" {
		return ""
	}
	return " (" + d + ")"
}

// firstSentence is d up to the first ". " that ends a sentence rather than an
// abbreviation: "Backstage owner, e.g. group:payments. More." keeps "e.g.".
func firstSentence(d string) string {
	for i := 0; ; {
		j := strings.Index(d[i:], ". ")
		if j < 0 {
			return d
		}
		end := i + j
		word := strings.ToLower(d[strings.LastIndexAny(d[:end], " \t\n(")+1 : end])
		if !isAbbreviation(word) {
			return d[:end+1]
		}
		i = end + 2
	}
}

// isAbbreviation reports whether a word before a period is an abbreviation:
// dotted (e.g, i.e) or a common one whose period does not end the sentence.
func isAbbreviation(word string) bool {
	switch word {
	case "etc", "cf", "vs", "approx", "incl", "resp":
		return true
	}
	return strings.Contains(word, ".")
}

// ParameterNames are the parameters' names, in page order.
func (m *Manifest) ParameterNames() []string { return paramNames(m) }

func paramNames(m *Manifest) []string {
	var names []string
	for _, p := range m.Parameters() {
		names = append(names, p.Name)
	}
	return names
}

type keyValue struct {
	key   string
	value any
}

// decodeValuesFile reads a YAML mapping of parameter name to value, in file order.
func decodeValuesFile(data []byte) ([]keyValue, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: want a mapping of parameter name to value", root.Line)
	}
	var out []keyValue
	for i := 0; i+1 < len(root.Content); i += 2 {
		var v any
		if err := root.Content[i+1].Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", root.Content[i+1].Line, err)
		}
		out = append(out, keyValue{key: root.Content[i].Value, value: v})
	}
	return out, nil
}

// Ordered returns the values as key/value pairs in the manifest's parameter order.
func (m *Manifest) Ordered(values Values) [][2]any {
	var out [][2]any
	for _, p := range m.Parameters() {
		if v, ok := values[p.Name]; ok {
			out = append(out, [2]any{p.Name, v})
		}
	}
	extra := []string{}
	for k := range values {
		if m.Parameter(k) == nil {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		out = append(out, [2]any{k, values[k]})
	}
	return out
}

func unwrapPathError(err error) error {
	var pe interface{ Unwrap() error }
	if errors.As(err, &pe) {
		if inner := pe.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}
