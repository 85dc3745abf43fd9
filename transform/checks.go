package transform

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/pantau-koperasi/pantau/internal/fields"
	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

//go:embed checks/*.toml
var checkFS embed.FS

// Severity of a check: what a failing load costs.
type Severity int

const (
	// Warn records the failure only.
	Warn Severity = iota
	// Error keeps a failing load out of the marts.
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warn"
}

// CheckType is the kind of rule, after dbt's generic tests and Soda's checks.
type CheckType string

const (
	NotNull        CheckType = "not_null"
	Unique         CheckType = "unique"
	AcceptedValues CheckType = "accepted_values"
	Relationships  CheckType = "relationships"
	Range          CheckType = "range"
	Expression     CheckType = "expression"
	Anomaly        CheckType = "anomaly"
)

var checkTypes = []CheckType{NotNull, Unique, AcceptedValues, Relationships, Range, Expression, Anomaly}

// Check is one data-quality rule as written in a checks/*.toml file.
type Check struct {
	Name      string   `toml:"name"`
	Type      string   `toml:"type"`
	Column    string   `toml:"column"`
	Columns   []string `toml:"columns"`
	Per       string   `toml:"per"`
	Scope     string   `toml:"scope"`
	Values    []string `toml:"values"`
	To        string   `toml:"to"`
	Min       *float64 `toml:"min"`
	Max       *float64 `toml:"max"`
	Expr      string   `toml:"expr"`
	MaxRatio  *float64 `toml:"max_ratio"`
	MinRatio  *float64 `toml:"min_ratio"`
	MinPrev   float64  `toml:"min_previous"`
	SevText   string   `toml:"severity"`
	Threshold float64  `toml:"threshold"`
	Message   string   `toml:"message"`
	Where     string   `toml:"where"`
	AppliesTo []string `toml:"applies_to"`

	// File is the check file it came from (for error messages).
	File string `toml:"-"`
	// Severity is SevText parsed.
	Severity Severity `toml:"-"`
}

type checkFile struct {
	Check []Check `toml:"check"`
}

var nameRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Checks reads and validates the embedded check files, in file order then written order.
func Checks() ([]Check, error) {
	return loadChecks(checkFS, "checks")
}

func loadChecks(fsys fs.FS, dir string) ([]Check, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []Check
	seen := map[string]string{}
	var errs []error
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".toml") {
			continue
		}
		b, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		cs, err := ParseChecks(e.Name(), b)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, c := range cs {
			if f, dup := seen[c.Name]; dup {
				errs = append(errs, fmt.Errorf("%s: cek %q sudah ada di %s", e.Name(), c.Name, f))
				continue
			}
			seen[c.Name] = e.Name()
			out = append(out, c)
		}
	}
	return out, errors.Join(errs...)
}

