package scaffold

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/catalog"
)

// Parameter types a template may declare.
const (
	TypeString  = "string"
	TypeInteger = "integer"
	TypeBoolean = "boolean"
	TypeArray   = "array"
	// TypeNumber values are float64.
	TypeNumber = "number"
	// TypeObject values are map[string]any, given whole as JSON or YAML
	// and passed through unchecked.
	TypeObject = "object"
)

// Formats a string parameter may declare.
const (
	// FormatEntityRef is a catalog entity reference, [KIND:][NAMESPACE/]NAME.
	FormatEntityRef = "entity-ref"
	// FormatRepoURL is a repository location as Backstage's RepoUrlPicker
	// writes it: HOST?owner=OWNER&repo=NAME.
	FormatRepoURL = "repo-url"
)

// check reports what is wrong with a parameter's schema. It compiles the pattern
// and normalises enum and default values to the parameter's Go type.
func (p *Parameter) check() []error {
	var errs []error
	switch p.Type {
	case TypeString, TypeInteger, TypeBoolean, TypeNumber, TypeObject:
	case TypeArray:
		if p.Items == nil || p.Items.Type != TypeString || len(p.Items.Enum) == 0 {
			errs = append(errs, errors.New("an array needs items: {type: string, enum: [...]}"))
		}
	case "":
		errs = append(errs, errors.New("type is required (string, integer, number, boolean, array or object)"))
	default:
		errs = append(errs, fmt.Errorf("type %q is not supported: use string, integer, number, boolean, array or object", p.Type))
	}
	switch p.Format {
	case "":
	case FormatEntityRef, FormatRepoURL:
		if p.Type != TypeString {
			errs = append(errs, fmt.Errorf("format %s needs type string", p.Format))
		}
	default:
		errs = append(errs, fmt.Errorf("format %q is not supported: use %s or %s", p.Format, FormatEntityRef, FormatRepoURL))
	}
	if len(p.EnumNames) > 0 && len(p.EnumNames) != len(p.Enum) {
		errs = append(errs, fmt.Errorf("enumNames has %d names for %d enum values", len(p.EnumNames), len(p.Enum)))
	}
	if p.Pattern != "" {
		re, err := regexp.Compile(p.Pattern)
		if err != nil {
			errs = append(errs, fmt.Errorf("pattern: %w", err))
		}
		p.pattern = re
	}
	if len(errs) > 0 {
		return errs
	}
	for i, e := range p.Enum {
		v, err := p.normalize(e)
		if err != nil {
			errs = append(errs, fmt.Errorf("enum[%d]: %w", i, err))
			continue
		}
		p.Enum[i] = v
	}
	// An enum value the other constraints refuse could be offered but never accepted.
	for i, e := range p.Enum {
		if msg := p.Validate(e); msg != "" {
			errs = append(errs, fmt.Errorf("enum[%d]: %s", i, msg))
		}
	}
	if p.Default != nil {
		v, err := p.normalize(p.Default)
		if err == nil {
			if msg := p.Validate(v); msg != "" {
				err = errors.New(msg)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("default: %w", err))
		} else {
			p.Default = v
		}
	}
	return errs
}

// Parse turns the text of a --set value into the parameter's type. Arrays are
// comma-separated.
func (p *Parameter) Parse(raw string) (any, error) {
	switch p.Type {
	case TypeInteger:
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return nil, fmt.Errorf("%q is not a whole number", raw)
		}
		return n, nil
	case TypeBoolean:
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", raw)
		}
		return b, nil
	case TypeNumber:
		f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("%q is not a number", raw)
		}
		return f, nil
	case TypeObject:
		var v any
		if err := yaml.Unmarshal([]byte(raw), &v); err != nil {
			return nil, fmt.Errorf("not a JSON or YAML object (%v): want e.g. {\"key\": \"value\"}", err)
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%q is not a JSON or YAML object: want e.g. {\"key\": \"value\"}", raw)
		}
		return obj, nil
	case TypeArray:
		out := []string{}
		for _, s := range strings.Split(raw, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	default:
		return raw, nil
	}
}

