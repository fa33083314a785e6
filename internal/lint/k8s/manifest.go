package k8s

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/lint"
)

// manifest is the family's parsed form of one file, computed once per file.
type manifest struct {
	syntax *lint.SyntaxError
	docs   []*yaml.Node
	// objects are the documents with an apiVersion and a kind (and the items
	// of a v1 List); in a kustomization file, every mapping document.
	objects []*object
	// strays are documents that are not objects (no apiVersion or kind).
	strays        []*yaml.Node
	kustomization bool
}

// object is one Kubernetes object of a manifest.
type object struct {
	node                   *yaml.Node
	apiVersion, kind, name string
	group, version         string
	// apiVersionNode and kindNode are nil when kustomize's defaults apply.
	apiVersionNode, kindNode *yaml.Node
}

// where is the node to report a finding about the object as a whole.
func (o *object) where() *yaml.Node {
	if o.kindNode != nil {
		return o.kindNode
	}
	return o.node
}

// describe names the object in messages: Deployment "web".
func (o *object) describe() string {
	if o.name == "" {
		return o.kind
	}
	return o.kind + ` "` + o.name + `"`
}

const (
	manifestKey      = "k8s/manifest"
	kustomizeGroup   = "kustomize.config.k8s.io"
	kustomizeVersion = kustomizeGroup + "/v1beta1"
	componentVersion = kustomizeGroup + "/v1alpha1"
)

// isKustomizationName reports whether a base name is one kustomize reads.
func isKustomizationName(name string) bool {
	return name == "kustomization.yaml" || name == "kustomization.yml" || name == "Kustomization"
}

// parseManifest returns the file's manifest, or nil when the file is not a
// Kubernetes manifest. The result is shared by every rule of the family.
func parseManifest(f *lint.File) *manifest {
	kust := isKustomizationName(f.Name())
	if !kust && !f.IsYAML() {
		return nil
	}
	m, _ := f.Cached(manifestKey, func() any {
		if m := readManifest(f, kust); m != nil {
			return m
		}
		return (*manifest)(nil)
	}).(*manifest)
	return m
}

func readManifest(f *lint.File, kust bool) *manifest {
	if !kust && notManifest(f.Path) {
		return nil
	}
	docs, syntax := f.YAML()
	m := &manifest{syntax: syntax, docs: docs, kustomization: kust}
	foreign := false
	for _, doc := range docs {
		doc = lint.Deref(doc)
		if kust {
			if o := kustomizationObject(doc); o != nil {
				m.objects = append(m.objects, o)
			} else {
				m.strays = append(m.strays, doc)
			}
			continue
		}
		o := objectOf(doc)
		switch {
		case o == nil:
			m.strays = append(m.strays, doc)
		case isForeign(o.apiVersion):
			foreign = true
		default:
			m.objects = append(m.objects, o)
			if o.apiVersion == "v1" && o.kind == "List" {
				for _, item := range seq(lint.Lookup(doc, "items")) {
					if io := objectOf(item); io != nil {
						m.objects = append(m.objects, io)
					}
				}
			}
		}
	}
	switch {
	case kust || len(m.objects) > 0:
		return m
	case syntax != nil && !foreign && (underDeploy(f.Path) || declaresObject(f.Data)):
		return m
	}
	return nil
}

// topAPIVersion and topKind are a document's apiVersion and kind lines at
// the top level, read from the text of a file whose YAML does not parse.
var (
	topAPIVersion = regexp.MustCompile(`(?m)^apiVersion:[ \t]*["']?([A-Za-z0-9./-]+)["']?[ \t]*(?:#.*)?\r?$`)
	topKind       = regexp.MustCompile(`(?m)^kind:[ \t]*["']?[A-Z][A-Za-z0-9]*["']?[ \t]*(?:#.*)?\r?$`)
)

