// Package fleet sees and moves a GitLab group's services along their golden
// paths: Status reads every project's .platform/answers.yaml and
// catalog-info.yaml through the repository files API (no clone) and tells
// which template version each is on and how far behind it is; Update runs
// `platform update --mr` (internal/updater) on a fresh clone of each behind
// project, a bounded number at a time, so one merge request per project
// carries the new version to its owners.
//
// A run costs at most three API requests per project for the status (the
// answers, the catalog file, and the open update merge request of a project
// that is behind) plus one request per hundred projects for the listing.
// Each template source's latest version is resolved once per run.
package fleet
