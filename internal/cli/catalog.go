package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/atomicfile"
	"github.com/platform-team/platform/internal/catalog"
	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/catalogrules"
	"github.com/platform-team/platform/internal/lint/report"
	"github.com/platform-team/platform/internal/wizard"
)

func newCatalogCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Write and check catalog-info.yaml, the repository's Backstage descriptor",
		Args:  exactArgs(0, "a subcommand such as 'validate'"),
	}
	cmd.AddCommand(newCatalogValidateCmd(f, nil), newCatalogInitCmd(f, nil))
	return cmd
}

// catalogServiceDir is the repository a catalog command checks in: the
// directory FILE is in (a directory FILE is the repository itself).
func catalogServiceDir(file string) string {
	if file == "" {
		return "."
	}
	if info, err := os.Stat(file); err == nil && info.IsDir() {
		return file
	}
	return filepath.Dir(file)
}

// catalogLintSetup returns the settings and rules the catalog commands check
// with, as 'platform lint' would in the repository whose settings cfg holds
// (nil: the defaults): the default lifecycles, or platform.yaml's
// lint.lifecycles; its lint.rules severities for the catalog rules; and the
// repository's GitLab project. A platform.yaml that cannot be read is
// returned as the error, with the defaults.
func catalogLintSetup(annotationPrefix string, cfg *config.Config, project string) (lint.Settings, []lint.Rule, error) {
	settings := lint.Settings{AnnotationPrefix: annotationPrefix, Lifecycles: lint.DefaultLifecycles, GitLabProject: project}
	rules := catalogrules.Rules()
	svc := &config.Service{}
	if cfg != nil {
		if cfg.ServiceErr != nil {
			return settings, rules, cfg.ServiceErr
		}
		svc = cfg.Service
	}
	settings.Lifecycles = orDefault(svc.Lint.Lifecycles, lint.DefaultLifecycles)
	settings.CatalogKinds = svc.Catalog.Kinds
	all, err := lint.ParseSeverities(svc.Lint.Rules)
	if err != nil {
		return settings, rules, fmt.Errorf("platform.yaml: %w", err)
	}
	severities := map[string]lint.Severity{}
	for id, sev := range all {
		// Entries for the other families are not ours to check.
		if _, err := lint.SelectRules(rules, nil, map[string]lint.Severity{id: sev}); err == nil {
			severities[id] = sev
		}
	}
	selected, err := lint.SelectRules(rules, nil, severities)
	if err != nil {
		return settings, rules, err
	}
	return settings, selected, nil
}

// CatalogValidateOptions are the inputs of `platform catalog validate`.
type CatalogValidateOptions struct {
	IO *iostreams.IOStreams
	// File is the descriptor to check, or a directory holding one; "" means
	// ./catalog-info.yaml.
	File string
	// AnnotationPrefix is the organisation's annotation domain.
	AnnotationPrefix string
	// Config holds the settings of FILE's repository, with its platform.yaml;
	// nil means the defaults.
	Config *config.Config
	// GitLabProject is FILE's repository's GitLab project, "" when unknown.
	GitLabProject string
}

func newCatalogValidateCmd(f *Factory, runF func(context.Context, *CatalogValidateOptions) error) *cobra.Command {
	opts := &CatalogValidateOptions{}
	cmd := &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check catalog-info.yaml as the Backstage catalog will, plus the platform's policy",
		Long: `Check a catalog-info.yaml the way the Backstage catalog checks it when it
ingests the file, and against the platform's catalog policy: owners are groups,
lifecycles are known ones, documentation is published with TechDocs, and
gitlab.com/project-slug names this repository's GitLab project.

These are the catalog/* rules of 'platform lint', run on one file. Findings are
printed as 'platform lint' prints them: the file, then one line per finding,
LINE:COLUMN SEVERITY MESSAGE RULE, with a hint below it.

FILE defaults to ./catalog-info.yaml; a directory means the catalog-info.yaml
inside it. The files next to it matter: mkdocs.yml and docs/ for the TechDocs
check, platform.yaml and the git remote (upstream, gitlab or origin) for the
GitLab project.

Exits 1 when the catalog would reject the file (an error), 0 when it accepts it,
warnings or not, and 2 when FILE does not exist.`,
		Example: `  # In the repository's root
  platform catalog validate

  # Another file, or the catalog-info.yaml of a directory
  platform catalog validate services/payments/catalog-info.yaml
  platform catalog validate services/payments`,
		Args: maxArgs(1, "one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			opts.IO = f.IOStreams
			opts.AnnotationPrefix = f.Config.AnnotationPrefix
			opts.Config = f.Config
			opts.GitLabProject = f.GitLabTarget(GitLabOptions{}).ProjectOrNone(catalogServiceDir(opts.File))
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runCatalogValidate(cmd.Context(), opts)
		},
	}
	inService(f, cmd, func(_ *cobra.Command, args []string) (string, string) {
		if len(args) == 1 {
			return catalogServiceDir(args[0]), ""
		}
		return ".", ""
	})
	return cmd
}