// declaresObject reports whether the text of a YAML file declares a
// Kubernetes object (apiVersion and kind lines at the top level), so that a
// syntax error in it is reported wherever the file is: kubectl would refuse
// it. A file with {{ }} is a template of some tool, YAML only once rendered.
func declaresObject(data []byte) bool {
	if bytes.Contains(data, []byte("{{")) {
		return false
	}
	m := topAPIVersion.FindSubmatch(data)
	return m != nil && !isForeign(string(m[1])) && topKind.Match(data)
}

// notManifest are the YAML files of the platform and its tools that other
// families own, whatever they contain.
func notManifest(p string) bool {
	switch p[strings.LastIndexByte(p, '/')+1:] {
	case "catalog-info.yaml", "catalog-info.yml", "mkdocs.yml", "mkdocs.yaml",
		".gitlab-ci.yml", ".gitlab-ci.yaml", "platform.yaml":
		return true
	}
	return p == ".platform/answers.yaml" || strings.HasSuffix(p, "/.platform/answers.yaml")
}

// isForeign is an apiVersion of a document that looks like an object but is
// not for a cluster: a template manifest, a Backstage entity.
func isForeign(apiVersion string) bool {
	group, _, _ := strings.Cut(apiVersion, "/")
	return group == "platform" || group == "backstage.io" || strings.HasSuffix(group, ".backstage.io")
}

// underDeploy reports whether a path lies in a deploy/ directory.
func underDeploy(p string) bool {
	return strings.HasPrefix(p, "deploy/") || strings.Contains(p, "/deploy/")
}

// objectOf returns the object a document describes, or nil when it has no
// string apiVersion and kind.
func objectOf(n *yaml.Node) *object {
	n = lint.Deref(n)
	av, avNode := str(n, "apiVersion")
	kind, kindNode := str(n, "kind")
	if avNode == nil || kindNode == nil || av == "" || kind == "" {
		return nil
	}
	return newObject(n, av, kind, avNode, kindNode)
}

// kustomizationObject reads a kustomization file's document, with kustomize's
// defaults for a missing apiVersion or kind.
func kustomizationObject(n *yaml.Node) *object {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	av, avNode := str(n, "apiVersion")
	kind, kindNode := str(n, "kind")
	if kind == "" {
		kind, kindNode = "Kustomization", nil
	}
	if av == "" {
		av, avNode = kustomizeVersion, nil
		if kind == "Component" {
			av = componentVersion
		}
	}
	return newObject(n, av, kind, avNode, kindNode)
}

func newObject(n *yaml.Node, av, kind string, avNode, kindNode *yaml.Node) *object {
	o := &object{node: n, apiVersion: av, kind: kind, apiVersionNode: avNode, kindNode: kindNode}
	o.group, o.version, _ = strings.Cut(av, "/")
	if o.version == "" {
		o.group, o.version = "", av
	}
	o.name, _ = str(lint.Lookup(n, "metadata"), "name")
	return o
}

// str returns the string value at a path of keys from n, and its node; ""
// and nil when a key is missing or the value is not a string.
func str(n *yaml.Node, keys ...string) (string, *yaml.Node) {
	v := lint.Lookup(n, keys...)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		return "", nil
	}
	return v.Value, v
}

// boolean returns the value of a boolean field and its node; set is false when
// the field is missing, null or not a boolean.
func boolean(n *yaml.Node, keys ...string) (value, set bool, node *yaml.Node) {
	v := lint.Lookup(n, keys...)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
		return false, false, nil
	}
	return v.Value == "true" || v.Value == "True" || v.Value == "TRUE", true, v
}

// seq returns the items of a sequence node (nil for anything else).
func seq(n *yaml.Node) []*yaml.Node {
	n = lint.Deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// stringMap returns the string entries of a mapping (labels, selectors).
func stringMap(n *yaml.Node) map[string]string {
	n = lint.Deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make(map[string]string, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], lint.Deref(n.Content[i+1])
		if k.Kind == yaml.ScalarNode && v != nil && v.Kind == yaml.ScalarNode {
			out[k.Value] = v.Value
		}
	}
	return out
}

