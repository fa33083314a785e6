package catalog

// Annotations the product writes on the entities it creates.
const (
	// AnnotationTechDocsRef points TechDocs at the documentation source,
	// for example "dir:.".
	AnnotationTechDocsRef = "backstage.io/techdocs-ref"
	// AnnotationSourceTemplate records the template an entity was created
	// from, as a template entity ref such as "template:default/go-service".
	AnnotationSourceTemplate = "backstage.io/source-template"
	// AnnotationProjectSlug names the GitLab project ("group/project").
	AnnotationProjectSlug = "gitlab.com/project-slug"
	// AnnotationSourceLocation is the location of the entity's source code,
	// for example "url:https://gitlab.example.com/group/project".
	AnnotationSourceLocation = "backstage.io/source-location"
)
