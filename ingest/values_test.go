package ingest

import (
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
	f.Fuzz(func(t *testing.T, s string, machine bool) {
		_, _ = ParseMoney(s, machine)
		_, _ = ParseCount(s, machine)
		_, _ = ParseDate(s, machine)
	})
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
