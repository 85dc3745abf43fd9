package ingest

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Number reading follows how Indonesian offices write money (SPEC §3): "1.250.000", "1.250.000,50",
// "Rp 1.250.000", "Rp. 1,25 M", "(1.500.000)", "-1.500.000", "-" for none. The result is exact: an
// integer count of units at the requested scale (cents for money), never a float.
//
// Two kinds of input, never mixed:
//   - machine numbers (an XLSX numeric cell, a JSON number) are numbers already: "." is the decimal
//     point, there is no grouping, an exponent may follow. They are read digit for digit and never go
//     through the Indonesian text reading (which once took 1100000000.125 for 1.100.000.000.125).
//   - text is read as an Indonesian office writes it. When text has two sensible readings for its
//     column ("1,250": 1,25 or 1.250?) the reader refuses with an *AmbiguousError naming both, and the
//     row goes to quarantine with that reason; it never picks one silently.

// errNoValue is not an error to the user: the cell is empty or "-" (nothing reported).
var errNoValue = fmt.Errorf("kosong")

// AmbiguousError: text that reads as two different numbers. The row is quarantined with this reason
// (code angka_ambigu) so that a person settles it; A and B are the two readings, A the Indonesian one.
type AmbiguousError struct {
	Text string
	A, B decimal
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q ambigu: bisa dibaca %s atau %s; tulis tanpa pemisah yang meragukan, mis. %s atau %s",
		e.Text, e.A.indonesian(), e.B.indonesian(), e.A.plain(), e.B.plain())
}

// decimal is an exact number as written: (-1)^neg × digits × 10^exp; digits has no leading zeros
// ("" is zero).
type decimal struct {
	neg    bool
	digits string
	exp    int
}

// scaled returns the value × 10^scale rounded half away from zero, or an error when it needs more than
// 18 digits (an int64 holds them all; far beyond any cooperative's figures).
func (d decimal) scaled(scale int) (int64, error) {
	if d.digits == "" {
		return 0, nil
	}
	exp := d.exp + scale
	if len(d.digits)+exp > 18 {
		return 0, errTooBig
	}
	var v int64
	if exp >= 0 {
		v, _ = strconv.ParseInt(d.digits, 10, 64)
		for i := 0; i < exp; i++ {
			v *= 10
		}
	} else {
		cut := -exp
		digits := d.digits
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
	if d.neg {
		v = -v
	}
	return v, nil
}

// isInteger reports whether the value has no fraction.
func (d decimal) isInteger() bool {
	if d.exp >= 0 || d.digits == "" {
		return true
	}
	cut := -d.exp
	return cut <= len(d.digits) && strings.Trim(d.digits[len(d.digits)-cut:], "0") == ""
}

// Rat is the exact value.
func (d decimal) rat() *big.Rat {
	r, _ := new(big.Rat).SetString(d.plain())
	if r == nil {
		return new(big.Rat)
	}
	return r
}

// plain writes the value with "." as the decimal point and no grouping ("1250.125").
func (d decimal) plain() string {
	ip, fp := d.parts()
	s := ip
	if fp != "" {
		s += "." + fp
	}
	if d.neg && d.digits != "" {
		s = "-" + s
	}
	return s
}

// indonesian writes the value as an Indonesian office would ("1.250,125").
func (d decimal) indonesian() string {
	ip, fp := d.parts()
	var b strings.Builder
	if d.neg && d.digits != "" {
		b.WriteByte('-')
	}
	for i := 0; i < len(ip); i++ {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(ip[i])
	}
	if fp != "" {
		b.WriteString("," + fp)
	}
	return b.String()
}

func (d decimal) parts() (string, string) {
	digits := d.digits
	if digits == "" {
		return "0", ""
	}
	if d.exp >= 0 {
		return digits + strings.Repeat("0", d.exp), ""
	}
	cut := -d.exp
	if cut >= len(digits) {
		digits = strings.Repeat("0", cut-len(digits)+1) + digits
	}
	ip, fp := digits[:len(digits)-cut], strings.TrimRight(digits[len(digits)-cut:], "0")
	return ip, fp
}

func newDecimal(neg bool, intPart, frac string, exp int) decimal {
	digits := strings.TrimLeft(intPart+frac, "0")
	return decimal{neg: neg, digits: digits, exp: exp - len(frac)}
}

var errTooBig = errors.New("angka terlalu besar")

// readNumber reads s as one or two exact readings (two: the text is ambiguous; the first is the
// Indonesian one). machine selects the machine grammar (see the package comment above).
func readNumber(s string, machine bool) (decimal, *decimal, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "-" || s == "–" || s == "—" {
		return decimal{}, nil, errNoValue
	}
	if machine {
		d, ok := readMachine(s)
		if !ok {
			return decimal{}, nil, fmt.Errorf("%q bukan angka", s)
		}
		return d, nil, nil
	}
	return readText(s)
}

// readMachine reads the number grammar shared by JSON and XLSX cell values:
// [-+]digits[.digits][(e|E)[-+]digits], or .digits. Digit for digit: no float in between.
func readMachine(s string) (decimal, bool) {
	i, neg := 0, false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	ip := s[start:i]
	fp := ""
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		fp = s[fs:i]
	}
	if ip == "" && fp == "" {
		return decimal{}, false
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		es := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if es == i || i-es > 4 {
			return decimal{}, false
		}
		exp, _ = strconv.Atoi(s[es:i])
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return decimal{}, false
	}
	return newDecimal(neg, ip, fp, exp), true
}

