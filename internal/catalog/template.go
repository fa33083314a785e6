package catalog

// The Template checks mirror Template.v1beta3.schema.json
// (plugins/scaffolder-common/src/Template.v1beta3.schema.json). Only the
// parts that have stayed stable across scaffolder releases are checked;
// "output" is only required to be an object.

// templateParameters checks spec.parameters: one JSON Schema object, or an
// array of them (one per form page).
func (c *checker) templateParameters(f field) {
	t, _ := typeOf(f.node)
	switch t {
	case jsDeferred, jsObject:
	case jsArray:
		for i := range f.node.Content {
			if item, ok := f.item(i); ok {
				c.isType(item, jsObject)
			}
		}
	default:
		c.add(f.node, f.path, "must be an object or an array of objects, not %s", describe(f.node, t))
	}
}

// templateSteps checks spec.steps: an array of objects, each with a string
// action; id, name are strings, input an object, if a string or boolean.
func (c *checker) templateSteps(f field) {
	if !c.isType(f, jsArray) {
		return
	}
	for i := range f.node.Content {
		step, ok := f.item(i)
		if !ok || !c.isType(step, jsObject) {
			continue
		}
		if action, ok := c.required(step, "action"); ok {
			c.str(action, false)
		}
		for _, name := range []string{"id", "name"} {
			if s, ok := step.child(name); ok {
				c.str(s, false)
			}
		}
		if in, ok := step.child("input"); ok {
			c.isType(in, jsObject)
		}
		if cond, ok := step.child("if"); ok {
			if t, _ := typeOf(cond.node); t != jsString && t != jsBool && t != jsDeferred {
				c.add(cond.node, cond.path, "must be a string or a boolean, not %s", describe(cond.node, t))
			}
		}
	}
}
