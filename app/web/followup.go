package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/internal/users"
	"github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
)

// FollowUps is what the follow-up pages need from the follow-up module (scoring/tindaklanjut, see
// the contract). The pages were written against this interface before that module landed;
// TindakLanjut (tindaklanjut.go) adapts the real package to it.
type FollowUps interface {
	List(ctx context.Context, f CaseFilter) ([]Case, error)
	Get(ctx context.Context, id int64) (Case, []AuditEntry, error)
	Assign(ctx context.Context, actor string, id int64, petugas string) error
	AddNote(ctx context.Context, actor string, id int64, text string) error
	SetStatus(ctx context.Context, actor string, id int64, status string) error
	New(ctx context.Context, actor string, c NewCase) (int64, error)
	// Reasons lists the reason codes with their labels, for the new-case form.
	Reasons() []Reason
}

// The pages speak the follow-up module's own types (scoring/tindaklanjut); FollowUps stays an
// interface so the handlers can be tested against a stand-in.
type (
	NewCase    = tindaklanjut.NewCase
	Case       = tindaklanjut.Case
	Note       = tindaklanjut.Note
	AuditEntry = tindaklanjut.AuditEntry
	CaseFilter = tindaklanjut.Filter
)

// Reason is a reason code and its label.
type Reason struct{ Code, Label string }

// Statuses a case may take (SPEC §4), as the forms send them: tindaklanjut.Statuses' words.
var Statuses = func() []string {
	out := make([]string, len(tindaklanjut.Statuses))
	for i, st := range tindaklanjut.Statuses {
		out[i] = st.String()
	}
	return out
}()

// validStatusFilter: the list's ?status= is empty (every case), "terbuka" (baru and diproses) or a
// status; anything else is the client's mistake, answered 400 before the follow-up module sees it.
func validStatusFilter(st string) bool {
	st = strings.ToLower(strings.TrimSpace(st))
	if st == "" || st == "terbuka" {
		return true
	}
	_, err := tindaklanjut.ParseStatus(st)
	return err == nil
}

func (s *Server) followUpList(w http.ResponseWriter, r *http.Request, sess users.Session) {
	if s.opt.FollowUp == nil {
		s.fail(w, r, http.StatusServiceUnavailable, "Tindak lanjut", "modul tindak lanjut belum tersedia di versi ini")
		return
	}
	q := r.URL.Query()
	f := CaseFilter{Status: q.Get("status"), Alasan: q.Get("alasan"), Petugas: q.Get("petugas"), NIK: q.Get("nik"), Limit: 500}
	if !validStatusFilter(f.Status) {
		s.fail(w, r, http.StatusBadRequest, "Tindak lanjut", fmt.Sprintf("status %q tidak dikenal; pilih salah satu: %s, atau terbuka (baru dan diproses)", f.Status, strings.Join(Statuses, ", ")))
		return
	}
	cases, err := s.opt.FollowUp.List(r.Context(), f)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "Tindak lanjut", err.Error())
		return
	}
	s.render(w, r, http.StatusOK, "followup_list", s.page(&sess, "Tindak lanjut", map[string]any{"Cases": cases, "Filter": f, "Statuses": Statuses, "Reasons": s.opt.FollowUp.Reasons()}))
}

// followUpNew opens a case by hand (officials), then shows it.
func (s *Server) followUpNew(w http.ResponseWriter, r *http.Request, sess users.Session) {
	if s.opt.FollowUp == nil {
		s.fail(w, r, http.StatusServiceUnavailable, "Tindak lanjut", "modul tindak lanjut belum tersedia di versi ini")
		return
	}
	c := NewCase{NIK: strings.TrimSpace(r.PostFormValue("nik")), Alasan: r.PostFormValue("alasan"), Prioritas: r.PostFormValue("prioritas"),
		Catatan: strings.TrimSpace(r.PostFormValue("catatan"))}
	if v := r.PostFormValue("jatuh_tempo"); v != "" {
		// A due date is a calendar date, not an instant: kept at UTC midnight so the DATE column
		// holds the day the official chose.
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			s.fail(w, r, http.StatusBadRequest, "Tindak lanjut", "jatuh tempo harus tanggal (YYYY-MM-DD)")
			return
		}
		c.JatuhTempo = &d
	}
	id, err := s.opt.FollowUp.New(r.Context(), sess.Username, c)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "Kasus tidak dibuat", err.Error())
		return
	}
	s.log.Info("follow-up case opened", "case", id, "user", sess.Username)
	http.Redirect(w, r, "/tindak-lanjut/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (s *Server) caseID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, http.StatusNotFound, "Tindak lanjut", "nomor kasus tidak sah")
		return 0, false
	}
	if s.opt.FollowUp == nil {
		s.fail(w, r, http.StatusServiceUnavailable, "Tindak lanjut", "modul tindak lanjut belum tersedia di versi ini")
		return 0, false
	}
	return id, true
}

func (s *Server) followUpCase(w http.ResponseWriter, r *http.Request, sess users.Session) {
	id, ok := s.caseID(w, r)
	if !ok {
		return
	}
	s.showCase(w, r, sess, id, http.StatusOK, "", "")
}

func (s *Server) showCase(w http.ResponseWriter, r *http.Request, sess users.Session, id int64, status int, flash, errMsg string) {
	c, audit, err := s.opt.FollowUp.Get(r.Context(), id)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, "Tindak lanjut", err.Error())
		return
	}
	var petugas []users.User
	if all, err := users.List(r.Context(), s.ws.WH); err == nil {
		for _, u := range all {
			if !u.Disabled {
				petugas = append(petugas, u)
			}
		}
	}
	p := s.page(&sess, "Kasus #"+strconv.FormatInt(id, 10), map[string]any{"Case": c, "Audit": audit, "Statuses": Statuses, "Users": petugas})
	p.Flash, p.Error = flash, errMsg
	s.render(w, r, status, "followup_case", p)
}

// followUpAction: /tindak-lanjut/{id}/petugas|catatan|status, each a form with one field.
func (s *Server) followUpAction(w http.ResponseWriter, r *http.Request, sess users.Session) {
	id, ok := s.caseID(w, r)
	if !ok {
		return
	}
	var err error
	var flash string
	switch r.PathValue("aksi") {
	case "petugas":
		err = s.opt.FollowUp.Assign(r.Context(), sess.Username, id, strings.TrimSpace(r.PostFormValue("petugas")))
		flash = "Petugas diubah."
	case "catatan":
		text := strings.TrimSpace(r.PostFormValue("teks"))
		if text == "" {
			err = errors.New("catatan kosong")
		} else {
			err = s.opt.FollowUp.AddNote(r.Context(), sess.Username, id, text)
		}
		flash = "Catatan ditambahkan."
	case "status":
		err = s.opt.FollowUp.SetStatus(r.Context(), sess.Username, id, r.PostFormValue("status"))
		flash = "Status diubah."
	default:
		s.fail(w, r, http.StatusNotFound, "Tindak lanjut", "aksi tidak dikenal")
		return
	}
	if err != nil {
		s.showCase(w, r, sess, id, http.StatusBadRequest, "", err.Error())
		return
	}
	s.log.Info("follow-up changed", "case", id, "action", r.PathValue("aksi"), "user", sess.Username)
	s.showCase(w, r, sess, id, http.StatusOK, flash, "")
}