// multipliers by suffix word, as powers of ten.
var multipliers = map[string]int{
	"rb": 3, "ribu": 3, "k": 3,
	"jt": 6, "juta": 6,
	"m": 9, "miliar": 9, "milyar": 9, "mlyr": 9, "b": 9,
	"t": 12, "triliun": 12, "trilyun": 12,
}

var suffixRe = regexp.MustCompile(`^(.*?[0-9])\s*([a-z]+)\.?$`)

// readText reads a number as an Indonesian office writes it.
func readText(s string) (decimal, *decimal, error) {
	if d, ok := plainDigits(s); ok {
		return d, nil, nil
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
			return decimal{}, nil, fmt.Errorf("%q memakai dua tanda negatif", orig)
		}
		neg = true
		s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "-"), "−"))
	}
	s = strings.TrimSuffix(s, ",-")
	s = strings.TrimSuffix(s, ",00-")
	mult := 0
	if s == "" {
		return decimal{}, nil, fmt.Errorf("%q bukan angka", orig)
	}
	if last := s[len(s)-1]; (last < 'a' || last > 'z') && last != '.' {
		// no unit suffix: skip the regular expression (the hot path for 200,000-row files)
	} else if m := suffixRe.FindStringSubmatch(s); m != nil {
		e, ok := multipliers[m[2]]
		if !ok {
			return decimal{}, nil, fmt.Errorf("%q bukan angka", orig)
		}
		mult = e
		s = strings.TrimSpace(m[1])
	}
	s = strings.ReplaceAll(s, " ", "")
	s = strings.ReplaceAll(s, "\u00a0", "")
	if s == "" {
		return decimal{}, nil, fmt.Errorf("%q bukan angka", orig)
	}
	sp, err := splitDecimal(s, mult > 0)
	if err != nil {
		return decimal{}, nil, fmt.Errorf("%q bukan angka", orig)
	}
	d := newDecimal(neg, sp.ip, sp.fp, mult)
	if sp.alt == nil {
		return d, nil, nil
	}
	alt := newDecimal(neg, sp.alt[0], sp.alt[1], mult)
	return d, &alt, nil
}

// plainDigits is the fast path for the common cell: an optional minus and at most 15 digits.
func plainDigits(s string) (decimal, bool) {
	d := s
	neg := false
	if len(d) > 0 && d[0] == '-' {
		d, neg = d[1:], true
	}
	if len(d) == 0 || len(d) > 15 {
		return decimal{}, false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return decimal{}, false
		}
	}
	return newDecimal(neg, d, "", 0), true
}

// split is a number's integer and fraction digits, and, when the text is ambiguous, the other reading.
type split struct {
	ip, fp string
	alt    *[2]string
}

