package catalog

// DefaultNamespace is the namespace of entities that do not set
// metadata.namespace (DEFAULT_NAMESPACE,
// packages/catalog-model/src/entity/constants.ts).
const DefaultNamespace = "default"

// metadata checks metadata against EntityMeta.schema.json (types) and
// FieldFormatEntityPolicy.ts (formats), and returns the entity's namespace.
// EntityMeta allows additional properties, so unknown metadata fields pass.
func (c *checker) metadata(root field) string {
	namespace := DefaultNamespace
	m, ok := c.required(root, "metadata")
	if !ok {
		return namespace
	}
	// The envelope (metadata, name, namespace) is validated before
	// placeholders are resolved, so metadata must be a literal object.
	if t, _ := typeOf(m.node); t != jsObject {
		if t == jsDeferred {
			c.add(m.node, m.path, "must be a literal object; placeholders are not resolved in the entity envelope")
		} else {
			c.isType(m, jsObject)
		}
		return namespace
	}

	if f, ok := c.required(m, "name"); ok {
		if s, ok := c.envelopeString(f); ok && !isValidObjectName(s) {
			c.add(f.node, f.path, "%q is not a valid entity name: expected %s", s, expectObjectName)
		}
	}
	if f, ok := m.child("namespace"); ok {
		if s, ok := c.envelopeString(f); ok {
			if isValidNamespace(s) {
				namespace = s
			} else {
				c.add(f.node, f.path, "%q is not a valid namespace: expected %s", s, expectDNSLabel)
			}
		}
	}
	for _, name := range []string{"uid", "etag", "title"} {
		c.optionalString(m, name)
	}
	if f, ok := m.child("description"); ok {
		c.str(f, false)
	}
	c.keyValues(m, "labels", isValidLabelKey, isValidLabelValue, "a label value: empty, or "+expectObjectName)
	c.keyValues(m, "annotations", isValidAnnotationKey, nil, "")
	c.tags(m)
	c.links(m)
	return namespace
}

// keyValues checks labels or annotations: an object whose values are
// strings (EntityMeta.schema.json, "patternProperties": {"^.+$": string}),
// keys in the isValidLabelKey/isValidAnnotationKey format and, for labels,
// values in the isValidLabelValue format (FieldFormatEntityPolicy).
func (c *checker) keyValues(m field, name string, validKey, validValue func(string) bool, expectValue string) {
	f, ok := m.child(name)
	if !ok || !c.isType(f, jsObject) {
		return
	}
	for _, e := range entries(f.node) {
		path := joinPath(f.path, e.name)
		if !validKey(e.name) {
			c.add(e.key, path, "%q is not a valid %s key: expected %s", e.name, name[:len(name)-1], expectPrefixed)
		}
		if e.value == nil || !jsPatternDotPlus(e.name) {
			// The schema only types values whose key matches ^.+$.
			continue
		}
		v := field{path: path, key: e.key, node: e.value}
		s, known := c.str(v, false)
		if known && validValue != nil && !validValue(s) {
			c.add(e.value, path, "%q is not %s", s, expectValue)
		}
	}
}

// tags checks metadata.tags: an array of non-empty strings
// (EntityMeta.schema.json), each in the isValidTag format (makeValidator.ts,
// via FieldFormatEntityPolicy).
func (c *checker) tags(m field) {
	f, ok := m.child("tags")
	if !ok {
		return
	}
	for _, item := range c.stringArray(f) {
		if s := item.node.Value; !isValidTag(s) {
			c.add(item.node, item.path, "%q is not a valid tag: expected %s", s, expectTag)
		}
	}
}

// links checks metadata.links (EntityMeta.schema.json): objects with a
// required url; url, title, icon and type are non-empty strings.
// FieldFormatEntityPolicy adds: url must parse as a URL (isValidUrl), title
// must not be blank (isValidString), icon must be an object name
// (isValidObjectName).
func (c *checker) links(m field) {
	f, ok := m.child("links")
	if !ok || !c.isType(f, jsArray) {
		return
	}
	for i := range f.node.Content {
		link, ok := f.item(i)
		if !ok || !c.isType(link, jsObject) {
			continue
		}
		if u, ok := c.required(link, "url"); ok {
			if s, known := c.str(u, true); known && !isValidURL(s) {
				c.add(u.node, u.path, "%q is not a valid URL: expected an absolute URL such as https://example.com/page", s)
			}
		}
		if s, t, known := c.optionalString(link, "title"); known && !isValidString(s) {
			c.add(t.node, t.path, "must not be blank")
		}
		if s, ic, known := c.optionalString(link, "icon"); known && !isValidObjectName(s) {
			c.add(ic.node, ic.path, "%q is not a valid icon key: expected %s", s, expectObjectName)
		}
		c.optionalString(link, "type")
	}
}
