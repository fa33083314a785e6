package scaffold

import (
	"fmt"

	"github.com/platform-team/platform/internal/catalog"
)

// NameParam is the parameter every template has: the service's name, which
// is its Backstage entity name and its directory.
const NameParam = "name"

// checkName validates the service name as a Backstage entity name, even when
// the template's own schema for it allows more: it names the destination
// directory and the catalog entity, so "../x", "/etc", spaces, newlines and
// NUL never get that far.
func checkName(v any) string {
	s, ok := v.(string)
	if !ok || catalog.ValidEntityName(s) {
		return ""
	}
	return fmt.Sprintf("%q is not a valid service name (NAME, or --set name=): it must be a Backstage entity name, %s", s, catalog.EntityNameRule)
}
