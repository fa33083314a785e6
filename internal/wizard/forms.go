// Package wizard builds the interactive questions of `platform new service`
// from a template's parameter schema, with huh. It knows nothing of cobra: each
// form is built by a function that returns the form and a pointer to its answers,
// so tests can drive the real form with key input.
package wizard

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/platform-team/platform/internal/scaffold"
)

// TemplateForm asks which template to use: golden paths first, each option
// marked golden or silver with its description, def selected.
func TemplateForm(list []*scaffold.Template, def string) (*huh.Form, *string) {
	choice := def
	options := make([]huh.Option[string], 0, len(list))
	for _, t := range list {
		m := t.Manifest
		label := fmt.Sprintf("%-18s [%s] %s", m.Metadata.Name, m.Spec.Path, m.Metadata.Description)
		options = append(options, huh.NewOption(label, m.Metadata.Name))
	}
	sel := huh.NewSelect[string]().
		Title("Template").
		Description("Golden paths are the supported road; silver paths are documented alternatives with trade-offs.").
		Options(options...).
		Value(&choice)
	return huh.NewForm(huh.NewGroup(sel)), &choice
}

// TradeoffsForm shows a silver path's trade-offs and asks for explicit acceptance (default no).
func TradeoffsForm(t *scaffold.Template) (*huh.Form, *bool) {
	accepted := false
	note := huh.NewNote().
		Title(fmt.Sprintf("%s is a silver path. Its trade-offs:", t.Name())).
		Description(strings.TrimRight(t.Manifest.Spec.Tradeoffs, "\n"))
	confirm := huh.NewConfirm().
		Title("Accept these trade-offs?").
		Affirmative("Accept").
		Negative("Choose again").
		Value(&accepted)
	return huh.NewForm(huh.NewGroup(note, confirm)), &accepted
}

// ConfirmForm shows the summary and asks whether to go ahead (default yes).
func ConfirmForm(summary, question, affirmative string) (*huh.Form, *bool) {
	ok := true
	note := huh.NewNote().Title("Summary").Description(summary)
	confirm := huh.NewConfirm().Title(question).Affirmative(affirmative).Negative("Cancel").Value(&ok)
	return huh.NewForm(huh.NewGroup(note, confirm)), &ok
}

// Answers holds what the parameter form collected, bound to its fields.
type Answers struct {
	params  []*scaffold.Parameter
	strings map[string]*string
	bools   map[string]*bool
	lists   map[string]*[]string
	hide    bool
}

// ParametersForm asks for every parameter not already given: one group per
// page, in order; inputs for strings, numbers and objects (as JSON), hidden
// inputs for secrets, selects for enums (showing their enumNames), confirms
// for booleans and multi-selects for arrays. Defaults are pre-filled and each
// input is validated as it is typed, with the same validators as flags. A
// conditional parameter is asked only when its condition holds on the given
// values; one whose condition depends on a question of this form is left
// for a later form (Wizard.Ask asks until nothing is left). It returns a nil
// form when there is nothing to ask.
func ParametersForm(t *scaffold.Template, given scaffold.Values) (*huh.Form, *Answers) {
	return parametersForm(t, given, nil, true)
}

// parametersForm builds one pass of questions: asked are the parameters
// earlier passes asked (an empty answer takes the default), and hide says
// whether secrets can be read hidden (a terminal; not a pipe in accessible
// mode, where nothing echoes the answer anyway).
func parametersForm(t *scaffold.Template, given scaffold.Values, asked map[string]bool, hide bool) (*huh.Form, *Answers) {
	a := &Answers{strings: map[string]*string{}, bools: map[string]*bool{}, lists: map[string]*[]string{}, hide: hide}
	m := t.Manifest
	var groups []*huh.Group
	for _, page := range m.Spec.Parameters {
		var fields []huh.Field
		for _, p := range page.Properties {
			if _, ok := given[p.Name]; ok || asked[p.Name] {
				continue
			}
			if !settled(m, p, given, asked) || !m.Active(p, given) {
				continue
			}
			a.params = append(a.params, p)
			fields = append(fields, a.field(p))
		}
		if len(fields) == 0 {
			continue
		}
		g := huh.NewGroup(fields...)
		if page.Title != "" {
			g = g.Title(page.Title)
		}
		if page.Description != "" {
			g = g.Description(page.Description)
		}
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		return nil, a
	}
	return huh.NewForm(groups...), a
}

// settled reports whether p's conditions can be decided: each parameter
// they depend on was given, asked before, or is itself inactive.
func settled(m *scaffold.Manifest, p *scaffold.Parameter, given scaffold.Values, asked map[string]bool) bool {
	for depth := 0; p.When != nil && depth <= len(m.Parameters()); depth++ {
		c := m.Parameter(p.When.Param)
		if c == nil {
			return true
		}
		if _, ok := given[c.Name]; !ok && !asked[c.Name] {
			return !m.Active(c, given)
		}
		p = c
	}
	return true
}

// display shows a value as the user would type it: objects as JSON.
func display(v any) string {
	if obj, ok := v.(map[string]any); ok {
		b, err := json.Marshal(obj)
		if err == nil {
			return string(b)
		}
	}
	return fmt.Sprint(v)
}

