package runs_test

import (
	"slices"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/runs"
	"github.com/pantau-koperasi/pantau/internal/testws"
)

// Every run status is a word of ops.job_runs.status (0900_serve.sql), and every word there is a
// status; each reads back as itself and has an Indonesian label.
func TestStatusVocabulary(t *testing.T) {
	want := testws.Vocabulary(t, "ops.job_runs", "status")
	var got []string
	for _, s := range runs.Statuses {
		got = append(got, s.String())
		p, err := runs.ParseStatus(s.String())
		if err != nil || p != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, p, err)
		}
		if l := s.Label(); l == "" || l == s.String() {
			t.Errorf("%q has no label of its own: %q", s, l)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("run statuses %q, ops.job_runs.status lists %q", got, want)
	}
	if _, err := runs.ParseStatus("berhasil"); err == nil {
		t.Error("a label parsed as a status")
	}
}
