package catalog

// DefaultAPIVersion is the apiVersion Marshal writes when Entity.APIVersion
// is empty.
const DefaultAPIVersion = "backstage.io/v1alpha1"

// Entity is one Backstage catalog entity.
type Entity struct {
	APIVersion string // default "backstage.io/v1alpha1"
	Kind       string
	Metadata   Metadata
	Spec       Spec
}

// Metadata holds the fields common to every kind of entity.
type Metadata struct {
	Name        string
	Namespace   string
	Title       string
	Description string
	Labels      map[string]string
	Annotations map[string]string
	Tags        []string
	Links       []Link
}

// Link is one external hyperlink in metadata.links.
type Link struct {
	URL   string
	Title string
	Icon  string
	Type  string
}

// Spec holds the spec fields of the built-in kinds. Which fields a kind uses
// is described in the Backstage descriptor format; Marshal writes whatever is
// set and leaves empty fields out.
type Spec struct {
	Type           string
	Lifecycle      string
	Owner          string
	System         string
	Domain         string
	SubdomainOf    string
	SubcomponentOf string
	ProvidesAPIs   []string
	ConsumesAPIs   []string
	DependsOn      []string
	DependencyOf   []string
	// Definition is an API's definition text, written inline.
	Definition string
	// DefinitionRef, when set, is written as {$text: DefinitionRef} instead of
	// Definition, so the catalog reads the API definition from that file.
	DefinitionRef string
	Parent        string
	// Children of a Group; Marshal always writes it for kind Group because
	// the Group schema requires the list, even when it is empty.
	Children []string
	Members  []string
	// MemberOf of a User; Marshal always writes it for kind User because the
	// User schema requires the list, even when it is empty.
	MemberOf []string
	Profile  *Profile
	Target   string
	Targets  []string
	Presence string
}

// Profile is the display profile of a Group or User.
type Profile struct {
	DisplayName string
	Email       string
	Picture     string
}
