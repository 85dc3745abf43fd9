package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/internal/users"
)

// The upload is two requests. POST /unggah streams the file into a staging folder of its own
// (data/unggahan/<random token>/), runs ingest with DryRun and shows what would be accepted and what
// rejected. POST /unggah/konfirmasi loads that same staged file. The confirmation names the staged
// file by its token, never by a path, and only the user who uploaded it may confirm it.
//
// A confirmed upload takes the scheduler's writer lock. When a job holds it (the nightly run), the
// file is moved into the inbox instead, and the next inbox scan loads it: nothing waits behind a
// long job, nothing is lost, and content hashing makes a second confirmation or a second upload of
// the same bytes a duplicate rather than a second count.

const stagingTTL = 24 * time.Hour

var tokenRe = regexp.MustCompile(`^[A-Za-z0-9_-]{32}$`)

type staged struct {
	User     string    `json:"user"`
	Filename string    `json:"filename"`
	At       time.Time `json:"at"`
}

type reportData struct {
	Sum      *ingest.Summary
	Problems []ingest.Problem
	More     int
	Token    string
}

type doneData struct {
	Sum    *ingest.Summary
	Queued bool
	Busy   string
	File   string
}

func (s *Server) uploadPage(w http.ResponseWriter, r *http.Request, sess users.Session) {
	s.render(w, r, http.StatusOK, "upload", s.page(&sess, "Unggah laporan", map[string]any{"MaxMB": s.ws.Config.Serve.MaxUploadMB}))
}

