package updater

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/platform-team/platform/internal/backstage"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/scaffold"
)

// Sources say where the two versions of a service's template come from.
type Sources struct {
	Resolver *scaffold.Resolver
	// Tags lists the tags of a git repository without cloning it
	// (gitx.RemoteTags).
	Tags func(ctx context.Context, url string) ([]gitx.Tag, error)
	// To is the version (or, for a git template, any ref) to move to; ""
	// moves to the latest.
	To string
	// Pre lets the latest version of a git template be a pre-release.
	Pre bool
	// AllowDowngrade lets To name a version older than the service's.
	AllowDowngrade bool
	// Template is a template reference to move to instead of the recorded
	// source: required for a template made from a local directory, whose
	// path is not recorded.
	Template string
	// Base is a template reference holding the recorded version, for when
	// it cannot be reproduced from the recorded source.
	Base string
}

// Versions are the two templates of an update.
type Versions struct {
	// Template is the template's name.
	Template string
	// Current is the version the service was made from (or last updated to).
	Current string
	// Base is that version; Theirs the one the service moves to. For a
	// Backstage Software Template they hold its parameters only, and
	// backstageBase and backstageTheirs the templates whose steps render.
	Base, Theirs *scaffold.Template

	backstageBase, backstageTheirs *backstage.Template
}

// Target is the version the service moves to.
func (v *Versions) Target() string { return v.Theirs.Manifest.Spec.Version }

// Label names the new version in conflict markers and messages.
func (v *Versions) Label() string { return v.Template + " " + v.Target() }

// DowngradeError refuses to move a service to an older version.
type DowngradeError struct {
	Template, Current, Target string
	// To is the --to value that named the version, "" for the latest.
	To string
}

func (e *DowngradeError) Error() string {
	if e.To != "" {
		return fmt.Sprintf("%s %s is older than %s, the version the service is on: pass --allow-downgrade with --to %s to move back on purpose", e.Template, e.Target, e.Current, e.To)
	}
	return fmt.Sprintf("the latest %s, %s, is older than %s, the version the service is on: nothing to update to (name a version with --to)", e.Template, e.Target, e.Current)
}

// SourceError is a template source an update cannot use as asked.
type SourceError struct{ Msg string }

func (e *SourceError) Error() string { return e.Msg }

func sourceErrorf(format string, args ...any) error {
	return &SourceError{Msg: fmt.Sprintf(format, args...)}
}

// Check is how far a service is behind its template's latest version.
type Check struct {
	Template string `json:"template"`
	Current  string `json:"current"`
	Latest   string `json:"latest"`
	Behind   bool   `json:"behind"`
}

// Latest tells the version a service records (rec, from its
// .platform/answers.yaml) and its template's latest one, without rendering
// anything (for a git template, without cloning).
func Latest(ctx context.Context, rec scaffold.RecordedTemplate, src Sources) (Check, error) {
	c := Check{Template: rec.Name, Current: rec.Version}
	switch {
	case src.Template != "" && rec.APIVersion == backstage.APIVersion:
		t, err := backstage.Load(ctx, src.Template, backstage.LoadOptions{Resolver: src.Resolver})
		if err != nil {
			return Check{}, err
		}
		c.Latest = t.Version()
	case src.Template != "":
		t, err := src.Resolver.Resolve(ctx, src.Template)
		if err != nil {
			return Check{}, err
		}
		c.Latest = t.Manifest.Spec.Version
	case rec.Source == scaffold.SourceEmbedded:
		t, err := src.Resolver.Resolve(ctx, rec.Name)
		if err != nil {
			return Check{}, err
		}
		c.Latest = t.Manifest.Spec.Version
	case rec.Source == scaffold.SourceGit:
		g, _ := scaffold.ParseGitRef(rec.Ref)
		tag, err := latestTag(ctx, src, g)
		if err != nil {
			return Check{}, err
		}
		c.Latest = trimV(tag.Name)
	default:
		return Check{}, localTemplateNeeded(rec)
	}
	cmp, err := scaffold.CompareVersions(c.Latest, c.Current)
	if err != nil {
		return Check{}, sourceErrorf("compare %s versions: %v", rec.Name, err)
	}
	c.Behind = cmp > 0
	return c, nil
}

