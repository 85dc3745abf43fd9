package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/xuri/excelize/v2"
)

// Rows are written in chunks as they are read; a conflict found after the first row of its NIK and
// tahun buku was already written must still quarantine every row of that key, in the warehouse too,
// and an exact copy in a later chunk still counts once.
func TestDuplicatesAcrossChunks(t *testing.T) {
	defer func(n int) { chunkRows = n }(chunkRows)
	chunkRows = 2
	ws := newWS(t)
	path := filepath.Join(t.TempDir(), "potongan.csv")
	os.WriteFile(path, []byte(strings.Join([]string{
		"NIK;Nama;Tahun Buku;Total Aset",
		"3276050000000071;Kop A;2024;1.000", // row 2: first of A
		"3276050000000072;Kop B;2024;5.000", // row 3: first of B
		"3276050000000071;Kop A;2024;1.000", // row 4: exact copy of row 2 (next chunk)
		"3276050000000073;Kop C;2024;7.000", // row 5
		"3276050000000071;Kop A;2024;9.000", // row 6: conflicts with rows 2 and 4 (third chunk)
		"3276050000000072;Kop B;2024;5.000", // row 7: exact copy of row 3
		"3276050000000074;Kop D;2024;bad",   // row 8: unreadable amount
	}, "\n")+"\n"), 0o644)
	sum := ingest(t, ws, path, Options{})
	// A: rows 2, 4, 6 quarantined; B: 3 accepted, 7 duplicate; C: accepted; D: quarantined.
	if sum.RowsRead != 7 || sum.Accepted != 2 || sum.Duplicate != 1 || sum.Quarantined != 4 {
		t.Fatalf("summary: read %d accepted %d duplicate %d quarantined %d", sum.RowsRead, sum.Accepted, sum.Duplicate, sum.Quarantined)
	}
	got := flat(rowsOf(t, ws, `SELECT row_number || ':' || status FROM raw.rows WHERE submission_id = ? ORDER BY row_number`, sum.SubmissionID))
	sameList(t, "raw.rows", got, []string{"2:quarantined", "3:accepted", "4:quarantined", "5:accepted", "6:quarantined", "7:duplicate", "8:quarantined"})
	got = flat(rowsOf(t, ws, `SELECT nik FROM raw.laporan WHERE submission_id = ? ORDER BY row_number`, sum.SubmissionID))
	sameList(t, "raw.laporan", got, []string{"3276050000000072", "3276050000000073"})
	q := rowsOf(t, ws, `SELECT row_number, reason FROM ops.quarantine WHERE submission_id = ? AND reason_code = 'duplikat_bertentangan' ORDER BY row_number`, sum.SubmissionID)
	if len(q) != 3 || q[0][0] != "2" || q[2][0] != "6" || !strings.Contains(q[0][1], "muncul di baris 2, 4, 6") {
		t.Errorf("conflict quarantine: %q", q)
	}
	if n := count(t, ws, `SELECT count(*) FROM ops.quarantine WHERE submission_id = ?`, sum.SubmissionID); n != 4 {
		t.Errorf("ops.quarantine has %d entries, want 4 (3 conflicts + 1 unreadable amount)", n)
	}
	if !hasWarning(sum, "baris 7 sama persis dengan baris 3") || hasWarning(sum, "baris 4 sama persis") {
		t.Errorf("warnings: %q", sum.Warnings)
	}
	sub := rowsOf(t, ws, `SELECT rows_total, rows_accepted, rows_quarantined, rows_duplicate FROM ops.submissions WHERE id = ?`, sum.SubmissionID)
	if strings.Join(sub[0], ",") != "7,2,4,1" {
		t.Errorf("ops.submissions counts %v, want 7,2,4,1", sub[0])
	}
}

