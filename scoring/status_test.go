package scoring

import (
	"slices"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/testws"
)

// Every activity status is a word of mart.keaktifan.status (0005_mart_keaktifan.sql) and every
// word there is a status; each reads back as itself and has a label.
func TestStatusVocabulary(t *testing.T) {
	want := testws.Vocabulary(t, "mart.keaktifan", "status")
	var got []string
	for _, s := range Statuses {
		got = append(got, s.String())
		p, err := ParseStatus(s.String())
		if err != nil || p != s {
			t.Errorf("ParseStatus(%q) = %v, %v", s, p, err)
		}
		if s.Label() == "" || s.Label() == s.String() {
			t.Errorf("%q has no label of its own: %q", s, s.Label())
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("activity statuses %q, mart.keaktifan.status lists %q", got, want)
	}
	if _, err := ParseStatus("Aktif"); err == nil {
		t.Error("a label parsed as a status")
	}
}
