package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/bytesize"
	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/report"
)

// LintOptions are the inputs of `platform lint`.
type LintOptions struct {
	IO               *iostreams.IOStreams
	Version          string
	AnnotationPrefix string
	Now              func() time.Time
	// CI is set when running in CI (CI or GITLAB_CI is true): the text report
	// is then plain, without colors, unless CLICOLOR_FORCE asks for them.
	CI bool
	// GitLabCI is set in a GitLab CI job (GITLAB_CI=true): the text report on
	// stdout groups each file's findings in a collapsible job-log section.
	GitLabCI bool
	// ForceColor is CLICOLOR_FORCE: colors even in CI (never over NO_COLOR or --no-color).
	ForceColor bool
	// MaxFileSize is PLATFORM_LINT_MAX_FILE_SIZE as given ("" for the default):
	// larger files are reported as lint/skipped, not read.
	MaxFileSize string

	Paths      []string
	Format     string
	Output     string
	FailOn     string
	Rules      []string
	ConfigFile string
}

func newLintCmd(f *Factory) *cobra.Command {
	opts := &LintOptions{}
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Lint docs, catalog-info.yaml, Kubernetes manifests, .gitlab-ci.yml and secrets",
		Long: `Lint a service repository the way its CI does: Backstage catalog entities,
TechDocs and READMEs, Kubernetes manifests, .gitlab-ci.yml, and committed secrets,
in one walk of the tree and one report.

With one directory (default "."), that directory is the root: finding paths are
relative to it and repository-wide rules (a README exists) run. With files or
several paths, the root is the current directory.

Settings come from platform.yaml at the root (or --config FILE):

  lint:
    failOn: warning                      # error (default), warning, info or none
    rules: {k8s/probes: error, docs/readme-sections: off}
    exclude: ["testdata/**"]
    waivers:
      - {rule: k8s/resources, path: deploy/base/job.yaml, reason: "...", expires: 2027-03-01}

Files ignored by .gitignore, .git/, vendor/, node_modules/ and *.tmpl files are
skipped. Files over 4 MiB (PLATFORM_LINT_MAX_FILE_SIZE, e.g. 16MiB), binary files
and FIFOs or other special files are not read: each is an info finding (lint/skipped).
A file that cannot be read is an error finding (lint/unreadable).

A Kubernetes object can opt out of a rule with the annotation
<annotationPrefix>/lint-ignore: "<rule>: <reason>".

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage or configuration error. A malformed file is a finding, not an error.`,
		Example: `  platform lint
  platform lint --format codequality --output gl-code-quality-report.json
  platform lint --rules 'k8s/*' deploy/
  platform lint --fail-on warning --format sarif --output platform.sarif`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO = f.IOStreams
			opts.Paths = args
			opts.Version = versionString(f.Build)
			opts.AnnotationPrefix = f.Config.AnnotationPrefix
			opts.Now = f.Now
			opts.CI, opts.GitLabCI = detectCI(f.Getenv)
			opts.ForceColor = truthy(f.Getenv("CLICOLOR_FORCE"))
			opts.MaxFileSize = f.Getenv("PLATFORM_LINT_MAX_FILE_SIZE")
			return runLint(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Format, "format", "text", "report format: "+strings.Join(report.Formats, ", "))
	fl.StringVarP(&opts.Output, "output", "o", "", "write the report to `FILE` instead of stdout")
	fl.StringVar(&opts.FailOn, "fail-on", "", "lowest severity that fails: error, warning, info or none (default from platform.yaml, else error)")
	fl.StringSliceVar(&opts.Rules, "rules", nil, "run only the rules matching these `GLOBS` (comma-separated), e.g. 'catalog/*,k8s/image-*'")
	fl.StringVar(&opts.ConfigFile, "config", "", "read lint settings from `FILE` instead of the root's platform.yaml")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("rules", completeRuleIDs)
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"error", "warning", "info", "none"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.AddCommand(newLintRulesCmd(f))
	return cmd
}

func runLint(ctx context.Context, opts *LintOptions) error {
	if !report.Known(opts.Format) {
		return flagErrorf("unknown --format %q: want one of %s", opts.Format, strings.Join(report.Formats, ", "))
	}
	if err := checkOutput(opts.Output); err != nil {
		return err
	}
	var maxSize int64 // 0: the engine's default
	if opts.MaxFileSize != "" {
		n, err := bytesize.Parse(opts.MaxFileSize)
		if err != nil {
			return usageErrorf("PLATFORM_LINT_MAX_FILE_SIZE %q: %v", opts.MaxFileSize, err)
		}
		maxSize = n
	}
	root := "."
	if len(opts.Paths) == 1 {
		if info, err := os.Stat(opts.Paths[0]); err == nil && info.IsDir() {
			root = opts.Paths[0]
		}
	}
	svc, svcFile, err := lintConfig(root, opts.ConfigFile)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	failOn, err := failThreshold(opts.FailOn, svc.Lint.FailOn)
	if err != nil {
		return flagErrorf("%v", err)
	}
	severities := map[string]lint.Severity{}
	for id, s := range svc.Lint.Rules {
		sev, err := lint.ParseSeverity(s)
		if err != nil {
			return usageErrorf("%s: lint.rules.%s: %v", svcFile, id, err)
		}
		severities[id] = sev
	}
	settings := lint.Settings{
		AnnotationPrefix: opts.AnnotationPrefix,
		ReadmeSections:   orDefault(svc.Lint.ReadmeSections, lint.DefaultReadmeSections),
		Lifecycles:       orDefault(svc.Lint.Lifecycles, lint.DefaultLifecycles),
		CatalogKinds:     svc.Catalog.Kinds,
		GitLabProject:    gitlabProject(root, svc),
		WaiverFile:       svcFile,
		Now:              opts.Now(),
	}
	for _, w := range svc.Lint.Waivers {
		settings.Waivers = append(settings.Waivers, lint.Waiver{Rule: w.Rule, Path: w.Path, Reason: w.Reason, Expires: w.Expires, Line: w.Line})
	}
	res, err := lint.Run(ctx, lint.Options{
		Paths:       opts.Paths,
		Rules:       lintRules(),
		Select:      opts.Rules,
		Severities:  severities,
		Exclude:     svc.Lint.Exclude,
		Settings:    settings,
		MaxFileSize: maxSize,
	})
	var pathErr *lint.PathError
	switch {
	case errors.As(err, &pathErr):
		return usageErrorf("%v", err)
	case err != nil && strings.Contains(err.Error(), "matches no rule"):
		return usageErrorf("%v", err)
	case err != nil:
		return err
	}
	if err := writeReport(opts, res); err != nil {
		return err
	}
	if failed(res, failOn) {
		return &SilentError{Code: ExitCheckFailed}
	}
	return nil
}

