package kesehatan

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// pt is a value and the points it must score, read off the rubric tables in
// reference/domain-research.md §1 (and umum-2026's documented bands) by hand.
type pt struct{ x, skor float64 }

// edges lists, per rubric and indicator, values on and just below every band edge.
var edges = map[string]map[string][]pt{
	"ksp-2016": {
		"1.1": {{-5, 0}, {-0.01, 0}, {0, 0}, {0.01, 1.5}, {19.99, 1.5}, {20, 3}, {39.99, 3}, {40, 6}, {59.99, 6}, {60, 3}, {79.99, 3}, {80, 1.5}, {500, 1.5}},
		"1.2": {{-1, 0}, {0, 0}, {0.5, 0.6}, {9.99, 0.6}, {10, 1.2}, {19.99, 1.2}, {20, 1.8}, {29.99, 1.8}, {30, 2.4}, {39.99, 2.4}, {40, 3.0}, {49.99, 3.0},
			{50, 3.6}, {59.99, 3.6}, {60, 4.2}, {69.99, 4.2}, {70, 4.8}, {79.99, 4.8}, {80, 5.4}, {89.99, 5.4}, {90, 6.0}, {99.99, 6.0}, {100, 6.0}, {1000, 6}},
		"1.3": {{3.99, 0}, {4, 1.5}, {5.99, 1.5}, {6, 2.25}, {7.99, 2.25}, {8, 3}},
		"2.1": {{24.99, 0}, {25, 5}, {49.99, 5}, {50, 7.5}, {74.99, 7.5}, {75, 10}},
		"2.2": {{0, 5}, {0.01, 4}, {9.99, 4}, {10, 3}, {19.99, 3}, {20, 2}, {29.99, 2}, {30, 1}, {39.99, 1}, {40, 0.5}, {44.99, 0.5}, {45, 0}},
		"2.3": {{-1, 0}, {0, 0}, {0.01, 0.5}, {9.99, 0.5}, {10, 1}, {19.99, 1}, {20, 1.5}, {29.99, 1.5}, {30, 2}, {39.99, 2}, {40, 2.5}, {49.99, 2.5},
			{50, 3}, {59.99, 3}, {60, 3.5}, {69.99, 3.5}, {70, 4}, {79.99, 4}, {80, 4.5}, {89.99, 4.5}, {90, 5}, {99.99, 5}, {100, 5}},
		"2.4": {{20.99, 5}, {21, 3.75}, {25.99, 3.75}, {26, 2.5}, {29.99, 2.5}, {30, 1.25}},
		"3.1": {{0, 0}, {1, 0.25}, {9, 2.25}, {12, 3}, {13, 3}},
		"3.2": {{0, 0}, {5, 2.5}, {6, 3}},
		"3.3": {{3, 1.8}, {5, 3}},
		"3.4": {{7, 2.1}, {10, 3}},
		"3.5": {{1, 0.6}, {5, 3}},
		"4.1": {{89.99, 4}, {90, 3}, {94.99, 3}, {95, 2}, {99.99, 2}, {100, 1}},
		"4.2": {{39.99, 4}, {40, 3}, {59.99, 3}, {60, 2}, {79.99, 2}, {80, 1}, {999, 1}},
		"4.3": {{4.99, 2}, {5, 1.5}, {9.99, 1.5}, {10, 1}, {14.99, 1}, {15, 0}},
		"5.1": {{9.99, 2.5}, {10, 10}, {14.99, 10}, {15, 5}, {19.99, 5}, {20, 2.5}},
		"5.2": {{59.99, 1.25}, {60, 2.5}, {69.99, 2.5}, {70, 3.75}, {79.99, 3.75}, {80, 5}},
		"6.1": {{4.99, 0.75}, {5, 1.5}, {7.49, 1.5}, {7.5, 2.25}, {9.99, 2.25}, {10, 3}},
		"6.2": {{2.99, 0.75}, {3, 1.5}, {3.99, 1.5}, {4, 2.25}, {4.99, 2.25}, {5, 3}},
		"6.3": {{99.99, 0}, {100, 4}},
		"7.1": {{24.99, 1.75}, {25, 3.5}, {49.99, 3.5}, {50, 5.25}, {74.99, 5.25}, {75, 7}},
		"7.2": {{4.99, 0}, {5, 1.5}, {7.49, 1.5}, {7.5, 2.25}, {9.99, 2.25}, {10, 3}},
	},
	"kkpkk-2021": {
		// The questionnaire table is a < x ≤ b: 75 % is still "nilai 2".
		"A.1": {{0, 1.5}, {25, 1.5}, {25.01, 3}, {50, 3}, {50.01, 4.5}, {75, 4.5}, {75.01, 6}, {100, 6}},
		"A.2": {{25, 1.5}, {25.01, 3}, {50, 3}, {50.01, 4.5}, {75, 4.5}, {75.01, 6}},
		"A.3": {{25, 1.5}, {25.01, 3}, {50, 3}, {50.01, 4.5}, {75, 4.5}, {75.01, 6}},
		"A.4": {{25, 1.5}, {25.01, 3}, {50, 3}, {50.01, 4.5}, {75, 4.5}, {75.01, 6}},
		"A.5": {{25, 1.5}, {25.01, 3}, {50, 3}, {50.01, 4.5}, {75, 4.5}, {75.01, 6}},
		"B.1": {{74.99, 7.5}, {75, 5.625}, {84.99, 5.625}, {85, 3.75}, {94.99, 3.75}, {95, 1.875}},
		"B.2": {{4.99, 1.875}, {5, 3.75}, {9.99, 3.75}, {10, 5.625}, {19.99, 5.625}, {20, 7.5}},
		"C.1": {{0.99, 2.5}, {1, 5}, {2.99, 5}, {3, 7.5}, {4.99, 7.5}, {5, 10}},
		"C.2": {{69.99, 10}, {70, 7.5}, {84.99, 7.5}, {85, 5}, {99.99, 5}, {100, 2.5}},
		"C.3": {{0.99, 2.5}, {1, 5}, {4.99, 5}, {5, 7.5}, {9.99, 7.5}, {10, 10}},
		"C.4": {{0.99, 2.5}, {1, 5}, {2.99, 5}, {3, 7.5}, {4.99, 7.5}, {5, 10}},
		"D.1": {{9.99, 1.875}, {10, 3.75}, {19.99, 3.75}, {20, 5.625}, {29.99, 5.625}, {30, 7.5}},
		"D.2": {{3.99, 1.875}, {4, 3.75}, {6.99, 3.75}, {7, 5.625}, {9.99, 5.625}, {10, 7.5}},
	},
	"umum-2026": {
		"TK.1": {{0, 0}, {0.99, 0}, {1, 10}},
		"TK.2": {{0, 0}, {1, 10}},
		"TK.3": {{0, 0}, {1, 5}},
		"TK.4": {{0, 0}, {1, 5}},
		"PR.1": {{49.99, 20}, {50, 15}, {99.99, 15}, {100, 10}, {199.99, 10}, {200, 5}, {399.99, 5}, {400, 0}, {999, 0}},
		"KK.1": {{-0.01, 0}, {0, 3.75}, {1.99, 3.75}, {2, 7.5}, {4.99, 7.5}, {5, 11.25}, {9.99, 11.25}, {10, 15}},
		"KK.2": {{9.99, 0}, {10, 3.75}, {24.99, 3.75}, {25, 7.5}, {49.99, 7.5}, {50, 11.25}, {99.99, 11.25}, {100, 15}},
		"PM.1": {{-0.01, 0}, {0, 5}, {19.99, 5}, {20, 10}, {39.99, 10}, {40, 15}, {59.99, 15}, {60, 20}},
	},
}

