package ingest

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Number parsing follows how Indonesian offices write money (SPEC §3): "1.250.000", "1.250.000,50",
// "Rp 1.250.000", "Rp. 1,25 M", "(1.500.000)", "-1.500.000", "-" for none. The result is exact: an
// integer count of units at the requested scale (cents for money), never a float.

// errNoValue is not an error to the user: the cell is empty or "-" (nothing reported).
var errNoValue = fmt.Errorf("kosong")

// multipliers by suffix word, as powers of ten.
var multipliers = map[string]int{
	"rb": 3, "ribu": 3, "k": 3,
	"jt": 6, "juta": 6,
	"m": 9, "miliar": 9, "milyar": 9, "mlyr": 9, "b": 9,
	"t": 12, "triliun": 12, "trilyun": 12,
}

var suffixRe = regexp.MustCompile(`^(.*?[0-9])\s*([a-z]+)\.?$`)

// parseScaled reads a number as written and returns value × 10^scale rounded half away from zero.
// machine is true for values a spreadsheet stored as numbers (XLSX raw cell values): those use "." as
// the decimal point and no grouping, and are read literally.
func parseScaled(s string, scale int, machine bool) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "-" || s == "–" || s == "—" {
		return 0, errNoValue
	}
	if v, ok := plainInt(s, scale); ok {
		return v, nil
	}
	if machine {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 9e15/math.Pow10(scale) {
				return 0, fmt.Errorf("angka di luar jangkauan")
			}
			// The cell holds a binary float: format it with the shortest exact representation and
			// read that text exactly, so 1250000.5 stays 1250000.50.
			return parseScaled(strconv.FormatFloat(f, 'f', -1, 64), scale, false)
		}
	}
	orig := s
	s = strings.ToLower(s)
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg = true
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	for _, p := range []string{"rp.", "rp", "idr"} {
		if strings.HasPrefix(s, p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		if neg {
			return 0, fmt.Errorf("%q memakai dua tanda negatif", orig)
		}
		neg = true
		s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "-"), "−"))
	}
	s = strings.TrimSuffix(s, ",-")
	s = strings.TrimSuffix(s, ",00-")
	mult := 0
	if s == "" {
		return 0, fmt.Errorf("%q bukan angka", orig)
	}
	if last := s[len(s)-1]; (last < 'a' || last > 'z') && last != '.' {
		// no unit suffix: skip the regular expression (the hot path for 200,000-row files)
	} else if m := suffixRe.FindStringSubmatch(s); m != nil {
		e, ok := multipliers[m[2]]
		if !ok {
			return 0, fmt.Errorf("%q bukan angka", orig)
		}
		mult = e
		s = strings.TrimSpace(m[1])
	}
	s = strings.ReplaceAll(s, " ", "")
	s = strings.ReplaceAll(s, "\u00a0", "")
	if s == "" {
		return 0, fmt.Errorf("%q bukan angka", orig)
	}
	intPart, frac, err := splitDecimal(s, mult > 0)
	if err != nil {
		return 0, fmt.Errorf("%q bukan angka", orig)
	}
	digits := intPart + frac
	digits = strings.TrimLeft(digits, "0")
	exp := mult + scale - len(frac)
	var v int64
	if digits == "" {
		return 0, nil
	}
	if len(digits)+max(exp, 0) > 18 {
		return 0, fmt.Errorf("%q terlalu besar", orig)
	}
	if exp >= 0 {
		v, _ = strconv.ParseInt(digits, 10, 64)
		for i := 0; i < exp; i++ {
			v *= 10
		}
	} else {
		cut := -exp
		if cut > len(digits) {
			digits = strings.Repeat("0", cut-len(digits)) + digits
		}
		keep, rest := digits[:len(digits)-cut], digits[len(digits)-cut:]
		if keep != "" {
			v, _ = strconv.ParseInt(keep, 10, 64)
		}
		if rest[0] >= '5' {
			v++
		}
	}
	if neg {
		v = -v
	}
	return v, nil
}

// plainInt is the fast path for the common cell: an optional minus and at most 15 digits, no grouping.
func plainInt(s string, scale int) (int64, bool) {
	d := s
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) == 0 || len(d) > 15 || len(d)+scale > 18 {
		return 0, false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(d, 10, 64)
	if err != nil {
		return 0, false
	}
	for i := 0; i < scale; i++ {
		v *= 10
	}
	if s[0] == '-' {
		v = -v
	}
	return v, true
}

