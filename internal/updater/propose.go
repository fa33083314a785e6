package updater

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/platform-team/platform/internal/change"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/update"
)

// MRLabel marks the merge requests an update opens.
const MRLabel = "platform-update"

// Branch is the branch an update of template to version is proposed on.
func Branch(template, version string) string {
	return "platform/update-" + template + "-" + version
}

// Title is the title of an update's commit and merge request.
func (r *Result) Title() string {
	return fmt.Sprintf("Update %s to %s", r.Versions.Template, r.Versions.Target())
}

// Message is the commit message of the update.
func (r *Result) Message() string {
	v := r.Versions
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nFrom %s %s, with platform update.\n", r.Title(), v.Template, v.Current)
	if conflicted := r.Plan.Conflicted(); len(conflicted) > 0 {
		fmt.Fprintf(&b, "\nConflicts left to resolve:\n")
		for _, p := range conflicted {
			fmt.Fprintf(&b, "  %s\n", p)
		}
	}
	return b.String()
}

// Listed reports whether a change is worth showing: not unchanged, and not
// a file the team changed that stays where it is.
func Listed(c update.Change) bool {
	return c.Action != update.Unchanged && !(c.Action == update.Kept && c.From == "")
}

// Description is the merge request's description: every file's outcome,
// what is left to resolve (remaining), new and dropped answers, notes, and
// the template's changelog for the versions crossed.
func (r *Result) Description(remaining []string) string {
	v := r.Versions
	var b strings.Builder
	fmt.Fprintf(&b, "Updates the service from **%s %s** to **%s**, made by `platform update`: a three-way merge of the team's files with the two template versions.\n\n", v.Template, v.Current, v.Target())
	b.WriteString("| File | Outcome |\n|---|---|\n")
	for _, c := range r.Plan.Changes {
		if Listed(c) {
			fmt.Fprintf(&b, "| `%s` | %s |\n", c.Path, c.Action)
		}
	}
	if len(remaining) > 0 {
		b.WriteString("\n### Conflicts to resolve\n\nThese files were committed with conflict markers (`<<<<<<< ours` … `>>>>>>> " + v.Label() + "`), or with the template's version beside a binary file as `FILE" + update.NewSuffix + "`. Check out this branch, resolve them, commit and push; then mark the merge request as ready.\n\n")
		for _, p := range remaining {
			fmt.Fprintf(&b, "- `%s`\n", p)
		}
	}
	if len(r.NewParameters) > 0 {
		b.WriteString("\n### New parameters\n\n")
		for _, p := range r.NewParameters {
			fmt.Fprintf(&b, "- `%s`: `%v`\n", p, r.Values[p])
		}
	}
	if len(r.Dropped) > 0 {
		b.WriteString("\n### Answers dropped\n\nThe template no longer has these parameters: `" + strings.Join(r.Dropped, "`, `") + "`\n")
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\n> %s\n", n)
	}
	if log := r.Changelog(); log != "" {
		fmt.Fprintf(&b, "\n### Changelog\n\n%s\n", log)
	}
	return b.String()
}

// Compute opens the service at prefix in a change session's clone of the
// default branch and computes its update there.
func Compute(ctx context.Context, s *change.Session, prefix string, src Sources, in Inputs) (*Result, error) {
	svc, err := Open(filepath.Join(s.Dir(), filepath.FromSlash(prefix)))
	if err != nil {
		return nil, fmt.Errorf("%s on %s: %w", s.Project().PathWithNamespace, s.Project().DefaultBranch, err)
	}
	v, err := Resolve(ctx, svc, src)
	if err != nil {
		return nil, err
	}
	return Prepare(ctx, svc, v, in)
}

// Proposal is an update proposed as a merge request.
type Proposal struct {
	// MR is the merge request, opened (Created) or updated.
	MR      *gitlab.MergeRequest
	Created bool
	// Commit is the commit pushed, "" when the branch had the update already.
	Commit string
	// Conflicts are the files still unresolved on the branch: the merge
	// request is a draft while there are any.
	Conflicts []string
}

// ProposeOptions say how an update is proposed.
type ProposeOptions struct {
	// Sources and Inputs are those res was computed with: a rerun updates
	// the existing branch with them (and res's answers).
	Sources Sources
	Inputs  Inputs
	Author  gitx.Author
	When    time.Time
}

// Propose commits res, computed by Compute on the session's default
// branch, on Branch(template, version), pushes it and opens or updates its
// merge request, a draft while conflicts remain. When the branch exists
// (a rerun), the update is run again on it with the same answers, which
// commits nothing when the branch has it already, and keeps what people
// committed there (resolved conflicts stay resolved).
func Propose(ctx context.Context, s *change.Session, res *Result, opts ProposeOptions) (*Proposal, error) {
	prefix := res.Service.Prefix
	var remaining []string
	req := change.Request{
		Branch: Branch(res.Versions.Template, res.Versions.Target()),
		Edit: func(dir string) ([]string, error) {
			r := res
			if dir != s.Dir() {
				svc, err := Open(filepath.Join(dir, filepath.FromSlash(prefix)))
				if err != nil {
					return nil, err
				}
				v, err := Resolve(ctx, svc, opts.Sources)
				if err != nil {
					return nil, err
				}
				in := opts.Inputs
				in.Answers = res.Values
				if r, err = Prepare(ctx, svc, v, in); err != nil {
					return nil, err
				}
			}
			if err := r.Apply(ctx); err != nil {
				return nil, err
			}
			remaining = stillConflicted(filepath.Join(dir, filepath.FromSlash(prefix)), res.Plan)
			return r.RepoPaths(), nil
		},
		Message: res.Message(),
		Author:  opts.Author,
		When:    opts.When,
		Title:   res.Title(),
		Labels:  []string{MRLabel},
		Finish: func(req *change.Request) {
			req.Draft = len(remaining) > 0
			req.Description = res.Description(remaining)
		},
	}
	out, err := s.Propose(ctx, req)
	if err != nil {
		return nil, err
	}
	return &Proposal{MR: out.MR, Created: out.Created, Commit: out.Commit, Conflicts: remaining}, nil
}

// stillConflicted returns the plan's conflicted paths that the service in
// dir still has unresolved: conflict markers in the file, or the
// template's version of a binary file beside it.
func stillConflicted(dir string, plan *update.Plan) []string {
	var out []string
	for _, c := range plan.Changes {
		switch c.Action {
		case update.Conflict:
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(c.Path)))
			if err == nil && (bytes.HasPrefix(data, []byte("<<<<<<< ")) || bytes.Contains(data, []byte("\n<<<<<<< "))) {
				out = append(out, c.Path)
			}
		case update.BinaryConflict:
			if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(c.Extra.Path))); err == nil {
				out = append(out, c.Path)
			}
		}
	}
	return out
}
