package scaffold

import (
	"context"
	"fmt"

	"github.com/platform-team/platform/internal/catalog"
)

// ServiceOptions say what a new service gets besides its template's skeleton.
type ServiceOptions struct {
	// PlatformVersion is shown to templates and recorded in the catalog entity.
	PlatformVersion string
	// Budget bounds rendering.
	Budget Budget
	// AnnotationPrefix is the organisation's annotation domain.
	AnnotationPrefix string
	// Project is the GitLab project path ("group/name") when the service is
	// published, recorded as gitlab.com/project-slug; "" when it is not.
	Project string
}

// PlanService is which files a new service gets: the template's skeleton
// rendered with values, plus the files the platform writes itself,
// CatalogFile (the Component and its Resources, wired to TechDocs when the
// skeleton has mkdocs.yml) and AnswersFile. A skeleton that has either of
// those files is an error.
func PlanService(ctx context.Context, t *Template, values Values, opts ServiceOptions) (*Plan, error) {
	plan, err := Render(ctx, t, values, RenderOptions{PlatformVersion: opts.PlatformVersion, Budget: opts.Budget})
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", t.Name(), err)
	}
	_, hasDocs := plan.Lookup("mkdocs.yml")
	var annotations map[string]string
	if opts.Project != "" {
		annotations = map[string]string{catalog.AnnotationProjectSlug: opts.Project}
	}
	entities, err := CatalogEntities(ctx, t, values, opts.PlatformVersion, CatalogOptions{
		Budget:           opts.Budget,
		AnnotationPrefix: opts.AnnotationPrefix,
		TechDocs:         hasDocs,
		Annotations:      annotations,
	})
	if err != nil {
		return nil, err
	}
	catalogData, err := catalog.Marshal(entities...)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", CatalogFile, err)
	}
	answers, err := Answers(t, values)
	if err != nil {
		return nil, err
	}
	for _, f := range []File{
		{Path: CatalogFile, Mode: 0o644, Data: catalogData},
		{Path: AnswersFile, Mode: 0o644, Data: answers},
	} {
		if err := plan.Add(f); err != nil {
			return nil, fmt.Errorf("template %s: %w (the platform writes it; remove it from the skeleton)", t.Name(), err)
		}
	}
	return plan, nil
}
