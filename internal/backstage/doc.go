// Package backstage runs Backstage Software Templates
// (scaffolder.backstage.io/v1beta3, kind Template) in the terminal: it
// reads the template, turns its parameter pages into the platform's
// parameters (flags, wizard, validation), and runs its steps locally,
// writing exactly the files Backstage's scaffolder writes for the same
// answers. Steps with side effects elsewhere (publishing, registering in
// the catalog) are reported as skipped, or run by the platform's own flows.
package backstage
