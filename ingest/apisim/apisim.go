// Package apisim is a simulated cooperative-app API: a real HTTP server on a loopback port that
// serves annual reports in an app's own JSON shape (nested objects, its own codes, amounts partly in
// thousands, partly as Indonesian text) with every pagination style Pantau's pull supports, an
// updated_since cursor, credentials, and injected faults (500s, 429 with Retry-After, a slow page,
// a broken body). `pantau demo` pulls from it; the pull tests run against it.
package apisim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pantau-koperasi/pantau/internal/fields"
)

// Laporan is one report as the app keeps it.
type Laporan struct {
	ID          int
	UpdatedAt   string // RFC 3339, UTC
	NIK, Nama   string
	BadanHukum  string
	JenisKode   string // the app's code: "01" simpan pinjam … (see Nilai)
	KodeWilayah string
	Tahun       int
	TanggalRAT  string // YYYY-MM-DD or ""
	Pria        int64
	Wanita      int64
	Pokok       int64 // rupiah
	Wajib       int64 // rupiah, sent as Indonesian text "Rp 12.500.000"
	Cadangan    int64
	Hibah       int64
	AsetRibu    float64 // thousands of rupiah (a fraction when the amount is not whole thousands)
	Volume      int64
	SHU         int64
	Kelompok    string // canonical code, "" = not sent
	Bentuk      string
	Manajer     int64
	Karyawan    int64
	ModalLuar   int64
	// KSP holds the KSP/USP finance fields (rupiah) and management checklist counts, by canonical
	// name, served under "ksp".
	KSP map[string]int64
	// Raw, when set, is served instead of the fields above (tests use it for wrong JSON types).
	Raw json.RawMessage
}

// JSON is the record in the app's shape.
func (l Laporan) JSON() any {
	if l.Raw != nil {
		return l.Raw
	}
	per := map[string]any{"tahun_buku": l.Tahun, "tanggal_rat": nil}
	if l.TanggalRAT != "" {
		per["tanggal_rat"] = l.TanggalRAT
	}
	kop := map[string]any{"nik": l.NIK, "nama": l.Nama, "badan_hukum": l.BadanHukum,
		"jenis_kode": l.JenisKode, "kode_wilayah": l.KodeWilayah}
	if l.Kelompok != "" {
		kop["kelompok"] = l.Kelompok
	}
	if l.Bentuk != "" {
		kop["bentuk"] = l.Bentuk
	}
	out := map[string]any{
		"id":         l.ID,
		"updated_at": l.UpdatedAt,
		"koperasi":   kop,
		"periode":    per,
		"anggota":    map[string]any{"pria": l.Pria, "wanita": l.Wanita, "manajer": l.Manajer, "karyawan": l.Karyawan},
		"keuangan": map[string]any{
			"simpanan_pokok": l.Pokok,
			"simpanan_wajib": "Rp " + dotted(l.Wajib),
			"dana_cadangan":  l.Cadangan,
			"hibah":          l.Hibah,
			"aset_ribu":      l.AsetRibu,
			"volume_usaha":   l.Volume,
			"shu":            l.SHU,
			"modal_luar":     l.ModalLuar,
		},
	}
	if len(l.KSP) > 0 {
		k := map[string]any{}
		for n, v := range l.KSP {
			k[n] = v
		}
		out["ksp"] = k
	}
	return out
}

func dotted(v int64) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	var b strings.Builder
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Peta is the [sumber.peta] that reads this app's shape into canonical fields.
func Peta() map[string]string {
	m := map[string]string{
		"nik": "koperasi.nik", "nama_koperasi": "koperasi.nama", "nomor_badan_hukum": "koperasi.badan_hukum",
		"jenis": "koperasi.jenis_kode", "kode_wilayah": "koperasi.kode_wilayah",
		"tahun_buku": "periode.tahun_buku", "tanggal_rat": "periode.tanggal_rat",
		"anggota_pria": "anggota.pria", "anggota_wanita": "anggota.wanita",
		"simpanan_pokok": "keuangan.simpanan_pokok", "simpanan_wajib": "keuangan.simpanan_wajib",
		"dana_cadangan": "keuangan.dana_cadangan", "hibah": "keuangan.hibah", "total_aset": "keuangan.aset_ribu",
		"volume_usaha": "keuangan.volume_usaha", "shu": "keuangan.shu", "modal_luar": "keuangan.modal_luar",
		"kelompok": "koperasi.kelompok", "bentuk": "koperasi.bentuk",
		"jumlah_manajer": "anggota.manajer", "jumlah_karyawan": "anggota.karyawan",
	}
	for _, f := range fields.All() {
		if f.Group == fields.KeuanganKSP || f.Group == fields.Manajemen {
			m[f.Name] = "ksp." + f.Name
		}
	}
	return m
}

