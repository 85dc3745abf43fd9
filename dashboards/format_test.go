package dashboards

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// FuzzDesimal: whatever the number, the Indonesian form reads back to the same value (dots group
// thousands, a comma marks the decimals) and never shows a minus zero.
func FuzzDesimal(f *testing.F) {
	for _, v := range []float64{0, -0.004, 1234567.891, -1e12, 999.995, 5e-3, 1e15} {
		f.Add(v, 2)
	}
	f.Fuzz(func(t *testing.T, v float64, dec int) {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e15 {
			if s := Desimal(v, 2); math.IsNaN(v) || math.IsInf(v, 0) {
				if s != "–" {
					t.Fatalf("Desimal(%v) = %q", v, s)
				}
			}
			return
		}
		dec = ((dec % 4) + 4) % 4
		s := Desimal(v, dec)
		whole, frac, hasFrac := strings.Cut(s, ",")
		if hasFrac != (dec > 0) || len(frac) != dec {
			t.Fatalf("Desimal(%v, %d) = %q: wrong decimals", v, dec, s)
		}
		for i, g := range strings.Split(strings.TrimPrefix(whole, "-"), ".") {
			if len(g) > 3 || len(g) == 0 || i > 0 && len(g) != 3 {
				t.Fatalf("Desimal(%v, %d) = %q: bad grouping", v, dec, s)
			}
		}
		back, err := strconv.ParseFloat(strings.Replace(strings.ReplaceAll(s, ".", ""), ",", ".", 1), 64)
		if err != nil {
			t.Fatalf("Desimal(%v, %d) = %q does not read back: %v", v, dec, s, err)
		}
		if want, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', dec, 64), 64); back != want {
			t.Fatalf("Desimal(%v, %d) = %q reads back as %v, want %v", v, dec, s, back, want)
		}
		if strings.HasPrefix(s, "-") && back == 0 {
			t.Fatalf("Desimal(%v, %d) = %q: minus zero", v, dec, s)
		}
	})
}
