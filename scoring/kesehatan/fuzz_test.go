package kesehatan

import (
	"os"
	"strings"
	"testing"
)

// Rubric files and expressions are parsed by Pantau: neither may panic on any input, and whatever
// CheckExpr accepts uses only allowed characters.
func FuzzCheckExpr(f *testing.F) {
	for _, s := range []string{"100 * modal_sendiri / nullif(total_aset, 0)", "CASE WHEN shu > 0 THEN 1 ELSE 0 END", "a;b", "((", "1..2", "x'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, e string) {
		fields, err := CheckExpr(e)
		if err != nil {
			return
		}
		if len(fields) == 0 {
			t.Fatalf("accepted %q without a field", e)
		}
		if strings.ContainsAny(e, ";'\"`|\\:[]{}") {
			t.Fatalf("accepted %q with a forbidden character", e)
		}
	})
}

func FuzzParseRubric(f *testing.F) {
	b, err := os.ReadFile("../rubrik/umum-2026.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	f.Add(base)
	f.Add("id = 1")
	f.Fuzz(func(t *testing.T, src string) {
		r, err := Parse("fuzz.toml", []byte(src))
		if err != nil {
			return
		}
		// A valid rubric classifies any score without panicking and sums to 100.
		if tb := r.TotalBobot(); tb < 99.999 || tb > 100.001 {
			t.Fatalf("valid rubric with total %v", tb)
		}
		for _, x := range r.Indicators() {
			x.Indikator.Score(0)
			x.Indikator.Score(1e9)
		}
		r.Category(50)
	})
}
