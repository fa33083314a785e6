package catalog

// EntityNameRule says what a valid entity name is, for messages.
const EntityNameRule = expectObjectName

// ValidEntityName reports whether s is a valid Backstage entity name
// (metadata.name): the rule the catalog applies, whatever a template's own
// pattern for it says.
func ValidEntityName(s string) bool { return isValidObjectName(s) }
