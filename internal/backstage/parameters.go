package backstage

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/scaffold"
)

// Pickers of Backstage's scaffolder and the scaffold format they become:
// each is a plain input, validated as the value the picker would write.
var pickerFormats = map[string]string{
	"OwnerPicker":       scaffold.FormatEntityRef,
	"EntityPicker":      scaffold.FormatEntityRef,
	"OwnedEntityPicker": scaffold.FormatEntityRef,
	"MyGroupsPicker":    scaffold.FormatEntityRef,
	"RepoUrlPicker":     scaffold.FormatRepoURL,
}

// NameCandidates are the parameters NAME sets, in order of preference.
var NameCandidates = []string{"name", "component_id", "componentId"}

// Parameters converts the template's form pages into the platform's
// parameters: a scaffold.Manifest holding only metadata and pages, which
// scaffold.Collect, the wizard and `templates show` use as they use a
// template.yaml's. Optional parameters without a default are left out of
// the values (Spec.LeaveUnset), as the browser form leaves them undefined.
//
// Supported: the types string, number, integer, boolean, object (given
// whole as JSON or YAML) and array of enum strings; title, description,
// default, enum with enumNames, pattern, min/maxLength, minimum/maximum,
// required; conditional fields through dependencies with oneOf (each branch
// telling the values of the field it depends on with const or enum) and
// through a page's if/then; ui:widget password and ui:field Secret (hidden);
// the entity pickers and RepoUrlPicker (validated as the values they
// write; RepoUrlPicker keeps to its ui:options.allowedHosts). Other
// ui: keys are presentation and ignored. Any other schema keyword is an
// error naming the page and the field, never silently ignored.
func Parameters(m *Manifest) (*scaffold.Manifest, error) {
	out := &scaffold.Manifest{
		APIVersion: m.APIVersion,
		Kind:       m.Kind,
		Metadata: scaffold.Metadata{
			Name:        m.Metadata.Name,
			Title:       m.Metadata.Title,
			Description: m.Metadata.Description,
			Tags:        m.Metadata.Tags,
		},
		Spec: scaffold.Spec{LeaveUnset: true},
	}
	var errs []error
	for i, raw := range m.Spec.Parameters {
		var node *yaml.Node
		if i < len(m.Spec.pageNodes) {
			node = m.Spec.pageNodes[i]
		}
		page, err := convertPage(raw, propertyOrder(node))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", pageName(i, raw), err))
			continue
		}
		out.Spec.Parameters = append(out.Spec.Parameters, page)
	}
	if len(errs) == 0 {
		errs = out.CheckParameters()
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: %w", ManifestFile, errors.Join(errs...))
	}
	return out, nil
}

// NameParameter returns the first of NameCandidates the template has as a
// parameter, or "" when it has none: NAME sets it.
func NameParameter(m *Manifest) string {
	for _, name := range NameCandidates {
		for _, page := range m.Spec.Parameters {
			if props, ok := page["properties"].(map[string]any); ok {
				if _, ok := props[name]; ok {
					return name
				}
			}
		}
	}
	return ""
}

// SecretNames lists, in page order, the parameters with ui:field Secret:
// Backstage hands their values to the steps as ${{ secrets.NAME }}, not
// as parameters.
func SecretNames(m *Manifest) []string {
	var out []string
	for i, page := range m.Spec.Parameters {
		var node *yaml.Node
		if i < len(m.Spec.pageNodes) {
			node = m.Spec.pageNodes[i]
		}
		props, _ := page["properties"].(map[string]any)
		for _, name := range sortedByOrder(props, propertyOrder(node)) {
			if s, ok := props[name].(map[string]any); ok && s["ui:field"] == "Secret" {
				out = append(out, name)
			}
		}
	}
	return out
}

func pageName(i int, page map[string]any) string {
	if t, ok := page["title"].(string); ok && t != "" {
		return fmt.Sprintf("spec.parameters[%d] (%s)", i, t)
	}
	return fmt.Sprintf("spec.parameters[%d]", i)
}

// pageKeywords are the keywords a page may use besides ui: keys.
var pageKeywords = map[string]bool{
	"title": true, "description": true, "type": true, "required": true,
	"properties": true, "dependencies": true, "if": true, "then": true,
}

