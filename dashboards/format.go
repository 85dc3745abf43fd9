package dashboards

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Numbers are formatted the Indonesian way in Go (cards, tables, CSV) and in pantau.js (axes,
// tooltips): ECharts' locale support does not change separators (apache/echarts #18707).

// Angka formats a whole number: 1234567 → "1.234.567".
func Angka(n int64) string { return Desimal(float64(n), 0) }

// Desimal formats f with dec decimals: 1234567.891, 2 → "1.234.567,89".
func Desimal(f float64, dec int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', dec, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if f < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// Rupiah formats an amount: 1234567.5 → "Rp 1.234.567,50", -1500000 → "-Rp 1.500.000"; whole
// amounts drop the decimals.
func Rupiah(f float64) string {
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	if f == math.Trunc(f) {
		return sign + "Rp " + Desimal(f, 0)
	}
	return sign + "Rp " + Desimal(f, 2)
}

// Singkat shortens large amounts for cards and axes: 1.5e9 → "1,5 M", 2.3e6 → "2,3 jt".
func Singkat(f float64) string {
	a := math.Abs(f)
	switch {
	case a >= 1e12:
		return trimKoma(Desimal(f/1e12, 1)) + " T"
	case a >= 1e9:
		return trimKoma(Desimal(f/1e9, 1)) + " M"
	case a >= 1e6:
		return trimKoma(Desimal(f/1e6, 1)) + " jt"
	case a >= 1e3:
		return trimKoma(Desimal(f/1e3, 1)) + " rb"
	}
	return trimKoma(Desimal(f, 1))
}

func trimKoma(s string) string { return strings.TrimSuffix(s, ",0") }

// Persen formats a percentage value (0–100): 87.456 → "87,5%".
func Persen(f float64) string { return Desimal(f, 1) + "%" }

var bulan = [...]string{"", "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// Tanggal formats a date: "15 Maret 2026".
func Tanggal(t time.Time) string { return fmt.Sprintf("%d %s %d", t.Day(), bulan[t.Month()], t.Year()) }

// Stempel formats a "data per" time in the office's zone: "24 November 2026 19.20 WIB".
func Stempel(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return fmt.Sprintf("%s %s", Tanggal(t), t.Format("15.04 MST"))
}

var titikDesimal = regexp.MustCompile(`(\d)\.(\d)`)

// desimalTeks rewrites the decimal points of numbers inside a text (a band like "7.5 ≤ x < 10",
// written by the scoring stage) the Indonesian way: "7,5 ≤ x < 10".
func desimalTeks(s string) string { return titikDesimal.ReplaceAllString(s, "$1,$2") }