// Resolve loads the version the service was made from and the version it
// moves to. Moving to an older version is a *DowngradeError unless To names
// it and AllowDowngrade is set.
func Resolve(ctx context.Context, svc *Service, src Sources) (*Versions, error) {
	rec := svc.Provenance.Template
	if src.Template != "" && src.To != "" {
		return nil, sourceErrorf("--to picks a version of the recorded source; with --source, put the version in the reference (GIT_URL//SUBDIR@v1.2.0)")
	}
	v := &Versions{Template: rec.Name, Current: rec.Version}
	var err error
	switch {
	case rec.APIVersion == backstage.APIVersion:
		err = v.resolveBackstage(ctx, src, rec)
	case rec.APIVersion != "":
		return nil, sourceErrorf("%s: template.apiVersion %q is a kind of template this platform cannot update", scaffold.AnswersFile, rec.APIVersion)
	default:
		err = v.resolvePlatform(ctx, src, rec)
	}
	if err != nil {
		return nil, err
	}
	for _, t := range []*scaffold.Template{v.Base, v.Theirs} {
		if t.Name() != rec.Name {
			return nil, sourceErrorf("template %s is not %s, the template the service was made from: an update keeps the template (make a new service to switch)", t.Name(), rec.Name)
		}
	}
	if base := v.Base.Manifest.Spec.Version; base != rec.Version {
		return nil, sourceErrorf("the base template is %s %s, but the service was made from %s: pass --base with that version", rec.Name, base, rec.Version)
	}
	down, err := scaffold.IsDowngrade(rec.Version, v.Target())
	if err != nil {
		return nil, sourceErrorf("compare %s versions: %v", rec.Name, err)
	}
	if down && !(src.To != "" && src.AllowDowngrade) {
		return nil, &DowngradeError{Template: rec.Name, Current: rec.Version, Target: v.Target(), To: src.To}
	}
	return v, nil
}

// resolvePlatform loads the two versions of one of the platform's own templates.
func (v *Versions) resolvePlatform(ctx context.Context, src Sources, rec scaffold.RecordedTemplate) error {
	var err error
	switch rec.Source {
	case scaffold.SourceEmbedded:
		err = v.resolveEmbedded(ctx, src)
	case scaffold.SourceGit:
		err = v.resolveGit(ctx, src, rec)
	default:
		err = v.resolveLocal(ctx, src, rec)
	}
	return err
}

func (v *Versions) resolveEmbedded(ctx context.Context, src Sources) (err error) {
	r := src.Resolver
	if v.Base, err = v.base(ctx, src, func() (*scaffold.Template, error) { return r.EmbeddedVersion(v.Template, v.Current) }); err != nil {
		return err
	}
	switch {
	case src.Template != "":
		v.Theirs, err = r.Resolve(ctx, src.Template)
	case src.To != "":
		v.Theirs, err = r.EmbeddedVersion(v.Template, src.To)
	default:
		v.Theirs, err = r.Resolve(ctx, v.Template)
	}
	return err
}

func (v *Versions) resolveGit(ctx context.Context, src Sources, rec scaffold.RecordedTemplate) (err error) {
	g, ok := scaffold.ParseGitRef(rec.Ref)
	if !ok {
		return sourceErrorf("%s: template.ref %q is not a git reference", scaffold.AnswersFile, rec.Ref)
	}
	at := func(ref string) (*scaffold.Template, error) {
		return src.Resolver.Resolve(ctx, scaffold.GitRef{URL: g.URL, Subdir: g.Subdir, Ref: ref}.String())
	}
	recorded := rec.Commit
	if recorded == "" {
		recorded = g.Ref
	}
	if v.Base, err = v.base(ctx, src, func() (*scaffold.Template, error) { return at(recorded) }); err != nil {
		return err
	}
	if src.Template != "" {
		v.Theirs, err = src.Resolver.Resolve(ctx, src.Template)
		return err
	}
	ref := src.To
	if tag, err := targetTag(ctx, src, g); err != nil {
		return err
	} else if tag != nil {
		ref = tag.Name
		if tag.Commit == rec.Commit && src.Base == "" {
			// Same commit: one clone serves both sides.
			theirs := *v.Base
			theirs.Source.Ref = scaffold.GitRef{URL: g.URL, Subdir: g.Subdir, Ref: tag.Name}.String()
			v.Theirs = &theirs
			return nil
		}
	}
	v.Theirs, err = at(ref)
	return err
}

