// Package update computes what `platform update` does to a service: a
// three-way merge, file by file, of the service's committed tree (ours)
// with two renders of its template, the version it was made from (base)
// and the version it moves to (theirs), in the manner of `copier update`.
//
// It is a pure planning core: Compute reads nothing and writes nothing. The
// caller renders the two versions, reads the service's tree, and applies
// the resulting Plan (see Plan.Apply for the exact semantics, and Change
// for what to write and delete).
//
// # Rules
//
// Every path rendered by base or theirs is decided on its own; files only
// the service has are the team's and are never listed.
//
//   - In base, theirs and ours: when the team did not change the file (ours
//     equals base) it takes the new render ("updated", or "unchanged" when
//     the template did not change it either); when the template did not
//     change it, ours stays ("kept"); when both made the same change it is
//     "unchanged"; otherwise the two changes are merged line by line with
//     internal/merge3: "merged" when clean, "conflict" with standard
//     markers (<<<<<<< ours, =======, >>>>>>> Input.Label) otherwise.
//   - Added by the template (in theirs, not in base): created ("added");
//     when the team already has a file there, "unchanged" if it is the
//     same, else merged as both-added (a merge with an empty base).
//   - Removed by the template (in base, not in theirs): "removed" if the
//     team never changed it; "kept-removed" (kept, reported) if it did;
//     not listed when the team deleted it too.
//   - Deleted by the team (in base and theirs, not in ours): stays deleted,
//     reported as "team-deleted", as copier does.
//   - Binary files (a NUL byte in the first 8000 bytes of any side, git's
//     test) and files over MaxMergeSize are never merged: when both sides
//     changed them, ours stays and theirs is returned in Change.Extra, to
//     be written beside it as PATH.platform-new ("binary-conflict").
//   - Modes: git records only the executable bit, so only it is compared.
//     It is merged on its own, three-way: the team's choice wins when the
//     team changed it, else the template's. A change of the bit alone
//     counts as a change of the file (a template making a script
//     executable updates it; a team's chmod is kept).
//   - Renames (declarative migrations, in order): each moves base's file
//     from its old path to its new one before merging, and moves ours'
//     too when the service still has the old path and not the new one, so
//     the team's edits follow the file. Such a change has Change.From set
//     to the service's old path, which the caller deletes; a file only
//     moved, with nothing else to do, is "renamed". A rename whose old path
//     the old render does not have, whose new path it already has, or that
//     involves a skipped path does not apply.
//   - Paths in Input.Skip (catalog-info.yaml and .platform/answers.yaml,
//     which the caller updates itself) are never listed.
//
// The plan is sorted by path and depends only on the input.
package update
