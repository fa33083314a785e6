package backstage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/platform-team/platform/internal/nunjucks"
)

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

// inputs reads an action's inputs as Backstage's JSON Schema for the action
// checks them, remembering the first one missing or of the wrong type: an
// action reads what it needs, then checks err once.
type inputs struct {
	m   map[string]any
	err error
}

func (in *inputs) fail(format string, args ...any) {
	if in.err == nil {
		in.err = fmt.Errorf(format, args...)
	}
}

// value returns the input key, nil when absent or null.
func (in *inputs) value(key string) any { return in.m[key] }

// str returns a string input and whether it was given.
func (in *inputs) str(key string) (string, bool) {
	v := in.value(key)
	if v == nil {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		in.fail("input %s must be a string, not %s", key, describe(v))
	}
	return s, ok
}

// required returns a string input that must be given.
func (in *inputs) required(key string) string {
	s, ok := in.str(key)
	if !ok && in.value(key) == nil {
		in.fail("input %s is required", key)
	}
	return s
}

// optional returns a string input, def when it is not given.
func (in *inputs) optional(key, def string) string {
	if s, ok := in.str(key); ok {
		return s
	}
	return def
}

// boolean returns a boolean input, false when it is not given.
func (in *inputs) boolean(key string) bool {
	v := in.value(key)
	if v == nil {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		in.fail("input %s must be a boolean, not %s", key, describe(v))
	}
	return b
}

