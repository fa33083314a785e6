package updater

import (
	"context"
	"io/fs"
	"slices"

	"github.com/platform-team/platform/internal/fstx"
)

// Ops are the file operations that apply the plan, deletions first, for
// fstx.Apply: a path deleted and written again is only written.
func (r *Result) Ops() []fstx.Op {
	written := map[string]bool{}
	var writes []fstx.Op
	add := func(p string, data []byte, mode fs.FileMode) {
		written[p] = true
		writes = append(writes, fstx.Op{Path: p, Data: data, Mode: mode})
	}
	for _, c := range r.Plan.Changes {
		if c.Writes() {
			add(c.Path, c.Data, c.Mode)
		}
		if c.Extra != nil {
			add(c.Extra.Path, c.Extra.Data, c.Extra.Mode)
		}
	}
	var ops []fstx.Op
	for _, c := range r.Plan.Changes {
		if d := c.Deletes(); d != "" && !written[d] {
			ops = append(ops, fstx.Op{Path: d, Delete: true})
		}
	}
	return append(ops, writes...)
}

// Paths lists, sorted, every path the plan writes or deletes, relative to
// the service directory.
func (r *Result) Paths() []string {
	var out []string
	for _, op := range r.Ops() {
		out = append(out, op.Path)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// RepoPaths are Paths relative to the top of the git working tree.
func (r *Result) RepoPaths() []string {
	paths := r.Paths()
	for i, p := range paths {
		paths[i] = r.Service.InRepository(p)
	}
	return paths
}

// Apply writes the result into the service directory: every change, or
// none (see fstx.Apply). A cancelled context before the first change
// leaves the service untouched.
func (r *Result) Apply(ctx context.Context) error {
	return fstx.Apply(ctx, r.Service.Dir, r.Ops())
}
