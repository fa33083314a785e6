// Package cli holds the platform commands: flag parsing, wiring and printing,
// one file per command (or per group of subcommands), the domain work below
// in its own packages. Every leaf command has one shape, as gh's do:
//
//   - an exported XOptions holding its flags and its dependencies (IO streams,
//     clock, getenv, template resolver, GitLab target and connector, ...),
//     never the Factory itself;
//   - newXCmd(f, runF), which parses flags into the options, copies the
//     dependencies from the Factory, and calls runF instead of running when
//     a test passes one, to check what was parsed;
//   - runX(ctx, opts), which does the work with nothing but its options, so
//     a test can call it with hand-built ones.
//
// Errors are typed and mapped to exit codes in one place, Run (exit.go).
// The hidden generate command, a build-time tool, is the one exception.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/wizard"
	"github.com/platform-team/platform/templates"
)

// Main runs the CLI with the process's arguments and streams and returns the exit code.
func Main(build BuildInfo) int {
	return MainWithTemplates(build, templates.FS)
}

// MainWithTemplates is Main with embedded another set of templates (one
// directory each, as templates.FS) and the release archives of this binary:
// tests use it to build a binary whose embedded template has a new version.
func MainWithTemplates(build BuildInfo, embedded fs.FS) int {
	f := &Factory{
		IOStreams: iostreams.System(os.Getenv),
		Getenv:    os.Getenv,
		Now:       time.Now,
		Build:     build,
		Templates: embedded,
		Releases:  templates.Releases,
	}
	// SIGHUP (a closed terminal) cleans up like Ctrl-C. Once the first signal
	// has cancelled the run, the handlers go: a second Ctrl-C kills at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	context.AfterFunc(ctx, stop)
	return Run(ctx, f, os.Args[1:])
}

