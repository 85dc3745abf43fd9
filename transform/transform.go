// Package transform turns raw submissions into the core and mart layers with SQL models.
//
// A model is one embedded file models/<schema>.<name>.sql holding a SELECT. Its header comments
// declare how it is materialised (`-- materialized: table|view`), the models it reads
// (`-- depends_on: a, b`) and the tables other stages own that it reads (`-- reads: raw.x, ops.y`);
// a test checks both lists against the tables the SQL names. Models run in dependency order; a failing model stops the models that
// depend on it, names itself and says why, while independent models still run.
package transform

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

//go:embed models/*.sql
var modelFS embed.FS

// Materialization of a model.
type Materialization int

const (
	Table Materialization = iota
	View
)

func (m Materialization) String() string {
	if m == View {
		return "view"
	}
	return "table"
}

// Model is one SQL model.
type Model struct {
	Name string // schema.name
	Mat  Materialization
	Deps []string // models it reads: they run first
	// Reads are the tables it reads that no model builds (ingest's raw.*, the ops.* tables, scoring's
	// marts, core.wilayah): they come from migrations, so they exist before any model runs.
	Reads []string
	SQL   string
}

// Models reads and orders the embedded models (dependencies first).
func Models() ([]Model, error) {
	entries, err := fs.ReadDir(modelFS, "models")
	if err != nil {
		return nil, err
	}
	byName := map[string]*Model{}
	var names []string
	for _, e := range entries {
		b, err := modelFS.ReadFile("models/" + e.Name())
		if err != nil {
			return nil, err
		}
		m, err := parseModel(strings.TrimSuffix(e.Name(), ".sql"), string(b))
		if err != nil {
			return nil, err
		}
		byName[m.Name] = &m
		names = append(names, m.Name)
	}
	sort.Strings(names)
	var out []Model
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(n string, path []string) error
	visit = func(n string, path []string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("model %s: ketergantungan melingkar: %s", n, strings.Join(append(path, n), " → "))
		case 2:
			return nil
		}
		m, ok := byName[n]
		if !ok {
			return fmt.Errorf("model %s tidak ada (disebut di depends_on %s)", n, strings.Join(path, " → "))
		}
		state[n] = 1
		for _, d := range m.Deps {
			if err := visit(d, append(path, n)); err != nil {
				return err
			}
		}
		state[n] = 2
		out = append(out, *m)
		return nil
	}
	for _, n := range names {
		if err := visit(n, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func parseModel(name, text string) (Model, error) {
	m := Model{Name: name, SQL: text}
	if strings.Count(name, ".") != 1 {
		return m, fmt.Errorf("model %s: nama berkas harus <skema>.<nama>.sql", name)
	}
	for _, line := range strings.Split(text, "\n") {
		l := strings.TrimSpace(line)
		if !strings.HasPrefix(l, "--") {
			if l != "" {
				break
			}
			continue
		}
		l = strings.TrimSpace(strings.TrimPrefix(l, "--"))
		if v, ok := strings.CutPrefix(l, "materialized:"); ok {
			switch strings.TrimSpace(v) {
			case "table":
				m.Mat = Table
			case "view":
				m.Mat = View
			default:
				return m, fmt.Errorf("model %s: materialized %q tidak dikenal", name, v)
			}
		}
		if v, ok := strings.CutPrefix(l, "depends_on:"); ok {
			m.Deps = append(m.Deps, splitList(v)...)
		}
		if v, ok := strings.CutPrefix(l, "reads:"); ok {
			m.Reads = append(m.Reads, splitList(v)...)
		}
	}
	return m, nil
}

// splitList splits a header list "a, b, c".
func splitList(v string) []string {
	var out []string
	for _, d := range strings.Split(v, ",") {
		if d = strings.TrimSpace(d); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// Result of one model (or of the data-quality gate, Model == GateName).
type Result struct {
	Model    string
	Rows     int64
	Duration time.Duration
	Err      error
	Skipped  bool        // an upstream model failed
	Gate     *GateReport // set on the gate's result
}

// GateName is the Result.Model of the data-quality gate, which runs right before GateModel.
const GateName = "cek_kualitas_data"

// GateModel is the model the gate guards: it reads the gate's decisions.
const GateModel = "staging.laporan_terbit"

// Select picks the models to run: "name" alone, "name+" with everything downstream of it. Empty = all.
func Select(models []Model, sel []string) ([]Model, error) {
	if len(sel) == 0 {
		return models, nil
	}
	want := map[string]bool{}
	for _, s := range sel {
		down := strings.HasSuffix(s, "+")
		n := strings.TrimSuffix(s, "+")
		found := false
		for _, m := range models {
			if m.Name == n {
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("model %q tidak ada", n)
		}
		want[n] = true
		if down {
			for changed := true; changed; {
				changed = false
				for _, m := range models {
					if want[m.Name] {
						continue
					}
					for _, d := range m.Deps {
						if want[d] {
							want[m.Name] = true
							changed = true
						}
					}
				}
			}
		}
	}
	var out []Model
	for _, m := range models {
		if want[m.Name] {
			out = append(out, m)
		}
	}
	return out, nil
}

// Run materialises the models in order. Each model is its own transaction, so a failure leaves the
// previous state of that model in place.
func Run(ctx context.Context, ws *workspace.Workspace, sel []string) ([]Result, error) {
	all, err := Models()
	if err != nil {
		return nil, err
	}
	models, err := Select(all, sel)
	if err != nil {
		return nil, err
	}
	return runModels(ctx, ws, models)
}

// runModels runs the given models (already in dependency order).
func runModels(ctx context.Context, ws *workspace.Workspace, models []Model) ([]Result, error) {
	if err := writeSettings(ctx, ws); err != nil {
		return nil, fmt.Errorf("menulis ops.transform_settings: %w", err)
	}
	failed := map[string]string{}
	var results []Result
	var errs []error
	for _, m := range models {
		if m.Name == GateModel && !upstreamFailed(m.Deps, failed) {
			g := runGateStep(ctx, ws)
			results = append(results, g)
			if g.Err != nil {
				// The model the gate guards must not be rebuilt on no decision: it stays as it was
				// (a view reading the previous run's decisions) and its dependants are skipped.
				errs = append(errs, g.Err)
				failed[m.Name] = GateName
				results = append(results, Result{Model: m.Name, Skipped: true,
					Err: fmt.Errorf("model %s dilewati karena %s gagal", m.Name, GateName)})
				continue
			}
		}
		r := Result{Model: m.Name}
		for _, d := range m.Deps {
			if why, bad := failed[d]; bad {
				r.Skipped = true
				r.Err = fmt.Errorf("model %s dilewati karena model hulu %s gagal", m.Name, why)
			}
		}
		if r.Skipped {
			failed[m.Name] = failed[firstFailed(m.Deps, failed)]
			results = append(results, r)
			continue
		}
		start := time.Now()
		r.Rows, r.Err = materialize(ctx, ws.WH, m)
		r.Duration = time.Since(start)
		if r.Err != nil {
			r.Err = fmt.Errorf("model %s gagal: %w", m.Name, r.Err)
			failed[m.Name] = m.Name
			errs = append(errs, r.Err)
		}
		results = append(results, r)
	}
	return results, errors.Join(errs...)
}

func upstreamFailed(deps []string, failed map[string]string) bool {
	return firstFailed(deps, failed) != ""
}

// writeSettings stores the configuration the SQL models read, with bound values.
func writeSettings(ctx context.Context, ws *workspace.Workspace) error {
	return ws.WH.Write(ctx, func(tx *sql.Tx) error {
		for _, kv := range [][2]string{
			{"batas_lapor_bulan", fmt.Sprint(ws.Config.Status.BatasLaporBulan)},
			{"hold_below_ratio", fmt.Sprint(ws.Config.Transform.HoldBelowRatio)},
		} {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO ops.transform_settings (name, value) VALUES (?, ?)`, kv[0], kv[1]); err != nil {
				return err
			}
		}
		return nil
	})
}

// runGateStep runs the data-quality gate in one transaction and reports it as a Result.
func runGateStep(ctx context.Context, ws *workspace.Workspace) Result {
	start := time.Now()
	r := Result{Model: GateName}
	checks, err := Checks()
	if err == nil {
		err = ws.WH.Write(ctx, func(tx *sql.Tx) error {
			rep, err := runGate(ctx, tx, checks, ws.Config.Transform.HoldBelowRatio, time.Now().UTC())
			r.Gate = rep
			return err
		})
	}
	r.Duration = time.Since(start)
	if err != nil {
		r.Gate = nil
		r.Err = fmt.Errorf("%w: %w", errGate, err)
		return r
	}
	for _, c := range r.Gate.Checks {
		r.Rows += c.Failing
	}
	// The server has no terminal: what the staff must act on goes to the log too (and stays queryable
	// in ops.load_reviews and ops.check_blocks).
	for _, h := range r.Gate.Held {
		ws.Log.Warn("load held for review", "submission_id", h.SubmissionID, "file", h.Filename, "rows", h.Rows, "previous_rows", h.PreviousRows, "pesan", h.Message)
	}
	for _, b := range r.Gate.Blocked {
		if !b.Accepted {
			ws.Log.Warn("load blocked by a data-quality check", "submission_id", b.SubmissionID, "file", b.Filename, "check", b.Check, "failing", b.Failing, "pesan", b.Message)
		}
	}
	return r
}

func firstFailed(deps []string, failed map[string]string) string {
	for _, d := range deps {
		if _, ok := failed[d]; ok {
			return d
		}
	}
	return ""
}

func materialize(ctx context.Context, wh *warehouse.Warehouse, m Model) (int64, error) {
	schema, name, _ := strings.Cut(m.Name, ".")
	target := warehouse.QuoteIdent(schema) + "." + warehouse.QuoteIdent(name)
	var n int64
	err := wh.Write(ctx, func(tx *sql.Tx) error {
		switch m.Mat {
		case View:
			_, err := tx.ExecContext(ctx, "CREATE OR REPLACE VIEW "+target+" AS "+m.SQL)
			return err
		default:
			if _, err := tx.ExecContext(ctx, "CREATE OR REPLACE TABLE "+target+" AS "+m.SQL); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, "SELECT count(*) FROM "+target).Scan(&n)
		}
	})
	return n, err
}
