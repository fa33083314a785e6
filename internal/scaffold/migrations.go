package scaffold

import (
	"fmt"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
	"go.yaml.in/yaml/v3"
)

// Migration is a change between two versions of a template that a three-way
// merge cannot see by itself, declared in spec.migrations:
//
//	migrations:
//	  - version: 1.1.0
//	    rename: {from: docs/old.md, to: docs/new.md}
//
// It applies when a service moves from a version before Version to Version
// or later. Migrations are declarative on purpose: a template never runs
// commands on the machine that updates a service (templates stay hermetic),
// so there is no kind that runs a script.
type Migration struct {
	// Version is the template version that made the change, as in spec.version.
	Version string `yaml:"version"`
	// Rename moves a file of the generated service, so the team's edits
	// follow it instead of being left behind at the old path.
	Rename *Rename `yaml:"rename"`
}

// Rename is a file of the generated service that moved. Both paths are
// output paths (as written into the service, .tmpl already dropped), taken
// literally: they are not templates.
type Rename struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
}

// migrationFields are the keys of a migration and of its rename.
var migrationFields = map[string]map[string]bool{
	"migration": {"version": true, "rename": true},
	"rename":    {"from": true, "to": true},
}

// UnmarshalYAML decodes a migration strictly. node.Decode does not inherit
// the decoder's KnownFields, so the keys are checked by hand, which also lets
// a migration that tries to run something say why it cannot.
func (mg *Migration) UnmarshalYAML(node *yaml.Node) error {
	if err := checkKeys(node, "migration"); err != nil {
		return err
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value == "rename" {
			if err := checkKeys(node.Content[i+1], "rename"); err != nil {
				return err
			}
		}
	}
	type plain Migration
	return node.Decode((*plain)(mg))
}

func checkKeys(node *yaml.Node, what string) error {
	if node.Kind != yaml.MappingNode {
		shape := map[string]string{"migration": "{version, rename: {from, to}}", "rename": "{from, to}"}[what]
		return fmt.Errorf("line %d: a %s is a mapping: %s", node.Line, what, shape)
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		if key := node.Content[i]; !migrationFields[what][key.Value] {
			hint := ""
			if what == "migration" {
				hint = ": a migration is declarative (rename: {from, to}); templates cannot run commands"
			}
			return fmt.Errorf("line %d: %s field %s not found%s", key.Line, what, key.Value, hint)
		}
	}
	return nil
}

// checkMigrations validates spec.migrations: each has a semantic version no
// later than spec.version and exactly one kind (rename is the only one), and
// a rename moves between two different clean relative paths of the service,
// outside .git. Within one version, no two renames share a source or a
// destination (their order would matter).
func (m *Manifest) checkMigrations() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	current, _ := semver.StrictNewVersion(m.Spec.Version)
	type key struct{ version, path string }
	from, to := map[key]bool{}, map[key]bool{}
	for i, mg := range m.Spec.Migrations {
		v, err := semver.StrictNewVersion(mg.Version)
		switch {
		case err != nil || !versionPattern.MatchString(mg.Version):
			add("spec.migrations[%d].version %q: want a semantic version such as 1.1.0", i, mg.Version)
		case current != nil && v.GreaterThan(current):
			add("spec.migrations[%d].version %s is later than spec.version %s: a migration belongs to the version that makes the change", i, mg.Version, m.Spec.Version)
		}
		if mg.Rename == nil {
			add("spec.migrations[%d]: needs rename: {from, to} (the only kind of migration)", i)
			continue
		}
		r := mg.Rename
		for _, p := range []struct{ field, path string }{{"from", r.From}, {"to", r.To}} {
			if err := checkOutputPath(p.path); err != nil {
				add("spec.migrations[%d].rename.%s: %s", i, p.field, migrationPathError(p.path, err))
			}
		}
		if r.From == r.To {
			add("spec.migrations[%d].rename: from and to are the same path %q", i, r.From)
			continue
		}
		v0 := mg.Version
		if v != nil {
			v0 = v.String()
		}
		if from[key{v0, r.From}] {
			add("spec.migrations[%d].rename: %s is renamed twice in version %s", i, r.From, mg.Version)
		}
		if to[key{v0, r.To}] {
			add("spec.migrations[%d].rename: two files are renamed to %s in version %s", i, r.To, mg.Version)
		}
		from[key{v0, r.From}], to[key{v0, r.To}] = true, true
	}
	return errs
}

// migrationPathError rewords checkOutputPath's message, which speaks of
// rendering, for a path in a migration.
func migrationPathError(p string, err error) string {
	if p == "" {
		return "is empty: want a path of the generated service such as docs/index.md"
	}
	reason := strings.TrimLeft(strings.TrimPrefix(err.Error(), fmt.Sprintf("renders to %q", p)), ",: ")
	return fmt.Sprintf("%q must be a clean relative path inside the service, outside .git (%s)", p, strings.TrimPrefix(reason, "which "))
}

// MigrationsBetween returns the migrations a service needs to go from
// version from to version to: those with from < Version <= to, oldest first
// (in the order they are declared within one version). from and to are read
// as ParseVersion reads them (a leading v is allowed); when either is not a
// version, or to is not after from, there are none.
func (m *Manifest) MigrationsBetween(from, to string) []Migration {
	vf, err := ParseVersion(from)
	if err != nil {
		return nil
	}
	vt, err := ParseVersion(to)
	if err != nil {
		return nil
	}
	type versioned struct {
		v *semver.Version
		m Migration
	}
	var out []versioned
	for _, mg := range m.Spec.Migrations {
		v, err := semver.StrictNewVersion(mg.Version)
		if err != nil || !v.GreaterThan(vf) || v.GreaterThan(vt) {
			continue
		}
		out = append(out, versioned{v, mg})
	}
	slices.SortStableFunc(out, func(a, b versioned) int { return a.v.Compare(b.v) })
	res := make([]Migration, len(out))
	for i, o := range out {
		res[i] = o.m
	}
	return res
}
