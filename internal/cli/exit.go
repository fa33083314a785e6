package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/platform-team/platform/internal/backstage"
	"github.com/platform-team/platform/internal/change"
	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/fleet"
	"github.com/platform-team/platform/internal/fstx"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/policy"
	"github.com/platform-team/platform/internal/policytest"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/internal/updater"
	"github.com/platform-team/platform/internal/wizard"
)

// Exit codes, one table for the whole CLI (docs/index.md#exit-codes).
const (
	ExitOK          = 0   // success
	ExitCheckFailed = 1   // a check failed: lint findings, a refused gate, a broken template
	ExitUsage       = 2   // usage or input error: bad flag, invalid file, missing value, destination not empty
	ExitRemote      = 3   // a remote system failed: GitLab or git unreachable, API error after retries
	ExitAuth        = 4   // authentication missing or refused
	ExitInternal    = 70  // an internal error (a bug): reported in one line, never as a stack trace
	ExitInterrupted = 130 // interrupted (Ctrl-C, SIGTERM, SIGHUP) or cancelled at a prompt
)

// ExitError carries the exit code an error maps to, for the errors that have
// no type of their own to say it (usageErrorf, a missing GitLab token).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// FlagError is a usage mistake: it exits 2 and reminds the user of --help.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// SilentError has already been reported to the user; only its code remains.
type SilentError struct{ Code int }

func (e *SilentError) Error() string { return fmt.Sprintf("exit %d", e.Code) }

// Two constructors: flagErrorf for a mistake on the command line (exit 2 and
// the --help hint), usageErrorf for any other input error (exit 2). Both wrap
// with %w, so the chain stays whole. Every other error is typed where it is
// made, and exitCode maps the type: no command wraps a GitLab or git error.

// usageErrorf is an input error that is not about the command line: a file,
// a setting, a value. It exits 2 without the --help hint.
func usageErrorf(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// flagErrorf is a mistake on the command line: it exits 2 with the --help hint.
func flagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// exitCode maps an error to the exit-code table. It is the one place that
// decides: commands return typed errors and never wrap them for their code.
// The order matters where an error matches several cases: a cancel wins over
// everything it may have interrupted, and a GitLab answer over the input
// error that wraps it.
func exitCode(err error, interrupted bool) int {
	var (
		exitErr   *ExitError
		silent    *SilentError
		flagErr   *FlagError
		auth      *gitlab.AuthError
		api       *gitlab.APIError
		remote    *gitx.RemoteError
		redirect  *gitx.RedirectError
		invalid   *scaffold.ValidationError
		notEmpty  *scaffold.DestinationNotEmptyError
		unknown   *scaffold.UnknownTemplateError
		render    *scaffold.RenderError
		clone     *scaffold.CloneError
		dest      *scaffold.DestinationError
		collide   *scaffold.CollisionError
		template  *scaffold.TemplateError
		project   *config.ProjectError
		lintPath  *lint.PathError
		selection *lint.RuleSelectionError
		session   *change.RemoteError
		fleetRun  *fleet.FailedError
		version   *scaffold.UnknownVersionError
		answers   *scaffold.AnswersError
		service   *updater.NotServiceError
		dirty     *updater.DirtyError
		downgrade *updater.DowngradeError
		source    *updater.SourceError
		catalog   *updater.CatalogError
		inTheWay  *fstx.ConflictError
		step      *backstage.StepError
		action    *backstage.UnsupportedActionError
		notBS     *backstage.NotTemplateError
		regoErr   *policytest.CompileError
		policyDir *policytest.DirError
		policies  *policy.LoadError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &silent):
		return silent.Code
	case errors.As(err, &exitErr):
		return exitErr.Code
	case interrupted, errors.Is(err, context.Canceled), errors.Is(err, wizard.ErrCancelled):
		return ExitInterrupted
	case errors.As(err, &auth):
		return ExitAuth
	case errors.As(err, &api), errors.Is(err, gitx.ErrNonFastForward):
		return ExitRemote
	case errors.As(err, &flagErr), errors.As(err, &invalid), errors.As(err, &notEmpty),
		errors.As(err, &unknown), errors.As(err, &render), errors.As(err, &dest),
		errors.As(err, &collide), errors.As(err, &template), errors.As(err, &project),
		errors.As(err, &lintPath), errors.As(err, &selection), isCobraUsageError(err),
		errors.As(err, &version), errors.As(err, &answers), errors.As(err, &service),
		errors.As(err, &dirty), errors.As(err, &downgrade), errors.As(err, &source),
		errors.As(err, &catalog), errors.As(err, &inTheWay),
		errors.As(err, &step), errors.As(err, &action), errors.As(err, &notBS),
		errors.As(err, &regoErr), errors.As(err, &policyDir), errors.As(err, &policies):
		return ExitUsage
	case errors.As(err, &clone), errors.As(err, &remote), errors.As(err, &redirect), errors.As(err, &session), errors.As(err, &fleetRun):
		return ExitRemote
	default:
		return ExitCheckFailed
	}
}

// isCobraUsageError recognises the errors cobra returns for unknown commands
// and flags, missing flag values and required flags. Cobra makes them with
// fmt.Errorf, without a type to test, so their message prefix is all there
// is (gh's cmd.go does the same); SetFlagErrorFunc types only flag parsing
// errors, not "unknown command" or "required flag(s)".
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "invalid argument", "flag needs an argument", "required flag"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}
