package gitlabci

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// entrySchemas are the parts of GitLab's schema each top-level entry of a
// CI document is validated against: the schema's top level is an object
// whose properties are the keywords, whose hidden keys (.name) may hold
// anything, and whose other keys are jobs, with no constraint across
// entries. Validating entry by entry is the same validation, and lets a run
// validate an entry that many pipelines share (a golden path's jobs) once.
type entrySchemas struct {
	keywords map[string]*jsonschema.Schema
	job      *jsonschema.Schema
}

var compiledEntrySchemas = sync.OnceValues(func() (*entrySchemas, error) {
	c, err := newSchemaCompiler()
	if err != nil {
		return nil, err
	}
	s := &entrySchemas{keywords: map[string]*jsonschema.Schema{}}
	top, _ := rawSchema().(map[string]any)
	props, _ := top["properties"].(map[string]any)
	for name := range props {
		ref := ciSchemaURL + "#/properties/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
		if s.keywords[name], err = c.Compile(ref); err != nil {
			return nil, fmt.Errorf("the embedded GitLab CI schema: %w", err)
		}
	}
	if s.job, err = c.Compile(ciSchemaURL + "#/additionalProperties"); err != nil {
		return nil, fmt.Errorf("the embedded GitLab CI schema: %w", err)
	}
	return s, nil
})

// schemaFor returns the schema of a top-level entry; nil for a hidden key,
// which the schema lets hold anything.
func (s *entrySchemas) schemaFor(key string) *jsonschema.Schema {
	if sch, ok := s.keywords[key]; ok {
		return sch
	}
	if strings.HasPrefix(key, ".") {
		return nil
	}
	return s.job
}

// validationCache holds, for one lint run, the leaf errors of each entry
// validated, by the entry's JSON: with their instance locations relative to
// the entry. Pipelines of one golden path share most of their jobs.
type validationCache struct {
	mu     sync.Mutex
	leaves map[string][]*jsonschema.ValidationError
}

// maxCachedEntry bounds the JSON of an entry the cache keeps (a larger one
// is validated each time).
const maxCachedEntry = 64 << 10

// validateEntries validates each top-level entry of a document and returns
// the leaf errors that explain each failure, located in the document.
func validateEntries(schemas *entrySchemas, cache *validationCache, doc map[string]any) []*jsonschema.ValidationError {
	var out []*jsonschema.ValidationError
	for key, value := range doc {
		sch := schemas.schemaFor(key)
		if sch == nil {
			continue
		}
		for _, leaf := range cache.validate(key, sch, value) {
			located := *leaf
			located.InstanceLocation = append([]string{key}, leaf.InstanceLocation...)
			out = append(out, &located)
		}
	}
	return out
}

func (c *validationCache) validate(key string, sch *jsonschema.Schema, value any) []*jsonschema.ValidationError {
	data, err := json.Marshal(value)
	cacheKey := ""
	if err == nil && len(data) <= maxCachedEntry {
		cacheKey = sch.Location + "\x00" + string(data)
		c.mu.Lock()
		leaves, ok := c.leaves[cacheKey]
		c.mu.Unlock()
		if ok {
			return leaves
		}
	}
	var leaves []*jsonschema.ValidationError
	if verr, ok := sch.Validate(value).(*jsonschema.ValidationError); ok {
		leaves = explaining(verr)
	}
	if cacheKey != "" {
		c.mu.Lock()
		if c.leaves == nil {
			c.leaves = map[string][]*jsonschema.ValidationError{}
		}
		c.leaves[cacheKey] = leaves
		c.mu.Unlock()
	}
	return leaves
}
