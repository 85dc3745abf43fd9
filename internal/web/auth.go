package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/internal/users"
)

const (
	sessionCookie = "pantau_sesi"
	loginCookie   = "pantau_masuk_csrf"
)

type ctxKey struct{}

type multipartKey struct{}

func sessionFrom(ctx context.Context) (*users.Session, bool) {
	s, ok := ctx.Value(ctxKey{}).(*users.Session)
	return s, ok
}

type authedHandler func(w http.ResponseWriter, r *http.Request, s users.Session)

// auth requires a live session, the permission for act (any logged-in user when act < 0), and on
// every non-GET request the session's CSRF token (form field csrf or header X-CSRF-Token).
func (s *Server) auth(act users.Action, h authedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var sess users.Session
		if err == nil {
			sess, err = users.Lookup(r.Context(), s.ws.WH, c.Value, s.opt.Now())
		}
		if err != nil {
			if !errors.Is(err, users.ErrBadLogin) && !errors.Is(err, http.ErrNoCookie) {
				s.log.Error("session lookup", "err", err)
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/masuk?lanjut="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(w, r, http.StatusUnauthorized, "Belum masuk", "sesi Anda berakhir atau belum masuk; silakan masuk lagi")
			return
		}
		*r = *r.WithContext(context.WithValue(r.Context(), ctxKey{}, &sess))
		setUser(r, sess.Username)
		if act >= 0 && !users.Can(sess.Role, act) {
			s.fail(w, r, http.StatusForbidden, "Tidak diizinkan", "peran Anda ("+sess.Role.String()+") tidak boleh membuka halaman ini")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			tok := r.Header.Get("X-CSRF-Token")
			if tok == "" {
				tok = csrfField(r)
			}
			if !sess.ValidCSRF(tok) {
				s.metrics.csrfRefused.Inc()
				s.log.Warn("csrf token missing or wrong", "path", r.URL.Path, "user", sess.Username)
				s.fail(w, r, http.StatusForbidden, "Permintaan ditolak", "token keamanan formulir (CSRF) tidak ada atau salah; muat ulang halaman lalu coba lagi")
				return
			}
		}
		h(w, r, sess)
	}
}

// csrfField reads the csrf form field. For a multipart upload it is the first part, so it is read
// without parsing (and buffering) the file behind it.
func csrfField(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "multipart/form-data") {
		mr, err := r.MultipartReader()
		if err != nil {
			return ""
		}
		part, err := mr.NextPart()
		if err != nil || part.FormName() != "csrf" {
			return ""
		}
		b := make([]byte, 128)
		n, _ := part.Read(b)
		part.Close()
		// Hand the rest of the stream to the handler.
		*r = *r.WithContext(context.WithValue(r.Context(), multipartKey{}, mr))
		return strings.TrimSpace(string(b[:n]))
	}
	return r.PostFormValue("csrf")
}

func randomString() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.showLogin(w, r, http.StatusOK, "")
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	tok := randomString()
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: tok, Path: "/masuk", HttpOnly: true,
		Secure: s.ws.Config.Serve.SecureCookies, SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	p := s.page(nil, "Masuk", nil)
	p.LoginCSRF, p.Error = tok, msg
	p.Next = safeNext(r.FormValue("lanjut"))
	s.render(w, r, status, "login", p)
}

// safeNext keeps the redirect after login on this site.
func safeNext(n string) string {
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, "/\\") {
		return "/"
	}
	return n
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.showLogin(w, r, http.StatusBadRequest, "formulir tidak dapat dibaca")
		return
	}
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		s.metrics.csrfRefused.Inc()
		s.showLogin(w, r, http.StatusForbidden, "token keamanan formulir (CSRF) tidak ada atau salah; coba masuk lagi")
		return
	}
	name := r.PostFormValue("username")
	key := throttleKey(name, r.RemoteAddr)
	if d := s.throttle.wait(key, s.opt.Now()); d > 0 {
		s.metrics.logins.WithLabelValues("ditahan").Inc()
		s.log.Warn("login throttled", "user", name, "remote", r.RemoteAddr, "wait", d)
		s.showLogin(w, r, http.StatusTooManyRequests, fmt.Sprintf("terlalu banyak percobaan masuk yang gagal; coba lagi dalam %d menit", int(d.Minutes())+1))
		return
	}
	u, err := users.Authenticate(r.Context(), s.ws.WH, name, r.PostFormValue("password"))
	if err != nil {
		s.throttle.fail(key, s.opt.Now())
		s.metrics.logins.WithLabelValues("gagal").Inc()
		s.log.Warn("login refused", "user", name, "remote", r.RemoteAddr)
		if !errors.Is(err, users.ErrBadLogin) {
			s.log.Error("login", "err", err)
			err = users.ErrBadLogin
		}
		s.showLogin(w, r, http.StatusUnauthorized, err.Error())
		return
	}
	ttl := time.Duration(s.ws.Config.Serve.SessionHours) * time.Hour
	tok, _, err := users.NewSession(r.Context(), s.ws.WH, u, ttl, s.opt.Now())
	if err != nil {
		s.log.Error("new session", "err", err)
		s.fail(w, r, http.StatusInternalServerError, "Gagal masuk", "sesi tidak dapat dibuat; coba lagi")
		return
	}
	s.throttle.reset(key)
	s.metrics.logins.WithLabelValues("berhasil").Inc()
	setUser(r, u.Username)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", HttpOnly: true,
		Secure: s.ws.Config.Serve.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(ttl.Seconds())})
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/masuk", MaxAge: -1})
	http.Redirect(w, r, safeNext(r.PostFormValue("lanjut")), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, sess users.Session) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := users.EndSession(r.Context(), s.ws.WH, c.Value); err != nil {
			s.log.Error("logout", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	http.Redirect(w, r, "/masuk", http.StatusSeeOther)
}