// A file that breaks after some of its rows were written (here: more rows than ingest.max_rows) leaves
// none of them behind: the transaction rolls back and the file is recorded as rejected.
func TestFileBreakingHalfWayRollsBack(t *testing.T) {
	defer func(n int) { chunkRows = n }(chunkRows)
	chunkRows = 2
	ws := newWS(t)
	ws.Config.Ingest.MaxRows = 5
	path := filepath.Join(t.TempDir(), "panjang.csv")
	var b strings.Builder
	b.WriteString("NIK;Nama;Tahun Buku\n")
	for i := 0; i < 8; i++ {
		b.WriteString("327605000000008" + string(rune('0'+i)) + ";Kop;2024\n")
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
	sum, err := IngestFile(context.Background(), ws, path, Options{})
	if err == nil || !strings.Contains(err.Error(), "lebih dari 5 baris (ingest.max_rows)") {
		t.Fatalf("error %v, want the max_rows message", err)
	}
	if sum.Status != "ditolak" || sum.Accepted != 0 || sum.RowsRead != 0 {
		t.Errorf("summary: status %s, read %d, accepted %d", sum.Status, sum.RowsRead, sum.Accepted)
	}
	for _, q := range []string{`SELECT count(*) FROM raw.rows`, `SELECT count(*) FROM raw.laporan`, `SELECT count(*) FROM ops.quarantine`} {
		if n := count(t, ws, q); n != 0 {
			t.Errorf("%s = %d after a rejected file, want 0", q, n)
		}
	}
	if st := flat(rowsOf(t, ws, `SELECT status FROM ops.submissions`)); len(st) != 1 || st[0] != "ditolak" {
		t.Errorf("ops.submissions statuses %v, want [ditolak]", st)
	}
}

// The encoding check reads the file in blocks; a UTF-8 character cut by a block's end must not make a
// UTF-8 file look like Windows-1252 (its names would be stored garbled), and a lone Windows-1252 byte
// anywhere must be found.
func TestValidUTF8Streaming(t *testing.T) {
	pad := strings.Repeat("a", 64<<10-1) // "é" straddles the first 64 KB block
	for _, c := range []struct {
		name string
		text string
		want bool
	}{
		{"straddling é", pad + "é;x\n", true},
		{"4-byte rune at the end", pad + "😀", true},
		{"Windows-1252 é after a block", pad + "ab\xe9\n", false},
		{"truncated rune at EOF", "abc\xc3", false},
	} {
		for _, r := range []struct {
			name string
			rd   func(string) io.Reader
		}{
			{"blocks", func(s string) io.Reader { return strings.NewReader(s) }},
			{"byte by byte", func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) }},
		} {
			got, err := validUTF8(r.rd(c.text))
			if err != nil || got != c.want {
				t.Errorf("%s (%s): valid %v, %v; want %v", c.name, r.name, got, err, c.want)
			}
		}
	}
}

// A NIK typed into a numeric cell: Excel keeps 15 digits, so one ending in 0 may have lost its last
// digit. The rows load (the NIK may be right) and the file says which rows to check; a NIK typed as
// text, or a numeric one ending in another digit, raises nothing.
func TestNumericNIKWarning(t *testing.T) {
	ws := newWS(t)
	path := writeRawXLSX(t, filepath.Join(t.TempDir(), "angka.xlsx"), false, map[string][][]rawCell{
		"Data": {
			{is("NIK"), is("Nama Koperasi"), is("Tahun Buku")},
			{num("3276050000000120"), is("KSP Angka"), num("2024")},   // numeric, ends in 0: warned
			{num("3276050000000121"), is("KSP Utuh"), num("2024")},    // numeric, ends in 1: whole
			{is("3276050000000130"), is("KSP Teks"), num("2024")},     // text: as typed
			{num("3276050000000140"), is("KSP Angka 2"), num("2024")}, // numeric, ends in 0: warned
		},
	}, []string{"Data"})
	sum := ingest(t, ws, path, Options{})
	if sum.Accepted != 4 {
		t.Fatalf("accepted %d, want 4: %v", sum.Accepted, sum.Problems)
	}
	if !hasWarning(sum, "2 NIK dibaca dari sel angka", `lembar "Data", baris 2, 3276050000000120`, "format kolom NIK sebagai Teks") {
		t.Errorf("warnings: %q", sum.Warnings)
	}
}

