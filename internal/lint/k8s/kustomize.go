package k8s

import (
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

// kustomization is what the family reads from a kustomization file.
type kustomization struct {
	path, dir string
	// refs are the files and directories the kustomization names.
	refs   []kustRef
	images []kustImage
	// labels kustomize adds to every resource, those it also adds to pod
	// templates, and those it also adds to selectors.
	labels, templateLabels, selectorLabels []string
}

// kustRef is one path in a kustomization (resources, patches, generators...).
type kustRef struct {
	field string // resources, patches[].path, configMapGenerator[].files ...
	value string
	node  *yaml.Node
	// dir is true when the entry may name a kustomization directory.
	dir bool
	// patch is true for patch files: partial objects.
	patch bool
	// resource is true for what the kustomization builds on (resources, bases).
	resource bool
}

type kustImage struct {
	name, newTag, digest string
	newTagNode           *yaml.Node
}

// pinned reports whether the image entry fixes a version.
func (i kustImage) pinned() bool {
	return i.digest != "" || i.newTag != "" && i.newTag != "latest"
}

// kustomizationOf reads a kustomization file (nil for other files), once.
func kustomizationOf(f *lint.File) *kustomization {
	if !isKustomizationName(f.Name()) {
		return nil
	}
	// Parsed before Cached: Cached holds the file's lock while it computes.
	m := parseManifest(f)
	k, _ := f.Cached("k8s/kustomization", func() any {
		if m == nil || len(m.objects) == 0 {
			return (*kustomization)(nil)
		}
		return readKustomization(f.Path, m.objects[0].node)
	}).(*kustomization)
	return k
}

func readKustomization(p string, n *yaml.Node) *kustomization {
	k := &kustomization{path: p, dir: path.Dir(p)}
	add := func(field string, v *yaml.Node, ref kustRef) {
		v = lint.Deref(v)
		if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" || v.Value == "" {
			return
		}
		ref.field, ref.value, ref.node = field, v.Value, v
		k.refs = append(k.refs, ref)
	}
	for _, field := range []string{"resources", "bases"} {
		for _, v := range seq(lint.Lookup(n, field)) {
			add(field, v, kustRef{dir: true, resource: true})
		}
	}
	for _, v := range seq(lint.Lookup(n, "components")) {
		add("components", v, kustRef{dir: true})
	}
	for _, field := range []string{"generators", "transformers", "validators"} {
		for _, v := range seq(lint.Lookup(n, field)) {
			// An entry with a newline is an inline plugin configuration.
			if v = lint.Deref(v); v != nil && !strings.Contains(v.Value, "\n") {
				add(field, v, kustRef{dir: true})
			}
		}
	}
	for _, field := range []string{"crds", "configurations"} {
		for _, v := range seq(lint.Lookup(n, field)) {
			add(field, v, kustRef{})
		}
	}
	for _, field := range []string{"patches", "patchesJson6902"} {
		for _, v := range seq(lint.Lookup(n, field)) {
			add(field+"[].path", lint.Lookup(v, "path"), kustRef{patch: true})
		}
	}
	for _, v := range seq(lint.Lookup(n, "patchesStrategicMerge")) {
		// An entry with a newline is an inline patch.
		if v = lint.Deref(v); v != nil && !strings.Contains(v.Value, "\n") {
			add("patchesStrategicMerge", v, kustRef{patch: true})
		}
	}
	for _, v := range seq(lint.Lookup(n, "replacements")) {
		add("replacements[].path", lint.Lookup(v, "path"), kustRef{})
	}
	add("openapi.path", lint.Lookup(n, "openapi", "path"), kustRef{})
	for _, gen := range []string{"configMapGenerator", "secretGenerator"} {
		for _, g := range seq(lint.Lookup(n, gen)) {
			for _, v := range seq(lint.Lookup(g, "files")) {
				// files entries are "path" or "key=path".
				if v = lint.Deref(v); v != nil && v.Kind == yaml.ScalarNode {
					if _, file, ok := strings.Cut(v.Value, "="); ok {
						k.refs = append(k.refs, kustRef{field: gen + "[].files", value: file, node: v})
						continue
					}
				}
				add(gen+"[].files", v, kustRef{})
			}
			for _, v := range seq(lint.Lookup(g, "envs")) {
				add(gen+"[].envs", v, kustRef{})
			}
			add(gen+"[].env", lint.Lookup(g, "env"), kustRef{})
		}
	}
	for _, field := range []string{"images", "imageTags"} {
		for _, v := range seq(lint.Lookup(n, field)) {
			name, _ := str(v, "name")
			tag, tagNode := str(v, "newTag")
			if tagNode == nil {
				// newTag: 1.2 is a number to YAML; kustomize takes it as the tag.
				if t := lint.Lookup(v, "newTag"); t != nil && t.Kind == yaml.ScalarNode && !isNull(t) {
					tag, tagNode = t.Value, t
				}
			}
			digest, _ := str(v, "digest")
			if name != "" {
				k.images = append(k.images, kustImage{name: name, newTag: tag, digest: digest, newTagNode: tagNode})
			}
		}
	}
	for key := range stringMap(lint.Lookup(n, "commonLabels")) {
		k.labels = append(k.labels, key)
		k.templateLabels = append(k.templateLabels, key)
		k.selectorLabels = append(k.selectorLabels, key)
	}
	for _, l := range seq(lint.Lookup(n, "labels")) {
		sel, _, _ := boolean(l, "includeSelectors")
		tmpl, _, _ := boolean(l, "includeTemplates")
		for key := range stringMap(lint.Lookup(l, "pairs")) {
			k.labels = append(k.labels, key)
			if sel || tmpl {
				k.templateLabels = append(k.templateLabels, key)
			}
			if sel {
				k.selectorLabels = append(k.selectorLabels, key)
			}
		}
	}
	return k
}