// Kali is the [sumber.kali] of this app: total_aset comes in thousands of rupiah.
func Kali() map[string]float64 { return map[string]float64{"total_aset": 1000} }

// Nilai is the [sumber.nilai] of this app: its jenis codes.
func Nilai() map[string]map[string]string {
	return map[string]map[string]string{"jenis": {
		"01": "simpan_pinjam", "02": "simpan_pinjam_syariah", "03": "konsumen", "04": "produsen",
		"05": "pemasaran", "06": "jasa", "07": "serba_usaha",
	}}
}

// JenisKode is the app's code of a canonical jenis.
func JenisKode(jenis string) string {
	for k, v := range Nilai()["jenis"] {
		if v == jenis {
			return k
		}
	}
	return "07"
}

// Paths of the list endpoint, one per pagination style.
const (
	PathPage   = "/api/v1/laporan"        // ?page=&per_page=   → {"data": [...], "meta": {...}}
	PathOffset = "/api/v1/laporan/offset" // ?offset=&limit=    → {"data": [...], "total": n}
	PathCursor = "/api/v1/laporan/cursor" // ?cursor=&limit=    → {"data": [...], "next_cursor": "..."|null}
	PathLink   = "/api/v1/laporan/link"   // ?after=&limit=     → {"data": [...], "links": {"next": "..."}} + Link header
)

// Options of the simulated app. Page numbers in fault maps are 1-based positions in the result
// (offset/size + 1), whatever the pagination style.
type Options struct {
	BearerToken          string // required as "Authorization: Bearer …" when set
	BasicUser, BasicPass string // required as basic auth when set
	APIKey               string // required in X-API-Key when set
	MaxPerPage           int    // largest page served (default 100)
	// Fail500: page → how many requests of it answer 500 before it succeeds; -1 = always (until Heal).
	Fail500 map[int]int
	// Throttle: page → how many requests of it answer 429 with Retry-After: RetryAfter.
	Throttle   map[int]int
	RetryAfter string
	// SlowPage is answered after SlowBy.
	SlowPage int
	SlowBy   time.Duration
	// Corrupt: pages answered with a truncated body (malformed JSON).
	Corrupt map[int]bool
}

// Server is the running app.
type Server struct {
	URL string // http://127.0.0.1:PORT

	mu       sync.Mutex
	recs     []Laporan
	opt      Options
	requests []string
	srv      *http.Server
	ln       net.Listener
}

// Start serves recs on a free loopback port.
func Start(recs []Laporan, opt Options) (*Server, error) { return StartOn("127.0.0.1:0", recs, opt) }

// StartOn serves recs on addr (host:port).
func StartOn(addr string, recs []Laporan, opt Options) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), opt: opt, ln: ln}
	if s.opt.MaxPerPage <= 0 {
		s.opt.MaxPerPage = 100
	}
	s.Set(recs)
	mux := http.NewServeMux()
	for _, p := range []string{PathPage, PathOffset, PathCursor, PathLink} {
		mux.HandleFunc("GET "+p, s.list)
	}
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Set replaces the app's records (a test changes or adds reports between pulls).
func (s *Server) Set(recs []Laporan) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs = append([]Laporan(nil), recs...)
	sort.SliceStable(s.recs, func(i, j int) bool {
		if s.recs[i].UpdatedAt != s.recs[j].UpdatedAt {
			return s.recs[i].UpdatedAt < s.recs[j].UpdatedAt
		}
		return s.recs[i].ID < s.recs[j].ID
	})
}

