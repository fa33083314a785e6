package backstage

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

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
	if reason := r.skipReason(s); reason != "" {
		log.Status, log.Reason = StatusSkipped, reason
		return log, nil
	}
	iterations, inputs := r.stepInputs(rawInput, rawEach)
	out := map[string]any{}
	for i, input := range inputs {
		iterOut, err := r.act(s, input, &log, res)
		if err != nil {
			var se *StepError
			if errors.As(err, &se) {
				return log, err
			}
			return log, &StepError{StepID: s.ID, Action: s.Action, Err: err}
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

// skipReason says why a step does not run, "" when it runs. Backstage: if:
// false skips; a string is rendered and tested for truth; any other value
// (true, a number) runs the step. An action that cannot run here is skipped
// (Run refuses the template before that unless SkipUnsupported).
func (r *runner) skipReason(s Step) string {
	switch cond := s.If.(type) {
	case bool:
		if !cond {
			return "its if: condition is false"
		}
	case string:
		v, ok := r.render(cond, r.context)
		if !ok || !truthy(v) {
			return fmt.Sprintf("its if: condition %s is false", cond)
		}
	}
	if err := checkStep(s); err != nil {
		why := "unknown action"
		var ue *UnsupportedActionError
		if errors.As(err, &ue) && ue.Why != "" {
			why = ue.Why
		}
		return why + " (--skip-unsupported)"
	}
	return ""
}

// stepInputs renders a step's input once per iteration. each: the action
// runs once per entry of the rendered value (an array's items or an
// object's members), with ${{ each.key }} and ${{ each.value }}; without
// it there is one iteration, nil. Secrets are seen by the inputs only, as
// in Backstage.
func (r *runner) stepInputs(rawInput, rawEach any) (iterations, inputs []map[string]any) {
	iterations = []map[string]any{nil}
	if rawEach != nil {
		v, _ := r.render(rawEach, r.context)
		iterations = eachEntries(v)
	}
	secrets := map[string]any{}
	for k, v := range r.opts.Secrets {
		secrets[k] = v
	}
	inputs = make([]map[string]any, len(iterations))
	for i, it := range iterations {
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
	return iterations, inputs
}

// act runs one iteration of a step's action and returns its output.
func (r *runner) act(s Step, input map[string]any, log *StepLog, res *Result) (map[string]any, error) {
	out := map[string]any{}
	a := &actionCtx{r: r, step: s, input: input, output: out, log: log}
	var err error
	switch ActionKind(s.Action) {
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
	return out, err
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
