package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Who is on the other end of a request. The peer is the address that opened the connection; the
// client is who the request is for. They differ only behind a reverse proxy listed in
// serve.trusted_proxies: such a proxy appends the address it was contacted from to X-Forwarded-For,
// so reading that header from the right, past every trusted proxy, reaches the first address no
// trusted party vouches for — the client. Anything further left was written by that client and may
// be anything, so it never counts. Without trusted proxies the header never counts at all.

// peerAddr is the address of the connection (http.Request.RemoteAddr), IPv4-mapped IPv6 as IPv4.
func peerAddr(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}

func trusted(a netip.Addr, proxies []netip.Prefix) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseForwarded reads one X-Forwarded-For entry: an address, possibly with a port ("1.2.3.4:5",
// "[2001:db8::1]:5"); the zero Addr when it is neither.
func parseForwarded(s string) netip.Addr {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone("")
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	return netip.Addr{}
}

// clientAddr is the pure decision: the client of a request from peer carrying the X-Forwarded-For
// header values xff (in the order received). When peer is a trusted proxy, the client is the
// right-most address of the header that is not a trusted proxy; when every address is a trusted
// proxy, the left-most; when the walk meets an entry that is not an address, the last trusted hop
// (the proxy that passed it on is the last party we can name).
func clientAddr(peer netip.Addr, xff []string, proxies []netip.Prefix) netip.Addr {
	if !trusted(peer, proxies) {
		return peer
	}
	var hops []string
	for _, h := range xff {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a := parseForwarded(hops[i])
		if !a.IsValid() {
			return client
		}
		client = a
		if !trusted(a, proxies) {
			return a
		}
	}
	return client
}

// forwarded says whether a request carries any header a proxy adds for the client it forwards.
func forwarded(r *http.Request) bool {
	for _, h := range []string{"X-Forwarded-For", "Forwarded", "X-Real-Ip"} {
		if len(r.Header.Values(h)) > 0 {
			return true
		}
	}
	return false
}

// reqInfo is what the outermost middleware learns about a request and the handlers fill in; the
// access log writes it.
type reqInfo struct {
	peer, client netip.Addr
	user         string // the session's user name
	token        string // the push API token's id (see HeaderIdentity)
}

type reqInfoKey struct{}

func infoFrom(ctx context.Context) *reqInfo {
	if ri, ok := ctx.Value(reqInfoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// clientOf is the request's client address as text, for logs and throttling.
func clientOf(r *http.Request) string {
	ri := infoFrom(r.Context())
	if ri.client.IsValid() {
		return ri.client.String()
	}
	if a := peerAddr(r.RemoteAddr); a.IsValid() {
		return a.String()
	}
	return r.RemoteAddr
}
