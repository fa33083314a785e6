// Command gen writes schema.json, the offline schema of the Kubernetes kinds
// that the k8s lint rules validate. It walks the Go types of k8s.io/api and of
// kustomize's Kustomization by reflection, so that the linter itself never
// links k8s.io/api (whose packages register protobuf types at start-up).
//
//	go run ./internal/lint/k8s/gen -o internal/lint/k8s/schema.json
//
// Kustomize's Kustomization is mirrored in kustomize.go rather than imported:
// sigs.k8s.io/kustomize/api would pull kyaml and its dependencies into the
// module graph and upgrade modules the binary links.
//
// The file lists every served apiVersion/kind with its type (or the release
// that removed it), and every object type as a map of JSON field -> type.
// Type references are the primitives string, boolean, int32, int64, number,
// intstr, quantity, time, duration, bytes and any; "[]T" for a list and "{}T"
// for a map with string keys; any other name is an object type.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	admissionregistrationv1alpha1 "k8s.io/api/admissionregistration/v1alpha1"
	admissionregistrationv1beta1 "k8s.io/api/admissionregistration/v1beta1"
	apiserverinternalv1alpha1 "k8s.io/api/apiserverinternal/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	appsv1beta1 "k8s.io/api/apps/v1beta1"
	appsv1beta2 "k8s.io/api/apps/v1beta2"
	authenticationv1 "k8s.io/api/authentication/v1"
	authenticationv1alpha1 "k8s.io/api/authentication/v1alpha1"
	authenticationv1beta1 "k8s.io/api/authentication/v1beta1"
	authorizationv1 "k8s.io/api/authorization/v1"
	authorizationv1beta1 "k8s.io/api/authorization/v1beta1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	batchv1beta1 "k8s.io/api/batch/v1beta1"
	certificatesv1 "k8s.io/api/certificates/v1"
	certificatesv1alpha1 "k8s.io/api/certificates/v1alpha1"
	certificatesv1beta1 "k8s.io/api/certificates/v1beta1"
	coordinationv1 "k8s.io/api/coordination/v1"
	coordinationv1alpha2 "k8s.io/api/coordination/v1alpha2"
	coordinationv1beta1 "k8s.io/api/coordination/v1beta1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	discoveryv1beta1 "k8s.io/api/discovery/v1beta1"
	eventsv1 "k8s.io/api/events/v1"
	eventsv1beta1 "k8s.io/api/events/v1beta1"
	extensionsv1beta1 "k8s.io/api/extensions/v1beta1"
	flowcontrolv1 "k8s.io/api/flowcontrol/v1"
	flowcontrolv1beta1 "k8s.io/api/flowcontrol/v1beta1"
	flowcontrolv1beta2 "k8s.io/api/flowcontrol/v1beta2"
	flowcontrolv1beta3 "k8s.io/api/flowcontrol/v1beta3"
	lifecyclev1alpha1 "k8s.io/api/lifecycle/v1alpha1"
	networkingv1 "k8s.io/api/networking/v1"
	networkingv1beta1 "k8s.io/api/networking/v1beta1"
	nodev1 "k8s.io/api/node/v1"
	nodev1alpha1 "k8s.io/api/node/v1alpha1"
	nodev1beta1 "k8s.io/api/node/v1beta1"
	policyv1 "k8s.io/api/policy/v1"
	policyv1beta1 "k8s.io/api/policy/v1beta1"
	rbacv1 "k8s.io/api/rbac/v1"
	rbacv1alpha1 "k8s.io/api/rbac/v1alpha1"
	rbacv1beta1 "k8s.io/api/rbac/v1beta1"
	resourcev1 "k8s.io/api/resource/v1"
	resourcev1alpha3 "k8s.io/api/resource/v1alpha3"
	resourcev1beta1 "k8s.io/api/resource/v1beta1"
	resourcev1beta2 "k8s.io/api/resource/v1beta2"
	schedulingv1 "k8s.io/api/scheduling/v1"
	schedulingv1alpha3 "k8s.io/api/scheduling/v1alpha3"
	schedulingv1beta1 "k8s.io/api/scheduling/v1beta1"
	storagev1 "k8s.io/api/storage/v1"
	storagev1alpha1 "k8s.io/api/storage/v1alpha1"
	storagev1beta1 "k8s.io/api/storage/v1beta1"
	storagemigrationv1 "k8s.io/api/storagemigration/v1"
	storagemigrationv1beta1 "k8s.io/api/storagemigration/v1beta1"
)

