package backstage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/platform-team/platform/internal/nunjucks"
	"github.com/platform-team/platform/internal/scaffold"
)

// Renderer renders a Nunjucks template with Backstage's ${{ }} variable
// delimiters and filters (parseRepoUrl, parseEntityRef, pick, projectSlug).
// The nunjucks package's *Env is one.
type Renderer interface {
	Render(name, src string, ctx map[string]any) (string, error)
}

// EngineOptions are the fetch:template inputs that change the engine.
type EngineOptions struct {
	// Cookiecutter is cookiecutterCompat: {{ }} variable delimiters and the
	// jsonify filter, as Backstage's SecureTemplater does.
	Cookiecutter bool
	// TrimBlocks and LstripBlocks are Nunjucks' options of those names.
	TrimBlocks, LstripBlocks bool
}

// NewEngine is the engine Backstage's scaffolder renders with: Nunjucks,
// autoescape off, ${{ }} variable tags, the filters parseRepoUrl,
// parseEntityRef, pick and projectSlug. With Cookiecutter it uses {{ }}
// and only adds jsonify (dump), as SecureTemplater's compat environment
// does; Nunjucks' installJinjaCompat extras (Python-style methods, slices)
// are not there, and fail with the engine's error naming them. TrimBlocks and LstripBlocks are refused: the engine does not have
// them.
func NewEngine(o EngineOptions) (Renderer, error) {
	if o.TrimBlocks || o.LstripBlocks {
		return nil, errors.New("the trimBlocks and lstripBlocks inputs are not supported: remove them, and control whitespace with {%- -%}")
	}
	if o.Cookiecutter {
		// SecureTemplater's compat environment: {{ }}, jsonify, and none
		// of the Backstage filters.
		dump := nunjucks.New(nunjucks.Options{})
		jsonify := func(v any, args ...any) (any, error) {
			ctx := map[string]any{"v": v}
			src := "{{ v | dump }}"
			if len(args) > 0 {
				ctx["i"] = args[0]
				src = "{{ v | dump(i) }}"
			}
			return dump.Render("jsonify", src, ctx)
		}
		return nunjucks.New(nunjucks.Options{Filters: map[string]nunjucks.Filter{"jsonify": jsonify}}), nil
	}
	filters := nunjucks.BackstageFilters()
	return nunjucks.New(nunjucks.Options{VariableStart: "${{", VariableEnd: "}}", Filters: filters}), nil
}

// User is the user a template runs for: ${{ user.entity }} and ${{ user.ref }}.
type User struct {
	// Entity is the user's catalog entity, as decoded JSON/YAML; nil when unknown.
	Entity map[string]any
	// Ref is the user's entity reference (user:default/jane); "" when unknown.
	Ref string
}

// RunOptions configure Run.
type RunOptions struct {
	// Engine renders step inputs, the output and skeletons; nil is
	// NewEngine(EngineOptions{}).
	Engine Renderer
	// NewEngine makes an engine for a fetch:template step with
	// cookiecutterCompat, trimBlocks or lstripBlocks; nil is NewEngine.
	NewEngine func(EngineOptions) (Renderer, error)
	// User is ${{ user }}; nil leaves it undefined.
	User *User
	// Secrets is ${{ secrets }}, seen by step inputs only, as in Backstage.
	Secrets map[string]string
	// TaskID is ${{ context.task.id }} (Backstage's task id, a UUID there); "" when unset.
	TaskID string
	// ParameterOrder is the form's order of the parameters: ${{ parameters }}
	// keeps it, as the browser's JSON does (dump, for k, v in parameters).
	// Parameters it does not name follow, sorted.
	ParameterOrder []string
	// SkipUnsupported skips the steps whose action is not known (reported
	// in the log) instead of refusing the template before anything runs.
	SkipUnsupported bool
}

// Step statuses in a Result's log.
const (
	// StatusRan is a step that ran here.
	StatusRan = "ran"
	// StatusSkipped is a step that did not run: its if: was falsy, its
	// action has side effects elsewhere, or it is unknown and
	// SkipUnsupported was given. Reason says which.
	StatusSkipped = "skipped"
	// StatusPublish is a publish:gitlab step: not run here, left to the
	// platform's own publishing (Result.Publish); its output is what the
	// action would return.
	StatusPublish = "publish"
)

// StepLog is what one step did.
type StepLog struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Action string `json:"action"`
	Status string `json:"status"`
	// Reason says why a step was skipped or left to publishing.
	Reason string `json:"reason,omitempty"`
	// Lines are what the step logged (debug:log's message, a fetch's
	// skipped files).
	Lines []string `json:"lines,omitempty"`
	// Output is the step's output, as ${{ steps.ID.output }} sees it.
	Output map[string]any `json:"output,omitempty"`
}

