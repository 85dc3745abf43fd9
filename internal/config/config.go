// Package config is pantau.toml: the office's settings for every stage.
//
// One spec drives everything: each setting is a struct field with a `toml` key and a `doc` tag. The
// commented pantau.toml that `pantau init` writes (Template) and docs/configuration.md (Markdown) are
// generated from those tags and the values of Default, so the file, the docs and the code cannot drift.
// Defaults and clamps live in one place: Default and (*Config).normalise.
package config

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// FileName is the name of the workspace's configuration file; the directory holding it is the workspace.
const FileName = "pantau.toml"

// Config is the whole of pantau.toml.
type Config struct {
	Kantor       Kantor       `toml:"kantor" doc:"The office that runs Pantau: its name, jurisdiction and look."`
	Warehouse    Warehouse    `toml:"warehouse" doc:"The embedded DuckDB warehouse. One process owns the file (pantau serve in production)."`
	Paths        Paths        `toml:"paths" doc:"Folders of the workspace, relative to the folder holding pantau.toml."`
	Ingest       Ingest       `toml:"ingest" doc:"Reading spreadsheets: limits that protect the server from oversized or hostile files."`
	Status       Status       `toml:"status" doc:"Activity status (aktif / tidak aktif) and its warnings, SPEC §4."`
	Kesehatan    Kesehatan    `toml:"kesehatan" doc:"Health grades: which rubric applies, and the grade letters of the categories."`
	TindakLanjut TindakLanjut `toml:"tindak_lanjut" doc:"Follow-up cases (tindak lanjut): which are raised automatically, and their due date."`
	Transform    Transform    `toml:"transform" doc:"Transform: guards that hold a suspicious load back from the marts."`
	Publish      Publish      `toml:"publish" doc:"The static dashboards."`
	Serve        Serve        `toml:"serve" doc:"The long-running server (pantau serve)."`
	Schedules    Schedules    `toml:"schedules" doc:"Cron schedules of the server's jobs (robfig/cron syntax, in the office's time zone)."`
	Sumber       []Sumber     `toml:"sumber" doc:"HTTP sources Pantau pulls reports from (pantau pull, the server's pull job). One [[sumber]] block per source; secrets stay in environment variables."`
	API          API          `toml:"api" doc:"The push API (POST /api/v1/laporan) that cooperatives' apps and other offices report to, with tokens from pantau token create."`
	HeaderMaps   HeaderMaps   `toml:"header_map" doc:"Per-office header labels the synonym table does not know: \"label as written\" = \"canonical_field\"."`

	// Dir is the workspace directory (where pantau.toml lives); not read from the file.
	Dir string `toml:"-"`
}

// Kantor describes the office.
type Kantor struct {
	// Nama is shown on every dashboard page.
	Nama string `toml:"nama" doc:"Office name shown on every dashboard page."`
	// Wilayah is the jurisdiction: a Kemendagri code (province "32", kab/kota "32.76"); empty = whole country.
	Wilayah string `toml:"wilayah" doc:"The office's jurisdiction as a Kemendagri code: \"32\" for a province, \"32.76\" for Kota Depok; empty for the whole country. It scopes region-name matching and the dashboards."`
	// ZonaWaktu is the IANA time zone that times are shown in (they are stored in UTC).
	ZonaWaktu string `toml:"zona_waktu" doc:"IANA time zone in which times are shown and schedules run (times are stored in UTC)."`
	// Logo is a path to an image shown in the dashboards' header.
	Logo string `toml:"logo" doc:"Path (relative to the workspace) of a PNG/SVG logo for the dashboards; empty for none."`
	// WarnaUtama is the primary colour of the dashboards.
	WarnaUtama string `toml:"warna_utama" doc:"Primary colour of the dashboards, as #rrggbb."`
	// WarnaGrafik is the palette of chart series without a meaning of their own (status and health
	// categories keep their fixed colours so green always means aktif/Sehat).
	WarnaGrafik []string `toml:"warna_grafik" doc:"Colours of chart series, as #rrggbb, used in order (status and health categories keep their fixed colours)."`
}