// convertPage converts one page. order ranks property names by where they
// first appear in the page's YAML.
func convertPage(raw map[string]any, order map[string]int) (scaffold.Page, error) {
	page := scaffold.Page{}
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		if !pageKeywords[k] && !strings.HasPrefix(k, "ui:") {
			errs = append(errs, fmt.Errorf("keyword %q is not supported", k))
		}
	}
	if t, ok := raw["type"]; ok && t != "object" {
		errs = append(errs, fmt.Errorf("type %v: a page is an object", t))
	}
	page.Title, _ = raw["title"].(string)
	page.Description, _ = raw["description"].(string)
	required, err := stringList(raw["required"])
	if err != nil {
		errs = append(errs, fmt.Errorf("required: %w", err))
	}
	page.Required = required
	props, ok := raw["properties"].(map[string]any)
	if raw["properties"] != nil && !ok {
		errs = append(errs, errors.New("properties: want a mapping of field name to schema"))
	}
	for _, name := range sortedByOrder(props, order) {
		p, err := convertProperty(name, props[name])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		page.Properties = append(page.Properties, p)
	}
	cond, err := conditionals(raw, props, order)
	if err != nil {
		errs = append(errs, err)
	}
	for _, c := range cond {
		page.Properties = append(page.Properties, c.param)
		if c.required {
			page.Required = append(page.Required, c.param.Name)
		}
	}
	if len(errs) > 0 {
		return page, errors.Join(errs...)
	}
	return page, nil
}

// propertyKeywords are the schema keywords a field may use besides ui:
// keys; annotations are accepted and ignored.
var propertyKeywords = map[string]bool{
	"type": true, "title": true, "description": true, "default": true,
	"enum": true, "enumNames": true, "pattern": true, "minLength": true,
	"maxLength": true, "minimum": true, "maximum": true, "items": true,
	"uniqueItems": true,
	"examples":    true, "$comment": true, "readOnly": true, "deprecated": true,
}

// objectKeywords describe an object's fields: an object is passed through
// whole, so they are not checked.
var objectKeywords = map[string]bool{"properties": true, "required": true, "additionalProperties": true}

// convertProperty converts one field's schema.
func convertProperty(name string, raw any) (*scaffold.Parameter, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("field %q: %s", name, fmt.Sprintf(format, args...))
	}
	s, ok := raw.(map[string]any)
	if !ok {
		return nil, fail("want a schema object")
	}
	p := &scaffold.Parameter{Name: name}
	typ, ok := s["type"].(string)
	if !ok {
		if s["type"] == nil {
			return nil, fail("type is required (string, number, integer, boolean, array or object)")
		}
		return nil, fail("type %v is not supported: use one of string, number, integer, boolean, array or object", s["type"])
	}
	p.Type = typ
	for _, k := range slices.Sorted(maps.Keys(s)) {
		if !propertyKeywords[k] && !strings.HasPrefix(k, "ui:") && !(typ == scaffold.TypeObject && objectKeywords[k]) {
			return nil, fail("keyword %q is not supported", k)
		}
	}
	var errs []error
	str := func(k string) string {
		v, ok := s[k].(string)
		if !ok && s[k] != nil {
			errs = append(errs, fmt.Errorf("%s: want a string", k))
		}
		return v
	}
	p.Title, p.Description, p.Pattern = str("title"), str("description"), str("pattern")
	p.Default = s["default"]
	if e, ok := s["enum"]; ok {
		list, ok := e.([]any)
		if !ok {
			errs = append(errs, errors.New("enum: want a list"))
		}
		p.Enum = list
	}
	if names, err := stringList(s["enumNames"]); err != nil {
		errs = append(errs, fmt.Errorf("enumNames: %w", err))
	} else {
		p.EnumNames = names
	}
	for k, dst := range map[string]**int{"minLength": &p.MinLength, "maxLength": &p.MaxLength} {
		if v, ok := s[k]; ok {
			n, ok := v.(int)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: want a whole number", k))
			}
			*dst = &n
		}
	}
	for k, dst := range map[string]**float64{"minimum": &p.Minimum, "maximum": &p.Maximum} {
		switch v := s[k].(type) {
		case nil:
		case int:
			f := float64(v)
			*dst = &f
		case float64:
			*dst = &v
		default:
			errs = append(errs, fmt.Errorf("%s: want a number", k))
		}
	}
	if typ == scaffold.TypeArray {
		items, ok := s["items"].(map[string]any)
		if !ok {
			errs = append(errs, errors.New("an array needs items: {type: string, enum: [...]}"))
		} else {
			for k := range items {
				if k != "type" && k != "enum" && !strings.HasPrefix(k, "ui:") {
					errs = append(errs, fmt.Errorf("items: keyword %q is not supported", k))
				}
			}
			enum, err := stringList(items["enum"])
			if err != nil {
				errs = append(errs, fmt.Errorf("items.enum: %w", err))
			}
			it, _ := items["type"].(string)
			p.Items = &scaffold.Items{Type: it, Enum: enum}
		}
	} else if s["items"] != nil {
		errs = append(errs, errors.New("items: only an array has items"))
	}
	field, _ := s["ui:field"].(string)
	if f, ok := pickerFormats[field]; ok {
		if typ != scaffold.TypeString {
			errs = append(errs, fmt.Errorf("ui:field %s: want type string", field))
		}
		p.Format = f
		if hosts := allowedHosts(s); field == "RepoUrlPicker" && len(hosts) > 0 && p.Pattern == "" {
			// The picker offers only these hosts.
			quoted := make([]string, len(hosts))
			for i, h := range hosts {
				quoted[i] = regexp.QuoteMeta(h)
			}
			p.Pattern = `^(?:` + strings.Join(quoted, "|") + `)\?`
		}
	}
	if w, _ := s["ui:widget"].(string); w == "password" || field == "Secret" {
		p.Secret = true
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("field %q: %w", name, errors.Join(errs...))
	}
	return p, nil
}

