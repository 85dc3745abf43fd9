package dashboards

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"
)

// The directory scales to the national register (~130,000 cooperatives) by splitting its data per
// kabupaten/kota into small script files loaded on demand:
//
//	data/dir/<kab>.js   the directory rows of a kab/kota
//	data/kop/<kab>.js   the detail of each cooperative of the kab/kota (profile, yearly figures,
//	                    grades, grade worksheet, status)
//	data/kasus/<kab>.js the follow-up cases of the kab/kota's cooperatives, by NIK (internal build,
//	                    only for a kab/kota with cases): apart from the profiles, so that a server
//	                    can keep them from a role that may not see follow-up (BagianTindakLanjut)
//	data/nik/<nn>.js    NIK → kab/kota, sharded by the NIK's last two digits, so koperasi.html#<nik>
//	                    finds its file without loading the whole register
//
// They are scripts (Pantau.terima(...)) rather than JSON because a page opened from file:// may load
// a script but not fetch() a file. The payload is encoding/json output, which escapes <, > and &, so
// a name like </script> cannot end the script.

// dirRow columns, in the order pantau.js reads them.
var dirKolom = []Kolom{{Label: "NIK", Tipe: "teks"}, {Label: "Nama koperasi", Tipe: "teks"}, {Label: "Jenis", Tipe: "teks"},
	{Label: "Kelompok", Tipe: "teks"}, {Label: "Kecamatan", Tipe: "teks"}, {Label: "Desa/kelurahan", Tipe: "teks"},
	{Label: "Status", Tipe: "teks"}, {Label: "Peringatan", Tipe: "teks"}, {Label: "Kategori kesehatan", Tipe: "teks"}, {Label: "Grade", Tipe: "teks"},
	{Label: "Nomor badan hukum", Tipe: "teks"}, {Label: "Rubrik kesehatan", Tipe: "teks"}}

// kopFile is data/kop/<kab>.js. At national scale these files are most of the site, so they are
// compact: the profile is an array in the order of profilKolom (pantau.js zips it back), and the
// strings that repeat on every row (rubric names, indicator names, health categories) are indexes
// into per-file dictionaries or into urutKategori.
type kopFile struct {
	Kab       string                `json:"kab"`
	Prov      string                `json:"prov"`
	Rubrik    []string              `json:"r"` // rubric names
	Indikator [][2]string           `json:"d"` // [nama aspek, nama_indikator]
	Koperasi  map[string]*kopDetail `json:"k"`
	Kasus     bool                  `json:"ks,omitempty"` // data/kasus/<kab>.js holds the region's cases

	rubrik, indikator map[string]int
}

// profilKolom names the profile array's cells (pantau.js has the same list). The public build stops
// before alamat: the last three are never written there.
var profilKolom = []string{"nik", "nama", "jenis", "kelompok", "kecamatan", "desa", "status", "peringatan", "kategori", "grade",
	"nbh", "bentuk", "sektor", "tbh", "bubar", "alasan", "per", "ratTahun", "ratTanggal", "alamat", "ketua", "telepon"}

type kopDetail struct {
	Profil    []any   `json:"p"`
	Tahun     [][]any `json:"t"`           // tahun, anggota, modal_sendiri, modal_luar, total_aset, volume_usaha, shu, tanggal_rat
	Kesehatan [][]any `json:"k,omitempty"` // tahun, rubrik (index), skor, kategori (index into urutKategori, or text), grade, cakupan, perubahan
	Indikator [][]any `json:"i,omitempty"` // indikator (index: aspek, nama), rubrik (index), tahun, nilai, band, skor, bobot, dinilai, input_hilang
	Utama     []any   `json:"u,omitempty"` // the headline grade's rubric and tahun buku (see rubrikUtama)
}

// kasusFile is data/kasus/<kab>.js: NIK → cases, each id, alasan, status, prioritas, petugas,
// dibuat, jatuh tempo.
type kasusFile map[string][][]any

func (f *kopFile) intern(m *map[string]int, key string, add func()) int {
	if *m == nil {
		*m = map[string]int{}
	}
	i, ok := (*m)[key]
	if !ok {
		i = len(*m)
		(*m)[key] = i
		add()
	}
	return i
}

