// Package users keeps the people who log in to `pantau serve` (ops.users) and their sessions
// (ops.sessions). Passwords are hashed with bcrypt (golang.org/x/crypto); a session is a random token
// in a cookie of which only the SHA-256 is stored, with a per-session CSRF token beside it.
package users

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

// Role of a user.
type Role int

const (
	Petugas Role = iota // staff: upload reports, see dashboards
	Analis              // analysts: dashboards, follow-up read-only, job history
	Pejabat             // officials: follow-up cases (assign, comment, change status)
	Admin               // everything, and run jobs by hand
)

func (r Role) String() string { return [...]string{"petugas", "analis", "pejabat", "admin"}[r] }

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	for r := Petugas; r <= Admin; r++ {
		if r.String() == strings.ToLower(strings.TrimSpace(s)) {
			return r, nil
		}
	}
	return 0, fmt.Errorf("peran %q tidak dikenal: pilih petugas, analis, pejabat atau admin", s)
}

// Action a page asks permission for.
type Action int

const (
	ViewDashboards Action = iota
	Upload
	ViewFollowUp
	EditFollowUp
	ViewJobs
	RunJobs
)

// Can is the permission table. Pure, so a test reads it as a table.
func Can(r Role, a Action) bool {
	switch a {
	case ViewDashboards:
		return true
	case Upload:
		return r == Petugas || r == Admin
	case ViewFollowUp, ViewJobs:
		return r == Analis || r == Pejabat || r == Admin
	case EditFollowUp:
		return r == Pejabat || r == Admin
	case RunJobs:
		return r == Admin
	}
	return false
}

// User is one row of ops.users.
type User struct {
	Username string
	Nama     string
	Role     Role
	Disabled bool
}

var (
	// ErrBadLogin is the one answer to a wrong user name, a wrong password and a disabled account:
	// telling them apart would tell an attacker which user names exist.
	ErrBadLogin = errors.New("nama pengguna atau kata sandi salah")
	// ErrNoUser: the user name is not known (for the CLI).
	ErrNoUser   = errors.New("pengguna tidak ditemukan")
	usernameRe  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)
	minPassword = 8
)

// dummyHash is compared against when the user does not exist, so a wrong user name costs as much
// time as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("pantau-dummy-password"), bcrypt.DefaultCost)

// CheckPassword enforces the password rule.
func CheckPassword(p string) error {
	if len([]rune(p)) < minPassword {
		return fmt.Errorf("kata sandi minimal %d karakter", minPassword)
	}
	if len(p) > 72 {
		return errors.New("kata sandi maksimal 72 bita (batas bcrypt)")
	}
	return nil
}

// NormaliseUsername lower-cases and checks a user name.
func NormaliseUsername(u string) (string, error) {
	u = strings.ToLower(strings.TrimSpace(u))
	if !usernameRe.MatchString(u) {
		return "", fmt.Errorf("nama pengguna %q tidak sah: 2–32 huruf kecil, angka, titik, garis bawah atau tanda hubung", u)
	}
	return u, nil
}

// Add creates a user.
func Add(ctx context.Context, wh *warehouse.Warehouse, username, nama string, role Role, password string) error {
	u, err := NormaliseUsername(username)
	if err != nil {
		return err
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	if strings.TrimSpace(nama) == "" {
		nama = u
	}
	return wh.Write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ops.users WHERE username = ?`, u).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("pengguna %q sudah ada (ganti kata sandi dengan `pantau user passwd %s`)", u, u)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO ops.users (username, nama, role, password_hash) VALUES (?, ?, ?, ?)`, u, nama, role.String(), string(h))
		return err
	})
}

// SetPassword changes a password and ends the user's sessions.
func SetPassword(ctx context.Context, wh *warehouse.Warehouse, username, password string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	return update(ctx, wh, username, `UPDATE ops.users SET password_hash = ?, updated_at = current_timestamp WHERE username = ?`, string(h))
}