// allowedHosts reads a RepoUrlPicker's ui:options.allowedHosts.
func allowedHosts(s map[string]any) []string {
	opts, _ := s["ui:options"].(map[string]any)
	hosts, _ := stringList(opts["allowedHosts"])
	return hosts
}

// conditional is a field shown only when a condition holds.
type conditional struct {
	param    *scaffold.Parameter
	required bool
}

// conditionals converts a page's dependencies (with oneOf) and if/then
// into conditional fields, in the order they first appear.
func conditionals(page, props map[string]any, order map[string]int) ([]conditional, error) {
	byName := map[string]*conditional{}
	var errs []error
	add := func(ctrl string, values []any, branch map[string]any, where string) {
		bprops, _ := branch["properties"].(map[string]any)
		breq, err := stringList(branch["required"])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.required: %w", where, err))
		}
		for _, name := range sortedByOrder(bprops, order) {
			if name == ctrl {
				continue
			}
			if _, ok := props[name]; ok {
				errs = append(errs, fmt.Errorf("%s: field %q is also a field of the page: declare it in one place", where, name))
				continue
			}
			p, err := convertProperty(name, bprops[name])
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", where, err))
				continue
			}
			p.When = &scaffold.When{Param: ctrl, Values: slices.Clone(values)}
			req := slices.Contains(breq, name)
			if prev := byName[name]; prev != nil {
				// The same field in several branches: one field, shown for
				// the values of all of them, if it is the same field.
				pv := prev.param.When.Values
				prev.param.When.Values, p.When.Values = nil, nil
				same := reflect.DeepEqual(prev.param, p) && prev.required == req
				prev.param.When.Values = append(pv, values...)
				if !same {
					errs = append(errs, fmt.Errorf("%s: field %q differs between branches, which is not supported: give it one schema", where, name))
				}
				continue
			}
			byName[name] = &conditional{param: p, required: req}
		}
		for _, r := range breq {
			if _, ok := bprops[r]; !ok && r != ctrl {
				errs = append(errs, fmt.Errorf("%s.required names %q, which is not a field of that branch", where, r))
			}
		}
	}
	deps, ok := page["dependencies"].(map[string]any)
	if page["dependencies"] != nil && !ok {
		errs = append(errs, errors.New("dependencies: want a mapping"))
	}
	for _, ctrl := range slices.Sorted(maps.Keys(deps)) {
		where := "dependencies." + ctrl
		if _, ok := props[ctrl]; !ok {
			errs = append(errs, fmt.Errorf("%s: %q is not a field of the page", where, ctrl))
			continue
		}
		dep, ok := deps[ctrl].(map[string]any)
		if !ok || len(dep) != 1 || dep["oneOf"] == nil {
			errs = append(errs, fmt.Errorf("%s: only oneOf is supported (one branch per value of %s)", where, ctrl))
			continue
		}
		branches, ok := dep["oneOf"].([]any)
		if !ok {
			errs = append(errs, fmt.Errorf("%s.oneOf: want a list", where))
			continue
		}
		for i, b := range branches {
			bw := fmt.Sprintf("%s.oneOf[%d]", where, i)
			branch, ok := b.(map[string]any)
			if !ok {
				errs = append(errs, fmt.Errorf("%s: want an object", bw))
				continue
			}
			if err := onlyKeys(branch, "properties", "required", "title", "description"); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", bw, err))
				continue
			}
			bprops, _ := branch["properties"].(map[string]any)
			values, err := constValues(bprops[ctrl])
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.properties.%s: %w", bw, ctrl, err))
				continue
			}
			add(ctrl, values, branch, bw)
		}
	}
	if cond, ok := page["if"]; ok {
		ctrl, values, err := ifCondition(cond)
		then, isMap := page["then"].(map[string]any)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("if: %w", err))
		case !isMap:
			errs = append(errs, errors.New("if needs then: an object with the fields it shows"))
		case props[ctrl] == nil:
			errs = append(errs, fmt.Errorf("if: %q is not a field of the page", ctrl))
		default:
			if err := onlyKeys(then, "properties", "required"); err != nil {
				errs = append(errs, fmt.Errorf("then: %w", err))
			} else {
				add(ctrl, values, then, "then")
			}
		}
	} else if page["then"] != nil {
		errs = append(errs, errors.New("then without if"))
	}
	var out []conditional
	for _, name := range sortedByOrder(byName, order) {
		out = append(out, *byName[name])
	}
	return out, errors.Join(errs...)
}

