package catalog

import (
	"regexp"
	"strings"
)

// The field format rules below mirror
// packages/catalog-model/src/validation/CommonValidatorFunctions.ts,
// packages/catalog-model/src/validation/KubernetesValidatorFunctions.ts and
// packages/catalog-model/src/validation/makeValidator.ts (the default
// validator set that FieldFormatEntityPolicy uses). Lengths are byte lengths:
// every pattern admits ASCII only, so they equal the JavaScript lengths
// upstream measures whenever the pattern can match.

var (
	// CommonValidatorFunctions.isValidDnsLabel.
	dnsLabelPattern = regexp.MustCompile(`^[a-z0-9]+(\-[a-z0-9]+)*$`)
	// KubernetesValidatorFunctions.isValidApiVersion, the part after "/".
	apiVersionSuffixPattern = regexp.MustCompile(`^[a-z0-9A-Z]+$`)
	// KubernetesValidatorFunctions.isValidKind.
	kindPattern = regexp.MustCompile(`^[a-zA-Z][a-z0-9A-Z]*$`)
	// KubernetesValidatorFunctions.isValidObjectName. Note that it admits
	// runs of separators such as "a--b" or "a._b", unlike the prose in the
	// descriptor format documentation.
	objectNamePattern = regexp.MustCompile(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`)
	// makeValidator.ts isValidTag (inlined upstream).
	tagPattern = regexp.MustCompile(`^[a-z0-9:+#]+(\-[a-z0-9:+#]+)*$`)
)

// isValidPrefixAndOrSuffix mirrors CommonValidatorFunctions.isValidPrefixAndOrSuffix:
// the value is <suffix> or <prefix><sep><suffix>; more than one separator
// is invalid.
func isValidPrefixAndOrSuffix(value, sep string, prefix, suffix func(string) bool) bool {
	parts := strings.Split(value, sep)
	switch len(parts) {
	case 1:
		return suffix(parts[0])
	case 2:
		return prefix(parts[0]) && suffix(parts[1])
	default:
		return false
	}
}

// isValidDNSSubdomain mirrors CommonValidatorFunctions.isValidDnsSubdomain.
func isValidDNSSubdomain(value string) bool {
	if len(value) < 1 || len(value) > 253 {
		return false
	}
	for _, label := range strings.Split(value, ".") {
		if !isValidDNSLabel(label) {
			return false
		}
	}
	return true
}

// isValidDNSLabel mirrors CommonValidatorFunctions.isValidDnsLabel.
func isValidDNSLabel(value string) bool {
	return len(value) >= 1 && len(value) <= 63 && dnsLabelPattern.MatchString(value)
}

// isValidAPIVersion mirrors KubernetesValidatorFunctions.isValidApiVersion.
func isValidAPIVersion(value string) bool {
	return isValidPrefixAndOrSuffix(value, "/", isValidDNSSubdomain, func(s string) bool {
		return len(s) >= 1 && len(s) <= 63 && apiVersionSuffixPattern.MatchString(s)
	})
}

// isValidKind mirrors KubernetesValidatorFunctions.isValidKind.
func isValidKind(value string) bool {
	return len(value) >= 1 && len(value) <= 63 && kindPattern.MatchString(value)
}

// isValidObjectName mirrors KubernetesValidatorFunctions.isValidObjectName,
// which is also makeValidator's isValidEntityName.
func isValidObjectName(value string) bool {
	return len(value) >= 1 && len(value) <= 63 && objectNamePattern.MatchString(value)
}

// isValidNamespace mirrors KubernetesValidatorFunctions.isValidNamespace.
func isValidNamespace(value string) bool {
	return isValidDNSLabel(value)
}

// isValidLabelKey mirrors KubernetesValidatorFunctions.isValidLabelKey.
func isValidLabelKey(value string) bool {
	return isValidPrefixAndOrSuffix(value, "/", isValidDNSSubdomain, isValidObjectName)
}

// isValidLabelValue mirrors KubernetesValidatorFunctions.isValidLabelValue.
func isValidLabelValue(value string) bool {
	return value == "" || isValidObjectName(value)
}

// isValidAnnotationKey mirrors KubernetesValidatorFunctions.isValidAnnotationKey.
func isValidAnnotationKey(value string) bool {
	return isValidPrefixAndOrSuffix(value, "/", isValidDNSSubdomain, isValidObjectName)
}

// isValidTag mirrors the inlined isValidTag of makeValidator.ts.
func isValidTag(value string) bool {
	return len(value) >= 1 && len(value) <= 63 && tagPattern.MatchString(value)
}

// isValidString mirrors CommonValidatorFunctions.isValidString: a string
// that is not empty after JavaScript's String.prototype.trim.
func isValidString(value string) bool {
	return jsTrim(value) != ""
}

// jsTrim removes what JavaScript's trim removes: the WhiteSpace and
// LineTerminator code points of ECMA-262, which differ from Go's
// unicode.IsSpace (JavaScript trims U+FEFF but not U+0085).
func jsTrim(s string) string {
	return strings.TrimFunc(s, isJSWhitespace)
}

func isJSWhitespace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x00A0, 0x1680, 0x2028, 0x2029,
		0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// Expectations FieldFormatEntityPolicy prints for each validator, used to
// make the messages below say what a valid value looks like.
const (
	expectObjectName = "sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total"
	expectDNSLabel   = "sequences of [a-z0-9] separated by [-], at most 63 characters in total"
	expectTag        = "sequences of [a-z0-9:+#] separated by [-], at most 63 characters in total"
	expectKind       = "a letter followed by [a-zA-Z0-9], at most 63 characters in total"
	expectPrefixed   = "an optional DNS subdomain prefix (at most 253 characters) and a \"/\", then " + expectObjectName
	expectAPIVersion = "an optional DNS subdomain prefix and a \"/\", then [a-zA-Z0-9], at most 63 characters, e.g. backstage.io/v1alpha1"
)