// Warehouse configures DuckDB.
type Warehouse struct {
	// Path of the DuckDB file.
	Path string `toml:"path" doc:"Path of the DuckDB file, relative to the workspace."`
	// MemoryLimit is DuckDB's memory_limit.
	MemoryLimit string `toml:"memory_limit" doc:"DuckDB memory_limit (e.g. \"4GB\"); larger jobs spill to temp_directory."`
	// Threads is DuckDB's threads setting; 0 means the number of CPUs.
	Threads int `toml:"threads" doc:"DuckDB worker threads; 0 = number of CPUs."`
	// TempDirectory is where DuckDB spills.
	TempDirectory string `toml:"temp_directory" doc:"Where DuckDB spills when memory_limit is reached, relative to the workspace."`
}

// Paths are the workspace folders.
type Paths struct {
	Inbox   string `toml:"inbox" doc:"Drop spreadsheets here; the inbox job loads them."`
	Archive string `toml:"archive" doc:"Loaded files are moved here, under YYYY/MM/, named with their submission id."`
	Public  string `toml:"public" doc:"Where pantau publish writes the dashboards."`
}

// Ingest limits.
type Ingest struct {
	MaxFileMB           int     `toml:"max_file_mb" doc:"Largest file accepted, in MB."`
	MaxUnzipMB          int     `toml:"max_unzip_mb" doc:"Largest total unzipped size of an XLSX, in MB (zip-bomb guard)."`
	MaxCompressionRatio float64 `toml:"max_compression_ratio" doc:"Largest unzipped/zipped ratio of an XLSX (zip-bomb guard)."`
	MaxRows             int     `toml:"max_rows" doc:"Most data rows read from one sheet."`
	MaxEmptyRows        int     `toml:"max_empty_rows" doc:"A sheet stops after this many empty rows in a row (Excel's phantom used range)."`
	LibreOffice         string  `toml:"libreoffice" doc:"Command that converts legacy .xls/.ods to .xlsx in headless mode; empty to refuse such files."`
}

// Status settings.
type Status struct {
	TahunTanpaRAT   int `toml:"tahun_tanpa_rat" doc:"A cooperative is tidak_aktif after this many closed tahun buku without a RAT."`
	BatasRATBulan   int `toml:"batas_rat_bulan" doc:"Months after the end of the tahun buku by which the RAT must be held (rat_terlambat after that)."`
	BatasLaporBulan int `toml:"batas_lapor_bulan" doc:"Months after the end of the tahun buku by which the annual report counts as on time (reporting completeness)."`
}

// Kesehatan settings.
type Kesehatan struct {
	GradeSehat       string   `toml:"grade_sehat" doc:"Grade letter for the category Sehat."`
	GradeCukupSehat  string   `toml:"grade_cukup_sehat" doc:"Grade letter for Cukup Sehat."`
	GradePengawasan  string   `toml:"grade_dalam_pengawasan" doc:"Grade letter for Dalam Pengawasan."`
	GradePengawasanK string   `toml:"grade_dalam_pengawasan_khusus" doc:"Grade letter for Dalam Pengawasan Khusus."`
	CakupanMinimum   float64  `toml:"cakupan_minimum" doc:"Below this share of assessed weight no category is given (Tidak Dapat Dinilai)."`
	Penerapan        []string `toml:"penerapan" doc:"Which rubric scores which cooperatives: \"rubrik:jenis,jenis\" or \"rubrik:*\" for every jenis. A cooperative gets every rubric that applies to it; ksp-2016 also needs the KSP/USP finance fields (see scoring/README.md)."`
	BobotAspek       []string `toml:"bobot_aspek" doc:"Aspect weights that replace a rubric file's, as \"rubrik.aspek=bobot\"; the aspect's indicators are scaled with it and the rubric must still sum to 100. The kkpkk-2021 weights of kinerja_keuangan and permodalan are not confirmed by a source (provisional)."`
}

// TindakLanjut settings.
type TindakLanjut struct {
	Otomatis       bool     `toml:"otomatis" doc:"Raise follow-up cases automatically after each scoring run."`
	Alasan         []string `toml:"alasan" doc:"Reasons raised automatically: tidak_aktif, rat_terlambat, belum_lapor, kesehatan (Dalam Pengawasan or worse), kategori_turun, kualitas_data (error-severity rows of ops.check_results)."`
	JatuhTempoHari int      `toml:"jatuh_tempo_hari" doc:"Days from raising to the due date of an automatic case."`
	Petugas        string   `toml:"petugas" doc:"Officer an automatic case is assigned to; empty to leave it unassigned."`
	KodeSurat      string   `toml:"kode_surat" doc:"Letter-number pattern for the draft surat teguran list; {no} and {tahun} are replaced."`
}

