package updater

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/internal/update"
	"github.com/platform-team/platform/internal/yamlmerge"
)

// Inputs are the answers and rendering options of an update.
type Inputs struct {
	// Values are --set, --values and, at a terminal, the wizard (Ask); the
	// recorded answers are added below them. Recorded is ignored.
	Values scaffold.Inputs
	// Service says what the platform adds to the skeleton, as for `new service`.
	Service scaffold.ServiceOptions
	// Answers, when not nil, are answers settled by an earlier Prepare of
	// the same update (on another checkout): they take the place of the
	// recorded ones, so nothing is asked twice.
	Answers scaffold.Values
}

// Result is an update computed in memory, ready to be applied.
type Result struct {
	Service  *Service
	Versions *Versions
	// Values are the answers the new version is rendered with.
	Values scaffold.Values
	// NewParameters are the parameters the old version did not have.
	NewParameters []string
	// Dropped are the recorded answers the new version has no parameter for.
	Dropped []string
	// Plan has one change per file of either render, catalog-info.yaml and
	// .platform/answers.yaml included.
	Plan *update.Plan
	// Notes explain what the update did not do by itself, e.g. catalog
	// fields the team changed that the template changed too.
	Notes []string
}

// UpToDate reports whether the update changes nothing.
func (r *Result) UpToDate() bool { return !r.Plan.Changed() }

// Prepare computes the update of svc from v.Base to v.Theirs: the answers
// for the new version, both renders, and every file's outcome.
func Prepare(ctx context.Context, svc *Service, v *Versions, in Inputs) (*Result, error) {
	recorded := svc.Provenance.Values
	baseValues, err := scaffold.Collect(v.Base.Manifest, scaffold.Inputs{Recorded: recorded})
	if err != nil {
		return nil, fmt.Errorf("the recorded answers do not fit %s %s: %w", v.Template, v.Current, err)
	}
	values := in.Values
	values.Recorded = recorded
	if in.Answers != nil {
		values = scaffold.Inputs{Recorded: in.Answers}
	}
	theirsValues, err := scaffold.Collect(v.Theirs.Manifest, values)
	if err != nil {
		return nil, err
	}
	base, err := v.render(ctx, v.Base, v.backstageBase, baseValues, in.Service)
	if err != nil {
		return nil, err
	}
	theirs, err := v.render(ctx, v.Theirs, v.backstageTheirs, theirsValues, in.Service)
	if err != nil {
		return nil, err
	}
	var renames []scaffold.Rename
	for _, m := range v.Theirs.Manifest.MigrationsBetween(v.Current, v.Target()) {
		if m.Rename != nil {
			renames = append(renames, *m.Rename)
		}
	}
	plan, err := update.Compute(update.Input{
		Base: base, Theirs: theirs, Ours: svc.Tree, Renames: renames, Label: v.Label(),
		Skip: v.platformFiles(),
	})
	if err != nil {
		return nil, err
	}
	res := &Result{
		Service: svc, Versions: v, Values: theirsValues, Plan: plan,
		Dropped: scaffold.Dropped(v.Theirs.Manifest, recorded),
	}
	for _, p := range v.Theirs.Manifest.Parameters() {
		if v.Base.Manifest.Parameter(p.Name) == nil {
			res.NewParameters = append(res.NewParameters, p.Name)
		}
	}
	answers, _ := theirs.Lookup(scaffold.AnswersFile)
	plan.Changes = append(plan.Changes, platformFile(svc, answers))
	if !v.isBackstage() {
		catalog, err := res.catalogChange(base, theirs, in.Service.AnnotationPrefix)
		if err != nil {
			return nil, err
		}
		plan.Changes = append(plan.Changes, catalog)
	}
	slices.SortFunc(plan.Changes, func(a, b update.Change) int { return strings.Compare(a.Path, b.Path) })
	return res, nil
}

// platformFiles are the files the platform writes itself, updated outside
// the per-file merge: the answers, and for its own templates the catalog
// entity (a Backstage template ships its catalog-info.yaml as a file like
// any other).
func (v *Versions) platformFiles() []string {
	if v.isBackstage() {
		return []string{scaffold.AnswersFile}
	}
	return []string{scaffold.CatalogFile, scaffold.AnswersFile}
}

// catalogChange merges catalog-info.yaml structurally: the template's
// provenance annotations always follow the new version; every other field
// the template changed follows it unless the team changed it too.
func (r *Result) catalogChange(base, theirs *scaffold.Plan, prefix string) (update.Change, error) {
	b, _ := base.Lookup(scaffold.CatalogFile)
	t, _ := theirs.Lookup(scaffold.CatalogFile)
	o, ok := r.Service.Tree[scaffold.CatalogFile]
	if !ok {
		return update.Change{Path: scaffold.CatalogFile, Action: update.TeamDeleted}, nil
	}
	if bytes.Equal(o.Data, b.Data) {
		return platformFile(r.Service, t), nil
	}
	annotations := []string{"metadata", "annotations"}
	merged, err := yamlmerge.Merge(b.Data, o.Data, t.Data, yamlmerge.Options{Force: [][]string{
		append(slices.Clone(annotations), scaffold.VersionAnnotation(prefix)),
		append(slices.Clone(annotations), scaffold.PathAnnotation(prefix)),
	}})
	if err != nil {
		return update.Change{}, &CatalogError{Err: err}
	}
	for _, k := range merged.Kept {
		r.Notes = append(r.Notes, fmt.Sprintf("%s: %s kept as the team changed it (the template changed it too)", scaffold.CatalogFile, k))
	}
	c := update.Change{Path: scaffold.CatalogFile, Action: update.Kept, Data: o.Data, Mode: o.Mode}
	if merged.Changed {
		c.Action, c.Data = update.Merged, merged.Data
	}
	return c, nil
}

// CatalogError is a catalog-info.yaml that cannot be merged.
type CatalogError struct{ Err error }

func (e *CatalogError) Error() string {
	return fmt.Sprintf("%s: cannot merge the template's changes: %v (fix the YAML, or restore it from git, and run platform update again)", scaffold.CatalogFile, e.Err)
}

func (e *CatalogError) Unwrap() error { return e.Err }

// platformFile is a file the platform owns: the new render replaces the
// service's (or is added when the service has none).
func platformFile(svc *Service, f scaffold.File) update.Change {
	o, ok := svc.Tree[f.Path]
	switch {
	case !ok:
		return update.Change{Path: f.Path, Action: update.Added, Data: f.Data, Mode: f.Mode}
	case bytes.Equal(o.Data, f.Data) && o.Mode == f.Mode:
		return update.Change{Path: f.Path, Action: update.Unchanged, Data: o.Data, Mode: o.Mode}
	default:
		return update.Change{Path: f.Path, Action: update.Updated, Data: f.Data, Mode: f.Mode}
	}
}