func runCatalogValidate(ctx context.Context, opts *CatalogValidateOptions) error {
	file, err := catalogFileArg(opts.File)
	if err != nil {
		return err
	}
	data, err := readCatalogFile(file)
	if err != nil {
		return usageErrorf("%w", err)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return usageErrorf("%s: %w", file, err)
	}
	dir := filepath.Dir(abs)
	// The rules apply to files by name; FILE is checked as a
	// catalog-info.yaml whatever it is called.
	name := filepath.Base(file)
	if !slices.Contains(catalogrules.FileNames, name) {
		name = catalogrules.FileNames[0]
	}
	out, st := opts.IO.Out, opts.IO.Styles()
	settings, rules, err := catalogLintSetup(opts.AnnotationPrefix, opts.Config, opts.GitLabProject)
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "%s %v; checking with the default settings\n", st.WarningIcon(), err)
	}
	repo := lint.NewRepo(dir, settings, []*lint.File{lint.NewFile(name, data)})
	findings := lint.Check(ctx, repo, rules, 1)
	if err := ctx.Err(); err != nil {
		return err
	}

	if err := printFindings(out, opts.IO.ColorEnabled(), file, findings); err != nil {
		return err
	}
	if len(findings) > 0 {
		fmt.Fprintln(out)
	}
	errs, warnings, infos := countSeverities(findings)
	switch {
	case errs > 0:
		fmt.Fprintf(out, "%s %s: %s: the Backstage catalog would reject it\n", st.FailureIcon(), file, tally(errs, warnings, infos))
		return &SilentError{Code: ExitCheckFailed}
	case warnings+infos > 0:
		fmt.Fprintf(out, "%s %s is valid, with %s\n", st.WarningIcon(), file, tally(errs, warnings, infos))
	default:
		fmt.Fprintf(out, "%s %s is valid\n", st.SuccessIcon(), file)
	}
	return nil
}

// maxCatalogFile is the largest catalog-info.yaml validate reads: Backstage
// refuses far smaller entities, and a huge file would only exhaust memory.
const maxCatalogFile = 10 << 20

// readCatalogFile reads FILE if it is a regular file of at most maxCatalogFile bytes.
func readCatalogFile(file string) ([]byte, error) {
	info, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", file)
	}
	tooBig := fmt.Errorf("%s is larger than %d MiB: it is not a catalog-info.yaml", file, maxCatalogFile>>20)
	if info.Size() > maxCatalogFile {
		return nil, tooBig
	}
	fh, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxCatalogFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	if len(data) > maxCatalogFile {
		return nil, tooBig
	}
	return data, nil
}

// catalogFileArg resolves FILE: "" is ./catalog-info.yaml, a directory
// holds catalog-info.yaml or catalog-info.yml.
func catalogFileArg(arg string) (string, error) {
	if arg == "" {
		arg = catalogrules.FileNames[0]
	}
	info, err := os.Stat(arg)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", usageErrorf("%s does not exist: give the path of a catalog-info.yaml, or write one with 'platform catalog init'", arg)
	case err != nil:
		return "", usageErrorf("%w", err)
	case !info.IsDir():
		return arg, nil
	}
	for _, name := range catalogrules.FileNames {
		p := filepath.Join(arg, name)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p, nil
		}
	}
	return "", usageErrorf("%s holds no catalog-info.yaml: give the file's path, or write one with 'platform catalog init --dir %s'", arg, arg)
}

// printFindings prints the findings of one file as 'platform lint' does
// (report.TextFindings), under the path the user gave.
func printFindings(w io.Writer, color bool, path string, findings []lint.Finding) error {
	named := make([]lint.Finding, len(findings))
	for i, f := range findings {
		f.Path = path
		named[i] = f
	}
	return report.TextFindings(w, named, report.Options{Color: color})
}

func countSeverities(findings []lint.Finding) (errs, warnings, infos int) {
	for _, f := range findings {
		switch f.Severity {
		case lint.SeverityError:
			errs++
		case lint.SeverityWarning:
			warnings++
		case lint.SeverityInfo:
			infos++
		}
	}
	return errs, warnings, infos
}

// tally says "2 errors, 1 warning", leaving out zero counts.
func tally(errs, warnings, infos int) string {
	var parts []string
	for _, c := range []struct {
		n          int
		one, other string
	}{{errs, "error", "errors"}, {warnings, "warning", "warnings"}, {infos, "info", "infos"}} {
		switch {
		case c.n == 1:
			parts = append(parts, "1 "+c.one)
		case c.n > 1:
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.other))
		}
	}
	return strings.Join(parts, ", ")
}