// ParseChecks reads one check file and validates every check in it.
func ParseChecks(file string, b []byte) ([]Check, error) {
	var f checkFile
	md, err := toml.Decode(string(b), &f)
	if err != nil {
		return nil, fmt.Errorf("berkas cek %s: %w", file, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("berkas cek %s: kunci tidak dikenal: %v", file, und)
	}
	var errs []error
	for i := range f.Check {
		f.Check[i].File = file
		if err := f.Check[i].validate(); err != nil {
			errs = append(errs, fmt.Errorf("berkas cek %s, cek ke-%d (%s): %w", file, i+1, f.Check[i].Name, err))
		}
	}
	return f.Check, errors.Join(errs...)
}

// columns a check may name: the canonical fields plus the provenance columns of the staging rows.
func knownColumn(c string) bool {
	if _, ok := fields.Lookup(c); ok {
		return true
	}
	switch c {
	case "submission_id", "sheet", "row_number", "received_at", "source", "filename", "kind":
		return true
	}
	return false
}

func (c *Check) validate() error {
	if !nameRe.MatchString(c.Name) {
		return fmt.Errorf("nama cek %q harus huruf kecil, angka dan garis bawah", c.Name)
	}
	switch c.SevText {
	case "warn":
		c.Severity = Warn
	case "error":
		c.Severity = Error
	default:
		return fmt.Errorf("severity %q harus warn atau error", c.SevText)
	}
	if c.Threshold < 0 || c.Threshold >= 1 {
		return fmt.Errorf("threshold %v harus di antara 0 (tanpa toleransi) dan kurang dari 1", c.Threshold)
	}
	if strings.TrimSpace(c.Message) == "" {
		return errors.New("message (pesan untuk petugas) kosong")
	}
	if len(c.AppliesTo) == 0 {
		c.AppliesTo = []string{"laporan"}
	}
	for _, k := range c.AppliesTo {
		if k != "laporan" && k != "registrasi" {
			return fmt.Errorf("applies_to %q harus laporan atau registrasi", k)
		}
	}
	needColumn := func() error {
		if c.Column == "" {
			return fmt.Errorf("cek %s perlu column", c.Type)
		}
		if !knownColumn(c.Column) {
			return fmt.Errorf("kolom %q bukan bidang kanonik", c.Column)
		}
		return nil
	}
	switch CheckType(c.Type) {
	case NotNull:
		return needColumn()
	case Unique:
		if len(c.Columns) == 0 {
			return errors.New("cek unique perlu columns")
		}
		for _, col := range append(append([]string{}, c.Columns...), c.Per) {
			if col != "" && !knownColumn(col) {
				return fmt.Errorf("kolom %q bukan bidang kanonik", col)
			}
		}
		switch c.Scope {
		case "":
			c.Scope = "load"
		case "load", "all":
		default:
			return fmt.Errorf("scope %q harus load atau all", c.Scope)
		}
	case AcceptedValues:
		if len(c.Values) == 0 {
			return errors.New("cek accepted_values perlu values")
		}
		return needColumn()
	case Relationships:
		parts := strings.Split(c.To, ".")
		if len(parts) != 3 {
			return fmt.Errorf("to %q harus skema.tabel.kolom", c.To)
		}
		for _, p := range parts {
			if !nameRe.MatchString(p) {
				return fmt.Errorf("to %q harus skema.tabel.kolom", c.To)
			}
		}
		return needColumn()
	case Range:
		if c.Min == nil && c.Max == nil {
			return errors.New("cek range perlu min atau max")
		}
		return needColumn()
	case Expression:
		if strings.TrimSpace(c.Expr) == "" {
			return errors.New("cek expression perlu expr")
		}
		if strings.Contains(c.Expr, ";") {
			return errors.New("expr tidak boleh memuat ;")
		}
	case Anomaly:
		if c.MaxRatio == nil && c.MinRatio == nil {
			return errors.New("cek anomaly perlu max_ratio atau min_ratio")
		}
		return needColumn()
	default:
		return fmt.Errorf("type %q tidak dikenal (pilih: %v)", c.Type, checkTypes)
	}
	return nil
}

// sampleColumns are the fields shown as the failing values of a row.
func (c *Check) sampleColumns() []string {
	var cols []string
	switch CheckType(c.Type) {
	case Unique:
		cols = append(append(cols, c.Columns...), c.Per)
	case Expression:
		// the canonical fields the expression names, in field order
		toks := map[string]bool{}
		for _, t := range regexp.MustCompile(`[a-z_][a-z0-9_]*`).FindAllString(strings.ToLower(c.Expr), -1) {
			toks[t] = true
		}
		for _, n := range fields.Names() {
			if toks[n] {
				cols = append(cols, n)
			}
		}
	default:
		cols = []string{c.Column}
	}
	out := cols[:0]
	seen := map[string]bool{}
	for _, x := range cols {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// compile turns the check into a query over staging.laporan_kandidat returning its failing rows:
// (submission_id, nik, tahun_buku, sample), where sample is the failing values as JSON text.
// Identifiers are quoted; values are bound. The expression and where of a check are SQL by design
// (as in dbt), and come only from the check files embedded in the binary.
func (c *Check) compile() (string, []any) {
	q := warehouse.QuoteIdent
	var args []any
	ph := func(vs ...any) string {
		args = append(args, vs...)
		return strings.TrimSuffix(strings.Repeat("?, ", len(vs)), ", ")
	}
	kinds := make([]any, len(c.AppliesTo))
	for i, k := range c.AppliesTo {
		kinds[i] = k
	}
	base := "SELECT * FROM staging.laporan_kandidat WHERE kind IN (" + ph(kinds...) + ")"
	if c.Where != "" {
		base += " AND (" + c.Where + ")"
	}
	var sample []string
	for _, col := range c.sampleColumns() {
		sample = append(sample, "'"+col+"', b."+q(col))
	}
	sampleSQL := "json_object(" + strings.Join(sample, ", ") + ")::VARCHAR"
	sel := "SELECT b.submission_id, b.nik, b.tahun_buku, "
	var sqlText string
	switch CheckType(c.Type) {
	case NotNull:
		sqlText = sel + sampleSQL + " FROM (" + base + ") b WHERE b." + q(c.Column) + " IS NULL"
	case AcceptedValues:
		vals := make([]any, len(c.Values))
		for i, v := range c.Values {
			vals[i] = v
		}
		sqlText = sel + sampleSQL + " FROM (" + base + ") b WHERE b." + q(c.Column) + " IS NOT NULL AND b." + q(c.Column) + "::VARCHAR NOT IN (" + ph(vals...) + ")"
	case Range:
		var conds []string
		if c.Min != nil {
			conds = append(conds, "b."+q(c.Column)+" < "+ph(*c.Min))
		}
		if c.Max != nil {
			conds = append(conds, "b."+q(c.Column)+" > "+ph(*c.Max))
		}
		sqlText = sel + sampleSQL + " FROM (" + base + ") b WHERE " + strings.Join(conds, " OR ")
	case Expression:
		sqlText = sel + sampleSQL + " FROM (" + base + ") b WHERE NOT coalesce((" + c.Expr + "), true)"
	case Relationships:
		p := strings.Split(c.To, ".")
		sqlText = sel + sampleSQL + " FROM (" + base + ") b WHERE b." + q(c.Column) + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " +
			q(p[0]) + "." + q(p[1]) + " t WHERE t." + q(p[2]) + " = b." + q(c.Column) + ")"
	case Unique:
		var keys, notNull, join []string
		if c.Scope == "load" {
			keys = append(keys, "submission_id")
			join = append(join, "g.submission_id = b.submission_id")
		}
		for _, col := range c.Columns {
			keys = append(keys, q(col))
			notNull = append(notNull, q(col)+" IS NOT NULL")
			join = append(join, "g."+q(col)+" = b."+q(col))
		}
		having := "count(*) > 1"
		if c.Per != "" {
			having = "count(DISTINCT " + q(c.Per) + ") > 1"
		}
		sqlText = "WITH b AS (" + base + "), g AS (SELECT " + strings.Join(keys, ", ") + " FROM b WHERE " + strings.Join(notNull, " AND ") +
			" GROUP BY ALL HAVING " + having + ") " + sel + sampleSQL + " FROM b JOIN g ON " + strings.Join(join, " AND ")
	case Anomaly:
		col := q(c.Column)
		minPrev := ph(c.MinPrev) // placeholders are bound in text order: min_previous comes first
		var conds []string
		if c.MaxRatio != nil {
			conds = append(conds, "b."+col+"::DOUBLE / p.v > "+ph(*c.MaxRatio))
		}
		if c.MinRatio != nil {
			conds = append(conds, "b."+col+"::DOUBLE / p.v < "+ph(*c.MinRatio))
		}
		// The previous tahun buku is the latest candidate version of (nik, tahun_buku - 1), whatever
		// load it came in: the figure the office would compare against.
		sqlText = "WITH b AS (" + base + "), p AS (SELECT nik, tahun_buku, " + col + "::DOUBLE AS v FROM b WHERE nik IS NOT NULL AND tahun_buku IS NOT NULL " +
			"QUALIFY row_number() OVER (PARTITION BY nik, tahun_buku ORDER BY received_at DESC, submission_id DESC, row_number DESC) = 1) " +
			"SELECT b.submission_id, b.nik, b.tahun_buku, json_object('" + c.Column + "', b." + col + ", '" + c.Column + "_tahun_sebelumnya', p.v)::VARCHAR " +
			"FROM b JOIN p ON p.nik = b.nik AND p.tahun_buku = b.tahun_buku - 1 " +
			"WHERE b." + col + " IS NOT NULL AND p.v > 0 AND p.v >= " + minPrev + " AND (" + strings.Join(conds, " OR ") + ")"
	}
	return sqlText, args
}

// rowLevel reports whether the check looks at one row at a time (no grouping, no other years), so it
// can share one scan with the other row-level checks.
func (c *Check) rowLevel() bool {
	switch CheckType(c.Type) {
	case NotNull, AcceptedValues, Range, Expression, Relationships:
		return true
	}
	return false
}

// failCond is a row-level check as one boolean over alias b, true when the row fails (NULL → false).
// ph binds values in the order the text is built.
func (c *Check) failCond(ph func(vs ...any) string) string {
	q := warehouse.QuoteIdent
	kinds := make([]any, len(c.AppliesTo))
	for i, k := range c.AppliesTo {
		kinds[i] = k
	}
	cond := "b.kind IN (" + ph(kinds...) + ")"
	if c.Where != "" {
		cond += " AND (" + c.Where + ")"
	}
	col := ""
	if c.Column != "" {
		col = "b." + q(c.Column)
	}
	switch CheckType(c.Type) {
	case NotNull:
		cond += " AND " + col + " IS NULL"
	case AcceptedValues:
		vals := make([]any, len(c.Values))
		for i, v := range c.Values {
			vals[i] = v
		}
		cond += " AND " + col + " IS NOT NULL AND " + col + "::VARCHAR NOT IN (" + ph(vals...) + ")"
	case Range:
		var conds []string
		if c.Min != nil {
			conds = append(conds, col+" < "+ph(*c.Min))
		}
		if c.Max != nil {
			conds = append(conds, col+" > "+ph(*c.Max))
		}
		cond += " AND (" + strings.Join(conds, " OR ") + ")"
	case Expression:
		cond += " AND NOT coalesce((" + c.Expr + "), true)"
	case Relationships:
		p := strings.Split(c.To, ".")
		cond += " AND " + col + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " + q(p[0]) + "." + q(p[1]) + " t WHERE t." + q(p[2]) + " = " + col + ")"
	}
	return "coalesce(" + cond + ", false)"
}

func (c *Check) sampleSQL() string {
	var sample []string
	for _, col := range c.sampleColumns() {
		sample = append(sample, "'"+col+"', b."+warehouse.QuoteIdent(col))
	}
	return "json_object(" + strings.Join(sample, ", ") + ")::VARCHAR"
}

// compileRowBatch evaluates all row-level checks in one scan of staging.laporan_kandidat: rows failing
// any check are kept, then unnested into one (check_name, submission_id, nik, tahun_buku, sample) row
// per failed check. At the national scale this is one scan instead of one per check.
func compileRowBatch(checks []Check) (string, []any) {
	var args []any
	ph := func(vs ...any) string {
		args = append(args, vs...)
		return strings.TrimSuffix(strings.Repeat("?, ", len(vs)), ", ")
	}
	var items, conds []string
	for i := range checks {
		c := &checks[i]
		items = append(items, "{'c': "+ph(c.Name)+", 'f': "+c.failCond(ph)+", 's': CASE WHEN "+c.failCond(ph)+" THEN "+c.sampleSQL()+" END}")
	}
	for i := range checks {
		conds = append(conds, checks[i].failCond(ph))
	}
	return "SELECT u.c, submission_id, nik, tahun_buku, u.s FROM (SELECT b.submission_id, b.nik, b.tahun_buku, unnest(list_filter([" +
		strings.Join(items, ", ") + "], x -> x.f)) AS u FROM staging.laporan_kandidat b WHERE " + strings.Join(conds, " OR ") + ")", args
}
