package catalog

import (
	"slices"
	"sort"
)

// propType is the JSON Schema shape of a spec property.
type propType int

const (
	propString      propType = iota // "type": "string", "minLength": 1
	propStringArray                 // "type": "array" of such strings
	propProfile                     // Group/User profile object
	propPresence                    // Location presence: "required" or "optional"
	propTemplateParameters
	propTemplateSteps
	propObject // "type": "object"
)

// prop is one spec property of a kind.
type prop struct {
	name     string
	typ      propType
	required bool
	// ref marks properties that hold entity references. The catalog parses
	// them with parseEntityRef when it emits relations and fails the entity
	// when that throws. refKind is the default kind it passes; "" means the
	// reference must name its kind.
	ref     bool
	refKind string
}

// kindRule is what the catalog checks for the spec of one kind.
type kindRule struct {
	apiVersions []string
	props       []prop
}

func (r kindRule) accepts(apiVersion string) bool {
	return slices.Contains(r.apiVersions, apiVersion)
}

var backstageVersions = []string{"backstage.io/v1alpha1", "backstage.io/v1beta1"}

// Shorthands for the property table below.
func strProp(name string) prop      { return prop{name: name, typ: propString} }
func requiredProp(name string) prop { return prop{name: name, typ: propString, required: true} }
func listProp(name string) prop     { return prop{name: name, typ: propStringArray} }

// withRef marks p as holding entity references with the given default kind.
func withRef(p prop, kind string) prop {
	p.ref, p.refKind = true, kind
	return p
}

// kindRules mirror the kind schemas of packages/catalog-model/src/schema/kinds/
// (required properties, types, "minLength": 1 on every string, no limit on
// additional spec properties) and, for the reference properties, the default
// kinds BuiltinKindsEntityProcessor.postProcessEntity
// (plugins/catalog-backend/src/modules/core/BuiltinKindsEntityProcessor.ts)
// parses them with. Fields added upstream after the indexed schema files
// (Component/Resource dependencyOf, System type, Domain type and
// subdomainOf, Location presence) follow the current catalog-model API.
var kindRules = map[string]kindRule{
	// Component.v1alpha1.schema.json
	"Component": {backstageVersions, []prop{
		requiredProp("type"),
		requiredProp("lifecycle"),
		withRef(requiredProp("owner"), "Group"),
		withRef(strProp("system"), "System"),
		withRef(strProp("subcomponentOf"), "Component"),
		withRef(listProp("providesApis"), "API"),
		withRef(listProp("consumesApis"), "API"),
		withRef(listProp("dependsOn"), ""),
		withRef(listProp("dependencyOf"), ""),
	}},
	// API.v1alpha1.schema.json
	"API": {backstageVersions, []prop{
		requiredProp("type"),
		requiredProp("lifecycle"),
		withRef(requiredProp("owner"), "Group"),
		withRef(strProp("system"), "System"),
		requiredProp("definition"),
	}},
	// Resource.v1alpha1.schema.json
	"Resource": {backstageVersions, []prop{
		requiredProp("type"),
		withRef(requiredProp("owner"), "Group"),
		withRef(strProp("system"), "System"),
		withRef(listProp("dependsOn"), ""),
		withRef(listProp("dependencyOf"), ""),
	}},
	// System.v1alpha1.schema.json
	"System": {backstageVersions, []prop{
		withRef(requiredProp("owner"), "Group"),
		withRef(strProp("domain"), "Domain"),
		strProp("type"),
	}},
	// Domain.v1alpha1.schema.json
	"Domain": {backstageVersions, []prop{
		withRef(requiredProp("owner"), "Group"),
		withRef(strProp("subdomainOf"), "Domain"),
		strProp("type"),
	}},
	// Group.v1alpha1.schema.json: children is required but may be empty.
	"Group": {backstageVersions, []prop{
		requiredProp("type"),
		{name: "profile", typ: propProfile},
		withRef(strProp("parent"), "Group"),
		withRef(prop{name: "children", typ: propStringArray, required: true}, "Group"),
		withRef(listProp("members"), "User"),
	}},
	// User.v1alpha1.schema.json: memberOf is required but may be empty.
	"User": {backstageVersions, []prop{
		{name: "profile", typ: propProfile},
		withRef(prop{name: "memberOf", typ: propStringArray, required: true}, "Group"),
	}},
	// Location.v1alpha1.schema.json: nothing is required; target and
	// targets may even both be absent.
	"Location": {backstageVersions, []prop{
		strProp("type"),
		strProp("target"),
		listProp("targets"),
		{name: "presence", typ: propPresence},
	}},
	// Template.v1beta3.schema.json (plugins/scaffolder-common), validated
	// by the scaffolder's catalog processor, which also relates the owner
	// (default kind Group).
	"Template": {[]string{"scaffolder.backstage.io/v1beta3"}, []prop{
		requiredProp("type"),
		withRef(strProp("owner"), "Group"),
		{name: "parameters", typ: propTemplateParameters},
		{name: "steps", typ: propTemplateSteps, required: true},
		{name: "output", typ: propObject},
	}},
}

// kindNames lists the built-in kinds in a stable order.
var kindNames = func() []string {
	names := make([]string, 0, len(kindRules))
	for k := range kindRules {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}()

// spec checks the spec of a built-in kind.
func (c *checker) spec(rule kindRule, spec field, namespace string) {
	for _, p := range rule.props {
		f, ok := spec.child(p.name)
		if !ok {
			if p.required {
				c.add(spec.pos(), joinPath(spec.path, p.name), "is required")
			}
			continue
		}
		var refs []field
		switch p.typ {
		case propString:
			if _, known := c.str(f, true); known {
				refs = []field{f}
			}
		case propStringArray:
			refs = c.stringArray(f)
		case propProfile:
			c.profile(f)
		case propPresence:
			if s, known := c.str(f, false); known && s != "required" && s != "optional" {
				c.add(f.node, f.path, "%q is not allowed: must be \"required\" or \"optional\"", s)
			}
		case propTemplateParameters:
			c.templateParameters(f)
		case propTemplateSteps:
			c.templateSteps(f)
		case propObject:
			c.isType(f, jsObject)
		}
		if p.ref {
			for _, r := range refs {
				c.entityRef(r, p.refKind, namespace)
			}
		}
	}
}

// profile checks the profile object of Group and User: displayName, email
// and picture are non-empty strings.
func (c *checker) profile(f field) {
	if !c.isType(f, jsObject) {
		return
	}
	for _, name := range []string{"displayName", "email", "picture"} {
		c.optionalString(f, name)
	}
}