var kategoriIdx = func() map[string]int {
	m := map[string]int{}
	for i, k := range urutKategori {
		m[k] = i
	}
	return m
}()

// cursor reads a query sorted by kab/kota and hands out the rows of one kab/kota at a time.
type cursor struct {
	rows *sql.Rows
	next []any
	n    int
	err  error
}

func (b *builder) openCursor(name string, args ...any) (*cursor, error) {
	rs, err := b.src.query(name, args...)
	if err != nil {
		return nil, err
	}
	cols, _ := rs.Columns()
	c := &cursor{rows: rs, n: len(cols)}
	c.advance()
	return c, c.err
}

func (c *cursor) advance() {
	c.next = nil
	if c.rows == nil || !c.rows.Next() {
		if c.rows != nil {
			c.err = c.rows.Err()
			c.rows.Close()
			c.rows = nil
		}
		return
	}
	raw := make([]any, c.n)
	ptrs := make([]any, c.n)
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	if err := c.rows.Scan(ptrs...); err != nil {
		c.err = err
		return
	}
	for i, v := range raw {
		raw[i] = norm(v)
	}
	c.next = raw
}

// take returns the rows whose first column is kab (the query is sorted by it; rows of a kab that
// sorts before kab, e.g. one without cooperatives in the register, are skipped).
func (c *cursor) take(kab string) [][]any {
	var out [][]any
	for c != nil && c.next != nil && asStr(c.next[0]) <= kab {
		if asStr(c.next[0]) == kab {
			out = append(out, c.next[1:])
		}
		c.advance()
	}
	return out
}

func (c *cursor) close() {
	if c != nil && c.rows != nil {
		c.rows.Close()
	}
}