// Publish is a publish:gitlab step, for the platform's own publishing.
type Publish struct {
	StepID string `json:"stepId"`
	// RepoURL is the rendered repoUrl input (host?owner=group&repo=name).
	RepoURL string `json:"repoUrl"`
	Host    string `json:"host"`
	Owner   string `json:"owner"`
	Repo    string `json:"repo"`
	// DefaultBranch is the defaultBranch input, "master" when not given (as the action does).
	DefaultBranch string `json:"defaultBranch"`
	// SourcePath is the sourcePath input: the workspace subdirectory to publish, "" for all of it.
	SourcePath string `json:"sourcePath,omitempty"`
	// Input is the whole rendered input.
	Input map[string]any `json:"input,omitempty"`
}

// Result is what a run produced.
type Result struct {
	// Plan holds the workspace's files, sorted by path. Empty directories
	// are not kept (git does not carry them either).
	Plan *scaffold.Plan
	// Steps logs every step, in order.
	Steps []StepLog
	// Output is the template's rendered output (links, text, ...).
	Output map[string]any
	// Publish is the first publish:gitlab step that was due, nil if none.
	Publish *Publish
}

// UnsupportedActionError is a step whose action is not known here: it
// cannot run locally and has no known effect that could be skipped.
type UnsupportedActionError struct {
	StepID, Action string
	// Why says what is missing, when more than "unknown action".
	Why string
}

func (e *UnsupportedActionError) Error() string {
	why := e.Why
	if why == "" {
		why = "this action is not supported by the platform"
	}
	return fmt.Sprintf("step %s: action %s: %s (pass --skip-unsupported to skip such steps)", e.StepID, e.Action, why)
}