// The groups of k8s.io/api that are served as resources. Left out:
// admission (AdmissionReview is a webhook payload), apidiscovery (discovery
// documents) and imagepolicy (ImageReview is a webhook payload).
var addToScheme = []func(*runtime.Scheme) error{
	admissionregistrationv1.AddToScheme, admissionregistrationv1alpha1.AddToScheme, admissionregistrationv1beta1.AddToScheme,
	apiserverinternalv1alpha1.AddToScheme,
	appsv1.AddToScheme, appsv1beta1.AddToScheme, appsv1beta2.AddToScheme,
	authenticationv1.AddToScheme, authenticationv1alpha1.AddToScheme, authenticationv1beta1.AddToScheme,
	authorizationv1.AddToScheme, authorizationv1beta1.AddToScheme,
	autoscalingv1.AddToScheme, autoscalingv2.AddToScheme,
	batchv1.AddToScheme, batchv1beta1.AddToScheme,
	certificatesv1.AddToScheme, certificatesv1alpha1.AddToScheme, certificatesv1beta1.AddToScheme,
	coordinationv1.AddToScheme, coordinationv1alpha2.AddToScheme, coordinationv1beta1.AddToScheme,
	corev1.AddToScheme,
	discoveryv1.AddToScheme, discoveryv1beta1.AddToScheme,
	eventsv1.AddToScheme, eventsv1beta1.AddToScheme,
	extensionsv1beta1.AddToScheme,
	flowcontrolv1.AddToScheme, flowcontrolv1beta1.AddToScheme, flowcontrolv1beta2.AddToScheme, flowcontrolv1beta3.AddToScheme,
	lifecyclev1alpha1.AddToScheme,
	networkingv1.AddToScheme, networkingv1beta1.AddToScheme,
	nodev1.AddToScheme, nodev1alpha1.AddToScheme, nodev1beta1.AddToScheme,
	policyv1.AddToScheme, policyv1beta1.AddToScheme,
	rbacv1.AddToScheme, rbacv1alpha1.AddToScheme, rbacv1beta1.AddToScheme,
	resourcev1.AddToScheme, resourcev1alpha3.AddToScheme, resourcev1beta1.AddToScheme, resourcev1beta2.AddToScheme,
	schedulingv1.AddToScheme, schedulingv1alpha3.AddToScheme, schedulingv1beta1.AddToScheme,
	storagev1.AddToScheme, storagev1alpha1.AddToScheme, storagev1beta1.AddToScheme,
	storagemigrationv1.AddToScheme, storagemigrationv1beta1.AddToScheme,
}

// Kustomize's kinds decode with encoding/json (field names match case-insensitively).
const kustomizeGroup = "kustomize.config.k8s.io"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	out := fs.String("o", "schema.json", "file to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := Generate()
	if err != nil {
		return err
	}
	return os.WriteFile(*out, data, 0o644)
}

// Kind is one apiVersion/kind of the schema.
type Kind struct {
	// Type is the object type; empty when the API was removed.
	Type string `json:"type,omitempty"`
	// Deprecated and Removed are Kubernetes releases ("1.16"), when they happened
	// by the release the schema was made from.
	Deprecated string `json:"deprecated,omitempty"`
	Removed    string `json:"removed,omitempty"`
	// Replacement is the apiVersion and kind to use instead ("apps/v1 Deployment").
	Replacement string `json:"replacement,omitempty"`
	// FoldCase is set when field names match case-insensitively (encoding/json).
	FoldCase bool `json:"foldCase,omitempty"`
}

type generator struct {
	types map[string]map[string]string
	// owner remembers which Go type got a short name, to catch collisions.
	owner map[string]reflect.Type
}