func (v *Versions) resolveLocal(ctx context.Context, src Sources, rec scaffold.RecordedTemplate) (err error) {
	if src.Template == "" {
		return localTemplateNeeded(rec)
	}
	r := src.Resolver
	if v.Base, err = v.base(ctx, src, func() (*scaffold.Template, error) {
		t, err := r.EmbeddedVersion(v.Template, v.Current)
		var unknownVersion *scaffold.UnknownVersionError
		var unknownTemplate *scaffold.UnknownTemplateError
		if errors.As(err, &unknownVersion) || errors.As(err, &unknownTemplate) {
			return nil, sourceErrorf("%s %s came from a local directory and cannot be reproduced from it: pass --base DIR (or GIT_URL//SUBDIR@REF) holding that version", v.Template, v.Current)
		}
		return t, err
	}); err != nil {
		return err
	}
	v.Theirs, err = r.Resolve(ctx, src.Template)
	return err
}

// base loads the recorded version: from src.Base when given, else with load.
func (v *Versions) base(ctx context.Context, src Sources, load func() (*scaffold.Template, error)) (*scaffold.Template, error) {
	if src.Base != "" {
		return src.Resolver.Resolve(ctx, src.Base)
	}
	return load()
}

func localTemplateNeeded(rec scaffold.RecordedTemplate) error {
	return sourceErrorf("%s was made from a local template directory, whose path is not recorded: pass --source DIR", rec.Name)
}

// targetTag returns the tag to move to: the one To names (as a tag or a
// version), nil when To is some other ref, or the latest release.
func targetTag(ctx context.Context, src Sources, g scaffold.GitRef) (*gitx.Tag, error) {
	if src.To == "" {
		tag, err := latestTag(ctx, src, g)
		return &tag, err
	}
	tags, err := src.Tags(ctx, g.URL)
	if err != nil {
		return nil, &scaffold.CloneError{URL: g.String(), Err: err}
	}
	if i := slices.IndexFunc(tags, func(t gitx.Tag) bool { return t.Name == src.To }); i >= 0 {
		return &tags[i], nil
	}
	for i, t := range tags {
		if c, err := scaffold.CompareVersions(t.Name, src.To); err == nil && c == 0 {
			return &tags[i], nil
		}
	}
	return nil, nil
}

// latestTag is the tag of the highest version (pre-releases only with Pre).
func latestTag(ctx context.Context, src Sources, g scaffold.GitRef) (gitx.Tag, error) {
	tags, err := src.Tags(ctx, g.URL)
	if err != nil {
		return gitx.Tag{}, &scaffold.CloneError{URL: g.String(), Err: err}
	}
	name, _, ok := scaffold.LatestVersion(gitx.TagNames(tags), src.Pre)
	if !ok {
		hint := ""
		if !src.Pre {
			hint = " (pre-releases count only with --pre)"
		}
		return gitx.Tag{}, sourceErrorf("%s has no release tag (v1.2.0 or 1.2.0)%s: tag a release, or pass --to REF", g, hint)
	}
	i := slices.IndexFunc(tags, func(t gitx.Tag) bool { return t.Name == name })
	return tags[i], nil
}

func trimV(s string) string {
	if len(s) > 1 && (s[0] == 'v' || s[0] == 'V') {
		return s[1:]
	}
	return s
}
