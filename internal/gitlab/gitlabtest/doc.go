// Package gitlabtest is an in-process fake of the GitLab v4 REST API, for
// tests of code built on gitlab.com/gitlab-org/api/client-go.
//
// It serves the endpoints the platform CLI uses with GitLab's JSON shapes,
// status codes and error bodies: version, current user, user lookup,
// projects (by numeric ID or URL-encoded path, subgroups included), project
// creation, namespaces, a group's projects (subgroups included on request),
// the repository files API (raw and JSON), merge requests, pipelines,
// deployments, environments and freeze periods. Everything else is 404
// {"message":"404 Not Found"}.
//
// Tests seed it (AddProject, SetArchived, CommitFiles, AddMergeRequest,
// AddDeployment, ...), point a client at Server.URL, and assert on what the
// client sent with Requests (RequestsPerProject counts them per project).
// Fail, FailAfterServing, FailProject (every request about one project),
// RateLimit (429 with Retry-After), Hang, Redirect and Garble inject
// faults; SetLatency delays every answer. An OtherHost records the
// credentials that reach a server other than GitLab (a redirect's target, a
// git remote elsewhere). SetPipelineScript makes pipelines move through
// statuses as they are polled.
//
// Behaviour worth knowing, all modelled on GitLab:
//
//   - Auth: PRIVATE-TOKEN, "Authorization: Bearer" or the private_token
//     query parameter carry Options.Token; JOB-TOKEN or job_token carry
//     Options.JobToken. A missing or wrong token is 401
//     {"message":"401 Unauthorized"}. A valid job token is accepted only
//     where GitLab accepts one: GET of deployments (list and one),
//     environments and pipelines (list and one, not latest). Elsewhere it
//     is 403 {"message":"403 Forbidden"}; GitLab itself answers 401 there
//     (or 404 for a GET of a private project), as it ignores the token.
//   - IDs are deterministic and differ from IIDs on purpose: users,
//     namespaces, projects, environments and freeze periods count from 1,
//     merge requests from 101, pipelines from 1001, deployments from 2001,
//     deployment jobs from 3001 and their pipelines from 4001. IIDs count
//     from 1 per project.
//   - Timestamps come from Options.Clock; the default clock starts at
//     2026-01-01T00:00:00Z and ticks one second per reading, so output is
//     reproducible and strictly ordered.
//   - With Options.RepoDir set, every project has a bare repository at
//     RepoDir/<path_with_namespace>.git and http_url_to_repo is its path,
//     so code under test can push to it. Branches are then checked as
//     GitLab checks them: a merge request needs both branches (400
//     {"message":{"source_branch":["does not exist"]}}), a pipeline needs
//     its ref (400 {"message":{"base":["Reference not found"]}}), SHAs are
//     the branch heads and empty_repo is true until a branch is pushed.
//     Without RepoDir no branch is checked, SHAs are made up and
//     empty_repo is false.
//   - Lists are paginated like GitLab (page, per_page up to 100, X-Page,
//     X-Per-Page, X-Total, X-Total-Pages, X-Next-Page, X-Prev-Page and
//     Link headers).
//   - Groups: adding a project "grp/sub/svc" makes the groups grp and
//     grp/sub. GET /groups/:id/projects lists a group's projects, with
//     include_subgroups=true those of its subgroups too, archived ones
//     included unless ?archived= filters them; an unknown group (or a
//     user's namespace) is 404 {"message":"404 Group Not Found"}.
//   - Files are read in-process (go-git) from the project's bare
//     repository at a branch, tag or commit SHA; a missing file is 404
//     {"message":"404 File Not Found"}, an unknown ref 404 {"message":
//     "404 Commit Not Found"}.
package gitlabtest