// SetDisabled disables (or enables) a user; disabling ends their sessions.
func SetDisabled(ctx context.Context, wh *warehouse.Warehouse, username string, disabled bool) error {
	return update(ctx, wh, username, `UPDATE ops.users SET disabled = ?, updated_at = current_timestamp WHERE username = ?`, disabled)
}

func update(ctx context.Context, wh *warehouse.Warehouse, username, q string, v any) error {
	u := strings.ToLower(strings.TrimSpace(username))
	return wh.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, v, u)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %q", ErrNoUser, u)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM ops.sessions WHERE username = ?`, u)
		return err
	})
}

// List returns every user.
func List(ctx context.Context, wh *warehouse.Warehouse) ([]User, error) {
	rows, err := wh.Query(ctx, `SELECT username, nama, role, disabled FROM ops.users ORDER BY username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		var role string
		if err := rows.Scan(&u.Username, &u.Nama, &role, &u.Disabled); err != nil {
			return nil, err
		}
		u.Role, _ = ParseRole(role)
		out = append(out, u)
	}
	return out, rows.Err()
}

// Authenticate checks a user name and password. Every failure is ErrBadLogin.
func Authenticate(ctx context.Context, wh *warehouse.Warehouse, username, password string) (User, error) {
	u := strings.ToLower(strings.TrimSpace(username))
	var hash, role string
	var usr User
	err := wh.DB().QueryRowContext(ctx, `SELECT username, nama, role, password_hash, disabled FROM ops.users WHERE username = ?`, u).
		Scan(&usr.Username, &usr.Nama, &role, &hash, &usr.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return User{}, ErrBadLogin
	}
	if err != nil {
		return User{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || usr.Disabled {
		return User{}, ErrBadLogin
	}
	usr.Role, err = ParseRole(role)
	return usr, err
}

// Session is a logged-in user with the session's CSRF token.
type Session struct {
	User
	CSRF    string
	Expires time.Time
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func tokenHash(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// NewSession starts a session for u and returns the cookie token.
func NewSession(ctx context.Context, wh *warehouse.Warehouse, u User, ttl time.Duration, now time.Time) (string, Session, error) {
	tok, err := randomToken()
	if err != nil {
		return "", Session{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", Session{}, err
	}
	s := Session{User: u, CSRF: csrf, Expires: now.Add(ttl).UTC()}
	err = wh.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM ops.sessions WHERE expires_at < ?`, now.UTC()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ops.sessions (token_sha256, username, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			tokenHash(tok), u.Username, csrf, now.UTC(), s.Expires); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE ops.users SET last_login_at = ? WHERE username = ?`, now.UTC(), u.Username)
		return err
	})
	return tok, s, err
}

// Lookup finds the live session of a cookie token (sql.ErrNoRows-wrapped ErrBadLogin when none). A
// disabled user's sessions were deleted when they were disabled; the join re-checks anyway.
func Lookup(ctx context.Context, wh *warehouse.Warehouse, tok string, now time.Time) (Session, error) {
	if tok == "" {
		return Session{}, ErrBadLogin
	}
	var s Session
	var role string
	err := wh.DB().QueryRowContext(ctx, `SELECT u.username, u.nama, u.role, s.csrf_token, s.expires_at
		FROM ops.sessions s JOIN ops.users u USING (username)
		WHERE s.token_sha256 = ? AND s.expires_at > ? AND NOT u.disabled`, tokenHash(tok), now.UTC()).
		Scan(&s.Username, &s.Nama, &role, &s.CSRF, &s.Expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrBadLogin
	}
	if err != nil {
		return Session{}, err
	}
	s.Role, err = ParseRole(role)
	return s, err
}

// EndSession logs a cookie token out.
func EndSession(ctx context.Context, wh *warehouse.Warehouse, tok string) error {
	return wh.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM ops.sessions WHERE token_sha256 = ?`, tokenHash(tok))
		return err
	})
}

// ValidCSRF compares a submitted token with the session's in constant time.
func (s Session) ValidCSRF(submitted string) bool {
	return submitted != "" && subtle.ConstantTimeCompare([]byte(submitted), []byte(s.CSRF)) == 1
}
