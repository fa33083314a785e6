// Package backstage runs Backstage Software Templates
// (scaffolder.backstage.io/v1beta3, kind Template) in the terminal: it
// reads the template, turns its parameter pages into the platform's
// parameters (flags, wizard, validation), and runs its steps locally,
// writing exactly the files Backstage's scaffolder writes for the same
// answers. Steps with side effects elsewhere (publishing, registering in
// the catalog) are reported as skipped, or run by the platform's own flows.
//
// # Loading
//
// Load reads a template.yaml file, a directory holding one, or a git
// reference GIT_URL//SUBDIR@REF whose SUBDIR is the template's directory or
// its file (cloned through scaffold.Resolver.Checkout, the template cache).
// Fetch urls are relative to the template file's directory and may climb
// with ../ within the readable root: the git repository for a git template;
// for a local one the nearest enclosing directory holding .git, else the
// template's own directory. A url leaving the root is a *StepError wrapping
// ErrEscapesRoot. (Backstage itself refuses ../ for templates registered
// from a file: location and allows it for URL locations; the platform
// allows it within the repository either way.)
//
// Everything is read through an os.Root, into memory, within
// scaffold.Limits (template.yaml 1 MiB, each file 10 MiB, all 100 MiB by
// default): template.yaml, and the tree under each fetch step's literal
// url. A templated url (${{ }} in it) is resolved when the step runs,
// against the template's own directory tree, which is then loaded whole.
// Remote urls (https://...) are not fetched: Check refuses such steps.
// Symbolic links among the files read are refused (ErrSymlink): Backstage
// copies a link as a link, but the platform writes regular files only
// (scaffold.Plan has no links) and a link may point anywhere.
//
// # Running
//
// Run mirrors NunjucksWorkflowRunner: the context is {parameters, steps:
// {ID: {output}}, user: {entity, ref}, context: {task: {id}}}, plus secrets
// for step inputs only (not for if: and not for the output), and each for a
// step with each:. A step is skipped when its if: is false, or a string
// rendering to a falsy value (JavaScript truth, and [] is false); any
// other if: value runs it. Inputs are rendered recursively: a string that
// parses to a single tag (one ${{ expr }}, or one {% %} block) is rendered
// as ${{ (expr) | dump }} and parsed back as JSON, so it keeps its type;
// a string rendering to "" is undefined (dropped from its object, null in
// an array); a string whose render fails is left as it is. Objects keep
// the key order of template.yaml (a JSON round trip keeps it in
// Backstage), which dump and for-loops over objects show.
//
// Unknown actions (fetch:cookiecutter, fetch:rails, catalog:write, custom
// ones) make Check and Run fail before anything runs with an
// *UnsupportedActionError naming the step and the action, unless
// RunOptions.SkipUnsupported, which skips them with a line.
//
// # Actions
//
//   - fetch:template: as Backstage's handler: every entry under url,
//     names rendered (copyWithoutTemplating: names still rendered, contents
//     copied; copyWithoutRender, deprecated: neither), a name rendering to
//     "" (or to a path starting with / or holding //, i.e. an empty
//     directory name) is skipped with what it holds; a name partly empty
//     (".txt") is kept. templateFileExtension true (".njk") or a string
//     renders only the files with that extension, dropping it, and every
//     name. An existing workspace path is kept unless replace: true.
//     Binary files (isbinaryfile's test, see isBinary) are copied as they
//     are with their mode; text files are read as UTF-8 (invalid bytes
//     become U+FFFD, as Node does), rendered with {values} only, and
//     written with the source mode less the usual 022 umask, or keep the
//     mode of the file they replace (fs.outputFile's mode applies on
//     creation only). cookiecutterCompat renders with {{ }} and
//     {cookiecutter: values} and the jsonify filter (Nunjucks'
//     installJinjaCompat extras are not there); trimBlocks and lstripBlocks
//     are refused (the engine does not have them).
//   - fetch:template:file: one file rendered to targetPath (kept unless
//     replace), mode 0644.
//   - fetch:plain, fetch:plain:file: copied as they are over what is there,
//     with their mode.
//   - fs:rename: files [{from, to, overwrite}] as fs-extra's move (the
//     source must exist, the destination must not unless overwrite).
//   - fs:delete: files, paths or glob patterns (recent Backstage), files
//     and directories; nothing there is fine, a path leaving the workspace
//     is an error.
//   - debug:log: message and listWorkspace (true, "with-filenames",
//     "with-contents") recorded in the step's log lines.
//   - publish:gitlab: not run: status "publish", its repoUrl parsed into
//     Result.Publish for the platform's --publish flow, and the output the
//     action returns (remoteUrl https://HOST/OWNER/REPO, repoContentsUrl
//     REMOTE/-/blob/BRANCH, defaultBranch "master" unless given).
//   - catalog:register: skipped, naming what it would register
//     (catalogInfoPath, default /catalog-info.yaml); output catalogInfoUrl.
//   - publish:github*, publish:bitbucket*, github:*, gitlab:*, azure:*,
//     gerrit:*, gitea:*, notification:send: skipped with a line, output
//     empty.
//
// The workspace is in memory; Result.Plan holds its files sorted by path
// for scaffold.Write. Empty directories Backstage would create are not
// kept (git, which publishes the workspace, does not carry them either).
package backstage
