package web

import (
	"strings"
	"sync"
	"time"
)

// Login throttling, two ways, neither a lockout that someone else can set off:
//
//   - per client address (the real one, see clientAddr): more than addrMaxFails failed logins from
//     one address within failWindow, and that address waits until the oldest of them leaves the
//     window. Someone guessing from one machine slows only that machine.
//   - per account (the user name as typed, known or not, so the answer does not tell which exist):
//     after acctFreeFails failures in a row, each further attempt must wait a delay that doubles
//     (1 s, 2 s, 4 s …) up to acctMaxDelay. A colleague who mistypes someone's user name costs them
//     a second or two, never a lockout; a guesser spread over many addresses gets one try per
//     acctMaxDelay at best. The streak ends with a successful login or failWindow without a failure.
//
// An attempt refused for waiting is not checked and does not count as a failure, so trying again
// early does not make the wait longer. The decisions are pure functions of the failures and now.
const (
	failWindow    = 15 * time.Minute
	addrMaxFails  = 20
	acctFreeFails = 3
	acctBaseDelay = time.Second
	acctMaxDelay  = 30 * time.Second
)

// addrWait: how long the next attempt from an address with these failures must wait (0: none).
func addrWait(fails []time.Time, now time.Time) time.Duration {
	recent := recentFails(fails, now)
	if len(recent) < addrMaxFails {
		return 0
	}
	return recent[len(recent)-addrMaxFails].Add(failWindow).Sub(now)
}

func recentFails(fails []time.Time, now time.Time) []time.Time {
	var out []time.Time
	for _, f := range fails {
		if now.Sub(f) < failWindow {
			out = append(out, f)
		}
	}
	return out
}

// streak is an account's run of failed logins.
type streak struct {
	n    int       // failures in a row
	last time.Time // the latest of them
}

// acctDelay is the wait after n failures in a row: none for the first acctFreeFails, then
// acctBaseDelay doubling with each further failure, capped at acctMaxDelay.
func acctDelay(n int) time.Duration {
	if n < acctFreeFails {
		return 0
	}
	d := acctBaseDelay
	for i := acctFreeFails; i < n && d < acctMaxDelay; i++ {
		d *= 2
	}
	return min(d, acctMaxDelay)
}

// acctWait: how long the next attempt on an account with this streak must wait (0: none).
func acctWait(s streak, now time.Time) time.Duration {
	if s.n == 0 || now.Sub(s.last) >= failWindow {
		return 0
	}
	return max(0, s.last.Add(acctDelay(s.n)).Sub(now))
}

// throttle holds the failures; safe for concurrent use.
type throttle struct {
	mu    sync.Mutex
	addr  map[string][]time.Time
	acct  map[string]streak
	limit int // entries kept per map before the stale ones are swept (0: 10,000)
}

func accountKey(user string) string { return strings.ToLower(strings.TrimSpace(user)) }

// wait is how long an attempt on user from client must wait, and which of the two limits says so
// ("alamat" or "akun"; "" when it may proceed).
func (t *throttle) wait(user, client string, now time.Time) (time.Duration, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if d := addrWait(t.addr[client], now); d > 0 {
		return d, "alamat"
	}
	if d := acctWait(t.acct[accountKey(user)], now); d > 0 {
		return d, "akun"
	}
	return 0, ""
}

// fail records a failed login on user from client.
func (t *throttle) fail(user, client string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.addr == nil {
		t.addr, t.acct = map[string][]time.Time{}, map[string]streak{}
	}
	t.addr[client] = append(recentFails(t.addr[client], now), now)
	k := accountKey(user)
	s := t.acct[k]
	if now.Sub(s.last) >= failWindow {
		s.n = 0
	}
	t.acct[k] = streak{n: s.n + 1, last: now}
	t.sweep(now)
}

// succeed ends the account's streak. The address keeps its failures: logging in to one's own
// account must not wipe the record of guessing at others.
func (t *throttle) succeed(user string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.acct, accountKey(user))
}

// sweep bounds the memory someone trying many names or addresses can make the server hold.
func (t *throttle) sweep(now time.Time) {
	limit := t.limit
	if limit <= 0 {
		limit = 10000
	}
	if len(t.addr) > limit {
		for k, v := range t.addr {
			if len(recentFails(v, now)) == 0 {
				delete(t.addr, k)
			}
		}
	}
	if len(t.acct) > limit {
		for k, s := range t.acct {
			if now.Sub(s.last) >= failWindow {
				delete(t.acct, k)
			}
		}
	}
}