// Transform guards.
type Transform struct {
	HoldBelowRatio float64 `toml:"hold_below_ratio" doc:"A load whose row count falls below this share of the previous load of the same source is held for review."`
}

// Publish settings.
type Publish struct {
	Judul string `toml:"judul" doc:"Title of the dashboards."`
	// Catatan is a footer line on every page (e.g. the office's address or a data-use notice).
	Catatan string `toml:"catatan" doc:"A line shown at the foot of every dashboard page (e.g. the office's address or a notice on the use of the data); empty for none."`
	// Publik is where scheduled publishes also write the public build (pantau publish --public).
	Publik string `toml:"publik" doc:"Folder (relative to the workspace) where every scheduled publish (pantau run, the nightly job) also writes the public build: the directory and aggregate pages, without follow-up, data quality or personal data. Empty for none; it must differ from paths.public."`
}

// Serve settings.
type Serve struct {
	Addr          string `toml:"addr" doc:"Address the server listens on."`
	MaxUploadMB   int    `toml:"max_upload_mb" doc:"Largest upload accepted through the web form or the push API, in MB."`
	SecureCookies bool   `toml:"secure_cookies" doc:"Mark session cookies Secure (set true behind HTTPS)."`
	SessionHours  int    `toml:"session_hours" doc:"A login lasts this many hours; then the user logs in again."`
	ShutdownSecs  int    `toml:"shutdown_seconds" doc:"On SIGTERM a running job gets this many seconds to finish before it is cancelled."`
	RequestSecs   int    `toml:"request_timeout_seconds" doc:"Longest time a request (including an upload's dry run) may take."`
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is believed (app/web,
	// clientAddr); empty means the address that connected is always the client.
	TrustedProxies []string `toml:"trusted_proxies" doc:"Reverse proxies in front of the server, as IP addresses or CIDR ranges (e.g. [\"127.0.0.1\", \"10.0.0.0/8\"]). Only for a request that comes from one of them does X-Forwarded-For count: the client is then the right-most address in it that is not itself a trusted proxy. That client address is what login throttling, the login log and the access log use. Empty: X-Forwarded-For never counts, and every client is the address that connected (behind a proxy, that is the proxy for everyone)."`
	// MetricsToken lets a scraper on another machine read /metrics.
	MetricsToken string `toml:"metrics_token" doc:"Bearer token that may read /metrics (Authorization: Bearer <token>), e.g. for a Prometheus on another machine; at least 16 characters, compared in constant time. Empty for none: /metrics is then open only to an admin's session and to a request made on this machine (a loopback connection that no proxy forwarded). When set, keep pantau.toml readable by the server's user only."`
}

// Schedules of the server's jobs.
type Schedules struct {
	Inbox          string `toml:"inbox" doc:"Scan the inbox folder."`
	Pull           string `toml:"pull" doc:"Pull the configured HTTP sources."`
	Nightly        string `toml:"nightly" doc:"Transform, score and publish."`
	Sweep          string `toml:"sweep" doc:"Weekly sweep that raises follow-up cases for belum_lapor and rat_terlambat."`
	GraceMins      int    `toml:"grace_minutes" doc:"A run missed while the server was down is made up at start-up if it was due within this many minutes."`
	Missed         string `toml:"missed" doc:"Missed-run policy: \"sekali\" runs a missed job once at start-up when it was due within grace_minutes; \"lewati\" never makes up (the job waits for its next slot). Every skip is logged."`
	PullRetries    int    `toml:"pull_retries" doc:"Extra attempts of a failed pull before the run is marked failed."`
	PullRetrySecs  int    `toml:"pull_retry_seconds" doc:"Wait before the first pull retry; doubled on each further attempt (capped at one hour)."`
	InboxQuietSecs int    `toml:"inbox_quiet_seconds" doc:"A file in the inbox is left for the next scan until it has not changed (size and modification time) for this many seconds: it may still be being copied."`
}

// HeaderMaps maps header labels as written to canonical field names.
type HeaderMaps map[string]string

// Default returns the configuration every setting falls back to.
func Default() Config {
	return Config{
		Kantor: Kantor{Nama: "Dinas Koperasi dan UKM", ZonaWaktu: "Asia/Jakarta", WarnaUtama: "#0f5c8c",
			WarnaGrafik: []string{"#0f5c8c", "#2a9d8f", "#e9a23b", "#8e6bbf", "#e76f51", "#5b8e3e", "#3d7ea6", "#b5838d"}},
		Warehouse: Warehouse{Path: "data/pantau.duckdb", MemoryLimit: "4GB", Threads: 0,
			TempDirectory: "data/tmp"},
		Paths:  Paths{Inbox: "inbox", Archive: "archive", Public: "public"},
		Ingest: Ingest{MaxFileMB: 100, MaxUnzipMB: 500, MaxCompressionRatio: 100, MaxRows: 1_000_000, MaxEmptyRows: 1000, LibreOffice: "soffice"},
		Status: Status{TahunTanpaRAT: 3, BatasRATBulan: 6, BatasLaporBulan: 6},
		Kesehatan: Kesehatan{GradeSehat: "A", GradeCukupSehat: "B", GradePengawasan: "C", GradePengawasanK: "D",
			CakupanMinimum: 0.8,
			Penerapan:      []string{"ksp-2016:simpan_pinjam,simpan_pinjam_syariah", "kkpkk-2021:simpan_pinjam,simpan_pinjam_syariah", "umum-2026:*"},
			BobotAspek:     []string{"kkpkk-2021.kinerja_keuangan=40", "kkpkk-2021.permodalan=15"}},
		TindakLanjut: TindakLanjut{Otomatis: true,
			Alasan:         []string{"tidak_aktif", "rat_terlambat", "belum_lapor", "kesehatan", "kategori_turun", "kualitas_data"},
			JatuhTempoHari: 30, KodeSurat: "{no}/TL/DISKOP/{tahun}"},
		Transform: Transform{HoldBelowRatio: 0.5},
		Publish:   Publish{Judul: "Pantau Koperasi"},
		Serve: Serve{Addr: "127.0.0.1:8080", MaxUploadMB: 50, SessionHours: 12, ShutdownSecs: 30, RequestSecs: 120,
			TrustedProxies: []string{}},
		Schedules: Schedules{Inbox: "*/10 * * * *", Pull: "0 * * * *", Nightly: "0 1 * * *", Sweep: "0 6 * * 1", GraceMins: 720,
			Missed: "sekali", PullRetries: 3, PullRetrySecs: 60, InboxQuietSecs: 10},
		API:        API{MaxRowsPerRequest: 1000, MaxKeyLength: 200},
		HeaderMaps: HeaderMaps{},
	}
}

// normalise applies clamps so a hand-edited file cannot put the server in a bad state.
func (c *Config) normalise() error {
	var errs []error
	if c.Warehouse.Threads <= 0 {
		c.Warehouse.Threads = runtime.NumCPU()
	}
	c.Ingest.MaxFileMB = clamp(c.Ingest.MaxFileMB, 1, 2048)
	c.Ingest.MaxUnzipMB = clamp(c.Ingest.MaxUnzipMB, 1, 16384)
	if c.Ingest.MaxCompressionRatio < 2 {
		c.Ingest.MaxCompressionRatio = 2
	}
	c.Ingest.MaxRows = clamp(c.Ingest.MaxRows, 1, 10_000_000)
	c.Ingest.MaxEmptyRows = clamp(c.Ingest.MaxEmptyRows, 10, 1_000_000)
	c.Status.TahunTanpaRAT = clamp(c.Status.TahunTanpaRAT, 1, 10)
	c.Status.BatasRATBulan = clamp(c.Status.BatasRATBulan, 1, 24)
	c.Status.BatasLaporBulan = clamp(c.Status.BatasLaporBulan, 1, 24)
	c.TindakLanjut.JatuhTempoHari = clamp(c.TindakLanjut.JatuhTempoHari, 1, 3650)
	if c.Kesehatan.CakupanMinimum < 0 || c.Kesehatan.CakupanMinimum > 1 {
		errs = append(errs, fmt.Errorf("kesehatan.cakupan_minimum harus di antara 0 dan 1, bukan %v", c.Kesehatan.CakupanMinimum))
	}
	if c.Transform.HoldBelowRatio < 0 || c.Transform.HoldBelowRatio > 1 {
		errs = append(errs, fmt.Errorf("transform.hold_below_ratio harus di antara 0 dan 1, bukan %v", c.Transform.HoldBelowRatio))
	}
	if c.Publish.Publik != "" && filepath.Clean(c.Publish.Publik) == filepath.Clean(c.Paths.Public) {
		errs = append(errs, fmt.Errorf("publish.publik %q sama dengan paths.public: versi publik akan menimpa dasbor internal", c.Publish.Publik))
	}
	if !isColour(c.Kantor.WarnaUtama) {
		errs = append(errs, fmt.Errorf("kantor.warna_utama %q bukan warna #rrggbb", c.Kantor.WarnaUtama))
	}
	for _, w := range c.Kantor.WarnaGrafik {
		if !isColour(w) {
			errs = append(errs, fmt.Errorf("kantor.warna_grafik: %q bukan warna #rrggbb", w))
		}
	}
	if _, err := time.LoadLocation(c.Kantor.ZonaWaktu); err != nil {
		errs = append(errs, fmt.Errorf("kantor.zona_waktu %q tidak dikenal: %w", c.Kantor.ZonaWaktu, err))
	}
	c.Serve.MaxUploadMB = clamp(c.Serve.MaxUploadMB, 1, 2048)
	c.Serve.SessionHours = clamp(c.Serve.SessionHours, 1, 24*30)
	c.Serve.ShutdownSecs = clamp(c.Serve.ShutdownSecs, 1, 3600)
	c.Serve.RequestSecs = clamp(c.Serve.RequestSecs, 5, 3600)
	if _, err := ParsePrefixes(c.Serve.TrustedProxies); err != nil {
		errs = append(errs, fmt.Errorf("serve.trusted_proxies: %w", err))
	}
	if t := c.Serve.MetricsToken; t != "" && (len(t) < 16 || strings.TrimSpace(t) != t) {
		errs = append(errs, errors.New("serve.metrics_token terlalu pendek: minimal 16 karakter, tanpa spasi di awal atau akhir"))
	}
	c.Schedules.GraceMins = clamp(c.Schedules.GraceMins, 0, 60*24*31)
	c.Schedules.PullRetries = clamp(c.Schedules.PullRetries, 0, 20)
	c.Schedules.PullRetrySecs = clamp(c.Schedules.PullRetrySecs, 1, 3600)
	c.Schedules.InboxQuietSecs = clamp(c.Schedules.InboxQuietSecs, 0, 3600)
	if c.Schedules.Missed != "sekali" && c.Schedules.Missed != "lewati" {
		errs = append(errs, fmt.Errorf("schedules.missed harus \"sekali\" atau \"lewati\", bukan %q", c.Schedules.Missed))
	}
	if c.HeaderMaps == nil {
		c.HeaderMaps = HeaderMaps{}
	}
	return errors.Join(errs...)
}

// isColour accepts #rgb and #rrggbb: the colours go into the pages' CSS.
func isColour(s string) bool {
	if len(s) != 4 && len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, r := range s[1:] {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// Load reads pantau.toml from dir. Settings absent from the file keep their defaults.
func Load(dir string) (*Config, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := Default()
	path := filepath.Join(abs, FileName)
	md, err := toml.DecodeFile(path, &c)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s tidak ditemukan di %s: jalankan `pantau init` dulu, atau pakai -C DIR: %w", FileName, abs, err)
		}
		return nil, fmt.Errorf("membaca %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("%s: pengaturan tidak dikenal: %v", path, und)
	}
	c.Dir = abs
	if err := c.normalise(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var keys struct {
		Sumber []map[string]any `toml:"sumber"`
	}
	if _, err := toml.DecodeFile(path, &keys); err != nil {
		return nil, fmt.Errorf("membaca %s: %w", path, err)
	}
	if err := c.normaliseSumber(func(i int, key string) bool {
		_, ok := keys.Sumber[i][key]
		return ok
	}); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}

// Find walks up from dir to the first folder holding pantau.toml, like git does for .git.
func Find(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, FileName)); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s tidak ditemukan di %s atau folder di atasnya: jalankan `pantau init` dulu, atau pakai -C DIR", FileName, abs)
		}
	}
}

// Abs resolves a workspace-relative path.
func (c *Config) Abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// Location is the office's time zone.
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Kantor.ZonaWaktu)
	if err != nil {
		return time.UTC
	}
	return loc
}

// ParsePrefixes reads serve.trusted_proxies: each entry an IP address ("10.0.0.7", "::1") or a CIDR
// range ("10.0.0.0/8"). IPv4-mapped IPv6 addresses are taken as IPv4.
func ParsePrefixes(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		s = strings.TrimSpace(s)
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("%q bukan alamat IP atau rentang CIDR", s)
			}
			if p.Addr().Is4In6() && p.Bits() >= 96 {
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("%q bukan alamat IP atau rentang CIDR", s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