// The duplicate key packs NIK and tahun buku into one word; both must come back out, and values that
// do not fit are refused rather than folded onto another key.
func TestPackDupKey(t *testing.T) {
	for _, c := range []struct {
		nik   uint64
		tahun int64
		ok    bool
	}{
		{3276050000000071, 2024, true},
		{9999999999999999, 1950, true}, // the largest NIK, the earliest accepted year
		{3276050000000071, 0, true},    // a register: no tahun buku
		{3276050000000071, 2923, true}, // 1900 + 1023
		{3276050000000071, 2924, false},
		{3276050000000071, 1900, false},
		{1 << 54, 2024, false},
	} {
		k, ok := packDupKey(c.nik, c.tahun)
		if ok != c.ok {
			t.Errorf("pack(%d, %d): ok %v, want %v", c.nik, c.tahun, ok, c.ok)
			continue
		}
		if ok && (k.nik() != c.nik || k.tahun() != c.tahun) {
			t.Errorf("pack(%d, %d) → %d, %d", c.nik, c.tahun, k.nik(), k.tahun())
		}
	}
	a, _ := packDupKey(3276050000000071, 2024)
	b, _ := packDupKey(3276050000000071, 2023)
	c, _ := packDupKey(3276050000000072, 2024)
	if a == b || a == c {
		t.Error("distinct NIK × tahun buku packed to the same key")
	}
}

// Problems are listed in row order, as before rows streamed: a conflict is only known once a later
// row of its key is read, yet its problem must not go after every other row's (the CLI prints the
// first 20, the upload page the first 200). A dry run reports the same as the real run.
func TestProblemsInRowOrder(t *testing.T) {
	defer func(n int) { chunkRows = n }(chunkRows)
	chunkRows = 2
	path := filepath.Join(t.TempDir(), "urutan.csv")
	os.WriteFile(path, []byte(strings.Join([]string{
		"NIK;Nama;Tahun Buku;Total Aset",
		"3276050000000071;Kop A;2024;1.000", // row 2: conflict (with row 6)
		"3276050000000072;Kop B;2024;5.000", // row 3
		"3276050000000071;Kop A;2024;1.000", // row 4: conflict
		"3276050000000073;Kop C;2024;x",     // row 5: unreadable amount
		"3276050000000071;Kop A;2024;9.000", // row 6: conflict
		"3276050000000072;Kop B;2024;5.000", // row 7: exact copy of row 3
	}, "\n")+"\n"), 0o644)
	ws := newWS(t)
	dry := ingest(t, ws, path, Options{DryRun: true})
	real := ingest(t, ws, path, Options{})
	for _, s := range []*Summary{dry, real} {
		var got []string
		for _, p := range s.Problems {
			got = append(got, fmt.Sprintf("%d:%s", p.Row, p.Code))
		}
		sameList(t, s.Status.String()+" problems", got, []string{"2:duplikat_bertentangan", "4:duplikat_bertentangan", "5:angka_tidak_terbaca", "6:duplikat_bertentangan"})
		sameList(t, s.Status.String()+" row status", s.RowStatus, []string{"quarantined", "accepted", "quarantined", "quarantined", "quarantined", "duplicate"})
	}
	if strings.Join(dry.Warnings, "|") != strings.Join(real.Warnings, "|") || len(real.Warnings) != 1 || real.Warnings[0] != "baris 7 sama persis dengan baris 3; dihitung sekali" {
		t.Errorf("warnings: dry %q, real %q", dry.Warnings, real.Warnings)
	}
}