// StepError is a step that failed: bad input, a url outside the template's
// repository, a file it needs missing, a render error. It is an input error:
// the template or the answers must change.
type StepError struct {
	StepID, Action string
	Err            error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("step %s (%s): %v", e.StepID, e.Action, e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }

// localActions run here; reportedActions are known and skipped (with an output).
var localActions = map[string]bool{
	"fetch:template": true, "fetch:template:file": true, "fetch:plain": true, "fetch:plain:file": true,
	"fs:rename": true, "fs:delete": true, "debug:log": true,
}

// sideEffectPrefixes are families of actions acting on other systems:
// skipped with a line, never an error.
var sideEffectPrefixes = []string{"publish:", "github:", "gitlab:", "bitbucket:", "bitbucketCloud:", "bitbucketServer:", "azure:", "gerrit:", "gitea:"}

// Action kinds: how a run treats a step's action (see ActionKind).
const (
	// KindLocal actions run here and change the workspace (fetch:*, fs:*)
	// or the log (debug:log).
	KindLocal = "local"
	// KindPublish is publish:gitlab: left to the platform's publishing
	// (Result.Publish), its output computed.
	KindPublish = "publish"
	// KindRegister is catalog:register: skipped, saying what it would register.
	KindRegister = "register"
	// KindSideEffect actions act on other systems (publish:github,
	// github:*, gitlab:*, bitbucket*, ...): skipped with a line.
	KindSideEffect = "side-effect"
	// KindUnknown actions are refused before anything runs, or skipped
	// with RunOptions.SkipUnsupported.
	KindUnknown = "unknown"
)

// ActionKind says how a run treats an action, one of the Kind constants.
func ActionKind(action string) string {
	switch {
	case localActions[action]:
		return KindLocal
	case action == "publish:gitlab":
		return KindPublish
	case action == "catalog:register":
		return KindRegister
	case action == "notification:send":
		return KindSideEffect
	}
	for _, p := range sideEffectPrefixes {
		if strings.HasPrefix(action, p) {
			return KindSideEffect
		}
	}
	return KindUnknown
}

// RunsLocally reports whether a step's action runs here (and writes files),
// for 'templates show'.
func RunsLocally(s Step) bool { return ActionKind(s.Action) == KindLocal }

// Check refuses, before anything runs, a template with a step that cannot
// run here: an unknown action (fetch:cookiecutter, fetch:rails, custom
// actions), or a fetch from a URL rather than a path in the template's
// repository. The error joins an *UnsupportedActionError per step.
func Check(t *Template) error {
	var errs []error
	for _, s := range t.Manifest.Spec.Steps {
		if err := checkStep(s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func checkStep(s Step) error {
	if ActionKind(s.Action) == KindUnknown {
		return &UnsupportedActionError{StepID: s.ID, Action: s.Action}
	}
	if url, ok := fetchURL(s); ok && isAbsURL(url) {
		return &UnsupportedActionError{StepID: s.ID, Action: s.Action,
			Why: fmt.Sprintf("url %s is a remote URL: only paths in the template's repository are read offline", url)}
	}
	return nil
}

// Run runs the template's steps in order with values as ${{ parameters }},
// into an empty in-memory workspace, and renders the template's output. It
// writes nothing: Result.Plan is the workspace, for scaffold.Write.
func Run(ctx context.Context, t *Template, values map[string]any, opts RunOptions) (*Result, error) {
	if opts.NewEngine == nil {
		opts.NewEngine = NewEngine
	}
	if opts.Engine == nil {
		eng, err := opts.NewEngine(EngineOptions{})
		if err != nil {
			return nil, err
		}
		opts.Engine = eng
	}
	if !opts.SkipUnsupported {
		if err := Check(t); err != nil {
			return nil, err
		}
	}
	r := &runner{t: t, opts: opts, ws: newWorkspace(), steps: map[string]any{}}
	if values == nil {
		values = map[string]any{}
	}
	r.context = map[string]any{"parameters": orderedParameters(values, opts.ParameterOrder), "steps": r.steps,
		"context": map[string]any{"task": map[string]any{"id": opts.TaskID}}}
	if opts.User != nil {
		user := map[string]any{}
		if opts.User.Entity != nil {
			user["entity"] = opts.User.Entity
		}
		if opts.User.Ref != "" {
			user["ref"] = opts.User.Ref
		}
		r.context["user"] = user
	}
	res := &Result{}
	for i, s := range t.Manifest.Spec.Steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		log, err := r.step(s, t.input(i), t.each(i), res)
		if err != nil {
			return nil, err
		}
		res.Steps = append(res.Steps, log)
	}
	if output := t.output(); output != nil {
		out, _ := r.render(output, r.context)
		res.Output, _ = toPlain(out).(map[string]any)
	}
	plan, err := r.ws.plan()
	if err != nil {
		return nil, err
	}
	res.Plan = plan
	return res, nil
}

type runner struct {
	t       *Template
	opts    RunOptions
	ws      *workspace
	steps   map[string]any
	context map[string]any
}

// step runs one step and records its output.
func (r *runner) step(s Step, rawInput, rawEach any, res *Result) (StepLog, error) {
	log := StepLog{ID: s.ID, Name: s.Name, Action: s.Action}
	// Backstage: if: false skips; a string is rendered and tested for
	// truth; any other value (true, a number) runs the step.
	switch cond := s.If.(type) {
	case bool:
		if !cond {
			log.Status, log.Reason = StatusSkipped, "its if: condition is false"
			return log, nil
		}
	case string:
		v, ok := r.render(cond, r.context)
		if !ok || !truthy(v) {
			log.Status, log.Reason = StatusSkipped, fmt.Sprintf("its if: condition %s is false", cond)
			return log, nil
		}
	}
	kind := ActionKind(s.Action)
	if err := checkStep(s); err != nil {
		why := "unknown action"
		var ue *UnsupportedActionError
		if errors.As(err, &ue) && ue.Why != "" {
			why = ue.Why
		}
		log.Status, log.Reason = StatusSkipped, why+" (--skip-unsupported)"
		return log, nil
	}
	fail := func(err error) (StepLog, error) {
		var se *StepError
		if errors.As(err, &se) {
			return log, err
		}
		return log, &StepError{StepID: s.ID, Action: s.Action, Err: err}
	}
	// each: the action runs once per entry of the rendered value (an
	// array's items or an object's members), with ${{ each.key }} and
	// ${{ each.value }}; each output is then the list of the iterations'.
	iterations := []map[string]any{nil}
	if rawEach != nil {
		v, _ := r.render(rawEach, r.context)
		iterations = eachEntries(v)
	}
	secrets := map[string]any{}
	for k, v := range r.opts.Secrets {
		secrets[k] = v
	}
	inputs := make([]map[string]any, len(iterations))
	for i, it := range iterations {
		// Secrets are seen by the inputs only, as in Backstage.
		inCtx := make(map[string]any, len(r.context)+2)
		for k, v := range r.context {
			inCtx[k] = v
		}
		inCtx["secrets"] = secrets
		if it != nil {
			inCtx["each"] = it
		}
		// The action reads its input by key; values inside keep their order.
		input := map[string]any{}
		if rawInput != nil {
			v, _ := r.render(rawInput, inCtx)
			switch m := v.(type) {
			case *nunjucks.Object:
				for _, k := range m.Keys() {
					input[k], _ = m.Get(k)
				}
			case map[string]any:
				input = m
			}
		}
		inputs[i] = input
	}
	out := map[string]any{}
	for i, input := range inputs {
		iterOut := map[string]any{}
		a := &actionCtx{r: r, step: s, input: input, output: iterOut, log: &log}
		var err error
		switch kind {
		case KindLocal:
			log.Status = StatusRan
			err = a.runLocal()
		case KindPublish:
			log.Status = StatusPublish
			var p *Publish
			p, err = a.publishGitLab()
			if err == nil && res.Publish == nil {
				res.Publish = p
			}
		case KindRegister:
			log.Status = StatusSkipped
			err = a.catalogRegister()
		default:
			log.Status = StatusSkipped
			log.Reason = "it acts on another system (" + s.Action + "): not run locally"
		}
		if err != nil {
			return fail(err)
		}
		for k, v := range iterOut {
			if iterations[i] == nil {
				out[k] = v
				continue
			}
			list, _ := out[k].([]any)
			out[k] = append(list, v)
		}
	}
	if len(iterations) == 0 {
		log.Status, log.Reason = StatusRan, "each: nothing to iterate over"
	}
	r.steps[s.ID] = map[string]any{"output": out}
	if len(out) > 0 {
		log.Output = out
	}
	return log, nil
}

// eachEntries is Object.entries of a step's rendered each: {key, value}
// per array item (keys "0", "1", ...) or object member, in order.
func eachEntries(v any) []map[string]any {
	var out []map[string]any
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			out = append(out, map[string]any{"key": strconv.Itoa(i), "value": e})
		}
	case *nunjucks.Object:
		for _, k := range x.Keys() {
			e, _ := x.Get(k)
			out = append(out, map[string]any{"key": k, "value": e})
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = append(out, map[string]any{"key": k, "value": x[k]})
		}
	case string:
		for i, u := range utf16.Encode([]rune(x)) {
			out = append(out, map[string]any{"key": strconv.Itoa(i), "value": string(utf16.Decode([]uint16{u}))})
		}
	}
	return out
}

// truthy is Backstage's isTruthy: JavaScript truth, and an empty array is false.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case int:
		return x != 0
	case int64:
		return x != 0
	case float64:
		return x != 0 && !math.IsNaN(x)
	case []any:
		return len(x) > 0
	case nunjucks.Undefined:
		return false
	}
	return true
}

