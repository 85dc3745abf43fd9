package ingest

import (
	"slices"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/testws"
)

// Every submission status reads back as itself and has a label of its own; the stored ones are the
// words ops.submissions.status lists (0002_ops.sql), and the words the outputs carry are unchanged.
func TestStatusVocabulary(t *testing.T) {
	want := []string{"diterima", "duplikat", "ditolak", "uji", "kosong"}
	var got []string
	for _, s := range Statuses {
		got = append(got, s.String())
		p, err := ParseStatus(s.String())
		if err != nil || p != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, p, err)
		}
		if l := s.Label(); l == "" || l == s.String() {
			t.Errorf("%q has no label of its own: %q", s, l)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("submission statuses %q, want %q", got, want)
	}
	var stored []string
	for _, s := range Stored {
		stored = append(stored, s.String())
	}
	if db := testws.Vocabulary(t, "ops.submissions", "status"); !slices.Equal(stored, db) {
		t.Errorf("stored statuses %q, ops.submissions.status lists %q", stored, db)
	}
	if _, err := ParseStatus("Diterima"); err == nil {
		t.Error("a label parsed as a status")
	}
}