// A supplement sheet (here placed before the main sheet) completes every main row of its NIK and
// tahun buku: an exact copy of a main row then stays an exact copy (counted once, with a warning)
// instead of reading as a conflicting duplicate because only its first copy got the finance values.
// Two supplement rows of one key both complete it; a supplement row without a main row loads alone.
func TestSupplementCompletesEveryCopy(t *testing.T) {
	ws := newWS(t)
	path := writeXLSX(t, filepath.Join(t.TempDir(), "ksp.xlsx"), func(f *excelize.File) {
		f.SetSheetName("Sheet1", "Keuangan KSP")
		set(t, f, "Keuangan KSP", 1, "NIK", "Tahun Buku", "Kas dan Bank", "Pinjaman Macet")
		set(t, f, "Keuangan KSP", 2, "3276050000000001", "2024", "1000", "")
		set(t, f, "Keuangan KSP", 3, "3276050000000001", "2024", "", "300")
		set(t, f, "Keuangan KSP", 4, "3276050000000009", "2024", "50", "")
		f.NewSheet("Laporan")
		set(t, f, "Laporan", 1, "NIK", "Nama Koperasi", "Tahun Buku", "Total Aset")
		set(t, f, "Laporan", 2, "3276050000000001", "Kop A", "2024", "5000")
		set(t, f, "Laporan", 3, "3276050000000002", "Kop B", "2024", "7000")
		set(t, f, "Laporan", 4, "3276050000000001", "Kop A", "2024", "5000") // exact copy of row 2
	})
	sum := ingest(t, ws, path, Options{})
	if sum.Accepted != 2 || sum.Duplicate != 1 || sum.Quarantined != 1 {
		t.Errorf("accepted %d duplicate %d quarantined %d, want 2, 1, 1 (the KSP row without a main row has no name); problems %v",
			sum.Accepted, sum.Duplicate, sum.Quarantined, sum.Problems)
	}
	if !hasWarning(sum, `lembar "Laporan", baris 4 sama persis dengan baris 2; dihitung sekali`) {
		t.Errorf("warnings %q", sum.Warnings)
	}
	expect(t, laporan(t, ws, "3276050000000001", 2024), map[string]string{"kas_bank": "1000.00", "pinjaman_macet": "300.00", "total_aset": "5000.00"})
	rows := flat(rowsOf(t, ws, `SELECT sheet || ':' || row_number || ':' || status FROM raw.rows WHERE submission_id = ? ORDER BY sheet, row_number`, sum.SubmissionID))
	sameList(t, "raw.rows", rows, []string{"Keuangan KSP:4:quarantined", "Laporan:2:accepted", "Laporan:3:accepted", "Laporan:4:duplicate"})
}

// Duplicates across sheets (one sheet per kecamatan) name the sheet of each row: "lembar B, baris 2
// sama persis dengan baris 2" would send the reader to the row itself.
func TestDuplicatesAcrossSheetsNameTheSheet(t *testing.T) {
	ws := newWS(t)
	path := writeXLSX(t, filepath.Join(t.TempDir(), "kecamatan.xlsx"), func(f *excelize.File) {
		for _, sh := range []string{"Beji", "Sawangan"} {
			if sh == "Beji" {
				f.SetSheetName("Sheet1", sh)
			} else {
				f.NewSheet(sh)
			}
			set(t, f, sh, 1, "NIK", "Nama Koperasi", "Tahun Buku", "Total Aset")
		}
		set(t, f, "Beji", 2, "3276050000000001", "Kop A", "2024", "5000")
		set(t, f, "Beji", 3, "3276050000000002", "Kop B", "2024", "7000")
		set(t, f, "Beji", 4, "3276050000000002", "Kop B", "2024", "7000")     // same sheet: text as before
		set(t, f, "Sawangan", 2, "3276050000000001", "Kop A", "2024", "5000") // copy of Beji row 2
		set(t, f, "Sawangan", 3, "3276050000000003", "Kop C", "2023", "1")
		set(t, f, "Sawangan", 4, "3276050000000003", "Kop C", "2023", "2") // conflict within one sheet
		set(t, f, "Sawangan", 5, "3276050000000002", "Kop B", "2024", "8000")
	})
	sum := ingest(t, ws, path, Options{})
	want := []string{
		`lembar "Sawangan", baris 2 sama persis dengan lembar "Beji" baris 2; dihitung sekali`,
	}
	sameList(t, "warnings", sum.Warnings, want)
	var got []string
	for _, p := range sum.Problems {
		got = append(got, p.String())
	}
	b := `duplikat bertentangan: NIK 3276050000000002 tahun buku 2024 muncul di lembar "Beji" baris 3, lembar "Beji" baris 4, lembar "Sawangan" baris 5 dengan nilai berbeda`
	c := `duplikat bertentangan: NIK 3276050000000003 tahun buku 2023 muncul di baris 3, 4 dengan nilai berbeda`
	sameList(t, "problems", got, []string{
		`lembar "Beji", baris 3: ` + b, `lembar "Beji", baris 4: ` + b,
		`lembar "Sawangan", baris 3: ` + c, `lembar "Sawangan", baris 4: ` + c, `lembar "Sawangan", baris 5: ` + b,
	})
}