// render renders the strings of a decoded YAML value, recursively, as
// Backstage's runner does: a string that is one template tag keeps the type
// of its value (rendered through dump and parsed back as JSON), any other
// is rendered as text; a string rendering to "" is undefined (dropped from
// its object), and a string whose render fails is left as it is. It
// reports false for an undefined value.
func (r *runner) render(v any, ctx map[string]any) (any, bool) {
	switch x := v.(type) {
	case string:
		return r.renderString(x, ctx)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if rv, ok := r.render(e, ctx); ok {
				out[k] = rv
			}
		}
		return out, true
	case *nunjucks.Object:
		out := nunjucks.NewObject()
		for _, k := range x.Keys() {
			e, _ := x.Get(k)
			if rv, ok := r.render(e, ctx); ok {
				out.Set(k, rv)
			}
		}
		return out, true
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i], _ = r.render(e, ctx)
		}
		return out, true
	}
	return v, true
}

// dumpWrap is the runner's rewrite of ${{ expr }} into ${{ ( expr ) | dump }}.
// JavaScript's . does not match line terminators: \n, \r, U+2028, U+2029.
var dumpWrap = regexp.MustCompile(`\$\{\{([^\n\r\x{2028}\x{2029}]+)\}\}`)

func (r *runner) renderString(s string, ctx map[string]any) (any, bool) {
	if isSingleTemplateString(s) {
		wrapped := dumpWrap.ReplaceAllStringFunc(s, func(m string) string {
			inner := dumpWrap.FindStringSubmatch(m)[1]
			return "${{ ( " + inner + " ) | dump }}"
		})
		if out, err := r.opts.Engine.Render("", wrapped, ctx); err == nil {
			if out == "" {
				return nil, false
			}
			if v, err := parseJSON(out); err == nil {
				return v, true
			}
		}
		// Backstage logs the failure and renders the string as text.
	}
	out, err := r.opts.Engine.Render("", s, ctx)
	if err != nil {
		return s, true
	}
	if out == "" {
		return nil, false
	}
	return out, true
}

// isSingleTemplateString reports whether s parses, with ${{ }} variable
// delimiters, to a single node that is not text: one ${{ expr }} or one
// {% tag %} (with its body and end tag), and nothing around it.
func isSingleTemplateString(s string) bool {
	nodes, depth := 0, 0
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "${{"):
			end := closeTag(s, i+3, "}}")
			if end < 0 {
				return false
			}
			if depth == 0 {
				nodes++
			}
			i = end
		case strings.HasPrefix(s[i:], "{%"):
			end := closeTag(s, i+2, "%}")
			if end < 0 {
				return false
			}
			body := strings.Trim(s[i+2:end-2], "-+ \t\r\n")
			name, rest, _ := strings.Cut(body, " ")
			switch {
			case strings.HasPrefix(name, "end"):
				depth--
			case name == "else" || name == "elif" || name == "elseif":
			case (name == "raw" || name == "verbatim") && depth == 0:
				return false // parsed as text (Output of TemplateData)
			case slices.Contains([]string{"if", "for", "asyncEach", "asyncAll", "macro", "call", "filter", "raw", "verbatim", "block"}, name),
				name == "set" && !strings.Contains(rest, "="):
				if depth == 0 {
					nodes++
				}
				depth++
			default:
				if depth == 0 {
					nodes++
				}
			}
			i = end
		case strings.HasPrefix(s[i:], "{#"):
			end := strings.Index(s[i+2:], "#}")
			if end < 0 {
				return false
			}
			i += 2 + end + 2
		default:
			if depth == 0 {
				return false // text at the top level
			}
			i++
		}
	}
	return nodes == 1 && depth == 0
}

// closeTag finds the end (just past closer) of a tag whose body starts at
// i, skipping string literals; -1 if it is not closed.
func closeTag(s string, i int, closer string) int {
	var quote byte
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case strings.HasPrefix(s[i:], closer):
			return i + len(closer)
		}
	}
	return -1
}

// actionCtx is one step's action being run.
type actionCtx struct {
	r      *runner
	step   Step
	input  map[string]any
	output map[string]any
	log    *StepLog
}