// isNull reports whether a node is missing or an explicit null.
func isNull(n *yaml.Node) bool {
	n = lint.Deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// pod is the pod spec of a workload.
type pod struct {
	obj  *object
	spec *yaml.Node
	// specPath is where the spec is, for messages: spec.template.spec.
	specPath string
	// template holds the pod's metadata: the pod template, or the Pod itself.
	template     *yaml.Node
	templatePath string
	// templateKey is the key of the template field, for the line of findings
	// about the template (nil for a Pod).
	templateKey *yaml.Node
}

// podOf returns the pod spec of a workload, or nil for other kinds.
func podOf(o *object) *pod {
	var tmplPath []string
	switch {
	case o.group == "" && o.kind == "Pod":
		spec := lint.Lookup(o.node, "spec")
		if spec == nil || spec.Kind != yaml.MappingNode {
			return nil
		}
		return &pod{obj: o, spec: spec, specPath: "spec", template: o.node}
	case o.group == "" && o.kind == "PodTemplate":
		tmplPath = []string{"template"}
	case o.group == "" && o.kind == "ReplicationController",
		(o.group == "apps" || o.group == "extensions") && isAppsWorkload(o.kind),
		o.group == "batch" && o.kind == "Job",
		o.group == "argoproj.io" && o.kind == "Rollout":
		tmplPath = []string{"spec", "template"}
	case o.group == "batch" && o.kind == "CronJob":
		tmplPath = []string{"spec", "jobTemplate", "spec", "template"}
	default:
		return nil
	}
	tmpl := lint.Lookup(o.node, tmplPath...)
	spec := lint.Lookup(tmpl, "spec")
	if spec == nil || spec.Kind != yaml.MappingNode {
		return nil
	}
	p := strings.Join(tmplPath, ".")
	key := lint.KeyNode(lint.Lookup(o.node, tmplPath[:len(tmplPath)-1]...), tmplPath[len(tmplPath)-1])
	return &pod{obj: o, spec: spec, specPath: p + ".spec", template: tmpl, templatePath: p, templateKey: key}
}

func isAppsWorkload(kind string) bool {
	switch kind {
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet":
		return true
	}
	return false
}

// longRunning reports whether the workload's pods are meant to run forever
// (a Job's run to completion).
func longRunning(o *object) bool {
	switch {
	case (o.group == "apps" || o.group == "extensions") && isAppsWorkload(o.kind):
		return true
	case o.group == "" && o.kind == "ReplicationController", o.group == "argoproj.io" && o.kind == "Rollout":
		return true
	}
	return false
}

// container is one container of a pod spec.
type container struct {
	node *yaml.Node
	name string
	// path is spec.template.spec.containers[0], for messages.
	path string
	list string
}

// Container lists of a pod spec.
const (
	initContainers      = "initContainers"
	appContainers       = "containers"
	ephemeralContainers = "ephemeralContainers"
)

// containers returns the containers of the given lists, in order.
func (p *pod) containers(lists ...string) []container {
	var out []container
	for _, list := range lists {
		for i, n := range seq(lint.Lookup(p.spec, list)) {
			n = lint.Deref(n)
			if n == nil || n.Kind != yaml.MappingNode {
				continue
			}
			name, _ := str(n, "name")
			out = append(out, container{node: n, name: name, list: list,
				path: p.specPath + "." + list + "[" + strconv.Itoa(i) + "]"})
		}
	}
	return out
}

// describe names the container in messages: container "app" (or initContainers[0]).
func (c container) describe() string {
	kind := "container"
	if c.list == initContainers {
		kind = "init container"
	} else if c.list == ephemeralContainers {
		kind = "ephemeral container"
	}
	if c.name == "" {
		return kind + " " + c.path[strings.LastIndexByte(c.path, '.')+1:]
	}
	return kind + ` "` + c.name + `"`
}
