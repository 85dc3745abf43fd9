package tindaklanjut_test

import (
	"slices"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/testws"
	tl "github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
)

// Every case status is a word of ops.tindak_lanjut.status (0700_kesehatan_tindak_lanjut.sql) and
// every word there is a status; each reads back as itself and has a label.
func TestStatusVocabulary(t *testing.T) {
	want := testws.Vocabulary(t, "ops.tindak_lanjut", "status")
	var got []string
	for _, s := range tl.Statuses {
		got = append(got, s.String())
		p, err := tl.ParseStatus(s.String())
		if err != nil || p != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, p, err)
		}
		if s.Label() == "" || s.Label() == s.String() {
			t.Errorf("%q has no label of its own: %q", s, s.Label())
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("case statuses %q, ops.tindak_lanjut.status lists %q", got, want)
	}
	for _, s := range tl.Statuses {
		if want := s == tl.Baru || s == tl.Diproses; s.Open() != want {
			t.Errorf("%q open = %v", s, s.Open())
		}
	}
}