// splitDecimal separates integer and fraction digits of a number with Indonesian or English grouping.
// Rules:
//   - with both "." and ",", the last one is the decimal mark and the other must group by three;
//   - several "." (or several ","): thousands grouping, which must be well formed ("1.250.000");
//   - one "." or one "," followed by other than exactly three digits, or by a unit word: the decimal
//     mark ("1,25", "1250000.5", "1.250 jt");
//   - one "." followed by exactly three digits after a well-formed group ("1.250", "12.500"): Indonesian
//     thousands, as the office writes them;
//   - one "," followed by three digits after a well-formed group ("1,250"), or one "." after more than
//     three digits ("1250.125"): two readings (grouping or decimal), ambiguous — the caller decides
//     whether the column admits both;
//   - a group of "0" ("0.125", "0,125"): only the decimal reading makes sense.
func splitDecimal(s string, hasSuffix bool) (split, error) {
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	var out split
	switch {
	case dots > 0 && commas > 0:
		li := max(strings.LastIndex(s, "."), strings.LastIndex(s, ","))
		ip, fp := s[:li], s[li+1:]
		group := "."
		if s[li] == '.' {
			group = ","
		}
		if strings.ContainsAny(fp, ".,") || !grouped(ip, group) {
			return out, fmt.Errorf("bukan angka")
		}
		out.ip, out.fp = strings.ReplaceAll(ip, group, ""), fp
	case dots > 1 || commas > 1:
		sep := "."
		if commas > 1 {
			sep = ","
		}
		if !grouped(s, sep) {
			return out, fmt.Errorf("bukan angka")
		}
		out.ip = strings.ReplaceAll(s, sep, "")
	case dots == 1 || commas == 1:
		sep := byte('.')
		if commas == 1 {
			sep = ','
		}
		i := strings.IndexByte(s, sep)
		ip, fp := s[:i], s[i+1:]
		out.ip, out.fp = ip, fp
		if len(fp) != 3 || hasSuffix || ip == "" || strings.TrimLeft(ip, "0") == "" {
			break // only a decimal mark reads this
		}
		switch {
		case sep == '.' && len(ip) <= 3:
			out.ip, out.fp = ip+fp, "" // "1.250": Indonesian thousands
		case sep == ',' && len(ip) <= 3:
			out.alt = &[2]string{ip + fp, ""} // "1,250": 1,25 (Indonesian) or 1.250 (English grouping)
		case sep == '.':
			// "1250.125": a decimal point (English) or a lost thousands dot; the Indonesian reading of a
			// lone dot is grouping, so it comes first.
			out.ip, out.fp = ip+fp, ""
			out.alt = &[2]string{ip, fp}
		}
	default:
		out.ip = s
	}
	if out.ip == "" {
		out.ip = "0"
	}
	for _, part := range []string{out.ip, out.fp} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return split{}, fmt.Errorf("bukan angka")
			}
		}
	}
	return out, nil
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

// parseScaled reads s and returns value × 10^scale rounded half away from zero.
func parseScaled(s string, scale int, machine bool) (int64, error) {
	d, alt, err := readNumber(s, machine)
	if err != nil {
		return 0, err
	}
	if alt != nil {
		return 0, &AmbiguousError{Text: strings.TrimSpace(s), A: d, B: *alt}
	}
	v, err := d.scaled(scale)
	if err != nil {
		return 0, fmt.Errorf("%q terlalu besar", strings.TrimSpace(s))
	}
	return v, nil
}

// ParseMoney reads rupiah and returns cents. machine: the value is a typed number (XLSX numeric cell,
// JSON number), read literally.
func ParseMoney(s string, machine bool) (int64, error) { return parseScaled(s, 2, machine) }

// ParseCount reads a whole number (members, staff). Ambiguous text is settled when only one reading is
// whole ("1,250" members can only be 1.250).
func ParseCount(s string, machine bool) (int64, error) {
	d, alt, err := readNumber(s, machine)
	if err != nil {
		return 0, err
	}
	if alt != nil {
		switch a, b := d.isInteger(), alt.isInteger(); {
		case a && b:
			return 0, &AmbiguousError{Text: strings.TrimSpace(s), A: d, B: *alt}
		case b:
			d = *alt
		}
	}
	if !d.isInteger() {
		return 0, fmt.Errorf("%q bukan bilangan bulat", strings.TrimSpace(s))
	}
	v, err := d.scaled(0)
	if err != nil {
		return 0, fmt.Errorf("%q terlalu besar", strings.TrimSpace(s))
	}
	return v, nil
}

// ParseExact reads s (machine or text, as ParseMoney) as an exact rational, for callers that scale a
// number before rounding it (a source reporting in thousands: 2655640.178 × 1000 is Rp 2.655.640.178
// exactly, not the cents of 2655640.18 × 1000). Errors as ParseMoney's.
func ParseExact(s string, machine bool) (*big.Rat, error) {
	d, alt, err := readNumber(s, machine)
	if err != nil {
		return nil, err
	}
	if alt != nil {
		return nil, &AmbiguousError{Text: strings.TrimSpace(s), A: d, B: *alt}
	}
	if len(d.digits)+d.exp > 18 || d.exp < -40 {
		return nil, fmt.Errorf("%q di luar jangkauan", strings.TrimSpace(s))
	}
	return d.rat(), nil
}

// IsAmbiguous reports whether err says the text has two readings.
func IsAmbiguous(err error) bool {
	var a *AmbiguousError
	return errors.As(err, &a)
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