// template serves the XLSX submission template for the office (the same as `pantau template`).
func (s *Server) template(w http.ResponseWriter, r *http.Request, sess users.Session) {
	var buf bytes.Buffer
	opt := ingest.TemplateOptions{Wilayah: s.ws.Config.Kantor.Wilayah, Kantor: s.ws.Config.Kantor.Nama}
	if err := ingest.WriteTemplate(&buf, opt); err != nil {
		s.fail(w, r, http.StatusInternalServerError, "Templat", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="templat_laporan_koperasi.xlsx"`)
	w.Write(buf.Bytes())
}

func (s *Server) uploadError(w http.ResponseWriter, r *http.Request, sess users.Session, status int, msg string) {
	p := s.page(&sess, "Unggah laporan", map[string]any{"MaxMB": s.ws.Config.Serve.MaxUploadMB})
	p.Error = msg
	s.render(w, r, status, "upload", p)
}

// cleanName keeps the base name of an uploaded file, without path parts or control characters.
func cleanName(n string) string {
	n = filepath.Base(strings.ReplaceAll(n, `\`, "/"))
	n = strings.Map(func(r rune) rune {
		if r < 32 || r == '/' || r == 0x7f {
			return -1
		}
		return r
	}, n)
	if n == "." || n == ".." || n == "" || n == "/" {
		return "berkas"
	}
	if len(n) > 150 {
		n = n[len(n)-150:]
	}
	return n
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, sess users.Session) {
	s.sweepStaging()
	mr, _ := r.Context().Value(multipartKey{}).(*multipart.Reader)
	if mr == nil {
		s.uploadError(w, r, sess, http.StatusBadRequest, "formulir unggah tidak dapat dibaca")
		return
	}
	part, err := mr.NextPart()
	for err == nil && part.FormName() != "berkas" {
		part.Close()
		part, err = mr.NextPart()
	}
	if err != nil || part.FileName() == "" {
		s.uploadError(w, r, sess, http.StatusBadRequest, "pilih berkas XLSX atau CSV dulu")
		return
	}
	defer part.Close()
	name := cleanName(part.FileName())
	if !ingest.Spreadsheet(name) {
		s.metrics.uploads.WithLabelValues("jenis_salah").Inc()
		s.uploadError(w, r, sess, http.StatusUnsupportedMediaType, fmt.Sprintf("%s: jenis berkas tidak didukung; unggah .xlsx atau .csv (atau .xls/.ods)", name))
		return
	}
	tok := randomString()[:32]
	dir := filepath.Join(s.staging, tok)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		s.fail(w, r, http.StatusInternalServerError, "Gagal menyimpan", err.Error())
		return
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err == nil {
		_, err = io.Copy(f, part)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.metrics.tooLarge.Inc()
			s.metrics.uploads.WithLabelValues("terlalu_besar").Inc()
			s.uploadError(w, r, sess, http.StatusRequestEntityTooLarge, fmt.Sprintf("berkas terlalu besar: maksimal %d MB (pengaturan serve.max_upload_mb)", s.ws.Config.Serve.MaxUploadMB))
			return
		}
		s.uploadError(w, r, sess, http.StatusBadRequest, "berkas tidak terkirim utuh: "+err.Error())
		return
	}
	meta, _ := json.Marshal(staged{User: sess.Username, Filename: name, At: s.opt.Now().UTC()})
	if err := os.WriteFile(filepath.Join(dir, "meta.json"), meta, 0o600); err != nil {
		s.fail(w, r, http.StatusInternalServerError, "Gagal menyimpan", err.Error())
		return
	}
	sum, err := ingest.IngestFile(r.Context(), s.ws, path, ingest.Options{DryRun: true, Source: "upload", ReceivedBy: sess.Username, Filename: name})
	if err != nil && (sum == nil || sum.Status != ingest.StatusDitolak) {
		os.RemoveAll(dir)
		s.log.Error("dry run", "file", name, "err", err)
		s.uploadError(w, r, sess, http.StatusInternalServerError, "pemeriksaan berkas gagal: "+err.Error())
		return
	}
	if sum.Status == ingest.StatusDuplikat || sum.Status == ingest.StatusDitolak {
		os.RemoveAll(dir) // nothing to confirm
	}
	s.metrics.uploads.WithLabelValues("uji_" + sum.Status.String()).Inc()
	d := reportData{Sum: sum, Problems: sum.Problems, Token: tok}
	if len(d.Problems) > 200 {
		d.More = len(d.Problems) - 200
		d.Problems = d.Problems[:200]
	}
	s.render(w, r, http.StatusOK, "report", s.page(&sess, "Hasil pemeriksaan", d))
}

func (s *Server) confirm(w http.ResponseWriter, r *http.Request, sess users.Session) {
	tok := r.PostFormValue("token")
	if !tokenRe.MatchString(tok) {
		s.fail(w, r, http.StatusBadRequest, "Konfirmasi gagal", "unggahan tidak dikenal; unggah berkasnya lagi")
		return
	}
	dir := filepath.Join(s.staging, tok)
	var meta staged
	b, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err == nil {
		err = json.Unmarshal(b, &meta)
	}
	if err != nil || meta.User != sess.Username {
		s.fail(w, r, http.StatusNotFound, "Konfirmasi gagal", "unggahan ini tidak ditemukan: mungkin sudah dikonfirmasi, kedaluwarsa (24 jam), atau milik pengguna lain")
		return
	}
	// Claim the staged upload: the rename succeeds for one request only, so a double click or two
	// tabs cannot load (or queue) the same staged file twice or pull it from under each other.
	claimed := dir + ".dipakai"
	if err := os.Rename(dir, claimed); err != nil {
		s.fail(w, r, http.StatusConflict, "Konfirmasi gagal", "unggahan ini sudah dikonfirmasi (atau sedang dikonfirmasi di jendela lain)")
		return
	}
	dir = claimed
	path := filepath.Join(dir, meta.Filename)
	release, ok := s.opt.Runner.TryLockWriter()
	if !ok {
		// A job holds the warehouse: queue the file in the inbox. The rename is atomic within one
		// file system; across file systems the copy is written under a dot name first (ignored by
		// the inbox scan) and renamed when complete.
		busy := strings.Join(keys(s.opt.Runner.Running()), ", ")
		dst, err := s.queueInInbox(path, tok, meta.Filename)
		if err != nil {
			s.log.Error("queue upload in inbox", "err", err)
			s.fail(w, r, http.StatusInternalServerError, "Gagal mengantrekan", err.Error())
			return
		}
		os.RemoveAll(dir)
		s.metrics.uploads.WithLabelValues("antre").Inc()
		s.log.Info("upload queued in inbox while a job runs", "file", dst, "user", sess.Username, "busy", busy)
		s.render(w, r, http.StatusAccepted, "done", s.page(&sess, "Berkas diantrekan", doneData{Queued: true, Busy: busy, File: meta.Filename}))
		return
	}
	sum, err := ingest.IngestFile(r.Context(), s.ws, path, ingest.Options{Source: "upload", ReceivedBy: sess.Username, Filename: meta.Filename})
	release()
	if err != nil {
		s.log.Error("upload ingest", "file", meta.Filename, "err", err)
		if sum == nil || sum.Status != ingest.StatusDitolak {
			// Not the file's fault (the warehouse, a cancelled request): put the claim back so the
			// user can confirm again.
			os.Rename(dir, strings.TrimSuffix(dir, ".dipakai"))
			s.fail(w, r, http.StatusInternalServerError, "Gagal memuat", "berkas gagal dimuat; coba konfirmasi lagi: "+err.Error())
			return
		}
		os.RemoveAll(dir)
		s.metrics.uploads.WithLabelValues(sum.Status.String()).Inc()
		s.fail(w, r, http.StatusUnprocessableEntity, "Berkas ditolak", "berkas tidak dapat dibaca: "+sum.Message)
		return
	}
	os.RemoveAll(dir)
	s.metrics.uploads.WithLabelValues(sum.Status.String()).Inc()
	s.log.Info("upload loaded", "file", meta.Filename, "user", sess.Username, "submission", sum.SubmissionID, "accepted", sum.Accepted, "quarantined", sum.Quarantined)
	s.render(w, r, http.StatusOK, "done", s.page(&sess, "Laporan dimuat", doneData{Sum: sum}))
}

func (s *Server) queueInInbox(src, tok, name string) (string, error) {
	inbox := s.ws.Config.Abs(s.ws.Config.Paths.Inbox)
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		return "", err
	}
	dst := filepath.Join(inbox, "unggah-"+tok[:8]+"-"+name)
	if err := os.Rename(src, dst); err == nil {
		return dst, nil
	}
	tmp := filepath.Join(inbox, ".unggah-"+tok)
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.Create(tmp)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return "", err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return dst, os.Rename(tmp, dst)
}

// sweepStaging removes staged uploads nobody confirmed within a day.
func (s *Server) sweepStaging() {
	entries, err := os.ReadDir(s.staging)
	if err != nil {
		return
	}
	for _, e := range entries {
		info, err := e.Info()
		if err == nil && s.opt.Now().Sub(info.ModTime()) > stagingTTL {
			os.RemoveAll(filepath.Join(s.staging, e.Name()))
		}
	}
}

func keys(m map[string]time.Time) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