// ifCondition reads `if: {properties: {FIELD: {const: V}}}` (or enum, and
// an optional required list): the one field and its values.
func ifCondition(raw any) (string, []any, error) {
	cond, ok := raw.(map[string]any)
	if !ok {
		return "", nil, errors.New("want an object")
	}
	if err := onlyKeys(cond, "properties", "required"); err != nil {
		return "", nil, err
	}
	props, _ := cond["properties"].(map[string]any)
	if len(props) != 1 {
		return "", nil, errors.New("want properties naming exactly one field, with const or enum")
	}
	for name, s := range props {
		values, err := constValues(s)
		if err != nil {
			return "", nil, fmt.Errorf("properties.%s: %w", name, err)
		}
		return name, values, nil
	}
	panic("unreachable")
}

// constValues reads the values a branch stands for: {const: V} or {enum: [...]}.
func constValues(raw any) ([]any, error) {
	s, ok := raw.(map[string]any)
	if !ok {
		return nil, errors.New("want {const: VALUE} or {enum: [VALUES]}")
	}
	if err := onlyKeys(s, "const", "enum", "type"); err != nil {
		return nil, err
	}
	if v, ok := s["const"]; ok {
		return []any{v}, nil
	}
	if e, ok := s["enum"].([]any); ok && len(e) > 0 {
		return e, nil
	}
	return nil, errors.New("want {const: VALUE} or {enum: [VALUES]}")
}

func onlyKeys(m map[string]any, keys ...string) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(keys, k) && !strings.HasPrefix(k, "ui:") {
			return fmt.Errorf("keyword %q is not supported here", k)
		}
	}
	return nil
}

func stringList(raw any) ([]string, error) {
	if raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, errors.New("want a list of strings")
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("want a list of strings, got %v", e)
		}
		out = append(out, s)
	}
	return out, nil
}

// propertyOrder ranks each field name by where it first appears as a key
// of a `properties` mapping in the page's YAML.
func propertyOrder(n *yaml.Node) map[string]int {
	order := map[string]int{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == "properties" && n.Content[i+1].Kind == yaml.MappingNode {
					props := n.Content[i+1]
					for j := 0; j+1 < len(props.Content); j += 2 {
						if _, ok := order[props.Content[j].Value]; !ok {
							order[props.Content[j].Value] = len(order)
						}
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return order
}

// sortedByOrder returns m's keys in the page's order; keys the order does
// not know (a manifest built by hand) come last, sorted.
func sortedByOrder[V any](m map[string]V, order map[string]int) []string {
	keys := slices.Sorted(maps.Keys(m))
	slices.SortStableFunc(keys, func(a, b string) int {
		ra, oka := order[a]
		rb, okb := order[b]
		switch {
		case oka && okb:
			return ra - rb
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return keys
}
