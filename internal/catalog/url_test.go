package catalog

import "testing"

// The expectations are what `new URL(value)` does in Node.js.
func TestIsValidURL(t *testing.T) {
	tests := []struct {
		value string
		want  bool
	}{
		{"https://admin.example-org.com", true},
		{"https://example.com/a path?q=1#frag", true},
		{"http://user:pass@example.com:8080/x", true},
		{"https://[::1]:3000/", true},
		{"https://127.0.0.1/", true},
		{"https:example.com", true},
		{"https:///path", true}, // the host is "path"
		{"  https://example.com  ", true},
		{"mailto:team@example.com", true},
		{"slack://channel?id=1", true},
		{"file:///etc/hosts", true},
		{"javascript:void(0)", true},
		{"urn:isbn:0451450523", true},
		{"HTTPS://EXAMPLE.COM", true},
		{"https://0x7f.1/", true},
		{"notaurl", false},
		{"", false},
		{"/relative/path", false},
		{"//example.com", false},
		{"example.com/page", false},
		{"https://", false},
		{"https://exa mple.com", false},
		{"https://exa%20mple.com", false},
		{"https://example.com:99999", false},
		{"https://example.com:8o", false},
		{"https://1.2.3.256/", false},
		{"https://1.2.3.4.5/", false},
		{"https://[::1/", false},
		{"https://[zz]/", false},
		{"1http://example.com", false},
		{"foo://exa mple", false},
		{"foo://host:70000", false},
	}
	for _, tt := range tests {
		if got := isValidURL(tt.value); got != tt.want {
			t.Errorf("isValidURL(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}