// Heal ends every injected fault.
func (s *Server) Heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opt.Fail500, s.opt.Throttle, s.opt.Corrupt, s.opt.SlowPage = nil, nil, nil, 0
}

// Requests are the request URIs received, in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

func (s *Server) authorised(r *http.Request) bool {
	if s.opt.BearerToken != "" && r.Header.Get("Authorization") != "Bearer "+s.opt.BearerToken {
		return false
	}
	if s.opt.BasicUser != "" {
		u, p, ok := r.BasicAuth()
		if !ok || u != s.opt.BasicUser || p != s.opt.BasicPass {
			return false
		}
	}
	if s.opt.APIKey != "" && r.Header.Get("X-API-Key") != s.opt.APIKey {
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.RequestURI())
	if !s.authorised(r) {
		s.mu.Unlock()
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized"})
		return
	}
	q := r.URL.Query()
	size := s.opt.MaxPerPage
	for _, k := range []string{"per_page", "limit"} {
		if v := q.Get(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				s.mu.Unlock()
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": k + " must be a positive integer"})
				return
			}
			size = min(n, s.opt.MaxPerPage)
		}
	}
	var sel []Laporan
	since := q.Get("updated_since")
	for _, l := range s.recs {
		if since == "" || l.UpdatedAt > since {
			sel = append(sel, l)
		}
	}
	off, err := offsetOf(r.URL.Path, q, size)
	if err != nil {
		s.mu.Unlock()
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	page := off/size + 1
	// Faults.
	if n := s.opt.Fail500[page]; n != 0 {
		if n > 0 {
			s.opt.Fail500[page] = n - 1
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal server error"})
		return
	}
	if n := s.opt.Throttle[page]; n > 0 {
		s.opt.Throttle[page] = n - 1
		w.Header().Set("Retry-After", s.opt.RetryAfter)
		s.mu.Unlock()
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "too many requests"})
		return
	}
	corrupt := s.opt.Corrupt[page]
	var slow time.Duration
	if s.opt.SlowPage == page {
		slow = s.opt.SlowBy
	}
	end := min(off+size, len(sel))
	data := []any{}
	if off < len(sel) {
		for _, l := range sel[off:end] {
			data = append(data, l.JSON())
		}
	}
	more := end < len(sel)
	total := len(sel)
	s.mu.Unlock()
	if slow > 0 {
		select {
		case <-time.After(slow):
		case <-r.Context().Done():
			return
		}
	}
	body := map[string]any{"data": data}
	switch r.URL.Path {
	case PathPage:
		body["meta"] = map[string]any{"page": page, "per_page": size, "total": total}
	case PathOffset:
		body["total"] = total
	case PathCursor:
		body["next_cursor"] = nil
		if more {
			body["next_cursor"] = encodeCursor(end)
		}
	case PathLink:
		links := map[string]any{"next": nil}
		if more {
			nq := url.Values{"after": {encodeCursor(end)}, "limit": {strconv.Itoa(size)}}
			if since != "" {
				nq.Set("updated_since", since)
			}
			next := PathLink + "?" + nq.Encode()
			links["next"] = next
			w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next"`, next))
		}
		body["links"] = links
	}
	if corrupt {
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.Marshal(body)
		_, _ = w.Write(b[:len(b)/2])
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func offsetOf(path string, q url.Values, size int) (int, error) {
	switch path {
	case PathPage:
		p := 1
		if v := q.Get("page"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return 0, fmt.Errorf("page must be a positive integer")
			}
			p = n
		}
		return (p - 1) * size, nil
	case PathOffset:
		if v := q.Get("offset"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("offset must be a non-negative integer")
			}
			return n, nil
		}
		return 0, nil
	case PathCursor:
		return decodeCursor(q.Get("cursor"))
	case PathLink:
		return decodeCursor(q.Get("after"))
	}
	return 0, nil
}

func encodeCursor(off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(off)))
}

func decodeCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "o:") {
		return 0, fmt.Errorf("invalid cursor")
	}
	n, err := strconv.Atoi(string(b[2:]))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid cursor")
	}
	return n, nil
}
