// Package catalog is the Backstage entity model: it writes catalog-info.yaml
// files (Marshal) and checks them the way the Backstage catalog does when it
// ingests them (Validate).
//
// The validation rules mirror @backstage/catalog-model and the parts of
// @backstage/plugin-catalog-backend that reject entities while processing
// them. Every rule names the upstream file it follows, so a reviewer can
// compare the two side by side.
package catalog