// normalize converts a value decoded from YAML into the parameter's Go type:
// string, int, float64, bool, []string or map[string]any.
func (p *Parameter) normalize(v any) (any, error) {
	switch p.Type {
	case TypeString:
		switch x := v.(type) {
		case string:
			return x, nil
		case int, float64, bool:
			return nil, fmt.Errorf("want a string, got %v (quote it)", x)
		}
	case TypeInteger:
		switch x := v.(type) {
		case int:
			return x, nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int(x), nil
			}
		case string:
			return p.Parse(x)
		}
		return nil, fmt.Errorf("want a whole number, got %v", v)
	case TypeNumber:
		switch x := v.(type) {
		case int:
			return float64(x), nil
		case float64:
			return x, nil
		case string:
			return p.Parse(x)
		}
		return nil, fmt.Errorf("want a number, got %v", v)
	case TypeObject:
		switch x := v.(type) {
		case map[string]any:
			return x, nil
		case string:
			return p.Parse(x)
		}
		return nil, fmt.Errorf("want an object, got %v", v)
	case TypeBoolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			return p.Parse(x)
		}
		return nil, fmt.Errorf("want true or false, got %v", v)
	case TypeArray:
		switch x := v.(type) {
		case []string:
			return x, nil
		case []any:
			out := make([]string, 0, len(x))
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("want a list of strings, got element %v", e)
				}
				out = append(out, s)
			}
			return out, nil
		case string:
			return p.Parse(x)
		}
		return nil, fmt.Errorf("want a list of strings, got %v", v)
	}
	return nil, fmt.Errorf("want a %s, got %v", p.Type, v)
}

// Validate checks a value of the parameter's Go type against the schema and
// returns a message saying what is expected, or "" when the value is valid.
func (p *Parameter) Validate(v any) string {
	switch x := v.(type) {
	case string:
		q := p.quote(x)
		n := utf8.RuneCountInString(x)
		if p.MinLength != nil && n < *p.MinLength {
			return fmt.Sprintf("%s is too short: at least %d characters", q, *p.MinLength)
		}
		if p.MaxLength != nil && n > *p.MaxLength {
			return fmt.Sprintf("%s is too long: at most %d characters", q, *p.MaxLength)
		}
		// The format first: it says what the value should look like, which
		// a pattern derived from it (allowed hosts) does not.
		if msg := p.checkFormat(x); msg != "" {
			return fmt.Sprintf("%s is not %s", q, msg)
		}
		if p.pattern != nil && !p.pattern.MatchString(x) {
			return fmt.Sprintf("%s does not match the pattern %s", q, p.Pattern)
		}
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, any(x)) {
			return fmt.Sprintf("%s is not one of %s", q, p.enumList())
		}
	case float64:
		if p.Minimum != nil && x < *p.Minimum {
			return fmt.Sprintf("%v is below the minimum %v", x, *p.Minimum)
		}
		if p.Maximum != nil && x > *p.Maximum {
			return fmt.Sprintf("%v is above the maximum %v", x, *p.Maximum)
		}
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, any(x)) {
			return fmt.Sprintf("%v is not one of %s", x, p.enumList())
		}
	case int:
		if p.Minimum != nil && float64(x) < *p.Minimum {
			return fmt.Sprintf("%d is below the minimum %v", x, *p.Minimum)
		}
		if p.Maximum != nil && float64(x) > *p.Maximum {
			return fmt.Sprintf("%d is above the maximum %v", x, *p.Maximum)
		}
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, any(x)) {
			return fmt.Sprintf("%d is not one of %s", x, p.enumList())
		}
	case []string:
		for _, e := range x {
			if p.Items != nil && !slices.Contains(p.Items.Enum, e) {
				return fmt.Sprintf("%q is not one of %s", e, strings.Join(p.Items.Enum, ", "))
			}
		}
	}
	return ""
}

// quote shows a value in a message: quoted, or not at all for a secret.
func (p *Parameter) quote(s string) string {
	if p.Secret {
		return "the value"
	}
	return strconv.Quote(s)
}

// Hint says what form a value of the parameter takes when its format
// asks for one ("" otherwise): the wizard shows it, and a refused value's
// message ends with it.
func (p *Parameter) Hint() string {
	switch p.Format {
	case FormatEntityRef:
		return "an entity reference, [KIND:][NAMESPACE/]NAME, e.g. group:default/payments"
	case FormatRepoURL:
		return "a repository location, HOST?owner=OWNER&repo=NAME, e.g. gitlab.example.com?owner=group/sub&repo=payments"
	}
	return ""
}