// Generate returns the content of schema.json.
func Generate() ([]byte, error) {
	major, minor, err := kubernetesRelease()
	if err != nil {
		return nil, err
	}
	scheme := runtime.NewScheme()
	for _, add := range addToScheme {
		if err := add(scheme); err != nil {
			return nil, err
		}
	}
	g := &generator{types: map[string]map[string]string{}, owner: map[string]reflect.Type{}}
	kinds := map[string]Kind{}
	for gvk, t := range scheme.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal || !servedKind(gvk, t) {
			continue
		}
		k, err := g.kind(t, major, minor)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", gvk, err)
		}
		kinds[apiVersion(gvk)+" "+gvk.Kind] = k
	}
	resolveReplacements(kinds)
	kt := reflect.TypeFor[Kustomization]()
	for _, gvk := range []schema.GroupVersionKind{
		{Group: kustomizeGroup, Version: "v1beta1", Kind: "Kustomization"},
		{Group: kustomizeGroup, Version: "v1alpha1", Kind: "Component"},
	} {
		ref, err := g.ref(kt)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", gvk, err)
		}
		kinds[apiVersion(gvk)+" "+gvk.Kind] = Kind{Type: ref, FoldCase: true}
	}
	return g.write(fmt.Sprintf("%d.%d", major, minor), kinds)
}

// servedKind leaves out what is registered in every group but never written
// in a manifest: the meta/v1 request types (Status, WatchEvent, *Options)
// and the per-resource options (PodLogOptions...).
func servedKind(gvk schema.GroupVersionKind, t reflect.Type) bool {
	if strings.HasPrefix(t.PkgPath(), "k8s.io/apimachinery/") {
		return false
	}
	return !strings.HasSuffix(gvk.Kind, "Options")
}

func apiVersion(gvk schema.GroupVersionKind) string {
	if gvk.Group == "" {
		return gvk.Version
	}
	return gvk.Group + "/" + gvk.Version
}

// kubernetesRelease is the Kubernetes release k8s.io/api was cut for:
// k8s.io/api v0.37.x is Kubernetes 1.37.
func kubernetesRelease() (major, minor int, err error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return 0, 0, errors.New("no build information: cannot tell the version of k8s.io/api")
	}
	for _, m := range info.Deps {
		if m.Path != "k8s.io/api" {
			continue
		}
		if m.Replace != nil {
			m = m.Replace
		}
		parts := strings.Split(strings.TrimPrefix(m.Version, "v"), ".")
		if len(parts) < 2 || parts[0] != "0" {
			return 0, 0, fmt.Errorf("unexpected k8s.io/api version %s", m.Version)
		}
		minor, err := strconv.Atoi(parts[1])
		if err != nil {
			return 0, 0, fmt.Errorf("unexpected k8s.io/api version %s", m.Version)
		}
		return 1, minor, nil
	}
	return 0, 0, errors.New("k8s.io/api is not in the build information")
}

// The lifecycle methods generated for the types of pre-release API versions
// (and for a few deprecated v1 types, which have only some of them).
type (
	deprecated  interface{ APILifecycleDeprecated() (major, minor int) }
	removed     interface{ APILifecycleRemoved() (major, minor int) }
	replacement interface {
		APILifecycleReplacement() schema.GroupVersionKind
	}
)

func (g *generator) kind(t reflect.Type, major, minor int) (Kind, error) {
	var k Kind
	v := reflect.New(t).Interface()
	atOrBefore := func(ma, mi int) bool { return ma != 0 && (ma < major || ma == major && mi <= minor) }
	if r, ok := v.(replacement); ok {
		if repl := r.APILifecycleReplacement(); repl.Kind != "" {
			k.Replacement = apiVersion(repl) + " " + repl.Kind
		}
	}
	if r, ok := v.(removed); ok {
		if ma, mi := r.APILifecycleRemoved(); atOrBefore(ma, mi) {
			k.Removed = fmt.Sprintf("%d.%d", ma, mi)
			return k, nil
		}
	}
	if d, ok := v.(deprecated); ok {
		if ma, mi := d.APILifecycleDeprecated(); atOrBefore(ma, mi) {
			k.Deprecated = fmt.Sprintf("%d.%d", ma, mi)
		}
	}
	if k.Deprecated == "" {
		k.Replacement = ""
	}
	ref, err := g.ref(t)
	k.Type = ref
	return k, err
}

// resolveReplacements points every replacement at a kind that is still
// served: flowcontrol v1beta1 was replaced by v1beta3, itself removed for v1.
func resolveReplacements(kinds map[string]Kind) {
	for name, k := range kinds {
		seen := map[string]bool{name: true}
		for k.Replacement != "" && !seen[k.Replacement] {
			next, ok := kinds[k.Replacement]
			if !ok || next.Removed == "" {
				break
			}
			seen[k.Replacement] = true
			k.Replacement = next.Replacement
		}
		kinds[name] = k
	}
}

