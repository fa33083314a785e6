package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/platform-team/platform/internal/change"
	"github.com/platform-team/platform/internal/scaffold"
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

// ExitError carries the exit code an error maps to.
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

func usageErrorf(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

func flagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// exitCode maps an error to the exit-code table.
func exitCode(err error, interrupted bool) int {
	var (
		exitErr  *ExitError
		silent   *SilentError
		flagErr  *FlagError
		invalid  *scaffold.ValidationError
		notEmpty *scaffold.DestinationNotEmptyError
		unknown  *scaffold.UnknownTemplateError
		render   *scaffold.RenderError
		clone    *scaffold.CloneError
		dest     *scaffold.DestinationError
		collide  *scaffold.CollisionError
		template *scaffold.TemplateError
		remote   *change.RemoteError
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
	case errors.As(err, &flagErr), errors.As(err, &invalid), errors.As(err, &notEmpty),
		errors.As(err, &unknown), errors.As(err, &render), errors.As(err, &dest),
		errors.As(err, &collide), errors.As(err, &template), isCobraUsageError(err):
		return ExitUsage
	case errors.As(err, &clone), errors.As(err, &remote):
		return ExitRemote
	default:
		return ExitCheckFailed
	}
}

// isCobraUsageError recognises the untyped errors cobra returns for unknown
// commands and flags.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "invalid argument", "flag needs an argument", "required flag"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}
