package scaffold

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/platform-team/platform/internal/catalog"
)

// LintOptions tune Lint.
type LintOptions struct {
	// Sets answers parameters as --set key=value does.
	Sets []string
	// Service says how to plan the service (platform version, annotation
	// prefix, render budget).
	Service ServiceOptions
}

// sampleValues answer required parameters that have no default, so a template
// can be rendered without a user.
var sampleValues = map[string]string{"name": "example-service", "owner": "group:example"}

// Lint is `platform templates lint`: it renders t with its defaults (and the
// Sets answers), then with each enum value of every parameter in turn, and
// checks each result: values that do not resolve, render errors, and a
// generated catalog-info.yaml the Backstage catalog would reject. It returns
// the problems, sorted and unique; none means the template is valid. A
// cancelled ctx ends it early.
func Lint(ctx context.Context, t *Template, opts LintOptions) []string {
	base := Values{}
	for _, p := range t.Manifest.Parameters() {
		if p.Required && p.Default == nil {
			base[p.Name] = sampleValue(p)
		}
	}
	given, problems := Gather(t.Manifest, Inputs{Sets: opts.Sets})
	var out []string
	for _, p := range problems {
		out = append(out, p.String())
	}
	for k, v := range given {
		base[k] = v
	}
	variants := []Values{base}
	for _, p := range t.Manifest.Parameters() {
		for _, e := range p.Enum {
			if e == p.Default || base[p.Name] == e {
				continue
			}
			v := maps.Clone(base)
			v[p.Name] = e
			variants = append(variants, v)
		}
	}
	for _, given := range variants {
		if ctx.Err() != nil {
			return append(out, ctx.Err().Error())
		}
		values, problems := Resolve(t.Manifest, given)
		for _, p := range problems {
			out = append(out, fmt.Sprintf("with %s: %s (answer it with --set)", describeValues(given), p))
		}
		if len(problems) > 0 {
			continue
		}
		plan, err := PlanService(ctx, t, values, opts.Service)
		if err != nil {
			var re *RenderError
			if errors.As(err, &re) || len(variants) == 1 {
				out = append(out, err.Error())
			} else {
				out = append(out, fmt.Sprintf("with %s: %v", describeValues(given), err))
			}
			if errors.Is(err, ErrOverBudget) {
				break // each variant would spend the whole budget again
			}
			continue
		}
		data, _ := plan.Lookup(CatalogFile)
		for _, p := range catalog.Validate(data.Data) {
			out = append(out, fmt.Sprintf("generated %s line %d: %s: %s", CatalogFile, p.Line, p.Field, p.Message))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// LintWarnings are what Lint notices that does not make a template invalid.
func LintWarnings(t *Template) []string {
	var out []string
	if p := t.Manifest.Parameter(NameParam); p != nil && p.Pattern == "" {
		out = append(out, "parameter name has no pattern: NAME is still validated as a Backstage entity name, "+
			"but declare one (e.g. pattern: '^[a-z][a-z0-9-]*[a-z0-9]$') so users see the rule in the template")
	}
	return out
}

// sampleValue answers a required parameter without a default for Lint.
func sampleValue(p *Parameter) any {
	if len(p.Enum) > 0 {
		return p.Enum[0]
	}
	if s, ok := sampleValues[p.Name]; ok {
		return s
	}
	switch p.Format {
	case FormatEntityRef:
		return "group:example"
	case FormatRepoURL:
		return "gitlab.example.com?owner=example&repo=example-service"
	}
	switch p.Type {
	case TypeInteger:
		if p.Minimum != nil {
			return int(*p.Minimum)
		}
		return 1
	case TypeNumber:
		if p.Minimum != nil {
			return *p.Minimum
		}
		return 1.0
	case TypeObject:
		return map[string]any{}
	case TypeBoolean:
		return false
	case TypeArray:
		return []string{}
	}
	return "example"
}

// describeValues prints values as sorted key=value pairs.
func describeValues(v Values) string {
	keys := slices.Sorted(maps.Keys(v))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%v", k, v[k])
	}
	return strings.Join(parts, " ")
}
