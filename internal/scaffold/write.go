package scaffold

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Action is what writing a plan does to one file.
type Action string

// The actions of a plan: create a new file, overwrite a different one (--force
// only), or skip a file that already has exactly the planned content.
const (
	ActionCreate    Action = "create"
	ActionOverwrite Action = "overwrite"
	ActionSkip      Action = "skip"
)

// Step is one file of a plan and what writing it would do.
type Step struct {
	Path   string `json:"path"`
	Action Action `json:"action"`
}

// DestinationNotEmptyError refuses to write into a directory that has files.
type DestinationNotEmptyError struct{ Dir string }

func (e *DestinationNotEmptyError) Error() string {
	return fmt.Sprintf("destination %s is not empty: choose another directory with --output, or pass --force to write into it (no file is ever deleted)", e.Dir)
}

// Steps compares a plan with the destination. A non-empty destination is an
// error unless force is set; force overwrites files that differ and deletes nothing.
func (p *Plan) Steps(dest string, force bool) ([]Step, error) {
	empty, err := isEmptyDir(dest)
	if err != nil {
		return nil, err
	}
	if !empty && !force {
		return nil, &DestinationNotEmptyError{Dir: dest}
	}
	steps := make([]Step, 0, len(p.Files))
	for _, f := range p.Files {
		step := Step{Path: f.Path, Action: ActionCreate}
		if !empty {
			existing, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(f.Path)))
			switch {
			case err == nil && bytes.Equal(existing, f.Data):
				step.Action = ActionSkip
			case err == nil:
				step.Action = ActionOverwrite
			case !errors.Is(err, fs.ErrNotExist):
				return nil, fmt.Errorf("read %s: %w", f.Path, err)
			}
		}
		steps = append(steps, step)
	}
	return steps, nil
}

// isEmptyDir reports whether dir is missing or an empty directory.
func isEmptyDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true, nil
	case err != nil:
		if info, serr := os.Stat(dir); serr == nil && !info.IsDir() {
			return false, fmt.Errorf("destination %s is a file, not a directory", dir)
		}
		return false, fmt.Errorf("read destination: %w", err)
	}
	return len(entries) == 0, nil
}

// WriteOptions tune Write.
type WriteOptions struct {
	// Force writes into a non-empty destination, overwriting files that differ.
	Force bool
	// BeforeMove runs on the complete staging directory before anything is moved
	// into the destination (the git commit happens here). An error aborts the write.
	BeforeMove func(staging string) error
}

// Write writes the plan into dest atomically: everything goes into a staging
// directory next to dest, and is moved into place only when all of it succeeded.
// A cancelled context or any error leaves dest as it was.
func Write(ctx context.Context, p *Plan, dest string, opts WriteOptions) ([]Step, error) {
	steps, err := p.Steps(dest, opts.Force)
	if err != nil {
		return nil, err
	}
	dest, err = filepath.Abs(dest)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", parent, err)
	}
	staging, err := os.MkdirTemp(parent, ".platform-staging-*")
	if err != nil {
		return nil, fmt.Errorf("create staging directory: %w", err)
	}
	defer os.RemoveAll(staging)
	// MkdirTemp makes the directory private; the service directory is an ordinary one.
	if err := os.Chmod(staging, 0o755); err != nil {
		return nil, fmt.Errorf("create staging directory: %w", err)
	}

	for _, f := range p.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := writeFile(filepath.Join(staging, filepath.FromSlash(f.Path)), f); err != nil {
			return nil, err
		}
	}
	if opts.BeforeMove != nil {
		if err := opts.BeforeMove(staging); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// From here on the move runs to the end: stopping half-way would leave a half-written tree.
	if _, err := os.Lstat(dest); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(staging, dest); err != nil {
			return nil, fmt.Errorf("move into %s: %w", dest, err)
		}
		return steps, nil
	}
	if err := mergeInto(staging, dest, steps); err != nil {
		return nil, err
	}
	return steps, nil
}

func writeFile(path string, f File) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create directory for %s: %w", f.Path, err)
	}
	if err := os.WriteFile(path, f.Data, f.Mode); err != nil {
		return fmt.Errorf("write %s: %w", f.Path, err)
	}
	return nil
}

// mergeInto moves staged files into an existing destination, one rename each.
// A staged .git directory moves only where the destination has none.
func mergeInto(staging, dest string, steps []Step) error {
	if _, err := os.Stat(filepath.Join(staging, ".git")); err == nil {
		target := filepath.Join(dest, ".git")
		if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
			if err := os.Rename(filepath.Join(staging, ".git"), target); err != nil {
				return fmt.Errorf("move .git into %s: %w", dest, err)
			}
		}
	}
	for _, s := range steps {
		if s.Action == ActionSkip {
			continue
		}
		to := filepath.Join(dest, filepath.FromSlash(s.Path))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return fmt.Errorf("create directory for %s: %w", s.Path, err)
		}
		if err := os.Rename(filepath.Join(staging, filepath.FromSlash(s.Path)), to); err != nil {
			return fmt.Errorf("move %s into place: %w", s.Path, err)
		}
	}
	return nil
}
