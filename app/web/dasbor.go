package web

import (
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/pantau-koperasi/pantau/dashboards"
	"github.com/pantau-koperasi/pantau/internal/users"
)

// The published dashboards at /dasbor/: the same roles as the server's own pages. The site declares
// which of its files belong to which part of the work (dashboards.BagianBerkas); this is the one
// table of what each part needs. A part missing here is refused to everyone.
var dashboardAccess = map[dashboards.Bagian]users.Action{
	dashboards.BagianUmum:         users.ViewDashboards,
	dashboards.BagianTindakLanjut: users.ViewFollowUp,
}

// dashboardAllowed: may role open the published file at rel (relative to the site's root)? found is
// false for a name the site never writes.
func dashboardAllowed(role users.Role, rel string) (allowed, found bool, part dashboards.Bagian) {
	part, found = dashboards.BagianBerkas(rel)
	if !found {
		return false, false, part
	}
	act, ok := dashboardAccess[part]
	return ok && users.Can(role, act), true, part
}

func (s *Server) dashboard(files http.Handler) authedHandler {
	return func(w http.ResponseWriter, r *http.Request, sess users.Session) {
		rel := strings.TrimPrefix(r.URL.Path, "/dasbor/")
		allowed, found, part := dashboardAllowed(sess.Role, rel)
		if !found {
			s.fail(w, r, http.StatusNotFound, "Tidak ditemukan", "berkas dasbor ini tidak ada")
			return
		}
		if !allowed {
			s.log.Warn("dashboard file refused", "path", r.URL.Path, "user", sess.Username, "role", sess.Role.String(), "part", string(part))
			s.fail(w, r, http.StatusForbidden, "Tidak diizinkan", "peran Anda ("+sess.Role.String()+") tidak boleh membuka bagian dasbor ini ("+string(part)+")")
			return
		}
		// Pages and downloads may carry personal data (names, phone numbers): never kept by a shared cache.
		w.Header().Set("Cache-Control", "private, no-cache")
		files.ServeHTTP(w, r)
	}
}

// noListing serves the site's files but no folder listing: a folder without an index.html is not
// found (a listing of unduh/ or data/kasus/ would name files a role may not open).
type noListing struct{ fs http.FileSystem }

func (n noListing) Open(name string) (http.File, error) {
	f, err := n.fs.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		idx, err := n.fs.Open(path.Join(name, "index.html"))
		if err != nil {
			f.Close()
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fs.ErrNotExist
			}
			return nil, err
		}
		idx.Close()
	}
	return f, nil
}
