package web

import (
	"net/http"
	"time"

	"github.com/pantau-koperasi/pantau/internal/users"
	"github.com/pantau-koperasi/pantau/schedules"
)

type submissionRow struct {
	ID                    int64
	Filename, Source      string
	Status                string
	At                    time.Time
	Accepted, Quarantined int64
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, sess users.Session) {
	var subs []submissionRow
	rows, err := s.ws.WH.Query(r.Context(), `SELECT id, coalesce(filename, ''), source, status, received_at, rows_accepted, rows_quarantined
		FROM ops.submissions WHERE status <> 'uji' ORDER BY id DESC LIMIT 10`)
	if err == nil {
		for rows.Next() {
			var x submissionRow
			if rows.Scan(&x.ID, &x.Filename, &x.Source, &x.Status, &x.At, &x.Accepted, &x.Quarantined) == nil {
				subs = append(subs, x)
			}
		}
		rows.Close()
	}
	s.render(w, r, http.StatusOK, "home", s.page(&sess, "Beranda", subs))
}

type jobRow struct {
	Name, Title, Spec, Status string
	Next, Last                time.Time
	Running                   bool
}

func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request, sess users.Session) {
	s.renderJobs(w, r, sess, "")
}

func (s *Server) renderJobs(w http.ResponseWriter, r *http.Request, sess users.Session, flash string) {
	states, err := schedules.States(r.Context(), s.ws.WH)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "Tugas terjadwal", err.Error())
		return
	}
	running := s.opt.Runner.Running()
	var jobs []jobRow
	for _, j := range s.opt.Runner.Jobs() {
		st := states[j.Name]
		_, run := running[j.Name]
		jobs = append(jobs, jobRow{Name: j.Name, Title: j.Title, Spec: j.Spec, Status: st.LastStatus.String(), Next: s.opt.Runner.Next(j.Name), Last: st.LastStarted, Running: run})
	}
	hist, err := schedules.History(r.Context(), s.ws.WH, "", 30)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "Tugas terjadwal", err.Error())
		return
	}
	p := s.page(&sess, "Tugas terjadwal", map[string]any{"Jobs": jobs, "History": hist})
	p.Flash = flash
	s.render(w, r, http.StatusOK, "jobs", p)
}

// runJob starts a job in the background (it may run for long; the page does not wait).
func (s *Server) runJob(w http.ResponseWriter, r *http.Request, sess users.Session) {
	name := r.PathValue("name")
	if err := s.opt.Runner.Go(name, schedules.ByHand); err != nil {
		s.fail(w, r, http.StatusNotFound, "Tugas terjadwal", err.Error())
		return
	}
	s.log.Info("job started by hand", "job", name, "user", sess.Username)
	s.renderJobs(w, r, sess, "Tugas "+name+" dimulai; muat ulang halaman untuk melihat hasilnya.")
}