func (b *builder) direktori() (int64, int, error) {
	pub := b.site.Public
	dir := b.site.Dir
	dirs := []string{"data/dir", "data/kop", "data/nik", "unduh/direktori"}
	if !pub {
		dirs = append(dirs, "data/kasus")
	}
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return 0, 0, err
		}
	}
	hasKes := b.hasKesehatan()
	liste := "direktori_koperasi"
	if pub {
		liste = "direktori_koperasi_publik" // alamat, ketua and telepon are not even read
	}
	list, err := b.openCursor(liste, b.aturan())
	if err != nil {
		return 0, 0, fmt.Errorf("daftar koperasi: %w", err)
	}
	defer list.close()
	lap, err := b.openCursor("direktori_laporan")
	if err != nil {
		return 0, 0, fmt.Errorf("laporan koperasi: %w", err)
	}
	defer lap.close()
	var kes, ind, kas *cursor
	if hasKes {
		kes, err = b.openCursor("direktori_kesehatan")
		if err != nil {
			return 0, 0, fmt.Errorf("kesehatan koperasi: %w", err)
		}
		defer kes.close()
		if b.src.has("mart.kesehatan_indikator", "nik", "tahun_buku", "rubrik", "aspek", "nama_indikator", "nilai", "skor", "bobot", "dinilai") {
			// The latest worksheet of every rubric that scored the cooperative, each shown under its
			// own title (the headline rubric's first, see kesehatan_aturan.sql).
			ind, err = b.openCursor("direktori_lembar_kerja")
			if err != nil {
				return 0, 0, fmt.Errorf("lembar kerja kesehatan: %w", err)
			}
			defer ind.close()
		}
	}
	if !pub && b.src.has("mart.tindak_lanjut", "id", "nik", "alasan", "status", "prioritas", "petugas", "dibuat_pada") {
		kas, err = b.openCursor("direktori_kasus")
		if err != nil {
			return 0, 0, fmt.Errorf("kasus tindak lanjut: %w", err)
		}
		defer kas.close()
	}

	type region struct {
		Kode  string `json:"kode"`
		Nama  string `json:"nama"`
		N     int    `json:"n"`
		Aktif int    `json:"aktif"`
	}
	var regions []region
	nikShard := map[string]map[string]string{}
	var total int64
	files := 0
	allCSV, err := os.Create(filepath.Join(dir, "unduh", "direktori", "semua.csv"))
	if err != nil {
		return 0, 0, err
	}
	defer allCSV.Close()
	allW := bufio.NewWriter(allCSV)
	first := true
	var work errgroup.Group
	work.SetLimit(max(2, runtime.NumCPU()))
	defer work.Wait()
	for list.next != nil {
		kab := asStr(list.next[0])
		rows := list.take(kab)
		if list.err != nil {
			return 0, 0, list.err
		}
		reg := region{Kode: kab, Nama: asStr(rows[0][13]), N: len(rows)}
		byNik := map[string]*kopDetail{}
		kf := &kopFile{Kab: reg.Nama, Prov: asStr(rows[0][22]), Rubrik: []string{}, Indikator: [][2]string{}, Koperasi: byNik}
		kasus := kasusFile{}
		dirRows := make([][]any, len(rows))
		for i, r := range rows {
			nik := asStr(r[0])
			dirRows[i] = []any{r[0], r[1], lblJenis(asStr(r[2])), r[3], r[4], r[5], lblStatus(asStr(r[6])), r[7], r[8], r[9], r[12], b.lblRubrik(asStr(r[10]))}
			if asStr(r[6]) == "aktif" {
				reg.Aktif++
			}
			prof := []any{r[0], r[1], lblJenis(asStr(r[2])), r[3], r[4], r[5], asStr(r[6]), r[7], r[8], r[9],
				r[12], r[14], r[15], r[16], r[17], r[18], r[19], r[20], r[21]}
			if !pub {
				prof = append(prof, r[23], r[24], r[25])
			}
			byNik[nik] = &kopDetail{Profil: prof}
			if r[10] != nil {
				byNik[nik].Utama = []any{r[10], r[11]}
			}
			sh := shard(nik)
			if nikShard[sh] == nil {
				nikShard[sh] = map[string]string{}
			}
			nikShard[sh][nik] = kab
		}
		for _, r := range lap.take(kab) {
			if d := byNik[asStr(r[0])]; d != nil {
				d.Tahun = append(d.Tahun, r[1:])
			}
		}
		if lap.err != nil {
			return 0, 0, lap.err
		}
		for _, c := range []*cursor{kes, ind, kas} {
			if c == nil {
				continue
			}
			for _, r := range c.take(kab) {
				d := byNik[asStr(r[0])]
				if d == nil {
					continue
				}
				switch c {
				case kes:
					r[2] = kf.intern(&kf.rubrik, asStr(r[2]), func() { kf.Rubrik = append(kf.Rubrik, asStr(r[2])) })
					if i, ok := kategoriIdx[asStr(r[4])]; ok {
						r[4] = i
					}
					d.Kesehatan = append(d.Kesehatan, r[1:])
				case ind:
					key := asStr(r[1]) + "\x00" + asStr(r[2])
					i := kf.intern(&kf.indikator, key, func() { kf.Indikator = append(kf.Indikator, [2]string{asStr(r[1]), asStr(r[2])}) })
					ru := kf.intern(&kf.rubrik, asStr(r[3]), func() { kf.Rubrik = append(kf.Rubrik, asStr(r[3])) })
					r[6] = desimalTeks(asStr(r[6])) // band "7.5 ≤ x < 10" → "7,5 ≤ x < 10"
					d.Indikator = append(d.Indikator, append([]any{i, ru}, r[4:]...))
				case kas:
					r[2] = lblKasus(asStr(r[2]))
					if l, ok := labelStatusKasus(asStr(r[3])); ok {
						r[3] = l
					}
					kasus[asStr(r[0])] = append(kasus[asStr(r[0])], r[1:])
				}
			}
			if c.err != nil {
				return 0, 0, c.err
			}
		}
		kf.Kasus = len(kasus) > 0
		if kf.Kasus {
			files++
		}
		// Marshalling and writing the files of a region runs beside the reading of the next one.
		work.Go(func() error {
			if len(kasus) > 0 {
				if err := writeScript(filepath.Join(dir, "data", "kasus", kab+".js"), "kasus", kab, kasus); err != nil {
					return err
				}
			}
			if err := writeScript(filepath.Join(dir, "data", "dir", kab+".js"), "dir", kab, dirRows); err != nil {
				return err
			}
			if err := writeScript(filepath.Join(dir, "data", "kop", kab+".js"), "kop", kab, kf); err != nil {
				return err
			}
			return writeTable(filepath.Join(dir, "unduh", "direktori"), kab, "Koperasi di "+reg.Nama, Tabel{Kolom: dirKolom, Baris: dirRows})
		})
		c := string(tableCSV(Tabel{Kolom: dirKolom, Baris: dirRows}))
		if !first { // one header (and BOM) for the whole register
			_, c, _ = strings.Cut(c, "\n")
		}
		first = false
		if _, err := allW.WriteString(c); err != nil {
			return 0, 0, err
		}
		files += 2
		total += int64(len(rows))
		regions = append(regions, reg)
	}
	if list.err != nil {
		return 0, 0, list.err
	}
	if err := work.Wait(); err != nil {
		return 0, 0, err
	}
	if first {
		allW.Write(tableCSV(Tabel{Kolom: dirKolom}))
	}
	if err := allW.Flush(); err != nil {
		return 0, 0, err
	}
	for sh, m := range nikShard {
		if err := writeScript(filepath.Join(dir, "data", "nik", sh+".js"), "nik", sh, m); err != nil {
			return 0, 0, err
		}
		files++
	}
	sort.Slice(regions, func(i, j int) bool { return regions[i].Nama < regions[j].Nama })
	data := map[string]any{"wilayah": regions, "total": total, "publik": pub, "kolom": dirKolom}
	dp := &Page{File: "direktori.html", Key: "direktori", Judul: "Direktori Koperasi",
		Deskripsi: "Semua koperasi terdaftar. Cari menurut nama, NIK, kecamatan atau desa; pilih wilayah untuk memuat datanya.",
		Data:      data, Body: direktoriBody}
	if total == 0 {
		dp.Kosong = "Belum ada koperasi terdaftar."
	}
	if err := b.site.writePage(dp); err != nil {
		return 0, 0, err
	}
	kp := &Page{File: "koperasi.html", Key: "direktori", Judul: "Profil Koperasi", Data: map[string]any{"publik": pub}, Body: koperasiBody}
	if err := b.site.writePage(kp); err != nil {
		return 0, 0, err
	}
	return total, files, nil
}