// checkOutput refuses an --output that cannot be written as a file, before
// the lint runs: a directory, or a file in a directory that does not exist.
func checkOutput(output string) error {
	if output == "" {
		return nil
	}
	if info, err := os.Stat(output); err == nil && info.IsDir() {
		return usageErrorf("--output %s is a directory: name a file, e.g. %s", output, filepath.Join(output, "lint-report.json"))
	}
	if info, err := os.Stat(filepath.Dir(output)); err != nil || !info.IsDir() {
		return usageErrorf("--output %s: directory %s does not exist", output, filepath.Dir(output))
	}
	return nil
}

// lintConfig reads the lint settings: --config FILE, else platform.yaml at the
// root when there is one. It returns the file name findings should point at.
func lintConfig(root, file string) (*config.Service, string, error) {
	path := file
	if path == "" {
		path = filepath.Join(root, config.ServiceFileName)
	}
	svc, err := config.ReadService(path)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist) && file == "":
		return &config.Service{}, config.ServiceFileName, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, "", fmt.Errorf("--config %s: no such file", file)
	default:
		return nil, "", err
	}
	rel := config.ServiceFileName
	if file != "" {
		rel = filepath.ToSlash(file)
		if r, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(r, "..") {
			rel = filepath.ToSlash(r)
		}
	}
	return svc, rel, nil
}

func failThreshold(flag, configured string) (lint.Severity, error) {
	v := flag
	if v == "" {
		v = configured
	}
	if v == "" {
		v = "error"
	}
	if v == "none" {
		return lint.SeverityOff, nil
	}
	sev, err := lint.ParseSeverity(v)
	if err != nil || sev == lint.SeverityOff {
		return 0, fmt.Errorf("--fail-on %q: want error, warning, info or none", v)
	}
	return sev, nil
}

func failed(res *lint.Result, threshold lint.Severity) bool {
	if threshold == lint.SeverityOff {
		return false
	}
	for _, f := range res.Findings {
		if f.Severity >= threshold {
			return true
		}
	}
	return false
}

func orDefault(v, def []string) []string {
	if len(v) > 0 {
		return v
	}
	return def
}

// gitlabProject is platform.yaml's gitlab.project, else the project path of
// the first git remote among upstream, gitlab and origin.
func gitlabProject(root string, svc *config.Service) string {
	if svc.GitLab.Project != "" {
		return svc.GitLab.Project
	}
	url, err := gitx.RemoteURL(root, "upstream", "gitlab", "origin")
	if err != nil {
		return ""
	}
	project, err := gitx.ProjectFromRemote(url)
	if err != nil {
		return ""
	}
	return project
}

// detectCI reports whether the process runs in CI, and in GitLab CI. CI=true
// is set by GitLab, GitHub Actions and most other CI systems.
func detectCI(getenv func(string) string) (ci, gitlab bool) {
	gitlab = getenv("GITLAB_CI") == "true"
	return gitlab || truthy(getenv("CI")), gitlab
}

// truthy is a set boolean environment variable: not empty, 0 or false.
func truthy(v string) bool {
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

// writeReport writes the report to stdout, or atomically to --output with a
// summary line on stderr. A CI job log gets no colors unless forced, and a
// GitLab job log gets collapsible sections; a report file gets neither.
func writeReport(opts *LintOptions, res *lint.Result) error {
	ropts := report.Options{
		Tool:           report.Tool{Name: "platform", Version: opts.Version, RulesURI: "https://platform.example.com/docs/rules/"},
		Color:          opts.IO.ColorEnabled() && (!opts.CI || opts.ForceColor),
		GitLabSections: opts.GitLabCI,
		Now:            opts.Now,
	}
	if opts.Output == "" {
		return report.Write(opts.IO.Out, opts.Format, res, ropts)
	}
	ropts.Color = false
	ropts.GitLabSections = false
	dir := filepath.Dir(opts.Output)
	tmp, err := os.CreateTemp(dir, ".platform-report-*")
	if err != nil {
		return usageErrorf("--output %s: %v", opts.Output, err)
	}
	defer os.Remove(tmp.Name())
	if err := report.Write(tmp, opts.Format, res, ropts); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), opts.Output); err != nil {
		return fmt.Errorf("write %s: %w", opts.Output, err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s (%s report in %s)\n", report.SummaryLine(res), opts.Format, opts.Output)
	return nil
}
