package gitlabci

import (
	"bytes"
	_ "embed" // schema/ci.json
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

//go:generate go run ./schemagen -dir schema

// ciSchemaJSON is GitLab's CI JSON schema (app/assets/javascripts/editor/
// schema/ci.json in the GitLab repository, MIT licensed), vendored by
// ./schemagen with its source in schema/source.json.
//
//go:embed schema/ci.json
var ciSchemaJSON []byte

// ciSchemaURL is the schema's $id.
const ciSchemaURL = "https://gitlab.com/.gitlab-ci.yml"

// newSchemaCompiler returns a compiler holding the embedded schema.
func newSchemaCompiler() (*jsonschema.Compiler, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(ciSchemaJSON))
	if err != nil {
		return nil, fmt.Errorf("the embedded GitLab CI schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(ciSchemaURL, doc); err != nil {
		return nil, fmt.Errorf("the embedded GitLab CI schema: %w", err)
	}
	return c, nil
}

// rawSchema is the embedded schema as plain JSON values, for the keywords
// an object of the schema knows (suggestions for a misspelt one).
var rawSchema = sync.OnceValue(func() any {
	var v any
	if json.Unmarshal(ciSchemaJSON, &v) != nil {
		return nil
	}
	return v
})

var ruleSchema = lint.NewFileRule(lint.Meta{
	ID:       "gitlab-ci/schema",
	Severity: lint.SeverityError,
	Summary:  "the GitLab CI configuration is valid against GitLab's CI JSON schema",
	Doc: `GitLab validates every keyword of a pipeline before it creates one: an unknown
keyword (scripts: for script:), a value of the wrong type (retry: "2"), a
when: GitLab does not know, or a rules: entry with a typo makes it refuse the
whole pipeline, and the error shows up only in the pipeline list.

The rule validates each .gitlab-ci.yml, each *.gitlab-ci.yml template (its
spec: header too) and each local file a .gitlab-ci.yml includes, against
GitLab's own CI JSON schema (ci.json from the GitLab repository, vendored with
its version in internal/lint/gitlabci/schema/). Each problem is reported once,
at the line of the keyword or value, with the keywords GitLab knows when one
looks like a typo.

Where GitLab is more lenient than its schema, so is the rule:
- a value GitLab fills in before validating is not judged: $[[ inputs.x ]]
  interpolations, !reference tags, and patterns or formats of a value holding a
  $VARIABLE (include: remote: $URL, a component path with $CI_SERVER_FQDN);
- a keyword without a value (variables: with nothing under it, an empty
  variable value) counts as unset, as GitLab treats it;
- of duplicate keys, the last one counts, as in GitLab's YAML parser;
- yes, no, on and off are booleans, as in GitLab's YAML 1.1 parser;
- coverage: takes GitLab's RE2 syntax, (?i) included.
A job that is not a mapping is left to gitlab-ci/job-script, and YAML that
does not parse to gitlab-ci/yaml.

Fix the keyword or value; GitLab's pipeline editor (Build > Pipeline editor)
validates the same way, includes included.`,
	Bad: map[string]string{".gitlab-ci.yml": "stages: [test]\n\ntest:\n  stage: test\n  scripts:\n    - go test ./...\n  when: sometimes\n"},
	Good: map[string]string{
		".gitlab-ci.yml":             "include:\n  - local: ci/build.yml\n  - remote: $TEMPLATES_URL/go.yml\n\n" + goodPipeline + "\ncoverage-job:\n  stage: test\n  script: [go test -cover ./...]\n  coverage: '/(?i)total.*? (\\d+(?:\\.\\d+)?)%/'\n  variables:\n    EMPTY:\n",
		"ci/build.yml":               "vet:\n  stage: test\n  script: [go vet ./...]\n",
		"templates/go.gitlab-ci.yml": "spec:\n  inputs:\n    stage:\n      default: test\n---\ngo-test:\n  stage: $[[ inputs.stage ]]\n  parallel: $[[ inputs.parallel ]]\n  script: [go test ./...]\n",
	},
}, isCIFile, withConfig(func(repo *lint.Repo, f *lint.File, c *config, r *lint.Reporter) {
	if c.root == nil && c.header == nil {
		return
	}
	schemas, err := compiledEntrySchemas()
	if err != nil {
		r.Report(f.Path, 1, 1, err.Error(), "report this: the binary's embedded schema does not compile")
		return
	}
	v := validator{schemas: schemas, cache: repo.Cached("gitlabci.validations", func() any { return &validationCache{} }).(*validationCache)}
	if c.header != nil {
		v.report(r, f.Path, c.header)
	}
	if c.root != nil {
		v.report(r, f.Path, c.root)
	}
	if f.Name() == ".gitlab-ci.yml" {
		for _, lf := range includedLocal(repo, f, c) {
			once := repo.Cached("gitlabci.schema:"+lf.Path, func() any { return &sync.Once{} }).(*sync.Once)
			once.Do(func() {
				if lc := configOf(lf); lc.root != nil {
					v.report(r, lf.Path, lc.root)
				}
			})
		}
	}
}))

// includedLocal returns the local files a pipeline includes, directly or
// through other local files, that are not CI files of their own (those are
// validated as such).
func includedLocal(repo *lint.Repo, f *lint.File, c *config) []*lint.File {
	seen := map[string]bool{f.Path: true}
	var out []*lint.File
	queue := []*config{c}
	for len(queue) > 0 && len(seen) < 256 {
		cur := queue[0]
		queue = queue[1:]
		for _, inc := range includesOf(cur.root) {
			if inc.local == "" {
				continue
			}
			for _, lf := range localFiles(repo, inc.local) {
				if seen[lf.Path] {
					continue
				}
				seen[lf.Path] = true
				lc := configOf(lf)
				if lc.root == nil {
					continue
				}
				queue = append(queue, lc)
				if !isCIFile(lf) {
					out = append(out, lf)
				}
			}
		}
	}
	return out
}

// validator validates CI documents for one lint run.
type validator struct {
	schemas *entrySchemas
	cache   *validationCache
}

// report validates one document and reports each problem once.
func (v validator) report(r *lint.Reporter, path string, root *yaml.Node) {
	in, ok := toInstance(root)
	if !ok {
		return
	}
	doc, ok := in.value.(map[string]any)
	if !ok {
		return
	}
	leaves := validateEntries(v.schemas, v.cache, doc)
	if len(leaves) == 0 {
		return
	}
	reported := map[string]bool{}
	for _, p := range problemsOf(leaves, in, root) {
		where := fmt.Sprintf("%d:%d", p.line, p.column)
		if reported[where+p.message] {
			continue
		}
		reported[where+p.message] = true
		r.Report(path, p.line, p.column, p.message, p.hint)
	}
}