func (a *actionCtx) logf(format string, args ...any) {
	a.log.Lines = append(a.log.Lines, fmt.Sprintf(format, args...))
}

func (a *actionCtx) runLocal() error {
	switch a.step.Action {
	case "fetch:template":
		return a.fetchTemplate()
	case "fetch:template:file":
		return a.fetchTemplateFile()
	case "fetch:plain":
		return a.fetchPlain()
	case "fetch:plain:file":
		return a.fetchPlainFile()
	case "fs:rename":
		return a.fsRename()
	case "fs:delete":
		return a.fsDelete()
	case "debug:log":
		return a.debugLog()
	}
	return &UnsupportedActionError{StepID: a.step.ID, Action: a.step.Action}
}

// str reads a string input: ok false when absent, an error when not a string
// (Backstage validates inputs against the action's JSON Schema).
func (a *actionCtx) str(key string, required bool) (string, bool, error) {
	v, ok := a.input[key]
	if !ok || v == nil {
		if required {
			return "", false, fmt.Errorf("input %s is required", key)
		}
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", false, fmt.Errorf("input %s must be a string, not %s", key, describe(v))
	}
	return s, true, nil
}

func (a *actionCtx) boolean(key string) (bool, error) {
	v, ok := a.input[key]
	if !ok || v == nil {
		return false, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("input %s must be a boolean, not %s", key, describe(v))
	}
	return b, nil
}

func (a *actionCtx) strings(key string) ([]string, bool, error) {
	v, ok := a.input[key]
	if !ok || v == nil {
		return nil, false, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, false, fmt.Errorf("input %s must be an array of strings, not %s", key, describe(v))
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, false, fmt.Errorf("input %s[%d] must be a string, not %s", key, i, describe(e))
		}
		out = append(out, s)
	}
	return out, true, nil
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int, int64, float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any, *nunjucks.Object:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// source resolves a fetch url to a loaded file or directory.
func (a *actionCtx) source(url string, wantDir bool) (string, *node, error) {
	if isAbsURL(url) {
		return "", nil, fmt.Errorf("url %s is a remote URL: only paths in the template's repository are read offline", url)
	}
	p, err := resolveURL(a.r.t.Dir, url)
	if err != nil {
		return "", nil, err
	}
	n := a.r.t.tree.nodes[p]
	if n == nil {
		return "", nil, fmt.Errorf("url %s: %s does not exist in the template's repository", url, p)
	}
	if wantDir && !n.dir {
		return "", nil, fmt.Errorf("url %s: %s is a file, a directory is needed", url, p)
	}
	if !wantDir && n.dir {
		return "", nil, fmt.Errorf("url %s: %s is a directory, a file is needed", url, p)
	}
	return p, n, nil
}

// safeChild is resolveSafeChildPath: p relative to the workspace directory
// base, refused if it leaves the workspace. It returns a clean,
// slash-separated path, "." for the workspace itself.
func safeChild(base, p string) (string, error) {
	if strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("path %s is outside the workspace", p)
	}
	q := path.Clean(path.Join(base, p))
	if q == ".." || strings.HasPrefix(q, "../") {
		return "", fmt.Errorf("path %s is outside the workspace", p)
	}
	return q, nil
}

// engine returns the engine for a fetch:template step's options.
func (a *actionCtx) engine(o EngineOptions) (Renderer, error) {
	if o == (EngineOptions{}) {
		return a.r.opts.Engine, nil
	}
	return a.r.opts.NewEngine(o)
}

func (a *actionCtx) templateEngine() (Renderer, map[string]any, bool, error) {
	cc, err := a.boolean("cookiecutterCompat")
	if err != nil {
		return nil, nil, false, err
	}
	trim, err := a.boolean("trimBlocks")
	if err != nil {
		return nil, nil, false, err
	}
	lstrip, err := a.boolean("lstripBlocks")
	if err != nil {
		return nil, nil, false, err
	}
	replace, err := a.boolean("replace")
	if err != nil {
		return nil, nil, false, err
	}
	if v, ok := a.input["values"]; ok && v != nil {
		if !isObject(v) {
			return nil, nil, false, fmt.Errorf("input values must be an object, not %s", describe(v))
		}
	}
	eng, err := a.engine(EngineOptions{Cookiecutter: cc, TrimBlocks: trim, LstripBlocks: lstrip})
	if err != nil {
		return nil, nil, false, err
	}
	key := "values"
	if cc {
		key = "cookiecutter"
	}
	return eng, map[string]any{key: a.input["values"]}, replace, nil
}