// shard is the NIK index file of a cooperative: the last two characters of its NIK.
func shard(nik string) string {
	var b strings.Builder
	for _, r := range nik {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	s := strings.ToLower(b.String())
	if len(s) < 2 {
		return "00"
	}
	return s[len(s)-2:]
}

func writeScript(path, kind, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	k, _ := json.Marshal(key)
	var buf strings.Builder
	buf.Grow(len(b) + 64)
	fmt.Fprintf(&buf, "Pantau.terima(%q,%s,", kind, k)
	buf.Write(b)
	buf.WriteString(");\n")
	return os.WriteFile(path, []byte(buf.String()), 0o644)
}

var direktoriBody = template.HTML(`<section class="panel lebar" id="direktori">
 <div class="saring">
  <label>Wilayah <select id="dir-wilayah"></select></label>
  <label class="cari">Cari <input id="dir-cari" type="search" placeholder="nama, NIK, kecamatan atau desa" autocomplete="off"></label>
  <label>Status <select id="dir-status"><option value="">Semua</option><option>Aktif</option><option>Tidak aktif</option><option>Baru</option><option>Dibubarkan</option></select></label>
  <label>Jenis <select id="dir-jenis"><option value="">Semua</option></select></label>
 </div>
 <p class="ket" id="dir-info">Memuat…</p>
 <div class="gulir"><table id="dir-tabel" class="direktori"></table></div>
 <div class="halaman-nav"><button id="dir-sebelum" type="button">‹ Sebelumnya</button> <span id="dir-hal"></span> <button id="dir-berikut" type="button">Berikutnya ›</button></div>
 <footer><span class="stempel-panel" id="dir-stempel"></span><span class="unduh">Unduh wilayah ini: <a id="dir-csv" download>CSV</a> · <a id="dir-xlsx" download>XLSX</a> · seluruh direktori: <a href="unduh/direktori/semua.csv" download>CSV</a></span></footer>
</section>`)

var koperasiBody = template.HTML(`<section id="koperasi"><p class="ket" id="kop-info">Memuat…</p></section>`)