// special are types with their own JSON form.
var special = map[string]string{
	"k8s.io/apimachinery/pkg/util/intstr.IntOrString": "intstr",
	"k8s.io/apimachinery/pkg/api/resource.Quantity":   "quantity",
	"k8s.io/apimachinery/pkg/apis/meta/v1.Time":       "time",
	"k8s.io/apimachinery/pkg/apis/meta/v1.MicroTime":  "time",
	"k8s.io/apimachinery/pkg/apis/meta/v1.Duration":   "duration",
	"k8s.io/apimachinery/pkg/apis/meta/v1.FieldsV1":   "any",
	"k8s.io/apimachinery/pkg/runtime.RawExtension":    "any",
}

var unmarshaler = reflect.TypeFor[json.Unmarshaler]()

// ref returns the type reference of t, adding the object types it needs.
func (g *generator) ref(t reflect.Type) (string, error) {
	if t.Name() != "" {
		if s, ok := special[t.PkgPath()+"."+t.Name()]; ok {
			return s, nil
		}
		if reflect.PointerTo(t).Implements(unmarshaler) {
			return "", fmt.Errorf("%s.%s has its own JSON form: add it to special", t.PkgPath(), t.Name())
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.ref(t.Elem())
	case reflect.String:
		return "string", nil
	case reflect.Bool:
		return "boolean", nil
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		return "int32", nil
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return "int64", nil
	case reflect.Float32, reflect.Float64:
		return "number", nil
	case reflect.Interface:
		return "any", nil
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "bytes", nil
		}
		elem, err := g.ref(t.Elem())
		return "[]" + elem, err
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return "", fmt.Errorf("map key %s is not a string", t.Key())
		}
		elem, err := g.ref(t.Elem())
		return "{}" + elem, err
	case reflect.Struct:
		return g.object(t)
	}
	return "", fmt.Errorf("unsupported type %s", t)
}

func (g *generator) object(t reflect.Type) (string, error) {
	name := shortName(t)
	if name == "" {
		return "", fmt.Errorf("anonymous struct %s", t)
	}
	if prev, ok := g.owner[name]; ok {
		if prev != t {
			return "", fmt.Errorf("%s and %s both shorten to %s", prev, t, name)
		}
		return name, nil
	}
	g.owner[name] = t
	fields := map[string]string{}
	g.types[name] = fields
	if err := g.fields(t, fields); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return name, nil
}

// fields adds the JSON fields of struct t, as encoding/json sees them:
// embedded structs without a name are inlined, and an outer field wins.
func (g *generator) fields(t reflect.Type, out map[string]string) error {
	var inline []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			inline = append(inline, ft)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		ref, err := g.ref(f.Type)
		if err != nil {
			return fmt.Errorf("field %s: %w", f.Name, err)
		}
		out[name] = ref
	}
	for _, it := range inline {
		sub := map[string]string{}
		if err := g.fields(it, sub); err != nil {
			return err
		}
		for k, v := range sub {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	return nil
}

// shortName names a type by its API group and version: core/v1.PodSpec,
// meta/v1.ObjectMeta, kustomize.Kustomization.
func shortName(t reflect.Type) string {
	if t.Name() == "" {
		return ""
	}
	pkg := t.PkgPath()
	for _, prefix := range []string{"k8s.io/api/", "k8s.io/apimachinery/pkg/apis/", "k8s.io/apimachinery/pkg/"} {
		if rest, ok := strings.CutPrefix(pkg, prefix); ok {
			return rest + "." + t.Name()
		}
	}
	if pkg == reflect.TypeFor[Kustomization]().PkgPath() {
		return "kustomize." + t.Name()
	}
	return pkg + "." + t.Name()
}

// write lays the schema out one kind and one type to a line, sorted, so that
// a new k8s.io/api shows as a readable diff.
func (g *generator) write(release string, kinds map[string]Kind) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\n%q: %q,\n%q: {\n", "kubernetes", release, "kinds")
	if err := writeEntries(&b, kinds); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "},\n%q: {\n", "types")
	if err := writeEntries(&b, g.types); err != nil {
		return nil, err
	}
	b.WriteString("}\n}\n")
	return b.Bytes(), nil
}

func writeEntries[V any](b *bytes.Buffer, m map[string]V) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		v, err := json.Marshal(m[k])
		if err != nil {
			return err
		}
		key, _ := json.Marshal(k)
		b.Write(key)
		b.WriteString(": ")
		b.Write(v)
		if i < len(keys)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	return nil
}
