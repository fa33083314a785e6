package catalog

import (
	"strings"
	"testing"
)

func TestFieldFormats(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	prefix253 := strings.Join([]string{long(63), long(63), long(63), long(61)}, ".")
	tests := []struct {
		name  string
		check func(string) bool
		value string
		want  bool
	}{
		// KubernetesValidatorFunctions.isValidApiVersion
		{"apiVersion default", isValidAPIVersion, "backstage.io/v1alpha1", true},
		{"apiVersion scaffolder", isValidAPIVersion, "scaffolder.backstage.io/v1beta3", true},
		{"apiVersion without prefix", isValidAPIVersion, "v1", true},
		{"apiVersion dotted version", isValidAPIVersion, "1.0", false},
		{"apiVersion two slashes", isValidAPIVersion, "a/b/c", false},
		{"apiVersion uppercase prefix", isValidAPIVersion, "Backstage.io/v1", false},
		{"apiVersion empty suffix", isValidAPIVersion, "backstage.io/", false},
		{"apiVersion dash in suffix", isValidAPIVersion, "backstage.io/v1-alpha", false},
		{"apiVersion suffix 63", isValidAPIVersion, "x.io/" + long(63), true},
		{"apiVersion suffix 64", isValidAPIVersion, "x.io/" + long(64), false},

		// KubernetesValidatorFunctions.isValidKind
		{"kind", isValidKind, "Component", true},
		{"kind lowercase", isValidKind, "component", true},
		{"kind leading digit", isValidKind, "1Component", false},
		{"kind dash", isValidKind, "My-Kind", false},
		{"kind 63", isValidKind, "K" + long(62), true},
		{"kind 64", isValidKind, "K" + long(63), false},
		{"kind empty", isValidKind, "", false},

		// KubernetesValidatorFunctions.isValidObjectName (entity names)
		{"name", isValidObjectName, "my-service", true},
		{"name mixed", isValidObjectName, "CircleciBuildsDumpV2_avro_gcs", true},
		{"name single char", isValidObjectName, "a", true},
		{"name run of separators", isValidObjectName, "a--b._c", true},
		{"name leading dash", isValidObjectName, "-a", false},
		{"name trailing dot", isValidObjectName, "a.", false},
		{"name space", isValidObjectName, "a b", false},
		{"name slash", isValidObjectName, "a/b", false},
		{"name non-ascii", isValidObjectName, "café", false},
		{"name 63", isValidObjectName, long(63), true},
		{"name 64", isValidObjectName, long(64), false},
		{"name empty", isValidObjectName, "", false},

		// KubernetesValidatorFunctions.isValidNamespace (DNS label)
		{"namespace", isValidNamespace, "my-namespace", true},
		{"namespace uppercase", isValidNamespace, "Default", false},
		{"namespace underscore", isValidNamespace, "my_ns", false},
		{"namespace double dash", isValidNamespace, "a--b", false},
		{"namespace 63", isValidNamespace, long(63), true},
		{"namespace 64", isValidNamespace, long(64), false},

		// isValidLabelKey / isValidAnnotationKey
		{"label key plain", isValidLabelKey, "product_name", true},
		{"label key prefixed", isValidLabelKey, "backstage.io/custom", true},
		{"label key two slashes", isValidLabelKey, "a/b/c", false},
		{"label key empty prefix", isValidLabelKey, "/name", false},
		{"label key uppercase prefix", isValidLabelKey, "Example.com/x", false},
		{"label key name 63", isValidLabelKey, "x.io/" + long(63), true},
		{"label key name 64", isValidLabelKey, "x.io/" + long(64), false},
		{"label key prefix 253", isValidLabelKey, prefix253 + "/x", true},
		{"label key prefix 254", isValidLabelKey, "a" + prefix253 + "/x", false},
		{"annotation key", isValidAnnotationKey, AnnotationTechDocsRef, true},
		{"annotation key gitlab", isValidAnnotationKey, AnnotationProjectSlug, true},
		{"annotation key colon", isValidAnnotationKey, "a:b", false},

		// isValidLabelValue
		{"label value empty", isValidLabelValue, "", true},
		{"label value name", isValidLabelValue, "ValueStuff", true},
		{"label value space", isValidLabelValue, "Random value", false},

		// makeValidator isValidTag
		{"tag", isValidTag, "java", true},
		{"tag c++", isValidTag, "c++", true},
		{"tag c#", isValidTag, "c#", true},
		{"tag colon", isValidTag, "team:backend", true},
		{"tag dashes", isValidTag, "a-b-c", true},
		{"tag uppercase", isValidTag, "Java", false},
		{"tag double dash", isValidTag, "a--b", false},
		{"tag underscore", isValidTag, "a_b", false},
		{"tag dot", isValidTag, "a.b", false},
		{"tag leading dash", isValidTag, "-a", false},
		{"tag 63", isValidTag, long(63), true},
		{"tag 64", isValidTag, long(64), false},

		// CommonValidatorFunctions.isValidString
		{"string", isValidString, "Admin", true},
		{"string blank", isValidString, " \t\n", false},
		{"string bom only", isValidString, "\ufeff", false},
		{"string nel is not js whitespace", isValidString, "\u0085", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.check(tt.value); got != tt.want {
				t.Errorf("check(%q) = %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

func TestDNSSubdomain(t *testing.T) {
	tests := []struct {
		value string
		want  bool
	}{
		{"example.com", true},
		{"a", true},
		{"example..com", false},
		{"exa_mple.com", false},
		{"-example.com", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isValidDNSSubdomain(tt.value); got != tt.want {
			t.Errorf("isValidDNSSubdomain(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}
