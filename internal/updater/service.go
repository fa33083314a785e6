package updater

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/internal/update"
)

// Service is a service as committed: where it came from and its files.
type Service struct {
	// Dir is the service's directory as the caller named it.
	Dir string
	// Prefix is Dir relative to the top of its git working tree,
	// slash-separated; "" when the service is the whole repository.
	Prefix string
	// Provenance is its .platform/answers.yaml.
	Provenance *scaffold.Provenance
	// Tree is its committed tree (HEAD) by slash-separated path relative
	// to Dir.
	Tree map[string]update.OursFile
	// Skipped lists the committed symbolic links and submodules under Dir,
	// which an update never touches.
	Skipped []string
}

// NotServiceError is a directory that is not a service platform update can
// work on: not in a git repository, no commit, or no answers file.
type NotServiceError struct {
	Dir    string
	Reason string
}

func (e *NotServiceError) Error() string {
	return fmt.Sprintf("%s is not a service platform update can work on: %s", e.Dir, e.Reason)
}

// DirtyError is a working tree with uncommitted changes or an unfinished
// git operation: an update would mix its changes with them.
type DirtyError struct {
	Dir   string
	State gitx.State
}

func (e *DirtyError) Error() string {
	if e.State.MidOperation != "" {
		return fmt.Sprintf("%s is in the middle of a %s: finish or abort it (git %s --continue or --abort), then run platform update again", e.Dir, e.State.MidOperation, e.State.MidOperation)
	}
	shown := e.State.Dirty
	more := ""
	if len(shown) > 5 {
		shown, more = shown[:5], fmt.Sprintf(" and %d more", len(e.State.Dirty)-5)
	}
	return fmt.Sprintf("%s has uncommitted changes (%s%s): commit or stash them first, so that the update can be reviewed on its own and undone with git",
		e.Dir, strings.Join(shown, ", "), more)
}

// Open reads the service in dir: its answers file and its committed tree.
// It refuses a directory outside git, without commits or answers file, and
// a working tree with uncommitted changes under dir or an unfinished merge,
// rebase, cherry-pick or revert.
func Open(dir string) (*Service, error) {
	return open(dir, true)
}

// Inspect reads the service in dir as Open does, without refusing a dirty
// working tree: for what changes nothing (platform update --check).
func Inspect(dir string) (*Service, error) {
	return open(dir, false)
}

func open(dir string, clean bool) (*Service, error) {
	prefix, err := Locate(dir)
	if err != nil {
		return nil, err
	}
	if clean {
		state, err := gitx.WorktreeState(dir)
		if err != nil {
			return nil, err
		}
		state.Dirty = under(state.Dirty, prefix)
		if !state.Clean() {
			return nil, &DirtyError{Dir: dir, State: state}
		}
	}
	files, skipped, err := gitx.TreeAt(dir, "HEAD", gitx.TreeOptions{})
	if errors.Is(err, gitx.ErrEmptyRepository) {
		return nil, &NotServiceError{Dir: dir, Reason: "its repository has no commit yet"}
	}
	if err != nil {
		return nil, fmt.Errorf("read the committed tree of %s: %w", dir, err)
	}
	svc := &Service{Dir: dir, Prefix: prefix, Tree: map[string]update.OursFile{}, Skipped: under(skipped, prefix)}
	for p, f := range files {
		rel, ok := strip(p, prefix)
		if !ok {
			continue
		}
		mode := fs.FileMode(0o644)
		if f.Executable {
			mode = 0o755
		}
		svc.Tree[rel] = update.OursFile{Data: f.Data, Mode: mode}
	}
	answers, ok := svc.Tree[scaffold.AnswersFile]
	if !ok {
		return nil, &NotServiceError{Dir: dir, Reason: "it has no committed " + scaffold.AnswersFile + " (services made by 'platform new service' have one)"}
	}
	if svc.Provenance, err = scaffold.ReadAnswers(answers.Data); err != nil {
		return nil, err
	}
	return svc, nil
}

// Locate returns dir relative to the top of its git working tree,
// slash-separated, "" when dir is the top; a *NotServiceError outside git.
func Locate(dir string) (string, error) {
	root, err := gitx.WorktreeRoot(dir)
	if errors.Is(err, gitx.ErrNotRepository) {
		return "", &NotServiceError{Dir: dir, Reason: "it is not in a git repository (an update is a change to review: commit the service first)"}
	}
	if err != nil {
		return "", err
	}
	return relativeTo(root, dir)
}

// InRepository returns the service-relative path p relative to the top of
// the working tree, for git.
func (s *Service) InRepository(p string) string {
	if s.Prefix == "" {
		return p
	}
	return s.Prefix + "/" + p
}

// relativeTo returns dir relative to the working tree root, slash-separated,
// "" for the root itself.
func relativeTo(root, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("service directory %s: %w", dir, err)
	}
	// The root comes from go-git, which may have resolved links in it.
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	if a, err := filepath.EvalSymlinks(abs); err == nil {
		abs = a
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("service directory %s is outside its repository %s", dir, root)
	}
	if rel == "." {
		return "", nil
	}
	return filepath.ToSlash(rel), nil
}

// strip returns p relative to the directory prefix, and whether p is under it.
func strip(p, prefix string) (string, bool) {
	if prefix == "" {
		return p, true
	}
	rel, ok := strings.CutPrefix(p, prefix+"/")
	return rel, ok
}

// under keeps the paths under prefix, made relative to it.
func under(paths []string, prefix string) []string {
	var out []string
	for _, p := range paths {
		if rel, ok := strip(p, prefix); ok {
			out = append(out, rel)
		}
	}
	return out
}
