package ingest

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseMoney(t *testing.T) {
	cases := []struct {
		in      string
		machine bool
		cents   int64
	}{
		{"1.250.000", false, 125_000_000},
		{"1.250.000,50", false, 125_000_050},
		{"Rp 1.250.000", false, 125_000_000},
		{"Rp. 1,25 M", false, 125_000_000_000},
		{"Rp 3 jt", false, 300_000_000},
		{"2,5 juta", false, 250_000_000},
		{"750 rb", false, 75_000_000},
		{"(1.500.000)", false, -150_000_000},
		{"-1.500.000", false, -150_000_000},
		{"1,250,000.75", false, 125_000_075},
		{"1250000.5", true, 125_000_050},
		{"1.5E+6", true, 150_000_000},
		{"1.250", false, 125_000}, // Indonesian thousands
		{"0,25", false, 25},       // Indonesian decimal comma
		{"Rp1.000.000,-", false, 100_000_000},
	}
	for _, c := range cases {
		got, err := ParseMoney(c.in, c.machine)
		if err != nil || got != c.cents {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d", c.in, got, err, c.cents)
		}
	}
	for _, bad := range []string{"dua juta", "1.2.3,4,5", "Rp", "12abc", "1,5 kg"} {
		if v, err := ParseMoney(bad, false); err == nil {
			t.Errorf("ParseMoney(%q) = %d; want an error, never a silent number", bad, v)
		}
	}
	for _, none := range []string{"", "-", "  "} {
		if _, err := ParseMoney(none, false); err != errNoValue {
			t.Errorf("ParseMoney(%q): want 'no value', got %v", none, err)
		}
	}
}

// A typed number (XLSX numeric cell, JSON number) is a number: three decimals are decimals, never
// Indonesian thousands. Before the fix 1100000000.125 came out as Rp 1.100.000.000.125.
func TestParseMoneyMachineNeverGuesses(t *testing.T) {
	cases := []struct {
		in    string
		cents int64
	}{
		{"1100000000.125", 110_000_000_013}, // Rp 1.100.000.000,125 → ,13 (half away from zero)
		{"1250.125", 125_013},
		{"2655640.178", 265_564_018},
		{"0.125", 13},
		{"1.250", 125},
		{"-1250.125", -125_013},
		{"1.25E+3", 125_000},
		{"1.2345e2", 12_345},
		{"125e-2", 125},
		{"1000", 100_000},
		{"+7.5", 750},
	}
	for _, c := range cases {
		got, err := ParseMoney(c.in, true)
		if err != nil || got != c.cents {
			t.Errorf("ParseMoney(%q, machine) = %d, %v; want %d", c.in, got, err, c.cents)
		}
	}
	for _, bad := range []string{"1.250,5", "1,250", "Rp 5", "0x10", "Inf", "NaN", "1e", "1.2.3", ".", "1e99999"} {
		if v, err := ParseMoney(bad, true); err == nil {
			t.Errorf("ParseMoney(%q, machine) = %d; a machine number has one grammar", bad, v)
		}
	}
	if v, err := ParseCount("1250.000", true); err != nil || v != 1250 {
		t.Errorf("ParseCount(1250.000, machine) = %d, %v; want 1250", v, err)
	}
	if v, err := ParseCount("12.5", true); err == nil {
		t.Errorf("ParseCount(12.5, machine) = %d; want 'not whole'", v)
	}
}