// description is the parameter's description, with the form its value
// takes when its format or type asks for one.
func description(p *scaffold.Parameter) string {
	hint := p.Hint()
	if p.Type == scaffold.TypeObject {
		hint = `a JSON object, e.g. {"key": "value"}`
	}
	switch {
	case hint == "":
		return p.Description
	case p.Description == "":
		return "Enter " + hint + "."
	}
	return strings.TrimRight(p.Description, ". ") + ". Enter " + hint + "."
}

func title(p *scaffold.Parameter) string {
	s := p.Title
	if s == "" {
		s = p.Name
	}
	switch {
	case p.Required && p.Default == nil:
		s += " (required)"
	case p.Default != nil && fmt.Sprint(p.Default) != "" && p.Type != scaffold.TypeBoolean && p.Type != scaffold.TypeArray && !p.Secret:
		// Accessible prompts show only the title: say what an empty answer gives.
		s += fmt.Sprintf(" [%s]", display(p.Default))
	}
	return s
}

func (a *Answers) field(p *scaffold.Parameter) huh.Field {
	switch {
	case p.Type == scaffold.TypeBoolean:
		v, _ := p.Default.(bool)
		a.bools[p.Name] = &v
		return huh.NewConfirm().Title(title(p)).Description(p.Description).Value(&v)
	case p.Type == scaffold.TypeArray:
		v := []string{}
		if d, ok := p.Default.([]string); ok {
			v = slices.Clone(d)
		}
		a.lists[p.Name] = &v
		opts := make([]huh.Option[string], 0, len(p.Items.Enum))
		for _, e := range p.Items.Enum {
			opts = append(opts, huh.NewOption(e, e).Selected(slices.Contains(v, e)))
		}
		return huh.NewMultiSelect[string]().Title(title(p)).Description(p.Description).Options(opts...).Value(&v)
	case len(p.Enum) > 0:
		v := ""
		if p.Default != nil {
			v = fmt.Sprint(p.Default)
		}
		a.strings[p.Name] = &v
		opts := make([]huh.Option[string], 0, len(p.Enum))
		for i, e := range p.Enum {
			s := fmt.Sprint(e)
			label := s
			if i < len(p.EnumNames) {
				label = p.EnumNames[i]
			}
			opts = append(opts, huh.NewOption(label, s))
		}
		return huh.NewSelect[string]().Title(title(p)).Description(p.Description).Options(opts...).Value(&v)
	default:
		v := ""
		if p.Default != nil {
			v = display(p.Default)
		}
		a.strings[p.Name] = &v
		in := huh.NewInput().Title(title(p)).Description(description(p)).Value(&v).Validate(validator(p, v))
		if p.Secret && a.hide {
			in = in.EchoMode(huh.EchoModePassword)
		}
		return in
	}
}

// validator checks typed text with the parameter's own rules. An empty answer
// takes the default, so it is refused only for a required parameter without one.
func validator(p *scaffold.Parameter, def string) func(string) error {
	return func(s string) error {
		s = strings.TrimSpace(s)
		if s == "" {
			if p.Required && def == "" {
				return fmt.Errorf("%s is required", p.Name)
			}
			return nil
		}
		v, err := p.Parse(s)
		if err != nil {
			return err
		}
		if msg := p.Validate(v); msg != "" {
			return fmt.Errorf("%s", msg)
		}
		return nil
	}
}

// Values merges the answers into the values given on the command line. An
// empty answer is left out, so the parameter's default applies.
func (a *Answers) Values(given scaffold.Values) (scaffold.Values, error) {
	out := scaffold.Values{}
	for k, v := range given {
		out[k] = v
	}
	for _, p := range a.params {
		switch {
		case a.bools[p.Name] != nil:
			out[p.Name] = *a.bools[p.Name]
		case a.lists[p.Name] != nil:
			out[p.Name] = slices.Clone(*a.lists[p.Name])
		case a.strings[p.Name] != nil:
			s := strings.TrimSpace(*a.strings[p.Name])
			if s == "" {
				continue
			}
			v, err := p.Parse(s)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p.Name, err)
			}
			out[p.Name] = v
		}
	}
	return out, nil
}

// Summary lists every answer, in parameter order, and where the service goes.
func Summary(t *scaffold.Template, values scaffold.Values, dest string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s path) into %s\n", t.Name(), t.Manifest.Spec.Version, t.Manifest.Spec.Path, dest)
	width := 0
	for _, p := range t.Manifest.Parameters() {
		width = max(width, len(p.Name))
	}
	for _, kv := range t.Manifest.Ordered(values) {
		v := kv[1]
		p := t.Manifest.Parameter(kv[0].(string))
		if p != nil && !t.Manifest.Active(p, values) {
			continue
		}
		if p != nil && p.Secret {
			v = "(hidden)"
		}
		switch x := v.(type) {
		case map[string]any:
			v = display(x)
		case []string:
			v = strings.Join(x, ", ")
		case int:
			v = strconv.Itoa(x)
		case string:
			if x == "" {
				v = "(none)"
			}
		}
		fmt.Fprintf(&b, "  %-*s  %v\n", width, kv[0], v)
	}
	return strings.TrimRight(b.String(), "\n")
}
