package main

// The kustomization file of kustomize, mirrored from sigs.k8s.io/kustomize/api
// v0.21.2 (types/*.go and kyaml/resid) with the same JSON tags; methods and
// unexported fields left out. Update it with kustomize: compare
// `go doc -all sigs.k8s.io/kustomize/api/types Kustomization` with this file.

// Kustomization is types.Kustomization (also the Component kind).
type Kustomization struct {
	TypeMeta                    `json:",inline"`
	MetaData                    *ObjectMeta        `json:"metadata,omitempty"`
	OpenAPI                     map[string]string  `json:"openapi,omitempty"`
	NamePrefix                  string             `json:"namePrefix,omitempty"`
	NameSuffix                  string             `json:"nameSuffix,omitempty"`
	Namespace                   string             `json:"namespace,omitempty"`
	CommonLabels                map[string]string  `json:"commonLabels,omitempty"`
	Labels                      []Label            `json:"labels,omitempty"`
	CommonAnnotations           map[string]string  `json:"commonAnnotations,omitempty"`
	PatchesStrategicMerge       []string           `json:"patchesStrategicMerge,omitempty"`
	PatchesJson6902             []Patch            `json:"patchesJson6902,omitempty"` //nolint:revive // kustomize's name
	Patches                     []Patch            `json:"patches,omitempty"`
	Images                      []Image            `json:"images,omitempty"`
	ImageTags                   []Image            `json:"imageTags,omitempty"`
	Replacements                []ReplacementField `json:"replacements,omitempty"`
	Replicas                    []Replica          `json:"replicas,omitempty"`
	Vars                        []Var              `json:"vars,omitempty"`
	SortOptions                 *SortOptions       `json:"sortOptions,omitempty"`
	Resources                   []string           `json:"resources,omitempty"`
	Components                  []string           `json:"components,omitempty"`
	Crds                        []string           `json:"crds,omitempty"`
	Bases                       []string           `json:"bases,omitempty"`
	ConfigMapGenerator          []ConfigMapArgs    `json:"configMapGenerator,omitempty"`
	SecretGenerator             []SecretArgs       `json:"secretGenerator,omitempty"`
	HelmGlobals                 *HelmGlobals       `json:"helmGlobals,omitempty"`
	HelmCharts                  []HelmChart        `json:"helmCharts,omitempty"`
	HelmChartInflationGenerator []HelmChartArgs    `json:"helmChartInflationGenerator,omitempty"`
	GeneratorOptions            *GeneratorOptions  `json:"generatorOptions,omitempty"`
	Configurations              []string           `json:"configurations,omitempty"`
	Generators                  []string           `json:"generators,omitempty"`
	Transformers                []string           `json:"transformers,omitempty"`
	Validators                  []string           `json:"validators,omitempty"`
	BuildMetadata               []string           `json:"buildMetadata,omitempty"`
}

// TypeMeta is types.TypeMeta.
type TypeMeta struct {
	Kind       string `json:"kind,omitempty"`
	APIVersion string `json:"apiVersion,omitempty"`
}

