package catalog

import (
	"net"
	"strconv"
	"strings"
)

// isValidURL mirrors CommonValidatorFunctions.isValidUrl, which accepts
// whatever the WHATWG URL parser (`new URL(value)`, no base) accepts. This is
// the subset of that parser that decides success or failure: an absolute
// URL needs a scheme; http(s), ws(s) and ftp need a valid host and port;
// other schemes may have an opaque path. It does not apply IDNA processing to
// non-ASCII hosts, which upstream rejects only in rare cases.
func isValidURL(value string) bool {
	s := strings.TrimFunc(value, func(r rune) bool { return r <= 0x20 })
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(s)

	colon := strings.IndexByte(s, ':')
	if colon < 1 || !isURLScheme(s[:colon]) {
		return false
	}
	scheme := strings.ToLower(s[:colon])
	rest := s[colon+1:]

	switch scheme {
	case "file":
		// File URLs tolerate an empty host; a host, when present, still has
		// to be a valid one.
		if !strings.HasPrefix(rest, "//") && !strings.HasPrefix(rest, `\\`) {
			return true
		}
		host, port, ok := splitAuthority(strings.TrimLeft(rest, `/\`))
		return ok && port == "" && (host == "" || isValidSpecialHost(host))
	case "http", "https", "ws", "wss", "ftp":
		host, port, ok := splitAuthority(strings.TrimLeft(rest, `/\`))
		return ok && host != "" && isValidSpecialHost(host) && isValidPort(port)
	}

	if !strings.HasPrefix(rest, "//") {
		return true // opaque path, e.g. mailto:someone@example.com
	}
	host, port, ok := splitAuthority(rest[2:])
	return ok && isValidOpaqueHost(host) && isValidPort(port)
}

func isURLScheme(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// splitAuthority takes what follows the slashes and returns the host and
// port of the authority that ends at the first "/", "\", "?" or "#".
func splitAuthority(s string) (host, port string, ok bool) {
	if end := strings.IndexAny(s, `/\?#`); end >= 0 {
		s = s[:end]
	}
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		s = s[at+1:]
	}
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", false
		}
		host, s = s[:end+1], s[end+1:]
		if s == "" {
			return host, "", true
		}
		if s[0] != ':' {
			return "", "", false
		}
		return host, s[1:], true
	}
	if c := strings.IndexByte(s, ':'); c >= 0 {
		return s[:c], s[c+1:], true
	}
	return s, "", true
}

func isValidPort(port string) bool {
	if port == "" {
		return true
	}
	for _, r := range port {
		if r < '0' || r > '9' {
			return false
		}
	}
	n, err := strconv.ParseUint(port, 10, 64)
	return err == nil && n <= 65535
}

// isValidSpecialHost follows the WHATWG host parser for special schemes:
// IPv6 literals, then percent-decoding, forbidden domain code points and
// the IPv4 rules for hosts that end in a number.
func isValidSpecialHost(host string) bool {
	if strings.HasPrefix(host, "[") {
		return isValidIPv6Literal(host)
	}
	domain := strings.ToLower(percentDecode(host))
	if domain == "" {
		return false
	}
	for _, r := range domain {
		if isForbiddenDomainCodePoint(r) {
			return false
		}
	}
	if endsInANumber(domain) {
		return isValidIPv4Host(domain)
	}
	return true
}

func isValidIPv6Literal(host string) bool {
	inner := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	ip := net.ParseIP(inner)
	return ip != nil && strings.Contains(inner, ":")
}

// isValidOpaqueHost follows the WHATWG opaque-host parser used by
// non-special schemes: an empty host is fine, forbidden host code points
// are not.
func isValidOpaqueHost(host string) bool {
	if strings.HasPrefix(host, "[") {
		return isValidIPv6Literal(host)
	}
	for _, r := range host {
		switch r {
		case 0, '\t', '\n', '\r', ' ', '#', '/', ':', '<', '>', '?', '@', '[', '\\', ']', '^', '|':
			return false
		}
	}
	return true
}

func isForbiddenDomainCodePoint(r rune) bool {
	if r <= 0x1F || r == 0x7F {
		return true
	}
	switch r {
	case ' ', '#', '%', '/', ':', '<', '>', '?', '@', '[', '\\', ']', '^', '|':
		return true
	}
	return false
}

func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// endsInANumber is the WHATWG "ends in a number" checker.
func endsInANumber(domain string) bool {
	parts := strings.Split(domain, ".")
	if parts[len(parts)-1] == "" {
		if len(parts) == 1 {
			return false
		}
		parts = parts[:len(parts)-1]
	}
	last := parts[len(parts)-1]
	if last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	_, ok := parseIPv4Number(last)
	return ok
}

// isValidIPv4Host is the WHATWG IPv4 parser, reduced to its verdict.
func isValidIPv4Host(domain string) bool {
	parts := strings.Split(domain, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return false
	}
	numbers := make([]uint64, len(parts))
	for i, p := range parts {
		n, ok := parseIPv4Number(p)
		if !ok {
			return false
		}
		numbers[i] = n
	}
	for _, n := range numbers[:len(numbers)-1] {
		if n > 255 {
			return false
		}
	}
	limit := uint64(1) << (8 * (5 - len(numbers)))
	return numbers[len(numbers)-1] < limit
}

func parseIPv4Number(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	base := 10
	switch {
	case len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X"):
		s, base = s[2:], 16
		if s == "" {
			return 0, true
		}
	case len(s) >= 2 && s[0] == '0':
		s, base = s[1:], 8
	}
	n, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		// Overflowing 64 bits is still "a number", and too big for IPv4.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 1 << 40, true
		}
		return 0, false
	}
	return n, true
}
