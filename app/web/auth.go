package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strconv"
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
		infoFrom(r.Context()).user = sess.Username
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

// safeNext is where to go after login: a path of this site, or "/" when lanjut is anything else.
// The value is parsed, never string-matched, and what is returned is rebuilt from the parse: an
// absolute path with no scheme, host or user, cleaned (path.Clean: no dot segments, no repeated
// slashes), with its query and without a fragment. Refused outright, because browsers read them
// differently from a URL parser: a backslash (which a browser takes for a slash, so /\evil.example
// is //evil.example, another host) and any control character (a browser drops tabs and newlines, so
// /\t/evil.example is //evil.example too), whether written plainly or percent-encoded.
func safeNext(n string) string {
	const home = "/"
	if n == "" || len(n) > 2048 || n[0] != '/' {
		return home
	}
	if unsafeChars(n) {
		return home
	}
	u, err := url.Parse(n)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return home
	}
	if unsafeChars(u.Path) || unsafeChars(u.RawQuery) {
		return home
	}
	if q, err := url.QueryUnescape(u.RawQuery); err != nil || unsafeChars(q) {
		return home
	}
	p := path.Clean(u.Path)
	if strings.HasSuffix(u.Path, "/") && p != "/" {
		p += "/"
	}
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return home
	}
	out := (&url.URL{Path: p}).EscapedPath()
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
		return home
	}
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out
}

// unsafeChars: a backslash, an ASCII control character or DEL anywhere in s.
func unsafeChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return true
		}
	}
	return false
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
	client := clientOf(r)
	if d, why := s.throttle.wait(name, client, s.opt.Now()); d > 0 {
		s.metrics.logins.WithLabelValues("ditahan").Inc()
		s.log.Warn("login throttled", "user", name, "remote", client, "by", why, "wait", d.Round(time.Millisecond))
		w.Header().Set("Retry-After", strconv.Itoa(int(d.Seconds()+0.999)))
		s.showLogin(w, r, http.StatusTooManyRequests, "terlalu banyak percobaan masuk yang gagal; coba lagi dalam "+lamaTunggu(d))
		return
	}
	u, err := users.Authenticate(r.Context(), s.ws.WH, name, r.PostFormValue("password"))
	if err != nil {
		s.throttle.fail(name, client, s.opt.Now())
		s.metrics.logins.WithLabelValues("gagal").Inc()
		s.log.Warn("login refused", "user", name, "remote", client)
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
	s.throttle.succeed(name)
	s.metrics.logins.WithLabelValues("berhasil").Inc()
	s.log.Info("login", "user", u.Username, "remote", client)
	infoFrom(r.Context()).user = u.Username
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

// lamaTunggu says a wait in words: "3 detik", "2 menit".
func lamaTunggu(d time.Duration) string {
	if d < time.Minute {
		return strconv.Itoa(int(d.Seconds()+0.999)) + " detik"
	}
	return strconv.Itoa(int(d.Minutes()+0.999)) + " menit"
}