// fetchTemplate is fetch:template: the skeleton at url, its file and
// directory names and its text files rendered with ${{ values }}, into
// targetPath.
func (a *actionCtx) fetchTemplate() error {
	url, _, err := a.str("url", true)
	if err != nil {
		return err
	}
	target, ok, err := a.str("targetPath", false)
	if err != nil {
		return err
	}
	if !ok {
		target = "./"
	}
	withoutRender, hasWithoutRender, err := a.strings("copyWithoutRender")
	if err != nil {
		return err
	}
	withoutTemplating, hasWithoutTemplating, err := a.strings("copyWithoutTemplating")
	if err != nil {
		return err
	}
	if hasWithoutRender && hasWithoutTemplating {
		return errors.New("fetch action input copyWithoutRender and copyWithoutTemplating can not be used at the same time")
	}
	copyOnly, renderFilename := withoutTemplating, true
	if hasWithoutRender {
		copyOnly, renderFilename = withoutRender, false
		a.logf("[Deprecated] copyWithoutRender is deprecated Please use copyWithoutTemplating instead.")
	}
	var extension string
	switch x := a.input["templateFileExtension"].(type) {
	case nil:
	case bool:
		if x {
			extension = ".njk"
		}
	case string:
		extension = x
	default:
		return fmt.Errorf("input templateFileExtension must be a string or a boolean, not %s", describe(x))
	}
	cc, _ := a.input["cookiecutterCompat"].(bool)
	if extension != "" && (hasWithoutRender || hasWithoutTemplating || cc) {
		return errors.New("fetch action input extension incompatible with copyWithoutRender/copyWithoutTemplating and cookiecutterCompat")
	}
	if extension != "" && !strings.HasPrefix(extension, ".") {
		extension = "." + extension
	}
	eng, tctx, replace, err := a.templateEngine()
	if err != nil {
		return err
	}
	outDir, err := safeChild(".", target)
	if err != nil {
		return err
	}
	src, _, err := a.source(url, true)
	if err != nil {
		return err
	}
	entries := a.r.t.tree.list(src)
	nonTemplated, err := matchGlobs(copyOnly, entries)
	if err != nil {
		return err
	}
	for _, e := range entries {
		location := e.rel
		if e.n.dir {
			location += "/"
		}
		var renderContents bool
		out := location
		if extension != "" {
			renderContents = extname(out) == extension
			if renderContents {
				out = out[:len(out)-len(extension)]
			}
			out, err = eng.Render(location, out, tctx)
		} else {
			renderContents = !nonTemplated[e.rel]
			if renderFilename || renderContents {
				out, err = eng.Render(location, out, tctx)
			}
		}
		if err != nil {
			return fmt.Errorf("render the name %s: %w", location, err)
		}
		if out == "" || strings.HasPrefix(out, "/") || strings.Contains(out, "//") {
			continue // a name rendered empty: skipped, with what it holds
		}
		dest, err := safeChild(outDir, out)
		if err != nil {
			return fmt.Errorf("%s renders to %s: %w", location, out, err)
		}
		if a.r.ws.exists(dest) && !replace {
			continue
		}
		if e.n.dir {
			if err := a.r.ws.mkdirChecked(dest); err != nil {
				return fmt.Errorf("%s renders to %s: %w", location, out, err)
			}
			continue
		}
		if a.r.ws.isDir(dest) {
			return fmt.Errorf("%s renders to %s, a directory in the workspace", location, out)
		}
		from := path.Join(src, e.rel)
		if isBinary(e.n.data) {
			if err := a.r.ws.putChecked(dest, e.n.mode, e.n.data, from); err != nil {
				return err
			}
			continue
		}
		text := lossyUTF8(e.n.data)
		if renderContents {
			text, err = eng.Render(from, text, tctx)
			if err != nil {
				return fmt.Errorf("render %s: %w", location, err)
			}
		}
		mode := e.n.mode &^ 0o022
		if old, ok := a.r.ws.files[dest]; ok {
			mode = old.mode // writing an existing file keeps its mode
		}
		if err := a.r.ws.putChecked(dest, mode, []byte(text), from); err != nil {
			return err
		}
	}
	return nil
}

// fetchTemplateFile is fetch:template:file: one file rendered to targetPath.
func (a *actionCtx) fetchTemplateFile() error {
	url, _, err := a.str("url", true)
	if err != nil {
		return err
	}
	target, _, err := a.str("targetPath", true)
	if err != nil {
		return err
	}
	eng, tctx, replace, err := a.templateEngine()
	if err != nil {
		return err
	}
	src, n, err := a.source(url, false)
	if err != nil {
		return err
	}
	dest, err := safeChild(".", target)
	if err != nil {
		return err
	}
	if a.r.ws.exists(dest) && !replace {
		a.logf("File %s already exists in workspace, not replacing.", target)
		return nil
	}
	text, err := eng.Render(src, lossyUTF8(n.data), tctx)
	if err != nil {
		return fmt.Errorf("render %s: %w", url, err)
	}
	mode := fs.FileMode(0o644)
	if old, ok := a.r.ws.files[dest]; ok {
		mode = old.mode
	}
	return a.r.ws.putChecked(dest, mode, []byte(text), src)
}

