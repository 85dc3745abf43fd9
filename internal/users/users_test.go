package users

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

func TestPermissionTable(t *testing.T) {
	// rows: petugas, analis, pejabat, admin
	want := map[Action][4]bool{
		ViewDashboards: {true, true, true, true},
		Upload:         {true, false, false, true},
		ViewFollowUp:   {false, true, true, true},
		EditFollowUp:   {false, false, true, true},
		ViewJobs:       {false, true, true, true},
		RunJobs:        {false, false, false, true},
	}
	for a, row := range want {
		for r := Petugas; r <= Admin; r++ {
			if Can(r, a) != row[r] {
				t.Errorf("Can(%s, %d) = %v, want %v", r, a, Can(r, a), row[r])
			}
		}
	}
}

func TestAccountsAndSessions(t *testing.T) {
	ctx := context.Background()
	ws, _, err := workspace.Init(ctx, filepath.Join(t.TempDir(), "ws"), "32", "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	wh := ws.WH
	if err := Add(ctx, wh, "Sari", "Sari P", Petugas, "pendek"); err == nil {
		t.Fatal("a 6-character password must be refused")
	}
	if err := Add(ctx, wh, "Sari", "Sari P", Petugas, "rahasia-sari"); err != nil {
		t.Fatal(err)
	}
	if err := Add(ctx, wh, "sari", "", Admin, "rahasia-lain"); err == nil {
		t.Fatal("a second user with the same (case-folded) name must be refused")
	}
	var hash string
	wh.DB().QueryRow(`SELECT password_hash FROM ops.users WHERE username = 'sari'`).Scan(&hash)
	if hash == "rahasia-sari" || len(hash) < 59 || hash[:4] != "$2a$" {
		t.Fatalf("stored password is not a bcrypt hash: %q", hash)
	}
	for _, c := range []struct{ u, p string }{{"sari", "salah-sandi"}, {"tidakada", "rahasia-sari"}} {
		if _, err := Authenticate(ctx, wh, c.u, c.p); !errors.Is(err, ErrBadLogin) {
			t.Fatalf("%s/%s: %v, want ErrBadLogin", c.u, c.p, err)
		}
	}
	u, err := Authenticate(ctx, wh, " SARI ", "rahasia-sari")
	if err != nil || u.Role != Petugas {
		t.Fatalf("login: %+v %v", u, err)
	}
	now := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	tok, s, err := NewSession(ctx, wh, u, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Lookup(ctx, wh, tok, now.Add(59*time.Minute)); err != nil || got.CSRF != s.CSRF || !got.ValidCSRF(s.CSRF) || got.ValidCSRF("") || got.ValidCSRF(s.CSRF+"x") {
		t.Fatalf("lookup within the hour: %+v %v", got, err)
	}
	if _, err := Lookup(ctx, wh, tok, now.Add(61*time.Minute)); !errors.Is(err, ErrBadLogin) {
		t.Fatal("an expired session must not be accepted")
	}
	// Only the hash of the token is stored.
	var n int
	wh.DB().QueryRow(`SELECT count(*) FROM ops.sessions WHERE token_sha256 = ?`, tok).Scan(&n)
	if n != 0 {
		t.Fatal("the raw session token is stored")
	}
	// A new password ends every session; disabling refuses the login.
	if err := SetPassword(ctx, wh, "sari", "rahasia-baru1"); err != nil {
		t.Fatal(err)
	}
	if _, err := Lookup(ctx, wh, tok, now); !errors.Is(err, ErrBadLogin) {
		t.Fatal("session survived a password change")
	}
	if err := SetDisabled(ctx, wh, "sari", true); err != nil {
		t.Fatal(err)
	}
	if _, err := Authenticate(ctx, wh, "sari", "rahasia-baru1"); !errors.Is(err, ErrBadLogin) {
		t.Fatal("a disabled user logged in")
	}
	if err := SetDisabled(ctx, wh, "budi", true); !errors.Is(err, ErrNoUser) {
		t.Fatalf("unknown user: %v", err)
	}
}