// CatalogInitOptions are the inputs of `platform catalog init`.
type CatalogInitOptions struct {
	IO *iostreams.IOStreams
	// Dir is the repository to describe; "" is the current directory.
	Dir         string
	Name        string
	Owner       string
	System      string
	Lifecycle   string
	Type        string
	Description string
	// AnnotationPrefix is the organisation's annotation domain.
	AnnotationPrefix string
	// Config holds the settings of Dir's repository, with its platform.yaml;
	// nil means the defaults.
	Config *config.Config
	// GitLabProject is Dir's repository's GitLab project, "" when unknown.
	GitLabProject string
	// AskOwner asks for the owner; nil when prompting is not possible.
	AskOwner func(ctx context.Context) (string, error)
}

func newCatalogInitCmd(f *Factory, runF func(context.Context, *CatalogInitOptions) error) *cobra.Command {
	opts := &CatalogInitOptions{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write catalog-info.yaml for an existing repository",
		Long: `Write a catalog-info.yaml for a repository that has none, so that Backstage can
list it: one Component, named after the directory, with the owner, system,
lifecycle and type you give.

The GitLab project (gitlab.com/project-slug) is taken from the git remote
(upstream, gitlab or origin) when there is one, and the documentation is wired
up for TechDocs (backstage.io/techdocs-ref: dir:.) when mkdocs.yml exists.

The owner is asked for at a terminal; without one, --owner is required. An
existing catalog-info.yaml is never overwritten: edit it, or remove it first.
The result is checked as 'platform catalog validate' checks it before it is
written, and its path is printed on stdout.`,
		Example: `  # In the repository, at a terminal: asks for the owner
  platform catalog init

  # In a script
  platform catalog init --owner group:payments --system checkout --lifecycle production

  # Another directory, a name that differs from the directory's
  platform catalog init --dir ./legacy_billing --name billing --owner group:finance --type website`,
		Args: exactArgs(0, "no arguments (use --dir for another directory)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO = f.IOStreams
			opts.AnnotationPrefix = f.Config.AnnotationPrefix
			opts.Config = f.Config
			opts.GitLabProject = f.GitLabTarget(GitLabOptions{}).ProjectOrNone(catalogServiceDir(opts.Dir))
			if opts.Owner == "" && f.IOStreams.CanPrompt() {
				accessible := f.Config.Accessible
				opts.AskOwner = func(ctx context.Context) (string, error) {
					return askOwner(ctx, f.IOStreams, accessible)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runCatalogInit(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Dir, "dir", "", "describe the repository in `DIR` (default the current directory)")
	fl.StringVar(&opts.Name, "name", "", "entity name (default the directory's name, made a valid Backstage name)")
	fl.StringVar(&opts.Owner, "owner", "", "Backstage owner, a group: e.g. group:payments")
	fl.StringVar(&opts.System, "system", "", "Backstage system the component belongs to")
	fl.StringVar(&opts.Lifecycle, "lifecycle", "experimental", "lifecycle: experimental, production or deprecated")
	fl.StringVar(&opts.Type, "type", "service", "component type, e.g. service, website, library")
	fl.StringVar(&opts.Description, "description", "", "one line saying what the component does")
	inService(f, cmd, func(*cobra.Command, []string) (string, string) { return catalogServiceDir(opts.Dir), "" })
	return cmd
}

func runCatalogInit(ctx context.Context, opts *CatalogInitOptions) error {
	abs, err := initTarget(opts.Dir)
	if err != nil {
		return err
	}
	name := opts.Name
	if name == "" {
		name = catalog.NameFrom(filepath.Base(abs))
		if name == "" {
			return flagErrorf("cannot make a Backstage name from the directory name %q: give one with --name", filepath.Base(abs))
		}
	}
	owner := strings.TrimSpace(opts.Owner)
	if owner == "" {
		if opts.AskOwner == nil {
			return flagErrorf("--owner is required when not running interactively (the Backstage owner, e.g. group:payments)")
		}
		if owner, err = opts.AskOwner(ctx); err != nil {
			return err
		}
	}

	st := opts.IO.Styles()
	settings, rules, err := catalogLintSetup(opts.AnnotationPrefix, opts.Config, opts.GitLabProject)
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "%s %v; checking with the default settings\n", st.WarningIcon(), err)
	}
	_, data, err := catalog.NewComponent(catalog.ComponentOptions{
		Name: name, Description: opts.Description, Type: opts.Type, Lifecycle: opts.Lifecycle,
		Owner: owner, System: opts.System, Project: settings.GitLabProject, TechDocs: hasMkDocs(abs),
	})
	if invalid := (*catalog.InvalidError)(nil); errors.As(err, &invalid) {
		return initProblems(invalid.Entity, invalid.Problems)
	}
	if err != nil {
		return fmt.Errorf("write catalog-info.yaml: %w", err)
	}

	// The catalog accepts it; policy warnings are shown, not fatal.
	fileName := catalogrules.FileNames[0]
	repo := lint.NewRepo(abs, settings, []*lint.File{lint.NewFile(fileName, data)})
	warnings := lint.Check(ctx, repo, rules, 1)

	path := filepath.Join(opts.Dir, fileName)
	if err := writeNewFile(filepath.Join(abs, fileName), data, 0o644); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return usageErrorf("%s already exists: 'platform catalog init' never overwrites it; edit it or remove it first", path)
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := printFindings(opts.IO.ErrOut, opts.IO.ColorEnabled(), path, warnings); err != nil {
		return err
	}
	if opts.IO.IsStderrTTY() {
		fmt.Fprintf(opts.IO.ErrOut, "%s Wrote Component %s owned by %s; commit it, then register it in Backstage\n", st.SuccessIcon(), name, owner)
	}
	fmt.Fprintln(opts.IO.Out, path)
	return nil
}

// initFlags says which flag sets each field init writes, for error messages.
var initFlags = map[string]string{
	"metadata.name":        "--name",
	"metadata.description": "--description",
	"spec.type":            "--type",
	"spec.lifecycle":       "--lifecycle",
	"spec.owner":           "--owner",
	"spec.system":          "--system",
}

// initProblems turns the catalog's problems with the entity init built into
// one usage error naming the flags to fix.
func initProblems(e catalog.Entity, problems []catalog.Problem) error {
	values := map[string]string{
		"metadata.name": e.Metadata.Name, "metadata.description": e.Metadata.Description,
		"spec.type": e.Spec.Type, "spec.lifecycle": e.Spec.Lifecycle, "spec.owner": e.Spec.Owner, "spec.system": e.Spec.System,
	}
	lines := make([]string, 0, len(problems))
	for _, p := range problems {
		what := p.Field
		if flag, ok := initFlags[p.Field]; ok {
			what = fmt.Sprintf("%s %q", flag, values[p.Field])
		}
		lines = append(lines, fmt.Sprintf("  %s: %s", what, p.Message))
	}
	return usageErrorf("the Backstage catalog would reject this catalog-info.yaml, nothing was written:\n%s", strings.Join(lines, "\n"))
}

// initTarget is the absolute path of the repository to describe: a
// directory without a catalog file.
func initTarget(dir string) (string, error) {
	if dir == "" {
		dir = "."
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return "", usageErrorf("%s is not a directory: give the repository's directory with --dir", dir)
	}
	for _, name := range catalogrules.FileNames {
		p := filepath.Join(dir, name)
		if _, err := os.Lstat(p); err == nil {
			return "", usageErrorf("%s already exists: 'platform catalog init' never overwrites it; edit it or remove it first (check it with 'platform catalog validate %s')", p, p)
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", usageErrorf("%s: %w", dir, err)
	}
	return abs, nil
}

// hasMkDocs reports whether the repository at dir has TechDocs' mkdocs.yml.
func hasMkDocs(dir string) bool {
	for _, name := range []string{"mkdocs.yml", "mkdocs.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// writeNewFile writes data to path atomically and never replaces a file
// (an error matching fs.ErrExist when path exists).
func writeNewFile(path string, data []byte, perm fs.FileMode) error {
	return atomicfile.WriteNew(path, data, perm)
}

// ownerForm asks for the owner of the component.
func ownerForm(owner *string) *huh.Form {
	input := huh.NewInput().
		Title("Owner").
		Description("The team that owns this repository in Backstage, e.g. group:payments").
		Value(owner).
		Validate(checkOwner)
	return huh.NewForm(huh.NewGroup(input))
}

// checkOwner accepts an owner reference the catalog can parse.
func checkOwner(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return errors.New("the owner is required, e.g. group:payments")
	}
	if _, _, _, err := catalog.ParseRef(s, "Group", catalog.DefaultNamespace); err != nil {
		return fmt.Errorf("%w; e.g. group:payments", err)
	}
	return nil
}

// askOwner runs the owner form at the terminal. huh returns the value at the
// end of input without validating it, so it is checked again.
func askOwner(ctx context.Context, io *iostreams.IOStreams, accessible bool) (string, error) {
	var owner string
	if err := wizard.ForStreams(io, accessible).Run(ctx, ownerForm(&owner)); err != nil {
		return "", err
	}
	owner = strings.TrimSpace(owner)
	if err := checkOwner(owner); err != nil {
		return "", flagErrorf("owner: %w (or pass --owner)", err)
	}
	return owner, nil
}