// Text with two sensible readings is refused with both named, never guessed.
func TestParseTextAmbiguous(t *testing.T) {
	for _, in := range []string{"1,250", "12,500", "1250.125", "2655640.178", "-1,250", "Rp 1,250"} {
		v, err := ParseMoney(in, false)
		if !IsAmbiguous(err) {
			t.Errorf("ParseMoney(%q) = %d, %v; want an ambiguity error", in, v, err)
		}
	}
	_, err := ParseMoney("1,250", false)
	if err == nil || !strings.Contains(err.Error(), "1,25") || !strings.Contains(err.Error(), "1.250") {
		t.Errorf("the reason names both readings: %v", err)
	}
	_, err = ParseMoney("1250.125", false)
	if err == nil || !strings.Contains(err.Error(), "1.250.125") || !strings.Contains(err.Error(), "1.250,125") {
		t.Errorf("the reason names both readings: %v", err)
	}
	// Not ambiguous: well-formed Indonesian grouping, a decimal comma after a long integer, a leading 0,
	// two or four decimals, a unit word.
	for in, want := range map[string]int64{
		"1.250": 125_000, "12.500": 1_250_000, "1250,125": 125_013, "0,125": 13, "0.125": 13,
		"1,25": 125, "1.2500": 125, "1,2500": 125, "1.250 jt": 125_000_000, "1,250 jt": 125_000_000,
		"1.250.125": 125_012_500, "1,250,125": 125_012_500, "1.250.125,5": 125_012_550,
	} {
		if got, err := ParseMoney(in, false); err != nil || got != want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	// A count settles "1,250" (1,25 members is no count) but not "1,000" (1 or 1.000 members).
	if v, err := ParseCount("1,250", false); err != nil || v != 1250 {
		t.Errorf("ParseCount(1,250) = %d, %v; want 1250", v, err)
	}
	if v, err := ParseCount("1,000", false); !IsAmbiguous(err) {
		t.Errorf("ParseCount(1,000) = %d, %v; want ambiguous", v, err)
	}
	if v, err := ParseCount("1.000", false); err != nil || v != 1000 {
		t.Errorf("ParseCount(1.000) = %d, %v; want 1000", v, err)
	}
}

func TestParseDate(t *testing.T) {
	want := time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC)
	for _, in := range []string{"15/03/2025", "15-03-2025", "2025-03-15", "15 Maret 2025", "15 Mar 2025", "15-Mar-2025", "45731", "2025-03-15 00:00:00"} {
		got, err := ParseDate(in, false)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v", in, got, err)
		}
	}
	// 1904 date system: serial 44269 is 2025-03-15 (45731 − 1462).
	if got, err := ParseDate("44269", true); err != nil || !got.Equal(want) {
		t.Errorf("1904 serial: %v %v", got, err)
	}
	for _, bad := range []string{"31/02/2025", "15 Marte 2025", "kemarin"} {
		if _, err := ParseDate(bad, false); err == nil {
			t.Errorf("ParseDate(%q): want error", bad)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := map[string]classified{
		"KSP": {jenis: "simpan_pinjam"}, "Koperasi Simpan Pinjam": {jenis: "simpan_pinjam"},
		"KSPPS": {jenis: "simpan_pinjam_syariah"}, "KSU": {jenis: "serba_usaha"}, "Serba Usaha": {jenis: "serba_usaha"},
		"Kopwan": {kelompok: "wanita"}, "Kopkar": {kelompok: "karyawan"}, "Kopontren": {kelompok: "pesantren"},
		"KUD": {kelompok: "kud"}, "Koperasi Simpan Pinjam (KSP)": {jenis: "simpan_pinjam"}, "primer": {bentuk: "primer"},
	}
	for in, want := range cases {
		got, ok := classify(in)
		if !ok || got != want {
			t.Errorf("classify(%q) = %+v, %v; want %+v", in, got, ok, want)
		}
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"1.250.000,50", "Rp. 1,25 M", "(1.500.000)", "-", "1e308", "9999999999999999999"} {
		f.Add(s, false)
	}
	for _, s := range []string{"1100000000.125", "1.5E+6", "-0.005", "1,250", "1250.125", "0,125"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, machine bool) {
		cents, err := ParseMoney(s, machine)
		_, _ = ParseCount(s, machine)
		_, _ = ParseDate(s, machine)
		if err != nil {
			return
		}
		// A machine number means exactly what math/big reads in it (rounded half away from zero at
		// the cent); text that reads as grouping-free plain digits means the same as a machine number.
		if machine {
			r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
			if !ok || strings.ContainsAny(s, "/xXpP_") {
				t.Fatalf("ParseMoney(%q, machine) = %d, but it is no decimal number", s, cents)
			}
			if want := roundCents(r); want != cents {
				t.Fatalf("ParseMoney(%q, machine) = %d; math/big says %d", s, cents, want)
			}
		}
	})
}

// FuzzIndonesianRoundTrip: any amount written as an office writes it reads back as that amount, or is
// refused as ambiguous exactly when a lone comma stands before three decimals under 1.000.
func FuzzIndonesianRoundTrip(f *testing.F) {
	f.Add(int64(110000000012500), uint8(3), false)
	f.Add(int64(125125), uint8(3), true)
	f.Add(int64(5), uint8(1), false)
	f.Fuzz(func(t *testing.T, mant int64, dec uint8, rp bool) {
		if mant < 0 {
			mant = -(mant + 1)
		}
		mant %= 1_000_000_000_000_000 // 15 digits
		d := int(dec % 5)
		digits := fmt.Sprintf("%0*d", d+1, mant)
		ip, fp := digits[:len(digits)-d], digits[len(digits)-d:]
		var b strings.Builder
		for i := 0; i < len(ip); i++ {
			if i > 0 && (len(ip)-i)%3 == 0 {
				b.WriteByte('.')
			}
			b.WriteByte(ip[i])
		}
		if fp != "" {
			b.WriteString("," + fp)
		}
		text := b.String()
		if rp {
			text = "Rp " + text
		}
		want := roundCents(new(big.Rat).SetFrac(big.NewInt(mant), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil)))
		got, err := ParseMoney(text, false)
		intPart, _ := strconv.ParseInt(ip, 10, 64)
		if d == 3 && intPart > 0 && intPart < 1000 {
			if !IsAmbiguous(err) {
				t.Fatalf("ParseMoney(%q) = %d, %v; want refused as ambiguous", text, got, err)
			}
			return
		}
		if err != nil || got != want {
			t.Fatalf("ParseMoney(%q) = %d, %v; want %d", text, got, err, want)
		}
		// The same amount as a machine number reads the same.
		if m, err := ParseMoney(strings.ReplaceAll(strings.TrimPrefix(strings.ReplaceAll(text, ".", ""), "Rp "), ",", "."), true); err != nil || m != want {
			t.Fatalf("machine %q = %d, %v; want %d", text, m, err, want)
		}
	})
}

// roundCents is r × 100 rounded half away from zero: the test's own arithmetic.
func roundCents(r *big.Rat) int64 {
	x := new(big.Rat).Mul(r, big.NewRat(100, 1))
	num, den := new(big.Int).Abs(x.Num()), x.Denom()
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(rem, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if x.Sign() < 0 {
		q.Neg(q)
	}
	return q.Int64()
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("NIK;Nama Koperasi\n3276010000000001;KSP A\n"))
	f.Add([]byte("\xef\xbb\xbf\"a,b\",c\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := ParseCSV(b, "fuzz.csv", Limits{MaxRows: 1000, MaxEmptyRows: 100})
		if err == nil {
			_, _ = GridsToBatch([]Grid{g}, "fuzz.csv", nil)
		}
	})
}