// splitDecimal separates integer and fraction digits of a number with Indonesian or English grouping.
// Rules: with both "." and ",", the last one is the decimal mark. With only ".": several dots, or one
// dot followed by exactly three digits (and no unit suffix), are thousands grouping ("1.250" = 1250);
// otherwise it is the decimal point. With only ",": Indonesian decimal comma ("1,25"), unless there are
// several commas (English grouping "1,250,000").
func splitDecimal(s string, hasSuffix bool) (string, string, error) {
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	var ip, fp string
	switch {
	case dots > 0 && commas > 0:
		li := max(strings.LastIndex(s, "."), strings.LastIndex(s, ","))
		ip, fp = s[:li], s[li+1:]
		group := "."
		if s[li] == '.' {
			group = ","
		}
		if strings.ContainsAny(fp, ".,") || !grouped(ip, group) {
			return "", "", fmt.Errorf("bukan angka")
		}
		ip = strings.ReplaceAll(ip, group, "")
	case dots > 1:
		if !grouped(s, ".") {
			return "", "", fmt.Errorf("bukan angka")
		}
		ip = strings.ReplaceAll(s, ".", "")
	case dots == 1:
		i := strings.IndexByte(s, '.')
		if len(s)-i-1 == 3 && !hasSuffix && i > 0 {
			ip = s[:i] + s[i+1:]
		} else {
			ip, fp = s[:i], s[i+1:]
		}
	case commas > 1:
		if !grouped(s, ",") {
			return "", "", fmt.Errorf("bukan angka")
		}
		ip = strings.ReplaceAll(s, ",", "")
	case commas == 1:
		i := strings.IndexByte(s, ',')
		ip, fp = s[:i], s[i+1:]
	default:
		ip = s
	}
	if ip == "" {
		ip = "0"
	}
	for _, part := range []string{ip, fp} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return "", "", fmt.Errorf("bukan angka")
			}
		}
	}
	return ip, fp, nil
}

// grouped checks thousands grouping: 1–3 digits, then groups of exactly three ("1.250.000").
func grouped(s, sep string) bool {
	parts := strings.Split(s, sep)
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}

// ParseMoney reads rupiah as written and returns cents.
func ParseMoney(s string, machine bool) (int64, error) { return parseScaled(s, 2, machine) }

// ParseCount reads a whole number (members, staff).
func ParseCount(s string, machine bool) (int64, error) {
	v, err := parseScaled(s, 2, machine)
	if err != nil {
		return 0, err
	}
	if v%100 != 0 {
		return 0, fmt.Errorf("%q bukan bilangan bulat", strings.TrimSpace(s))
	}
	return v / 100, nil
}

var months = map[string]time.Month{
	"januari": 1, "jan": 1, "january": 1,
	"februari": 2, "feb": 2, "pebruari": 2, "peb": 2, "february": 2,
	"maret": 3, "mar": 3, "march": 3,
	"april": 4, "apr": 4,
	"mei": 5, "may": 5,
	"juni": 6, "jun": 6, "june": 6,
	"juli": 7, "jul": 7, "july": 7,
	"agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8,
	"september": 9, "sep": 9, "sept": 9,
	"oktober": 10, "okt": 10, "oct": 10, "october": 10,
	"november": 11, "nov": 11, "nop": 11, "nopember": 11,
	"desember": 12, "des": 12, "dec": 12, "december": 12,
}

var (
	dmyRe   = regexp.MustCompile(`^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$`)
	ymdRe   = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?)?$`)
	dNameRe = regexp.MustCompile(`^(\d{1,2})[\s\-/.]*([a-z]+)\.?[\s\-/.,]*(\d{4})$`)
	serial  = regexp.MustCompile(`^\d{4,6}(\.\d+)?$`)
)

// ParseDate reads a date as written: Excel serials (1900 or 1904 system), 15/03/2025, 15-03-2025,
// 2025-03-15, 15 Maret 2025, 15 Mar 2025.
func ParseDate(s string, date1904 bool) (time.Time, error) {
	orig := strings.TrimSpace(s)
	s = strings.ToLower(orig)
	if s == "" || s == "-" {
		return time.Time{}, errNoValue
	}
	if serial.MatchString(s) {
		f, _ := strconv.ParseFloat(s, 64)
		if f >= 1 && f < 2958466 {
			t, err := excelize.ExcelDateToTime(f, date1904)
			if err == nil {
				return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
			}
		}
	}
	var y, m, d int
	switch {
	case dmyRe.MatchString(s):
		p := dmyRe.FindStringSubmatch(s)
		d, m, y = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case ymdRe.MatchString(s):
		p := ymdRe.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case dNameRe.MatchString(s):
		p := dNameRe.FindStringSubmatch(s)
		mm, ok := months[p[2]]
		if !ok {
			return time.Time{}, fmt.Errorf("bulan %q tidak dikenal dalam tanggal %q", p[2], orig)
		}
		d, m, y = atoi(p[1]), int(mm), atoi(p[3])
	default:
		return time.Time{}, fmt.Errorf("%q bukan tanggal (tulis seperti 15/03/2025 atau 15 Maret 2025)", orig)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d || y < 1900 || y > 2100 {
		return time.Time{}, fmt.Errorf("%q bukan tanggal yang ada", orig)
	}
	return t, nil
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
