package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Sumber is one HTTP source Pantau pulls reports from ([[sumber]], ingest/pull). Secrets are never
// written here: the file names the environment variables that hold them.
type Sumber struct {
	Nama string `toml:"nama" doc:"Name of the source (letters, digits, - and _); used by pantau pull NAME and in provenance as api:NAME."`
	URL  string `toml:"url" doc:"URL of the list endpoint that returns the reports, e.g. https://app.example/api/v1/laporan."`

	Auth         string `toml:"auth" doc:"Authentication: none, bearer, basic or api_key."`
	TokenEnv     string `toml:"token_env" doc:"Environment variable holding the bearer token or the API key (auth = bearer or api_key)."`
	UserEnv      string `toml:"user_env" doc:"Environment variable holding the user name (auth = basic)."`
	PasswordEnv  string `toml:"password_env" doc:"Environment variable holding the password (auth = basic)."`
	APIKeyHeader string `toml:"api_key_header" doc:"Header that carries the API key (auth = api_key)."`

	Paginasi      string `toml:"paginasi" doc:"Pagination style: page (page number + size), offset (offset + limit), cursor (an opaque cursor from the body), next_link (a URL of the next page from the body or the Link header), or none."`
	ItemsPath     string `toml:"items_path" doc:"Dotted path of the array of records in the response body (\"data\", \"result.items\"); empty when the body is the array itself."`
	PageParam     string `toml:"page_param" doc:"Query parameter of the page number (paginasi = page); pages count from 1."`
	SizeParam     string `toml:"size_param" doc:"Query parameter of the page size (paginasi = page or offset)."`
	OffsetParam   string `toml:"offset_param" doc:"Query parameter of the offset (paginasi = offset)."`
	CursorParam   string `toml:"cursor_param" doc:"Query parameter that sends the cursor back (paginasi = cursor)."`
	NextPath      string `toml:"next_path" doc:"Dotted path in the body of the next cursor (paginasi = cursor) or the next page's URL (paginasi = next_link; empty = the Link header rel=\"next\"). Empty or null ends the pull."`
	UkuranHalaman int    `toml:"ukuran_halaman" doc:"Records asked for per page."`
	MaxHalaman    int    `toml:"max_halaman" doc:"Most pages read in one pull (a guard against a source that never stops)."`

	SinceParam string `toml:"since_param" doc:"Query parameter of the incremental cursor (e.g. updated_since); empty to pull everything every time."`
	SinceField string `toml:"since_field" doc:"Dotted path in each record of its last-change time or sequence; the largest value of a finished pull is sent as since_param next time. Compared as numbers when both are numbers, otherwise as text (use ISO 8601 times)."`

	TimeoutDetik       int     `toml:"timeout_detik" doc:"Timeout of one HTTP request, in seconds."`
	PermintaanPerMenit float64 `toml:"permintaan_per_menit" doc:"Rate limit: most requests per minute to this source."`
	MaxPercobaan       int     `toml:"max_percobaan" doc:"Attempts per page on network errors, 429 and 5xx (other 4xx are not retried)."`
	BackoffAwalMS      int     `toml:"backoff_awal_ms" doc:"First retry delay in milliseconds; doubles each attempt, with jitter, up to backoff_maks_detik. A Retry-After header is honoured."`
	BackoffMaksDetik   int     `toml:"backoff_maks_detik" doc:"Longest delay between attempts, in seconds (also caps Retry-After)."`
	MaxBodyMB          int     `toml:"max_body_mb" doc:"Largest response body accepted, in MB."`

	Peta  map[string]string            `toml:"peta" doc:"Field mapping: canonical field = dotted path in a record (\"nik\" = \"koperasi.nik\"). A record key that already is a canonical field name maps itself."`
	Kali  map[string]float64           `toml:"kali" doc:"Unit multipliers per canonical field, e.g. total_aset = 1000 when the source reports in thousands of rupiah."`
	Nilai map[string]map[string]string `toml:"nilai" doc:"Value maps per canonical field, e.g. [sumber.nilai.jenis] \"KSP\" = \"simpan_pinjam\"; values not listed pass through to the usual code matching."`
}

// API is the push API (ingest/push), mounted by pantau serve at /api/v1/.
type API struct {
	MaxRowsPerRequest int `toml:"max_rows_per_request" doc:"Most reports in one POST /api/v1/laporan; the request body is also limited by serve.max_upload_mb."`
	MaxKeyLength      int `toml:"max_idempotency_key" doc:"No longer read: the push API takes an Idempotency-Key of up to 200 characters, the limit its OpenAPI document states (one source of truth). Kept so that older pantau.toml files still load; a value other than 200 is logged as ignored."`
}

// DefaultSumber is what every [[sumber]] setting falls back to.
func DefaultSumber() Sumber {
	return Sumber{
		Auth: "none", APIKeyHeader: "X-API-Key",
		Paginasi: "page", ItemsPath: "data", PageParam: "page", SizeParam: "per_page", OffsetParam: "offset",
		CursorParam: "cursor", NextPath: "", UkuranHalaman: 100, MaxHalaman: 10000,
		TimeoutDetik: 30, PermintaanPerMenit: 60, MaxPercobaan: 5, BackoffAwalMS: 500, BackoffMaksDetik: 60, MaxBodyMB: 20,
		Peta: map[string]string{}, Kali: map[string]float64{}, Nilai: map[string]map[string]string{},
	}
}

var sumberNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$`)

// fill applies the defaults to the settings a [[sumber]] left out and clamps the numbers.
func (s *Sumber) fill(set map[string]bool) {
	d := DefaultSumber()
	str := func(p *string, key, def string) {
		if !set[key] && *p == "" {
			*p = def
		}
	}
	str(&s.Auth, "auth", d.Auth)
	str(&s.APIKeyHeader, "api_key_header", d.APIKeyHeader)
	str(&s.Paginasi, "paginasi", d.Paginasi)
	str(&s.ItemsPath, "items_path", d.ItemsPath)
	str(&s.PageParam, "page_param", d.PageParam)
	str(&s.SizeParam, "size_param", d.SizeParam)
	str(&s.OffsetParam, "offset_param", d.OffsetParam)
	str(&s.CursorParam, "cursor_param", d.CursorParam)
	num := func(p *int, def, lo, hi int) {
		if *p == 0 {
			*p = def
		}
		*p = clamp(*p, lo, hi)
	}
	num(&s.UkuranHalaman, d.UkuranHalaman, 1, 10000)
	num(&s.MaxHalaman, d.MaxHalaman, 1, 1_000_000)
	num(&s.TimeoutDetik, d.TimeoutDetik, 1, 600)
	num(&s.MaxPercobaan, d.MaxPercobaan, 1, 20)
	num(&s.BackoffAwalMS, d.BackoffAwalMS, 1, 60_000)
	num(&s.BackoffMaksDetik, d.BackoffMaksDetik, 1, 3600)
	num(&s.MaxBodyMB, d.MaxBodyMB, 1, 1024)
	if s.PermintaanPerMenit <= 0 {
		s.PermintaanPerMenit = d.PermintaanPerMenit
	}
	if s.Peta == nil {
		s.Peta = map[string]string{}
	}
	if s.Kali == nil {
		s.Kali = map[string]float64{}
	}
	if s.Nilai == nil {
		s.Nilai = map[string]map[string]string{}
	}
}

// Check reports what is wrong with a source's settings, in Bahasa Indonesia.
func (s *Sumber) Check() error {
	if !sumberNameRe.MatchString(s.Nama) {
		return fmt.Errorf("sumber.nama %q: pakai huruf, angka, - atau _ (maks. 63)", s.Nama)
	}
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("sumber %q: url %q harus alamat http(s) lengkap", s.Nama, s.URL)
	}
	if u.User != nil {
		return fmt.Errorf("sumber %q: jangan tulis nama pengguna/kata sandi di url; pakai auth = \"basic\" dengan user_env dan password_env", s.Nama)
	}
	switch s.Auth {
	case "none":
	case "bearer", "api_key":
		if s.TokenEnv == "" {
			return fmt.Errorf("sumber %q: auth = %q memerlukan token_env (nama variabel lingkungan yang berisi rahasianya)", s.Nama, s.Auth)
		}
	case "basic":
		if s.UserEnv == "" || s.PasswordEnv == "" {
			return fmt.Errorf("sumber %q: auth = \"basic\" memerlukan user_env dan password_env", s.Nama)
		}
	default:
		return fmt.Errorf("sumber %q: auth %q tidak dikenal (none, bearer, basic, api_key)", s.Nama, s.Auth)
	}
	switch s.Paginasi {
	case "none", "page", "offset", "next_link":
	case "cursor":
		if s.NextPath == "" {
			return fmt.Errorf("sumber %q: paginasi = \"cursor\" memerlukan next_path (letak cursor berikutnya di jawaban)", s.Nama)
		}
	default:
		return fmt.Errorf("sumber %q: paginasi %q tidak dikenal (page, offset, cursor, next_link, none)", s.Nama, s.Paginasi)
	}
	for f, k := range s.Kali {
		if k <= 0 {
			return fmt.Errorf("sumber %q: kali.%s harus lebih dari 0", s.Nama, f)
		}
	}
	return nil
}

// normaliseSumber fills defaults and checks every source; names must be unique.
func (c *Config) normaliseSumber(set func(i int, key string) bool) error {
	seen := map[string]bool{}
	for i := range c.Sumber {
		s := &c.Sumber[i]
		keys := map[string]bool{}
		for _, k := range []string{"auth", "api_key_header", "paginasi", "items_path", "page_param", "size_param", "offset_param", "cursor_param"} {
			keys[k] = set(i, k)
		}
		s.fill(keys)
		if err := s.Check(); err != nil {
			return err
		}
		if seen[strings.ToLower(s.Nama)] {
			return fmt.Errorf("sumber %q ditulis dua kali", s.Nama)
		}
		seen[strings.ToLower(s.Nama)] = true
	}
	if c.API.MaxRowsPerRequest <= 0 {
		c.API.MaxRowsPerRequest = Default().API.MaxRowsPerRequest
	}
	c.API.MaxRowsPerRequest = clamp(c.API.MaxRowsPerRequest, 1, 100_000)
	c.API.MaxKeyLength = clamp(c.API.MaxKeyLength, 8, 1000)
	return nil
}

// SumberByName finds a configured source.
func (c *Config) SumberByName(name string) (*Sumber, bool) {
	for i := range c.Sumber {
		if strings.EqualFold(c.Sumber[i].Nama, name) {
			return &c.Sumber[i], true
		}
	}
	return nil, false
}
