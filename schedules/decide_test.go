package schedules

import (
	"strings"
	"testing"
	"time"
)

var jakarta = mustLoc("Asia/Jakarta")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func mustSpec(t *testing.T, spec string) Schedule {
	t.Helper()
	s, err := ParseSpec(spec, jakarta)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The nightly job "0 1 * * *" runs at 01:00 Jakarta time, which is 18:00 UTC the day before.
func TestSpecRunsInOfficeZone(t *testing.T) {
	s := mustSpec(t, "0 1 * * *")
	got := s.Next(utc("2026-11-24T12:00:00Z"))
	if want := utc("2026-11-24T18:00:00Z"); !got.Equal(want) {
		t.Fatalf("next nightly = %s, want %s (01:00 WIB)", got.UTC(), want)
	}
	runs := NextRuns(mustSpec(t, "*/10 * * * *"), utc("2026-11-24T12:03:00Z"), 3)
	want := []time.Time{utc("2026-11-24T12:10:00Z"), utc("2026-11-24T12:20:00Z"), utc("2026-11-24T12:30:00Z")}
	for i := range want {
		if !runs[i].Equal(want[i]) {
			t.Fatalf("inbox runs %v, want %v", runs, want)
		}
	}
	if _, err := ParseSpec("61 * * * *", jakarta); err == nil || !strings.Contains(err.Error(), "tidak sah") {
		t.Fatalf("a bad spec must be refused with a clear message, got %v", err)
	}
}

func TestDecideMissed(t *testing.T) {
	nightly := mustSpec(t, "0 1 * * *") // 18:00 UTC
	grace := 12 * time.Hour
	cases := []struct {
		name      string
		last, now string
		policy    MissedPolicy
		run       bool
		count     int
		due       string
	}{
		// Ran last night at 18:00 UTC, server restarted at 09:00 the next morning: nothing missed.
		{"nothing missed", "2026-11-23T18:00:00Z", "2026-11-24T09:00:00Z", RunOnce, false, 0, ""},
		// Last ran two nights ago; down over last night's 18:00 slot, back 3 hours later: make it up.
		{"missed within grace", "2026-11-22T18:00:00Z", "2026-11-23T21:00:00Z", RunOnce, true, 1, "2026-11-23T18:00:00Z"},
		// Same, but back 13 hours after the slot: beyond the 12 h grace, wait for tonight.
		{"missed beyond grace", "2026-11-22T18:00:00Z", "2026-11-24T07:00:00Z", RunOnce, false, 1, "2026-11-23T18:00:00Z"},
		// Down three nights; the latest slot was 2 hours ago: one run, not three.
		{"several missed collapse", "2026-11-20T18:00:00Z", "2026-11-23T20:00:00Z", RunOnce, true, 3, "2026-11-23T18:00:00Z"},
		// Policy lewati: never made up, even inside grace.
		{"policy skip", "2026-11-22T18:00:00Z", "2026-11-23T19:00:00Z", SkipMissed, false, 1, "2026-11-23T18:00:00Z"},
		// Exactly at the slot counts as due (the tick itself may have been lost to the restart).
		{"due exactly now", "2026-11-22T18:00:00Z", "2026-11-23T18:00:00Z", RunOnce, true, 1, "2026-11-23T18:00:00Z"},
		// Never ran: a fresh install does not fire everything at once.
		{"never ran", "", "2026-11-23T18:30:00Z", RunOnce, false, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var last time.Time
			if c.last != "" {
				last = utc(c.last)
			}
			m := DecideMissed(nightly, last, utc(c.now), grace, c.policy)
			if m.Run != c.run || m.Count != c.count {
				t.Fatalf("run=%v count=%d (%s), want run=%v count=%d", m.Run, m.Count, m.Reason, c.run, c.count)
			}
			if c.due != "" && !m.Due.Equal(utc(c.due)) {
				t.Fatalf("due %s, want %s", m.Due.UTC(), c.due)
			}
			if m.Reason == "" {
				t.Fatal("every decision carries a reason for the log")
			}
		})
	}
}

// An inbox job every 10 minutes, down for a year: the walk is bounded and still finds the last slot.
func TestDecideMissedLongOutage(t *testing.T) {
	m := DecideMissed(mustSpec(t, "*/10 * * * *"), utc("2025-11-24T00:00:00Z"), utc("2026-11-24T00:05:00Z"), time.Hour, RunOnce)
	if !m.Run || !m.Due.Equal(utc("2026-11-24T00:00:00Z")) || m.Count != 365*24*6 {
		t.Fatalf("got %+v", m)
	}
}

func TestDecideOverlap(t *testing.T) {
	now := utc("2026-11-24T01:30:00Z").In(jakarta)
	if a := DecideOverlap(time.Time{}, now); !a.Run {
		t.Fatal("an idle job may start")
	}
	a := DecideOverlap(utc("2026-11-24T01:00:00Z"), now)
	if a.Run || !strings.Contains(a.Reason, "masih berjalan sejak 2026-11-24 08:00 WIB (30m0s)") {
		t.Fatalf("a running job must be skipped with the reason, got %+v", a)
	}
}

func TestDecideRetry(t *testing.T) {
	p := RetryPolicy{Retries: 3, Base: time.Minute, Max: 3 * time.Minute}
	want := []struct {
		d  time.Duration
		ok bool
	}{{time.Minute, true}, {2 * time.Minute, true}, {3 * time.Minute, true}, {0, false}}
	for i, w := range want {
		d, ok := DecideRetry(p, i+1)
		if d != w.d || ok != w.ok {
			t.Fatalf("after attempt %d: %s %v, want %s %v", i+1, d, ok, w.d, w.ok)
		}
	}
	if _, ok := DecideRetry(RetryPolicy{}, 1); ok {
		t.Fatal("no retries configured: no retry")
	}
}

func TestParseMissedPolicy(t *testing.T) {
	if p, err := ParseMissedPolicy("lewati"); err != nil || p != SkipMissed {
		t.Fatal(p, err)
	}
	if _, err := ParseMissedPolicy("semua"); err == nil {
		t.Fatal("unknown policy accepted")
	}
}
