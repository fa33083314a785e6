package updater

import (
	"context"
	"fmt"

	"github.com/platform-team/platform/internal/backstage"
	"github.com/platform-team/platform/internal/scaffold"
)

// resolveBackstage loads the two versions of a Backstage Software Template:
// from git, the recorded commit and the target tag (as for the platform's
// own git templates); from a local directory, --base and --source, since a
// Backstage template has no versions of its own to look up.
func (v *Versions) resolveBackstage(ctx context.Context, src Sources, rec scaffold.RecordedTemplate) error {
	baseRef, theirsRef := src.Base, src.Template
	switch rec.Source {
	case scaffold.SourceGit:
		g, ok := scaffold.ParseGitRef(rec.Ref)
		if !ok {
			return sourceErrorf("%s: template.ref %q is not a git reference", scaffold.AnswersFile, rec.Ref)
		}
		at := func(ref string) string { return scaffold.GitRef{URL: g.URL, Subdir: g.Subdir, Ref: ref}.String() }
		if baseRef == "" {
			recorded := rec.Commit
			if recorded == "" {
				recorded = g.Ref
			}
			baseRef = at(recorded)
		}
		if theirsRef == "" {
			ref := src.To
			tag, err := targetTag(ctx, src, g)
			if err != nil {
				return err
			}
			if tag != nil {
				ref = tag.Name
			}
			theirsRef = at(ref)
		}
	default:
		if theirsRef == "" {
			return localTemplateNeeded(rec)
		}
		if baseRef == "" {
			return sourceErrorf("%s came from a local Backstage template, whose earlier versions are not recorded: pass --base DIR holding the one the service was made from", rec.Name)
		}
	}
	var err error
	if v.backstageBase, err = backstage.Load(ctx, baseRef, backstage.LoadOptions{Resolver: src.Resolver}); err != nil {
		return err
	}
	if v.backstageTheirs, err = backstage.Load(ctx, theirsRef, backstage.LoadOptions{Resolver: src.Resolver}); err != nil {
		return err
	}
	// The base is the recorded version by construction (its commit, or
	// what --base says it is).
	if v.Base, err = backstageParams(v.backstageBase, rec.Version); err != nil {
		return err
	}
	v.Theirs, err = backstageParams(v.backstageTheirs, v.backstageTheirs.Version())
	return err
}

// backstageParams is a Backstage template's parameters as a platform
// template, at version.
func backstageParams(t *backstage.Template, version string) (*scaffold.Template, error) {
	m, err := backstage.Parameters(t.Manifest)
	if err != nil {
		return nil, err
	}
	m.Spec.Version = version
	return &scaffold.Template{Manifest: m, Source: t.Source}, nil
}

// isBackstage reports whether the update runs a Backstage template's steps.
func (v *Versions) isBackstage() bool { return v.backstageBase != nil }

// render is one version's files with values: for the platform's own
// templates what new service writes; for a Backstage template its local
// steps' workspace (steps acting elsewhere are skipped, as new service
// reports them) with .platform/answers.yaml.
func (v *Versions) render(ctx context.Context, t *scaffold.Template, bt *backstage.Template, values scaffold.Values, opts scaffold.ServiceOptions) (*scaffold.Plan, error) {
	if bt == nil {
		return scaffold.PlanService(ctx, t, values, opts)
	}
	stepValues := map[string]any{}
	for k, val := range values {
		stepValues[k] = val
	}
	secrets := map[string]string{}
	for _, name := range backstage.SecretNames(bt.Manifest) {
		delete(stepValues, name) // never recorded: the steps run without them
		secrets[name] = ""
	}
	res, err := backstage.Run(ctx, bt, stepValues, backstage.RunOptions{Secrets: secrets, SkipUnsupported: true,
		ParameterOrder: t.Manifest.ParameterNames()})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", t.Name(), t.Manifest.Spec.Version, err)
	}
	answers, err := scaffold.Answers(t, values)
	if err != nil {
		return nil, err
	}
	if err := res.Plan.Add(scaffold.File{Path: scaffold.AnswersFile, Mode: 0o644, Data: answers}); err != nil {
		return nil, fmt.Errorf("%s writes %s itself: %w", t.Name(), scaffold.AnswersFile, err)
	}
	return res.Plan, nil
}