// isRemote reports whether a kustomization entry is a URL kustomize fetches.
func isRemote(entry string) bool {
	if strings.Contains(entry, "://") || strings.HasPrefix(entry, "git@") || strings.Contains(entry, "?ref=") {
		return true
	}
	// github.com/org/repo//path: a host name as the first segment.
	host, rest, ok := strings.Cut(entry, "/")
	return ok && strings.Contains(rest, "/") && strings.Contains(host, ".") && host != "." && host != ".."
}

// repoInfo is what the family knows about the repository as a whole.
type repoInfo struct {
	// pinned are the image names a kustomization pins with newTag or digest.
	pinned map[string]bool
	// patches are the files kustomizations use as patches.
	patches map[string]bool
	// plugins are the files kustomizations name under generators,
	// transformers or validators: plugin configurations, not objects.
	plugins map[string]bool
	// chartTemplates are the templates/ directories of Helm charts, with a
	// trailing slash: Go templates, not manifests.
	chartTemplates []string
	// labels, templateLabels and selectorLabels are the labels kustomizations
	// add to the objects of a resource file, to their pod templates and to
	// their selectors (label -> true).
	labels, templateLabels, selectorLabels map[string]map[string]bool
	// kustomizationDirs are the directories holding a kustomization file.
	kustomizationDirs map[string]*kustomization
}

func (ri *repoInfo) inChart(p string) bool {
	for _, dir := range ri.chartTemplates {
		if strings.HasPrefix(p, dir) {
			return true
		}
	}
	return false
}

func buildRepoInfo(repo *lint.Repo) *repoInfo {
	ri := &repoInfo{
		pinned: map[string]bool{}, patches: map[string]bool{}, plugins: map[string]bool{},
		labels: map[string]map[string]bool{}, templateLabels: map[string]map[string]bool{},
		selectorLabels:    map[string]map[string]bool{},
		kustomizationDirs: map[string]*kustomization{},
	}
	var kusts []*kustomization
	for _, f := range repo.Files() {
		name := f.Name()
		if name == "Chart.yaml" {
			dir := path.Dir(f.Path)
			if dir == "." {
				ri.chartTemplates = append(ri.chartTemplates, "templates/")
			} else {
				ri.chartTemplates = append(ri.chartTemplates, dir+"/templates/")
			}
		}
		k := kustomizationOf(f)
		if k == nil {
			continue
		}
		kusts = append(kusts, k)
		if _, ok := ri.kustomizationDirs[k.dir]; !ok {
			ri.kustomizationDirs[k.dir] = k
		}
		for _, img := range k.images {
			if img.pinned() {
				ri.pinned[img.name] = true
			}
		}
		for _, ref := range k.refs {
			if ref.patch && !isRemote(ref.value) {
				ri.patches[path.Join(k.dir, ref.value)] = true
			}
			switch ref.field {
			case "generators", "transformers", "validators":
				if !isRemote(ref.value) {
					ri.plugins[path.Join(k.dir, ref.value)] = true
				}
			}
		}
	}
	for _, k := range kusts {
		if len(k.labels) > 0 {
			ri.propagate(k, k, map[string]bool{})
		}
	}
	return ri
}

// propagate records the labels of from on every resource file that k
// (from itself or a kustomization it builds on) includes.
func (ri *repoInfo) propagate(from, k *kustomization, seen map[string]bool) {
	if seen[k.dir] {
		return
	}
	seen[k.dir] = true
	for _, ref := range k.refs {
		if !ref.resource || isRemote(ref.value) {
			continue
		}
		p := path.Join(k.dir, ref.value)
		if sub, ok := ri.kustomizationDirs[p]; ok {
			ri.propagate(from, sub, seen)
			continue
		}
		addAll(ri.labels, p, from.labels)
		addAll(ri.templateLabels, p, from.templateLabels)
		addAll(ri.selectorLabels, p, from.selectorLabels)
	}
}

func addAll(m map[string]map[string]bool, p string, labels []string) {
	if len(labels) == 0 {
		return
	}
	set := m[p]
	if set == nil {
		set = map[string]bool{}
		m[p] = set
	}
	for _, l := range labels {
		set[l] = true
	}
}

// infoOf returns the repository-wide kustomize information, computed once per repository.
func infoOf(repo *lint.Repo) *repoInfo {
	return repo.Cached("k8s.repoInfo", func() any { return buildRepoInfo(repo) }).(*repoInfo)
}

// sortedKeys returns a map's keys in order, for deterministic messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
