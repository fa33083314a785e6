// Package gitx is the platform's small git toolbox: it works out who a commit
// is attributed to (author), turns a freshly generated directory into a
// repository with one commit (init), clones a repository at a ref (clone),
// commits on a branch and reads files at a revision (commit), walks a branch's
// commits (for mr create --fill), lists a remote's tags without cloning
// (tags, for update's target version), pushes fast-forward only with the GitLab
// token sent to the GitLab host alone (push), and finds remotes and their
// GitLab project paths (remote).
//
// Everything runs in-process on go-git: no git binary is needed, including for
// local (file://) clones, and the package changes no go-git global state.
package gitx