// fetchPlain is fetch:plain: the directory at url copied as it is to
// targetPath, over what is there.
func (a *actionCtx) fetchPlain() error {
	url, _, err := a.str("url", true)
	if err != nil {
		return err
	}
	target, ok, err := a.str("targetPath", false)
	if err != nil {
		return err
	}
	if !ok {
		target = "./"
	}
	outDir, err := safeChild(".", target)
	if err != nil {
		return err
	}
	src, _, err := a.source(url, true)
	if err != nil {
		return err
	}
	a.r.ws.mkdir(outDir)
	for _, e := range a.r.t.tree.list(src) {
		dest := path.Join(outDir, e.rel)
		if e.n.dir {
			if a.r.ws.files[dest] != nil {
				return fmt.Errorf("cannot copy directory %s over the file %s", e.rel, dest)
			}
			a.r.ws.mkdir(dest)
			continue
		}
		if err := a.r.ws.putChecked(dest, e.n.mode, e.n.data, path.Join(src, e.rel)); err != nil {
			return err
		}
	}
	return nil
}

// fetchPlainFile is fetch:plain:file: the file at url copied to targetPath.
func (a *actionCtx) fetchPlainFile() error {
	url, _, err := a.str("url", true)
	if err != nil {
		return err
	}
	target, _, err := a.str("targetPath", true)
	if err != nil {
		return err
	}
	src, n, err := a.source(url, false)
	if err != nil {
		return err
	}
	dest, err := safeChild(".", target)
	if err != nil {
		return err
	}
	return a.r.ws.putChecked(dest, n.mode, n.data, src)
}

// fsRename is fs:rename: files [{from, to, overwrite}] moved in the workspace.
func (a *actionCtx) fsRename() error {
	list, ok := a.input["files"].([]any)
	if !ok {
		return errors.New("files must be an Array")
	}
	for _, item := range list {
		fromV, _ := field(item, "from")
		toV, _ := field(item, "to")
		from, _ := fromV.(string)
		to, _ := toV.(string)
		if from == "" || to == "" {
			return errors.New("each file must have a from and to property")
		}
		overwriteV, _ := field(item, "overwrite")
		overwrite, _ := overwriteV.(bool)
		src, err := safeChild(".", from)
		if err != nil {
			return err
		}
		dst, err := safeChild(".", to)
		if err != nil {
			return err
		}
		if err := a.r.ws.move(src, dst, overwrite); err != nil {
			return fmt.Errorf("rename %s to %s: %w", from, to, err)
		}
		a.logf("File %s renamed to %s successfully", from, to)
	}
	return nil
}

