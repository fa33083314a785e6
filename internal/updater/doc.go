// Package updater brings a service made by `platform new service` to a
// newer version of its template, as `platform update` and `platform fleet`
// do: it reads where the service came from (.platform/answers.yaml),
// reproduces the version it was made from (base), resolves the version to
// move to (theirs), renders both with the service's answers, merges them
// with the service's committed tree (internal/update), and writes the
// result only when all of it is known (internal/fstx).
//
// The steps are separate so that a caller can stop after any of them:
//
//	svc, err := updater.Open(dir)                 // provenance and committed tree; refuses a dirty tree
//	v, err := updater.Resolve(ctx, svc, sources)  // base and theirs templates, or an up-to-date answer
//	res, err := updater.Prepare(ctx, svc, v, in)  // every file's outcome, in memory
//	err = res.Apply(ctx)                          // all of it written, or nothing
//
// Versions: an embedded template's base is the release archive of the
// recorded version that the binary carries, and its target is the version
// embedded in the binary; a git template's base is the recorded commit and
// its target the highest semantic-version tag of the same repository (see
// Sources); a local template's target is the directory given (its path is
// never recorded), its base the embedded release of the same name and
// version, or Sources.Base.
//
// catalog-info.yaml is merged structurally (internal/yamlmerge): the
// template-version and template-path annotations always follow the
// template, every other field the template changed follows it unless the
// team changed it too. .platform/answers.yaml is the platform's own file:
// it is rewritten with the new version, source and answers.
package updater
