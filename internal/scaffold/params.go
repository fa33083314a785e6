package scaffold

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Parameter types a template may declare.
const (
	TypeString  = "string"
	TypeInteger = "integer"
	TypeBoolean = "boolean"
	TypeArray   = "array"
)

// check reports what is wrong with a parameter's schema. It compiles the pattern
// and normalises enum and default values to the parameter's Go type.
func (p *Parameter) check() []error {
	var errs []error
	switch p.Type {
	case TypeString, TypeInteger, TypeBoolean:
	case TypeArray:
		if p.Items == nil || p.Items.Type != TypeString || len(p.Items.Enum) == 0 {
			errs = append(errs, errors.New("an array needs items: {type: string, enum: [...]}"))
		}
	case "":
		errs = append(errs, errors.New("type is required (string, integer, boolean or array)"))
	default:
		errs = append(errs, fmt.Errorf("type %q is not supported: use string, integer, boolean or array", p.Type))
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
// string, int, bool or []string.
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
		n := utf8.RuneCountInString(x)
		if p.MinLength != nil && n < *p.MinLength {
			return fmt.Sprintf("%q is too short: at least %d characters", x, *p.MinLength)
		}
		if p.MaxLength != nil && n > *p.MaxLength {
			return fmt.Sprintf("%q is too long: at most %d characters", x, *p.MaxLength)
		}
		if p.pattern != nil && !p.pattern.MatchString(x) {
			return fmt.Sprintf("%q does not match the pattern %s", x, p.Pattern)
		}
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, any(x)) {
			return fmt.Sprintf("%q is not one of %s", x, p.enumList())
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
	case TypeBoolean:
		return false
	case TypeArray:
		return []string{}
	default:
		return ""
	}
}
