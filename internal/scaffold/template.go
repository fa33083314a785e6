package scaffold

import "io/fs"

// Source kinds: where a template came from.
const (
	SourceEmbedded = "embedded"
	SourceLocal    = "local"
	SourceGit      = "git"
)

// Source records where a template came from, for .platform/answers.yaml.
// It never holds a local path or credentials.
type Source struct {
	Kind string `yaml:"kind"`
	// Ref is the git URL (credentials removed) with //subdir and @ref; empty otherwise.
	Ref string `yaml:"ref,omitempty"`
	// Commit is the commit a git ref resolved to.
	Commit string `yaml:"commit,omitempty"`
}

// Template is a loaded, checked template ready to render.
type Template struct {
	Manifest *Manifest
	// FS is rooted at the template directory: template.yaml and skeleton/,
	// held in memory (see Load), without symbolic links.
	FS     fs.FS
	Source Source
}

// Name is the template's metadata.name.
func (t *Template) Name() string { return t.Manifest.Metadata.Name }

// ConditionFor returns the `if` of the first condition whose globs match an
// output path, or "" when the path is always written.
func (t *Template) ConditionFor(outputPath string) string {
	for _, c := range t.Manifest.Spec.Conditions {
		if (activeCondition{globs: c.Paths}).matches(outputPath) {
			return c.If
		}
	}
	return ""
}