// Run executes one command line and returns its exit code, reporting any error on stderr.
// A panic that slips through a command is reported in one line, never as a
// stack trace (unless --debug asks for it).
func Run(ctx context.Context, f *Factory, args []string) (code int) {
	root := NewRootCmd(f)
	root.SetArgs(args)
	defer func() {
		if r := recover(); r != nil {
			code = reportPanic(f, root, r, debug.Stack())
		}
	}()
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	code = exitCode(err, ctx.Err() != nil)
	var silent *SilentError
	if errors.As(err, &silent) {
		return code
	}
	if code == ExitInterrupted {
		what := "Interrupted"
		if errors.Is(err, wizard.ErrCancelled) {
			what = "Cancelled"
		}
		fmt.Fprintf(f.IOStreams.ErrOut, "%s: nothing was written.\n", what)
		return code
	}
	st := f.IOStreams.Styles()
	fmt.Fprintf(f.IOStreams.ErrOut, "%s %s\n", st.FailureIcon(), err)
	var flagErr *FlagError
	if errors.As(err, &flagErr) || isCobraUsageError(err) {
		fmt.Fprintf(f.IOStreams.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// reportPanic prints a panic as one line and returns ExitInternal; the stack
// trace follows only with --debug.
func reportPanic(f *Factory, root *cobra.Command, r any, stack []byte) int {
	st := f.IOStreams.Styles()
	fmt.Fprintf(f.IOStreams.ErrOut, "%s internal error: %v\n", st.FailureIcon(), r)
	if debugOn, _ := root.PersistentFlags().GetBool("debug"); debugOn {
		f.IOStreams.ErrOut.Write(stack)
	} else {
		fmt.Fprintln(f.IOStreams.ErrOut, "This is a bug in platform: run again with --debug for details, and report it.")
	}
	return ExitInternal
}

func orNone(path string) string {
	if path == "" {
		return "(none)"
	}
	return path
}

// globalOptions are the flags every command has.
type globalOptions struct {
	configFile string
	noColor    bool
	debug      bool
}

// inServiceAnnotation marks the commands that work inside a service
// repository (inService): they load their settings in their own PreRunE.
const inServiceAnnotation = "platform/in-service"

// inService marks cmd as a command that works inside a service repository.
// where says which: its directory, or a settings file that replaces its
// platform.yaml (lint --config FILE). The settings are then loaded with that
// platform.yaml as a layer (Factory.Config.Service), and --debug names it.
// It runs after the flags and arguments are parsed, before RunE.
func inService(f *Factory, cmd *cobra.Command, where func(cmd *cobra.Command, args []string) (dir, file string)) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[inServiceAnnotation] = "true"
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		dir, file := where(cmd, args)
		return f.loadConfig(cmd, f.global, dir, file)
	}
}

// inCurrentService is inService's where for the commands that work in the
// repository of the current directory.
func inCurrentService(*cobra.Command, []string) (dir, file string) { return ".", "" }

// loadConfig layers the settings for cmd, with the platform.yaml of the
// service in dir (or file) when one is given, and applies them to the streams.
func (f *Factory) loadConfig(cmd *cobra.Command, opts *globalOptions, dir, file string) error {
	var configFile string
	var noColor bool
	if opts != nil {
		configFile, noColor = opts.configFile, opts.noColor
	}
	cfg, err := config.Load(config.LoadOptions{
		File:        configFile,
		ServiceDir:  dir,
		ServiceFile: file,
		Getenv:      f.Getenv,
		Flags:       cmd.Flags(),
		Command:     cmd.CommandPath(),
	})
	if err != nil {
		return usageErrorf("%w", err)
	}
	f.Config = cfg
	if f.Debug {
		fmt.Fprintf(f.IOStreams.ErrOut, "debug: user config %s, service config %s\n", orNone(cfg.UserFile), orNone(cfg.ServiceFile))
	}
	if cfg.NoColor || noColor {
		f.IOStreams.SetColorEnabled(false)
	}
	return nil
}

// NewRootCmd builds the command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	opts := &globalOptions{}
	root := &cobra.Command{
		Use:   "platform",
		Short: "Golden paths in the terminal: scaffold, lint, merge requests and promotions",
		Long: `platform gives developers the platform's golden paths in the terminal and in CI:
scaffold a service from a golden- or silver-path template (or a Backstage Software
Template), keep it on its golden path as the template evolves, lint it against the
platform's rules, open merge requests, and promote releases through gated environments.
Platform teams see and update a whole GitLab group with fleet.

Exit codes: 0 success, 1 a check failed, 2 usage or input error, 3 a remote system
failed, 4 authentication missing or refused, 70 internal error, 130 interrupted.`,
		Example: `  platform new service payments --owner group:payments --yes
  platform templates list
  platform update --check
  platform lint --format codequality --output gl-code-quality-report.json
  platform fleet status --group payments`,
		Version:       versionString(f.Build),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			f.Debug = opts.debug
			if cmd.Annotations[inServiceAnnotation] != "" {
				return nil // its PreRunE loads the settings, with the service's platform.yaml
			}
			return f.loadConfig(cmd, opts, "", "")
		},
	}
	root.SetVersionTemplate("platform {{.Version}}\n")
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	root.SetIn(f.IOStreams.In)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{Err: err} })

	// inService's PreRunE reaches the global flags through the Factory.
	f.global = opts

	pf := root.PersistentFlags()
	pf.StringVar(&opts.configFile, "config", "", "read user configuration from `FILE` (default $XDG_CONFIG_HOME/platform/config.yaml)")
	pf.BoolVar(&opts.noColor, "no-color", false, "disable colored output (also NO_COLOR=1)")
	pf.BoolVar(&opts.debug, "debug", false, "print debugging details, such as HTTP traces with tokens redacted")

	root.AddGroup(&cobra.Group{ID: "paths", Title: "Golden paths:"}, &cobra.Group{ID: "more", Title: "More commands:"})
	for _, c := range []*cobra.Command{newNewCmd(f), newTemplatesCmd(f), newLintCmd(f, nil), newPolicyCmd(f), newCatalogCmd(f), newMRCmd(f), newPromoteCmd(f, nil), newUpdateCmd(f, nil), newFleetCmd(f)} {
		c.GroupID = "paths"
		root.AddCommand(c)
	}
	root.AddCommand(newVersionCmd(f, nil), newDoctorCmd(f, nil), newGenerateCmd(f))
	root.SetHelpCommandGroupID("more")
	root.SetCompletionCommandGroupID("more")
	for _, c := range root.Commands() {
		if c.GroupID == "" && !c.Hidden {
			c.GroupID = "more"
		}
	}
	return root
}

func versionString(b BuildInfo) string {
	v := b.Version
	if v == "" {
		v = "dev"
		if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
	}
	if b.Commit != "" {
		v += " (" + b.Commit
		if b.Date != "" {
			v += ", " + b.Date
		}
		v += ")"
	}
	return v
}

// exactArgs is cobra.ExactArgs whose error is a usage error naming what is missing.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return flagErrorf("%s takes %s (got %d arguments)", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}

func maxArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return flagErrorf("%s takes at most %s (got %d arguments: %q)", cmd.CommandPath(), what, len(args), args)
		}
		return nil
	}
}
