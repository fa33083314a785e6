// Package gitx is the platform's small git toolbox: it works out who a commit
// is attributed to, turns a freshly generated directory into a repository with
// one commit, and clones a template repository at a ref.
//
// Everything runs in-process on go-git: no git binary is needed, including for
// local (file://) clones, and the package changes no go-git global state.
package gitx