// ObjectMeta is types.ObjectMeta.
type ObjectMeta struct {
	Name        string            `json:"name,omitempty"`
	Namespace   string            `json:"namespace,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Label is types.Label.
type Label struct {
	Pairs                       map[string]string `json:"pairs,omitempty"`
	IncludeSelectors            bool              `json:"includeSelectors,omitempty"`
	IncludeTemplates            bool              `json:"includeTemplates,omitempty"`
	IncludeVolumeClaimTemplates bool              `json:"includeVolumeClaimTemplates,omitempty"`
	FieldSpecs                  []FieldSpec       `json:"fields,omitempty"`
}

// FieldSpec is types.FieldSpec.
type FieldSpec struct {
	Gvk                `json:",inline,omitempty"`
	Path               string `json:"path,omitempty"`
	CreateIfNotPresent bool   `json:"create,omitempty"`
}

// Gvk is resid.Gvk.
type Gvk struct {
	Group   string `json:"group,omitempty"`
	Version string `json:"version,omitempty"`
	Kind    string `json:"kind,omitempty"`
}

// ResID is resid.ResId.
type ResID struct {
	Gvk       `json:",inline,omitempty"`
	Name      string `json:"name,omitempty"`
	Namespace string `json:"namespace,omitempty"`
}

// Patch is types.Patch.
type Patch struct {
	Path    string     `json:"path,omitempty"`
	Patch   string     `json:"patch,omitempty"`
	Target  *Selector  `json:"target,omitempty"`
	Options *PatchArgs `json:"options,omitempty"`
}

// PatchArgs is types.PatchArgs.
type PatchArgs struct {
	AllowNameChange bool `json:"allowNameChange,omitempty"`
	AllowKindChange bool `json:"allowKindChange,omitempty"`
}

// Selector is types.Selector.
type Selector struct {
	ResID              `json:",inline,omitempty"`
	AnnotationSelector string `json:"annotationSelector,omitempty"`
	LabelSelector      string `json:"labelSelector,omitempty"`
}

// Image is types.Image.
type Image struct {
	Name      string `json:"name,omitempty"`
	NewName   string `json:"newName,omitempty"`
	TagSuffix string `json:"tagSuffix,omitempty"`
	NewTag    string `json:"newTag,omitempty"`
	Digest    string `json:"digest,omitempty"`
}

// ReplacementField is types.ReplacementField.
type ReplacementField struct {
	Replacement `json:",inline,omitempty"`
	Path        string `json:"path,omitempty"`
}

// Replacement is types.Replacement.
type Replacement struct {
	Source      *SourceSelector   `json:"source,omitempty"`
	Targets     []*TargetSelector `json:"targets,omitempty"`
	SourceValue *string           `json:"sourceValue,omitempty"`
}

// SourceSelector is types.SourceSelector.
type SourceSelector struct {
	ResID     `json:",inline,omitempty"`
	FieldPath string        `json:"fieldPath,omitempty"`
	Options   *FieldOptions `json:"options,omitempty"`
}

// TargetSelector is types.TargetSelector.
type TargetSelector struct {
	Select     *Selector     `json:"select"`
	Reject     []*Selector   `json:"reject,omitempty"`
	FieldPaths []string      `json:"fieldPaths,omitempty"`
	Options    *FieldOptions `json:"options,omitempty"`
}

// FieldOptions is types.FieldOptions.
type FieldOptions struct {
	Delimiter string `json:"delimiter,omitempty"`
	Index     int    `json:"index,omitempty"`
	Encoding  string `json:"encoding,omitempty"`
	Create    bool   `json:"create,omitempty"`
}

// Replica is types.Replica.
type Replica struct {
	Name  string `json:"name,omitempty"`
	Count int64  `json:"count"`
}

// Var is types.Var.
type Var struct {
	Name     string        `json:"name"`
	ObjRef   Target        `json:"objref"`
	FieldRef FieldSelector `json:"fieldref,omitempty"`
}

// Target is types.Target.
type Target struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Gvk        `json:",inline,omitempty"`
	Name       string `json:"name"`
	Namespace  string `json:"namespace,omitempty"`
}

// FieldSelector is types.FieldSelector.
type FieldSelector struct {
	FieldPath string `json:"fieldPath,omitempty"`
}

// SortOptions is types.SortOptions.
type SortOptions struct {
	Order             string             `json:"order,omitempty"`
	LegacySortOptions *LegacySortOptions `json:"legacySortOptions,omitempty"`
}

// LegacySortOptions is types.LegacySortOptions.
type LegacySortOptions struct {
	OrderFirst []string `json:"orderFirst"`
	OrderLast  []string `json:"orderLast"`
}

// ConfigMapArgs is types.ConfigMapArgs.
type ConfigMapArgs struct {
	GeneratorArgs `json:",inline,omitempty"`
}

// SecretArgs is types.SecretArgs.
type SecretArgs struct {
	GeneratorArgs `json:",inline,omitempty"`
	Type          string `json:"type,omitempty"`
}

// GeneratorArgs is types.GeneratorArgs.
type GeneratorArgs struct {
	Namespace     string `json:"namespace,omitempty"`
	Name          string `json:"name,omitempty"`
	Behavior      string `json:"behavior,omitempty"`
	KvPairSources `json:",inline,omitempty"`
	Options       *GeneratorOptions `json:"options,omitempty"`
}

// KvPairSources is types.KvPairSources.
type KvPairSources struct {
	LiteralSources []string `json:"literals,omitempty"`
	FileSources    []string `json:"files,omitempty"`
	EnvSources     []string `json:"envs,omitempty"`
	EnvSource      string   `json:"env,omitempty"`
}

// GeneratorOptions is types.GeneratorOptions.
type GeneratorOptions struct {
	Labels                map[string]string `json:"labels,omitempty"`
	Annotations           map[string]string `json:"annotations,omitempty"`
	DisableNameSuffixHash bool              `json:"disableNameSuffixHash,omitempty"`
	Immutable             bool              `json:"immutable,omitempty"`
}

// HelmGlobals is types.HelmGlobals.
type HelmGlobals struct {
	ChartHome  string `json:"chartHome,omitempty"`
	ConfigHome string `json:"configHome,omitempty"`
}

// HelmChart is types.HelmChart.
type HelmChart struct {
	Name                  string         `json:"name,omitempty"`
	Version               string         `json:"version,omitempty"`
	Repo                  string         `json:"repo,omitempty"`
	ReleaseName           string         `json:"releaseName,omitempty"`
	Namespace             string         `json:"namespace,omitempty"`
	AdditionalValuesFiles []string       `json:"additionalValuesFiles,omitempty"`
	ValuesFile            string         `json:"valuesFile,omitempty"`
	ValuesInline          map[string]any `json:"valuesInline,omitempty"`
	ValuesMerge           string         `json:"valuesMerge,omitempty"`
	IncludeCRDs           bool           `json:"includeCRDs,omitempty"`
	SkipHooks             bool           `json:"skipHooks,omitempty"`
	APIVersions           []string       `json:"apiVersions,omitempty"`
	KubeVersion           string         `json:"kubeVersion,omitempty"`
	NameTemplate          string         `json:"nameTemplate,omitempty"`
	SkipTests             bool           `json:"skipTests,omitempty"`
	Debug                 bool           `json:"debug,omitempty"`
	Devel                 bool           `json:"devel,omitempty"`
}

// HelmChartArgs is types.HelmChartArgs.
type HelmChartArgs struct {
	ChartName        string         `json:"chartName,omitempty"`
	ChartVersion     string         `json:"chartVersion,omitempty"`
	ChartRepoURL     string         `json:"chartRepoUrl,omitempty"`
	ChartHome        string         `json:"chartHome,omitempty"`
	ChartRepoName    string         `json:"chartRepoName,omitempty"`
	HelmBin          string         `json:"helmBin,omitempty"`
	HelmHome         string         `json:"helmHome,omitempty"`
	Values           string         `json:"values,omitempty"`
	ValuesLocal      map[string]any `json:"valuesLocal,omitempty"`
	ValuesMerge      string         `json:"valuesMerge,omitempty"`
	ReleaseName      string         `json:"releaseName,omitempty"`
	ReleaseNamespace string         `json:"releaseNamespace,omitempty"`
	ExtraArgs        []string       `json:"extraArgs,omitempty"`
}