// checkFormat returns the parameter's hint when s does not have its format.
func (p *Parameter) checkFormat(s string) string {
	switch p.Format {
	case FormatEntityRef:
		// The kind may be left out: the catalog fills in each field's default kind.
		if _, _, _, err := catalog.ParseRef(s, "component", ""); err != nil {
			return p.Hint()
		}
	case FormatRepoURL:
		if !validRepoURL(s) {
			return p.Hint()
		}
	}
	return ""
}

// validRepoURL reports whether s is HOST?owner=OWNER&repo=NAME with all
// three present (other query keys, such as Bitbucket's workspace, may follow).
func validRepoURL(s string) bool {
	host, query, ok := strings.Cut(s, "?")
	if !ok || host == "" || strings.ContainsAny(host, "/:@ \t") {
		return false
	}
	q, err := url.ParseQuery(query)
	return err == nil && strings.TrimSpace(q.Get("owner")) != "" && strings.TrimSpace(q.Get("repo")) != ""
}

func (p *Parameter) enumList() string {
	parts := make([]string, len(p.Enum))
	for i, e := range p.Enum {
		parts[i] = fmt.Sprint(e)
	}
	return strings.Join(parts, ", ")
}

// Zero is the value an optional parameter without a default takes, so templates
// can always refer to .values.<name>.
func (p *Parameter) Zero() any {
	switch p.Type {
	case TypeInteger:
		return 0
	case TypeNumber:
		return 0.0
	case TypeObject:
		return map[string]any{}
	case TypeBoolean:
		return false
	case TypeArray:
		return []string{}
	default:
		return ""
	}
}

// checkWhen checks a parameter's condition: it names another parameter of
// a type with comparable values, its values are of that type, and no
// chain of conditions comes back to the parameter.
func (m *Manifest) checkWhen(p *Parameter) []error {
	w := p.When
	if w == nil {
		return nil
	}
	c := m.Parameter(w.Param)
	switch {
	case w.Param == p.Name:
		return []error{errors.New("when names the parameter itself")}
	case c == nil:
		return []error{fmt.Errorf("when names %q, which is not a parameter", w.Param)}
	case c.Type == TypeArray || c.Type == TypeObject:
		return []error{fmt.Errorf("when names %q, of type %s: a condition needs a string, number, integer or boolean", w.Param, c.Type)}
	case len(w.Values) == 0:
		return []error{errors.New("when needs values")}
	}
	var errs []error
	for i, v := range w.Values {
		nv, err := c.normalize(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("when.values[%d]: %w", i, err))
			continue
		}
		w.Values[i] = nv
	}
	seen := map[string]bool{p.Name: true}
	for q := c; q != nil && q.When != nil; q = m.Parameter(q.When.Param) {
		if seen[q.Name] {
			errs = append(errs, fmt.Errorf("its conditions form a cycle through %q", q.Name))
			break
		}
		seen[q.Name] = true
	}
	return errs
}

// holds reports whether a condition holds on v.
func (w *When) holds(v any) bool {
	return slices.ContainsFunc(w.Values, func(x any) bool { return reflect.DeepEqual(x, v) })
}

// Active reports whether p is asked and resolved when the other parameters
// take values: it has no condition, or its condition's parameter is active
// and its value (from values, else its default) is one of the condition's.
func (m *Manifest) Active(p *Parameter, values Values) bool {
	for depth := 0; p != nil && p.When != nil; depth++ {
		c := m.Parameter(p.When.Param)
		if c == nil || depth > len(m.Parameters()) {
			return false
		}
		v, ok := values[c.Name]
		if !ok {
			v = c.Default
		}
		if v == nil || !p.When.holds(v) {
			return false
		}
		p = c
	}
	return true
}

// Condition says when a conditional parameter applies, e.g. `database is
// "postgres" or "mysql"`, or "" for a parameter that always does.
func (p *Parameter) Condition() string {
	if p.When == nil {
		return ""
	}
	vals := make([]string, len(p.When.Values))
	for i, v := range p.When.Values {
		b, _ := json.Marshal(v)
		vals[i] = string(b)
	}
	return fmt.Sprintf("%s is %s", p.When.Param, strings.Join(vals, " or "))
}
