package push

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

// Scope of a token.
type Scope int

const (
	// ScopeKoperasi: one cooperative's app; it may only report for its own NIK.
	ScopeKoperasi Scope = iota
	// ScopeKantor: another office or an aggregator; it may report for any cooperative.
	ScopeKantor
)

func (s Scope) String() string {
	if s == ScopeKantor {
		return "kantor"
	}
	return "koperasi"
}

// ParseScope reads "koperasi" or "kantor".
func ParseScope(s string) (Scope, error) {
	switch s {
	case "koperasi":
		return ScopeKoperasi, nil
	case "kantor":
		return ScopeKantor, nil
	}
	return 0, fmt.Errorf("cakupan token %q tidak dikenal (koperasi atau kantor)", s)
}

// Token is a push API token as stored (never the token itself).
type Token struct {
	ID         int64
	Name       string
	Scope      Scope
	NIK        string
	Prefix     string
	CreatedAt  time.Time
	CreatedBy  string
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// tokenPrefix starts every token, so a leaked one is recognisable (and secret scanners can match it).
const tokenPrefix = "pantau_"

// hashToken is the stored form of a token. Tokens are 256 random bits, so a plain SHA-256 is enough:
// nobody can guess a preimage, and a slow password hash (bcrypt, argon2) would only add its cost to
// every API request without making a random token any harder to find. It also lets the lookup be an
// indexed equality on the hash instead of a scan with a per-row comparison.
func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// CreateToken makes a token and stores its hash; the token is returned once and never again.
func CreateToken(ctx context.Context, wh *warehouse.Warehouse, name string, scope Scope, nik, by string) (string, *Token, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil, errors.New("nama token wajib diisi (mis. nama koperasi atau aplikasinya)")
	}
	nik = normNIK(nik)
	switch scope {
	case ScopeKoperasi:
		if len(nik) != 16 || !digits(nik) {
			return "", nil, fmt.Errorf("token koperasi memerlukan NIK 16 digit, bukan %q", nik)
		}
	case ScopeKantor:
		if nik != "" {
			return "", nil, errors.New("token kantor tidak terikat pada satu NIK; jangan isi --nik")
		}
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, err
	}
	tok := tokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw[:]))
	t := &Token{Name: name, Scope: scope, NIK: nik, Prefix: tok[:len(tokenPrefix)+6], CreatedBy: by}
	err := wh.Write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO ops.api_tokens (name, scope, nik, prefix, token_sha256, created_by)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id, created_at`, name, scope.String(), nullable(nik), t.Prefix, hashToken(tok), by).Scan(&t.ID, &t.CreatedAt)
	})
	if err != nil {
		return "", nil, err
	}
	return tok, t, nil
}

// ListTokens returns every token, revoked ones included.
func ListTokens(ctx context.Context, wh *warehouse.Warehouse) ([]Token, error) {
	rows, err := wh.DB().QueryContext(ctx, `SELECT id, name, scope, coalesce(nik, ''), prefix, created_at, coalesce(created_by, ''), revoked_at, last_used_at
		FROM ops.api_tokens ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scanToken(r scanner) (Token, error) {
	var t Token
	var scope string
	var rev, used sql.NullTime
	if err := r.Scan(&t.ID, &t.Name, &scope, &t.NIK, &t.Prefix, &t.CreatedAt, &t.CreatedBy, &rev, &used); err != nil {
		return t, err
	}
	t.Scope, _ = ParseScope(scope)
	if rev.Valid {
		t.RevokedAt = &rev.Time
	}
	if used.Valid {
		t.LastUsedAt = &used.Time
	}
	return t, nil
}

// ErrNoToken: no such token id.
var ErrNoToken = errors.New("token tidak ada")

// RevokeToken stops a token from working; it stays listed.
func RevokeToken(ctx context.Context, wh *warehouse.Warehouse, id int64) error {
	return wh.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE ops.api_tokens SET revoked_at = coalesce(revoked_at, current_timestamp) WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: #%d", ErrNoToken, id)
		}
		return nil
	})
}

// authenticate finds the live token for a bearer value, or nil.
func authenticate(ctx context.Context, wh *warehouse.Warehouse, tok string) (*Token, error) {
	if !strings.HasPrefix(tok, tokenPrefix) {
		return nil, nil
	}
	t, err := scanToken(wh.DB().QueryRowContext(ctx, `SELECT id, name, scope, coalesce(nik, ''), prefix, created_at, coalesce(created_by, ''), revoked_at, last_used_at
		FROM ops.api_tokens WHERE token_sha256 = ?`, hashToken(tok)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if t.RevokedAt != nil {
		return nil, nil
	}
	return &t, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func normNIK(s string) string {
	return strings.NewReplacer(" ", "", ".", "", "-", "").Replace(strings.TrimSpace(s))
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
