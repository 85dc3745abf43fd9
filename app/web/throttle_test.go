package web

import (
	"net/netip"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)

func TestAcctDelay(t *testing.T) {
	want := map[int]time.Duration{0: 0, 1: 0, 2: 0, 3: time.Second, 4: 2 * time.Second, 5: 4 * time.Second, 6: 8 * time.Second,
		7: 16 * time.Second, 8: 30 * time.Second, 9: 30 * time.Second, 1000: 30 * time.Second}
	for n, d := range want {
		if got := acctDelay(n); got != d {
			t.Errorf("acctDelay(%d) = %s, want %s", n, got, d)
		}
	}
}

func TestAcctWait(t *testing.T) {
	cases := []struct {
		s    streak
		now  time.Time
		want time.Duration
	}{
		{streak{}, t0, 0},
		{streak{2, t0}, t0, 0},
		{streak{3, t0}, t0.Add(400 * time.Millisecond), 600 * time.Millisecond},
		{streak{3, t0}, t0.Add(time.Second), 0},
		{streak{8, t0}, t0.Add(10 * time.Second), 20 * time.Second},
		{streak{50, t0}, t0.Add(30 * time.Second), 0},
		{streak{50, t0}, t0.Add(15 * time.Minute), 0},
	}
	for _, c := range cases {
		if got := acctWait(c.s, c.now); got != c.want {
			t.Errorf("acctWait(%d failures, %s after) = %s, want %s", c.s.n, c.now.Sub(c.s.last), got, c.want)
		}
	}
}

func TestAddrWait(t *testing.T) {
	var fails []time.Time
	for i := 0; i < 19; i++ {
		fails = append(fails, t0.Add(time.Duration(i)*30*time.Second)) // 08:00:00 … 08:09:00
	}
	if d := addrWait(fails, t0.Add(10*time.Minute)); d != 0 {
		t.Fatalf("19 failures: wait %s, want none", d)
	}
	fails = append(fails, t0.Add(570*time.Second)) // the 20th, 08:09:30
	if d := addrWait(fails, t0.Add(10*time.Minute)); d != 5*time.Minute {
		t.Fatalf("20 failures: wait %s, want 5m (until the 08:00 failure is 15 min old)", d)
	}
	if d := addrWait(fails, t0.Add(15*time.Minute)); d != 0 {
		t.Fatalf("once the oldest leaves the window: wait %s", d)
	}
}

// The throttle as the login handler uses it, on a fake clock.
func TestThrottle(t *testing.T) {
	var th throttle
	now := t0
	// Someone mistypes sari's password three times from their own desk: sari, elsewhere, waits a
	// second, no more.
	for i := 0; i < 3; i++ {
		if d, _ := th.wait("sari", "10.0.0.5", now); d != 0 {
			t.Fatalf("attempt %d waits %s", i+1, d)
		}
		th.fail("Sari ", "10.0.0.5", now) // the account is the name as typed, case and spaces aside
	}
	if d, why := th.wait("sari", "10.0.0.9", now); d != time.Second || why != "akun" {
		t.Fatalf("sari after 3 failures: %s by %q, want 1s by akun", d, why)
	}
	now = now.Add(time.Second)
	if d, _ := th.wait("sari", "10.0.0.9", now); d != 0 {
		t.Fatalf("sari a second later waits %s", d)
	}
	th.succeed("sari")
	if d, _ := th.wait("sari", "10.0.0.5", now); d != 0 {
		t.Fatalf("after sari's login the streak is over: %s", d)
	}
	// Someone keeps failing on budi as fast as allowed for an hour: budi never waits more than 30 s.
	for end := now.Add(time.Hour); now.Before(end); {
		d, _ := th.wait("budi", "10.0.9.9", now)
		if d > acctMaxDelay {
			t.Fatalf("budi waits %s", d)
		}
		now = now.Add(d)
		th.fail("budi", "10.0.1."+itoa(int64(now.Unix()%200)), now) // from many addresses
	}
	// One address, 20 names: the address waits, for every name; another address does not.
	now = now.Add(time.Hour)
	for i := 0; i < addrMaxFails; i++ {
		th.fail("nama"+itoa(int64(i)), "10.0.2.1", now)
	}
	if d, why := th.wait("ana", "10.0.2.1", now); d != failWindow || why != "alamat" {
		t.Fatalf("the guessing address: %s by %q, want 15m by alamat", d, why)
	}
	if d, _ := th.wait("ana", "10.0.2.2", now); d != 0 {
		t.Fatalf("another address waits %s", d)
	}
	// Stale entries are dropped once there are many.
	th.limit = 5
	th.fail("x", "10.0.3.1", now.Add(2*time.Hour))
	if len(th.addr) != 1 || len(th.acct) != 1 {
		t.Fatalf("after the sweep: %d addresses, %d accounts kept", len(th.addr), len(th.acct))
	}
}

func TestClientAddr(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.1/32"), netip.MustParsePrefix("::1/128")}
	a := netip.MustParseAddr
	cases := []struct {
		peer string
		xff  []string
		want string
	}{
		{"198.51.100.1", []string{"203.0.113.5"}, "198.51.100.1"},                  // not a proxy: the header is ignored
		{"192.0.2.1", nil, "192.0.2.1"},                                            // a proxy that says nothing
		{"192.0.2.1", []string{"203.0.113.5"}, "203.0.113.5"},                      // the client of the proxy
		{"192.0.2.1", []string{"1.1.1.1, 203.0.113.5"}, "203.0.113.5"},             // the client wrote 1.1.1.1 itself
		{"192.0.2.1", []string{"1.1.1.1", "203.0.113.5, 10.2.3.4"}, "203.0.113.5"}, // two headers, two proxies
		{"192.0.2.1", []string{"10.9.9.9, 10.2.3.4"}, "10.9.9.9"},                  // every hop a proxy: the left-most
		{"192.0.2.1", []string{"203.0.113.5:4711"}, "203.0.113.5"},                 // with a port
		{"192.0.2.1", []string{"[2001:db8::7]:4711"}, "2001:db8::7"},               // IPv6 with a port
		{"192.0.2.1", []string{"::ffff:203.0.113.5"}, "203.0.113.5"},               // IPv4-mapped
		{"192.0.2.1", []string{"203.0.113.5, unknown"}, "192.0.2.1"},               // garbage from the proxy's side: the proxy
		{"192.0.2.1", []string{"1.1.1.1, 10.2.3.4, garbage"}, "192.0.2.1"},         //
		{"192.0.2.1", []string{"garbage, 10.2.3.4"}, "10.2.3.4"},                   // garbage beyond a trusted hop: the last hop
		{"::1", []string{"2001:db8::9"}, "2001:db8::9"},
	}
	for _, c := range cases {
		if got := clientAddr(a(c.peer), c.xff, proxies); got != a(c.want) {
			t.Errorf("clientAddr(%s, %q) = %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
	if got := clientAddr(a("127.0.0.1"), []string{"203.0.113.5"}, nil); got != a("127.0.0.1") {
		t.Errorf("no trusted proxies: %s", got)
	}
	for in, want := range map[string]string{"127.0.0.1:80": "127.0.0.1", "[::1]:80": "::1", "[::ffff:10.0.0.1]:80": "10.0.0.1", "[fe80::1%eth0]:80": "fe80::1"} {
		if got := peerAddr(in); got != a(want) {
			t.Errorf("peerAddr(%s) = %s, want %s", in, got, want)
		}
	}
}
