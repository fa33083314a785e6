// Package gitx is the platform's small git toolbox: it works out who a commit
// is attributed to (author), turns a freshly generated directory into a
// repository with one commit (init), clones a repository at a ref (clone),
// commits on a branch and reads files at a revision (commit), walks a branch's
// commits (for mr create --fill), lists a remote's tags without cloning
// (tags, for update's target version), pushes fast-forward only with the GitLab
// token sent to the GitLab host alone (push), finds remotes and their
// GitLab project paths (remote), reads every regular file of a commit into
// memory within size limits, reporting symlinks and submodules it leaves out
// (tree, for update's "ours"), and reports a working tree's uncommitted paths
// and unfinished merge, rebase, cherry-pick or revert (state, for update's
// refusal of a dirty tree; global excludes files are not read, so a file
// ignored only there counts as untracked).
//
// Everything runs in-process on go-git: no git binary is needed, including for
// local (file://) clones, and the package changes no go-git global state.
package gitx