// strings returns an array-of-strings input and whether it was given.
func (in *inputs) strings(key string) ([]string, bool) {
	v := in.value(key)
	if v == nil {
		return nil, false
	}
	list, ok := v.([]any)
	if !ok {
		in.fail("input %s must be an array of strings, not %s", key, describe(v))
		return nil, false
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			in.fail("input %s[%d] must be a string, not %s", key, i, describe(e))
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
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
	in := &inputs{m: a.input}
	cc, trim, lstrip, replace := in.boolean("cookiecutterCompat"), in.boolean("trimBlocks"), in.boolean("lstripBlocks"), in.boolean("replace")
	if in.err != nil {
		return nil, nil, false, in.err
	}
	if v := in.value("values"); v != nil && !isObject(v) {
		return nil, nil, false, fmt.Errorf("input values must be an object, not %s", describe(v))
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
	args := &inputs{m: a.input}
	url, target := args.required("url"), args.optional("targetPath", "./")
	if args.err != nil {
		return args.err
	}
	in, err := a.fetchTemplateInputs()
	if err != nil {
		return err
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
	nonTemplated, err := matchGlobs(in.copyOnly, entries)
	if err != nil {
		return err
	}
	for _, e := range entries {
		c := templateCopy{src: src, outDir: outDir, eng: eng, ctx: tctx, replace: replace, extension: in.extension,
			renderName: in.renderFilename, renderContents: !nonTemplated[e.rel]}
		if err := a.copyTemplated(e, c); err != nil {
			return err
		}
	}
	return nil
}

// fetchTemplateInputs are fetch:template's inputs about what is rendered.
type fetchTemplateInputs struct {
	// copyOnly are the globs of files whose contents are not rendered.
	copyOnly []string
	// renderFilename is false with copyWithoutRender: their names are not
	// rendered either.
	renderFilename bool
	// extension is templateFileExtension: only files with it are rendered,
	// and it is dropped from their names.
	extension string
}

// fetchTemplateInputs reads and checks those inputs, as the action does.
func (a *actionCtx) fetchTemplateInputs() (fetchTemplateInputs, error) {
	args := &inputs{m: a.input}
	withoutRender, hasWithoutRender := args.strings("copyWithoutRender")
	withoutTemplating, hasWithoutTemplating := args.strings("copyWithoutTemplating")
	if args.err != nil {
		return fetchTemplateInputs{}, args.err
	}
	if hasWithoutRender && hasWithoutTemplating {
		return fetchTemplateInputs{}, errors.New("fetch action input copyWithoutRender and copyWithoutTemplating can not be used at the same time")
	}
	in := fetchTemplateInputs{copyOnly: withoutTemplating, renderFilename: true}
	if hasWithoutRender {
		in.copyOnly, in.renderFilename = withoutRender, false
		a.logf("[Deprecated] copyWithoutRender is deprecated Please use copyWithoutTemplating instead.")
	}
	switch x := a.input["templateFileExtension"].(type) {
	case nil:
	case bool:
		if x {
			in.extension = ".njk"
		}
	case string:
		in.extension = x
	default:
		return fetchTemplateInputs{}, fmt.Errorf("input templateFileExtension must be a string or a boolean, not %s", describe(x))
	}
	cc, _ := a.input["cookiecutterCompat"].(bool)
	if in.extension != "" && (hasWithoutRender || hasWithoutTemplating || cc) {
		return fetchTemplateInputs{}, errors.New("fetch action input extension incompatible with copyWithoutRender/copyWithoutTemplating and cookiecutterCompat")
	}
	if in.extension != "" && !strings.HasPrefix(in.extension, ".") {
		in.extension = "." + in.extension
	}
	return in, nil
}

// templateCopy is how fetch:template copies one entry of its source.
type templateCopy struct {
	src, outDir string
	eng         Renderer
	ctx         map[string]any
	replace     bool
	extension   string
	// renderName and renderContents say what is rendered when there is
	// no extension (copyWithoutTemplating and copyWithoutRender).
	renderName, renderContents bool
}

// copyTemplated writes one file or directory of a fetch:template source
// into the workspace: its name rendered (skipped when that is empty), its
// contents rendered unless binary or excluded, existing files kept unless
// replace.
func (a *actionCtx) copyTemplated(e entry, c templateCopy) error {
	location := e.rel
	if e.n.dir {
		location += "/"
	}
	var err error
	out := location
	renderContents := c.renderContents
	if c.extension != "" {
		renderContents = extname(out) == c.extension
		if renderContents {
			out = out[:len(out)-len(c.extension)]
		}
		out, err = c.eng.Render(location, out, c.ctx)
	} else if c.renderName || renderContents {
		out, err = c.eng.Render(location, out, c.ctx)
	}
	if err != nil {
		return fmt.Errorf("render the name %s: %w", location, err)
	}
	if out == "" || strings.HasPrefix(out, "/") || strings.Contains(out, "//") {
		return nil // a name rendered empty: skipped, with what it holds
	}
	dest, err := safeChild(c.outDir, out)
	if err != nil {
		return fmt.Errorf("%s renders to %s: %w", location, out, err)
	}
	if a.r.ws.exists(dest) && !c.replace {
		return nil
	}
	if e.n.dir {
		if err := a.r.ws.mkdirChecked(dest); err != nil {
			return fmt.Errorf("%s renders to %s: %w", location, out, err)
		}
		return nil
	}
	if a.r.ws.isDir(dest) {
		return fmt.Errorf("%s renders to %s, a directory in the workspace", location, out)
	}
	from := path.Join(c.src, e.rel)
	if isBinary(e.n.data) {
		return a.r.ws.putChecked(dest, e.n.mode, e.n.data, from)
	}
	text := lossyUTF8(e.n.data)
	if renderContents {
		if text, err = c.eng.Render(from, text, c.ctx); err != nil {
			return fmt.Errorf("render %s: %w", location, err)
		}
	}
	mode := e.n.mode &^ 0o022
	if old, ok := a.r.ws.files[dest]; ok {
		mode = old.mode // writing an existing file keeps its mode
	}
	return a.r.ws.putChecked(dest, mode, []byte(text), from)
}

// fetchTemplateFile is fetch:template:file: one file rendered to targetPath.
func (a *actionCtx) fetchTemplateFile() error {
	args := &inputs{m: a.input}
	url, target := args.required("url"), args.required("targetPath")
	if args.err != nil {
		return args.err
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
	args := &inputs{m: a.input}
	url, target := args.required("url"), args.optional("targetPath", "./")
	if args.err != nil {
		return args.err
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
	args := &inputs{m: a.input}
	url, target := args.required("url"), args.required("targetPath")
	if args.err != nil {
		return args.err
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
	args := &inputs{m: a.input}
	files, ok := args.strings("files")
	if args.err != nil || !ok {
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
	args := &inputs{m: a.input}
	repoURL, branch, sourcePath := args.required("repoUrl"), args.optional("defaultBranch", ""), args.optional("sourcePath", "")
	if args.err != nil {
		return nil, args.err
	}
	if branch == "" {
		branch = "master"
	}
	host, owner, repo, err := ParseRepoURL(repoURL)
	if err != nil {
		return nil, err
	}
	if owner == "" {
		return nil, fmt.Errorf("No owner provided for host: %s, and repo %s", host, repo)
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
	args := &inputs{m: a.input}
	infoURL, given := args.str("catalogInfoUrl")
	contents, p := args.optional("repoContentsUrl", ""), args.optional("catalogInfoPath", "/catalog-info.yaml")
	if args.err != nil {
		return args.err
	}
	if given {
		a.log.Reason = fmt.Sprintf("would register %s in the catalog: not done locally", infoURL)
	} else {
		infoURL = contents + p
		a.log.Reason = fmt.Sprintf("would register %s in the catalog: not done locally", p)
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