// A CSV cut short by a run of empty rows says so without naming a sheet it does not have
// (`lembar "": berhenti ...`).
func TestCSVEmptyRunWarningNamesNoSheet(t *testing.T) {
	ws := newWS(t)
	ws.Config.Ingest.MaxEmptyRows = 10
	path := filepath.Join(t.TempDir(), "kosong.csv")
	os.WriteFile(path, []byte("NIK;Nama Koperasi;Tahun Buku\n3276050000000001;Kop A;2024\n"+
		strings.Repeat(";;\n", 12)+"3276050000000002;Kop B;2024\n"), 0o644)
	sum := ingest(t, ws, path, Options{})
	if sum.RowsRead != 1 {
		t.Errorf("read %d rows, want 1 (the file stops after 10 empty rows)", sum.RowsRead)
	}
	sameList(t, "warnings", sum.Warnings, []string{"berhenti setelah 10 baris kosong berturut-turut (ingest.max_empty_rows)"})
}

// Conflicts and rejected rows are written a batch of rows per statement; a file with more of them than
// one batch holds (here 300 conflicting keys → 600 rows, written in chunks of 50) must still mark
// every one of them, in raw.rows, raw.laporan and ops.quarantine.
func TestManyConflictsInBatches(t *testing.T) {
	defer func(n int) { chunkRows = n }(chunkRows)
	chunkRows = 50
	ws := newWS(t)
	var b strings.Builder
	b.WriteString("NIK;Nama;Tahun Buku;Total Aset\n")
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(&b, "%d;Kop %d;2024;1.000\n", 3276050000010000+i, i)
	}
	for i := 1; i <= 300; i++ { // the same NIKs again, other figures: all 600 rows conflict
		fmt.Fprintf(&b, "%d;Kop %d;2024;2.000\n", 3276050000010000+i, i)
	}
	b.WriteString("3276050000019999;Kop Baik;2024;5.000\n")
	path := filepath.Join(t.TempDir(), "banyak.csv")
	os.WriteFile(path, []byte(b.String()), 0o644)
	sum := ingest(t, ws, path, Options{})
	if sum.Accepted != 1 || sum.Quarantined != 600 || len(sum.Problems) != 600 {
		t.Fatalf("accepted %d quarantined %d problems %d", sum.Accepted, sum.Quarantined, len(sum.Problems))
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM raw.rows WHERE submission_id = ? AND status = 'quarantined'`:                      600,
		`SELECT count(*) FROM raw.laporan WHERE submission_id = ?`:                                              1,
		`SELECT count(*) FROM ops.quarantine WHERE submission_id = ? AND reason_code = 'duplikat_bertentangan'`: 600,
		`SELECT count(DISTINCT row_number) FROM ops.quarantine WHERE submission_id = ?`:                         600,
	} {
		if n := count(t, ws, q, sum.SubmissionID); n != want {
			t.Errorf("%s = %d, want %d", q, n, want)
		}
	}
	if got := tuples(2, 3); got != "(?, ?, ?), (?, ?, ?)" {
		t.Errorf("tuples(2, 3) = %q", got)
	}
}

// Two uploads of the same file at once: both look for its bytes before the writer lock, find nothing,
// and queue for the lock. The second must see the first's commit and change nothing.
func TestSameFileTwiceAtOnce(t *testing.T) {
	ws := newWS(t)
	path := filepath.Join(t.TempDir(), "kembar.csv")
	os.WriteFile(path, []byte("NIK;Nama;Tahun Buku;Total Aset\n3276050000000301;Kop Kembar;2024;1.000\n3276050000000302;Kop Dua;2024;2.000\n"), 0o644)
	results := make(chan *Summary, 2)
	// Hold the writer lock while both ingests start, so both pass their first look and wait for it.
	err := ws.WH.WriteConn(context.Background(), func(*sql.Conn) error {
		for i := 0; i < 2; i++ {
			go func() {
				s, err := IngestFile(context.Background(), ws, path, Options{})
				if err != nil {
					t.Error(err)
				}
				results <- s
			}()
		}
		time.Sleep(500 * time.Millisecond)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a, b := <-results, <-results
	statuses := []string{a.Status.String(), b.Status.String()}
	sort.Strings(statuses)
	if statuses[0] != "diterima" || statuses[1] != "duplikat" {
		t.Errorf("statuses %v, want one diterima and one duplikat", statuses)
	}
	if n := count(t, ws, `SELECT count(*) FROM ops.submissions`); n != 1 {
		t.Errorf("%d submissions, want 1", n)
	}
	if n := count(t, ws, `SELECT count(*) FROM raw.laporan`); n != 2 {
		t.Errorf("raw.laporan has %d rows, want 2 (the file once)", n)
	}
}