// fsDelete is fs:delete: files (paths, or glob patterns as in recent
// Backstage) removed from the workspace, directories with what they hold;
// a path naming nothing is not an error, one leaving the workspace is.
func (a *actionCtx) fsDelete() error {
	files, ok, err := a.strings("files")
	if err != nil || !ok {
		return errors.New("files must be an Array")
	}
	for _, f := range files {
		f = strings.ReplaceAll(f, `\`, "/") // .\file, as Windows users write it
		p, err := safeChild(".", f)
		if err != nil {
			return err
		}
		if !strings.ContainsAny(f, "*?[{") {
			a.r.ws.remove(p)
			a.logf("File %s deleted successfully", f)
			continue
		}
		re, err := globRegexp(p)
		if err != nil {
			return fmt.Errorf("pattern %q: %w", f, err)
		}
		for _, q := range a.r.ws.paths() {
			if re.MatchString(q) && a.r.ws.exists(q) {
				a.r.ws.remove(q)
				a.logf("File %s deleted successfully", q)
			}
		}
	}
	return nil
}

// debugLog is debug:log: the message, and the workspace listing when asked.
func (a *actionCtx) debugLog() error {
	if msg, ok := a.input["message"]; ok && msg != nil {
		if s, ok := msg.(string); ok {
			a.logf("%s", s)
		} else {
			b, _ := json.Marshal(toPlain(msg))
			a.logf("%s", b)
		}
	}
	switch lw := a.input["listWorkspace"].(type) {
	case bool:
		if lw {
			a.listWorkspace(false)
		}
	case string:
		switch lw {
		case "with-filenames":
			a.listWorkspace(false)
		case "with-contents":
			a.listWorkspace(true)
		}
	}
	return nil
}

func (a *actionCtx) listWorkspace(contents bool) {
	for _, p := range a.r.ws.filePaths() {
		if contents {
			a.logf("%s:\n%s", p, a.r.ws.files[p].data)
		} else {
			a.logf("%s", p)
		}
	}
}

// publishGitLab is publish:gitlab, not run: its repoUrl parsed for the
// platform's publishing, its output what the action returns.
func (a *actionCtx) publishGitLab() (*Publish, error) {
	repoURL, _, err := a.str("repoUrl", true)
	if err != nil {
		return nil, err
	}
	host, owner, repo, err := ParseRepoURL(repoURL)
	if err != nil {
		return nil, err
	}
	if owner == "" {
		return nil, fmt.Errorf("No owner provided for host: %s, and repo %s", host, repo)
	}
	branch, ok, err := a.str("defaultBranch", false)
	if err != nil {
		return nil, err
	}
	if !ok || branch == "" {
		branch = "master"
	}
	sourcePath, _, err := a.str("sourcePath", false)
	if err != nil {
		return nil, err
	}
	remote := "https://" + host + "/" + owner + "/" + repo
	a.output["remoteUrl"] = remote
	a.output["repoContentsUrl"] = remote + "/-/blob/" + branch
	a.log.Reason = fmt.Sprintf("publishes to %s/%s on %s: done by the platform with --publish", owner, repo, host)
	return &Publish{StepID: a.step.ID, RepoURL: repoURL, Host: host, Owner: owner, Repo: repo,
		DefaultBranch: branch, SourcePath: sourcePath, Input: toPlain(a.input).(map[string]any)}, nil
}

// catalogRegister is catalog:register, skipped: it says what it would register.
func (a *actionCtx) catalogRegister() error {
	infoURL, ok, err := a.str("catalogInfoUrl", false)
	if err != nil {
		return err
	}
	if !ok {
		contents, _, err := a.str("repoContentsUrl", false)
		if err != nil {
			return err
		}
		p, ok, err := a.str("catalogInfoPath", false)
		if err != nil {
			return err
		}
		if !ok {
			p = "/catalog-info.yaml"
		}
		infoURL = contents + p
		a.log.Reason = fmt.Sprintf("would register %s in the catalog: not done locally", p)
	} else {
		a.log.Reason = fmt.Sprintf("would register %s in the catalog: not done locally", infoURL)
	}
	a.output["catalogInfoUrl"] = infoURL
	return nil
}

// ParseRepoURL reads a RepoUrlPicker value, host?owner=group&repo=name, as
// Backstage's parseRepoUrl does (for GitLab the owner may hold subgroups).
func ParseRepoURL(s string) (host, owner, repo string, err error) {
	u, perr := url.Parse("https://" + s)
	if perr != nil || u.Host == "" {
		return "", "", "", fmt.Errorf("invalid repo URL %q: want host?owner=group&repo=name", s)
	}
	q := u.Query()
	repo = q.Get("repo")
	if repo == "" {
		return "", "", "", fmt.Errorf("Invalid repo URL passed to publisher: https://%s, missing repo", s)
	}
	return u.Host, q.Get("owner"), repo, nil
}

// extname is Node's path.extname.
func extname(p string) string {
	p = strings.TrimRight(p, "/")
	base := path.Base(p)
	i := strings.LastIndex(base, ".")
	if i <= 0 {
		return ""
	}
	return base[i:]
}

// lossyUTF8 is what Node's readFile(path, 'utf-8') makes of bytes: invalid
// sequences become U+FFFD.
func lossyUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			sb.WriteRune(utf8.RuneError)
		} else {
			sb.Write(b[:n])
		}
		b = b[n:]
	}
	return sb.String()
}

// isBinary mirrors the isbinaryfile package Backstage uses to decide which
// files fetch:template copies without rendering: it looks at the first 512
// bytes; an empty file is text; a UTF-8, UTF-16 or UTF-32 (or GB 18030)
// byte-order mark means text, a %PDF- header binary; a NUL byte means
// binary; otherwise bytes that are neither printable ASCII, control
// characters 7-14, nor part of a valid UTF-8 sequence are suspicious, and
// more than 10% of them means binary. (isbinaryfile's last heuristic, for
// protocol buffers, is not reproduced.)
func isBinary(b []byte) bool {
	n := min(len(b), 512)
	if n == 0 {
		return false
	}
	b = b[:n]
	switch {
	case bytes.HasPrefix(b, []byte{0xef, 0xbb, 0xbf}),
		bytes.HasPrefix(b, []byte{0x00, 0x00, 0xfe, 0xff}),
		bytes.HasPrefix(b, []byte{0xff, 0xfe, 0x00, 0x00}),
		bytes.HasPrefix(b, []byte{0x84, 0x31, 0x95, 0x33}):
		return false
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return true
	case bytes.HasPrefix(b, []byte{0xfe, 0xff}), bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		return false
	}
	cont := func(c byte) bool { return c >= 0x80 && c <= 0xbf }
	suspicious := 0
	for i := 0; i < n; i++ {
		c := b[i]
		if c == 0 {
			return true
		}
		if (c >= 7 && c <= 14) || (c >= 32 && c <= 127) {
			continue
		}
		switch {
		case c >= 0xc0 && c <= 0xdf && i+1 < n:
			i++
			if cont(b[i]) {
				continue
			}
		case c >= 0xe0 && c <= 0xef && i+2 < n:
			i++
			if cont(b[i]) && cont(b[i+1]) {
				i++
				continue
			}
		case c >= 0xf0 && c <= 0xf7 && i+3 < n:
			i++
			if cont(b[i]) && cont(b[i+1]) && cont(b[i+2]) {
				i += 2
				continue
			}
		}
		suspicious++
		if i >= 32 && float64(suspicious*100)/float64(n) > 10 {
			return true
		}
	}
	return float64(suspicious*100)/float64(n) > 10
}

// orderedParameters is values in the form's order (order first, then the
// others sorted), or values itself when no order is given.
func orderedParameters(values map[string]any, order []string) any {
	if len(order) == 0 {
		return values
	}
	obj := nunjucks.NewObject()
	for _, k := range order {
		if v, ok := values[k]; ok {
			obj.Set(k, v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		if !slices.Contains(order, k) {
			obj.Set(k, values[k])
		}
	}
	return obj
}