func newWS(t *testing.T) *workspace.Workspace {
	t.Helper()
	ws, _, err := workspace.Init(context.Background(), t.TempDir(), "32", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// sqlScores runs the engine's own band SQL (scoreTail) over the given values in DuckDB.
func sqlScores(t *testing.T, ws *workspace.Workspace, r *Rubric, vals map[string][]pt) map[string]float64 {
	t.Helper()
	ctx := context.Background()
	urutan := map[string]int{}
	for i, x := range r.Indicators() {
		urutan[x.Indikator.Kode] = i + 1
	}
	out := map[string]float64{}
	err := ws.WH.WriteConn(ctx, func(conn *sql.Conn) error {
		return warehouse.InTx(ctx, conn, func() error {
			if _, err := conn.ExecContext(ctx, `DELETE FROM mart.rubrik_indikator; DELETE FROM mart.rubrik_band; DELETE FROM mart.rubrik`); err != nil {
				return err
			}
			if err := writeDefinition(ctx, conn, r); err != nil {
				return err
			}
			if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE edge_values (nik VARCHAR, tahun_buku INTEGER, urutan INTEGER, nilai DOUBLE, input_hilang VARCHAR)`); err != nil {
				return err
			}
			for kode, ps := range vals {
				for i, p := range ps {
					if _, err := conn.ExecContext(ctx, `INSERT INTO edge_values VALUES (?, ?, ?, ?, '')`, kode, i, urutan[kode], p.x); err != nil {
						return err
					}
				}
			}
			tail, args := scoreTail(r, []any{r.ID, r.Versi}, "$1", "$2")
			q := "WITH v AS (SELECT * FROM edge_values),\n" + tail
			rows, err := conn.QueryContext(ctx, `SELECT nik, tahun_buku, skor FROM (`+q+`) t(nik, tahun_buku, rubrik, versi, urutan, aspek, nama_aspek, indikator, nama, rumus, nilai, band, skor, bobot, dinilai, input_hilang, keterangan)`, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var kode string
				var i int
				var skor sql.NullFloat64
				if err := rows.Scan(&kode, &i, &skor); err != nil {
					return err
				}
				if !skor.Valid {
					return fmt.Errorf("%s value %v: no band matched", kode, vals[kode][i].x)
				}
				out[fmt.Sprintf("%s@%d", kode, i)] = skor.Float64
			}
			if err := rows.Err(); err != nil {
				return err
			}
			_, err = conn.ExecContext(ctx, `DROP TABLE edge_values`)
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every band edge of every rubric, in DuckDB (the SQL the engine runs) and in the Go twin.
func TestBandEdgesOfEveryRubric(t *testing.T) {
	rs, err := Load([]string{"kkpkk-2021.kinerja_keuangan=40", "kkpkk-2021.permodalan=15"})
	if err != nil {
		t.Fatal(err)
	}
	ws := newWS(t)
	for id, table := range edges {
		r := rs[id]
		if r == nil {
			t.Fatalf("rubric %s not loaded", id)
		}
		// The table must name every indicator and every edge written in the file.
		for _, x := range r.Indicators() {
			in := x.Indikator
			ps, ok := table[in.Kode]
			if !ok {
				t.Errorf("%s %s: no edge cases", id, in.Kode)
				continue
			}
			has := map[float64]bool{}
			for _, p := range ps {
				has[p.x] = true
			}
			for _, b := range in.Band {
				for _, e := range []*float64{b.Dari, b.Sampai, b.SamaDengan} {
					if e != nil && !has[*e] {
						t.Errorf("%s %s: edge %v not tested", id, in.Kode, *e)
					}
				}
			}
		}
		got := sqlScores(t, ws, r, table)
		byKode := map[string]Indikator{}
		for _, x := range r.Indicators() {
			byKode[x.Indikator.Kode] = *x.Indikator
		}
		for kode, ps := range table {
			for i, p := range ps {
				s, ok := got[fmt.Sprintf("%s@%d", kode, i)]
				if !ok || math.Abs(s-p.skor) > 1e-9 {
					t.Errorf("%s %s x=%v: SQL skor %v (found %v), want %v", id, kode, p.x, s, ok, p.skor)
				}
				if g, _ := byKode[kode].Score(p.x); math.Abs(g-p.skor) > 1e-9 {
					t.Errorf("%s %s x=%v: Go skor %v, want %v", id, kode, p.x, g, p.skor)
				}
			}
		}
	}
}

// The provisional kkpkk-2021 weights are configuration: the aspect's indicators scale with it.
func TestAspectWeightOverride(t *testing.T) {
	rs, err := Load([]string{"kkpkk-2021.kinerja_keuangan=45", "kkpkk-2021.permodalan=10"})
	if err != nil {
		t.Fatal(err)
	}
	r := rs["kkpkk-2021"]
	if got := r.TotalBobot(); math.Abs(got-100) > 1e-9 {
		t.Fatalf("total %v", got)
	}
	for _, x := range r.Indicators() {
		switch x.Indikator.Kode {
		case "C.1": // 10 of 40 → 11.25 of 45; the best band scores the full weight
			if s, _ := x.Indikator.Score(5); math.Abs(s-11.25) > 1e-9 {
				t.Errorf("C.1 best band %v, want 11.25", s)
			}
		case "D.1": // 7.5 of 15 → 5 of 10; the worst band 1.875 → 1.25
			if s, _ := x.Indikator.Score(5); math.Abs(s-1.25) > 1e-9 {
				t.Errorf("D.1 worst band %v, want 1.25", s)
			}
		}
	}
	if _, err := Load([]string{"kkpkk-2021.kinerja_keuangan=50"}); err == nil || !strings.Contains(err.Error(), "jumlah bobot aspek 110, harus 100") {
		t.Errorf("an override that breaks the sum must fail: %v", err)
	}
	if _, err := Load([]string{"kkpkk-2021.tidak_ada=5"}); err == nil || !strings.Contains(err.Error(), `tidak punya aspek "tidak_ada"`) {
		t.Errorf("unknown aspect: %v", err)
	}
}
