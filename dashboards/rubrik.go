package dashboards

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// The rubrics and the headline rule. No rubric id is written in the dashboards: the rubrics, their
// names and which are provisional come from mart.rubrik (written by `pantau score` with the results);
// which rubric applies to which jenis comes from [kesehatan] penerapan, the setting scoring used.
//
// The headline grade of a cooperative (queries/kesehatan_aturan.sql) is, in its latest scored tahun
// buku, from the rubric ranked first for its jenis:
//
//	0  a rubric penerapan assigns to that jenis by name (ksp-2016 for simpan_pinjam…)
//	1  a rubric penerapan assigns to every jenis, "*" (umum-2026, the office default)
//	2  any other rubric that scored it
//	3  a provisional rubric (kkpkk-2021), whatever it is assigned to: only when nothing else scored it
//
// then by rubric id. The ranks go to the queries as one bound JSON value ($urutan_rubrik).

// rubrikInfo is one rubric of mart.rubrik.
type rubrikInfo struct {
	Nama      string `json:"nama"`
	Sementara bool   `json:"sementara"`
}

// penerapan is one line of [kesehatan] penerapan: a rubric and the jenis it applies to (nil = all).
type penerapan struct {
	Rubrik string
	Jenis  []string
}

// parsePenerapan reads "rubrik:jenis,jenis" and "rubrik:*" lines (lines of one rubric merge). The
// configuration was validated when it was loaded; a line it would refuse is skipped here.
func parsePenerapan(lines []string) []penerapan {
	var out []penerapan
	idx := map[string]int{}
	for _, l := range lines {
		id, js, ok := strings.Cut(l, ":")
		if id = strings.TrimSpace(id); !ok || id == "" {
			continue
		}
		i, seen := idx[id]
		if !seen {
			i = len(out)
			idx[id] = i
			out = append(out, penerapan{Rubrik: id, Jenis: []string{}})
		}
		for _, j := range strings.Split(js, ",") {
			switch j = strings.TrimSpace(j); {
			case j == "*":
				out[i].Jenis = nil
			case j != "" && out[i].Jenis != nil:
				out[i].Jenis = append(out[i].Jenis, j)
			}
		}
	}
	return out
}

// urutanRubrik is the headline rank of each rubric per jenis ("*" = every jenis), as JSON for the
// queries' $urutan_rubrik.
func urutanRubrik(pen []penerapan, rubrik map[string]rubrikInfo) string {
	type baris struct {
		Rubrik string `json:"rubrik"`
		Jenis  string `json:"jenis"`
		Urutan int    `json:"urutan"`
	}
	out := []baris{}
	assigned := map[string]bool{}
	for _, p := range pen {
		assigned[p.Rubrik] = true
		switch {
		case rubrik[p.Rubrik].Sementara:
			out = append(out, baris{p.Rubrik, "*", 3})
		case p.Jenis == nil:
			out = append(out, baris{p.Rubrik, "*", 1})
		default:
			for _, j := range p.Jenis {
				out = append(out, baris{p.Rubrik, j, 0})
			}
		}
	}
	for _, id := range sortedKeys(rubrik) {
		if rubrik[id].Sementara && !assigned[id] {
			out = append(out, baris{id, "*", 3})
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// loadRubrik reads mart.rubrik (empty before the first scoring run) and prepares the headline rule.
func (b *builder) loadRubrik() error {
	b.rubrik = map[string]rubrikInfo{}
	if b.src.has("mart.rubrik", "rubrik", "nama", "provisional") {
		rows, err := b.src.rows("rubrik")
		if err != nil {
			return fmt.Errorf("membaca mart.rubrik: %w", err)
		}
		for _, r := range rows {
			b.rubrik[asStr(r[0])] = rubrikInfo{Nama: asStr(r[1]), Sementara: asStr(r[2]) == "ya"}
		}
	}
	b.penerapan = parsePenerapan(b.cfg.Kesehatan.Penerapan)
	b.urutan = urutanRubrik(b.penerapan, b.rubrik)
	return nil
}

// aturan is the bound value of the headline rule, for every query that includes kesehatan_terkini
// or kesehatan_per_tahun.
func (b *builder) aturan() any { return sql.Named("urutan_rubrik", b.urutan) }

// lblRubrik names a rubric as the pages show it: a provisional one is marked "sementara".
func (b *builder) lblRubrik(r string) string {
	if b.rubrik[r].Sementara {
		return r + " (sementara)"
	}
	return r
}

// ketAturan says the headline rule in words: "ksp-2016 untuk koperasi simpan pinjam dan simpan
// pinjam syariah (bila dinilai), selain itu umum-2026; kkpkk-2021 masih sementara …".
func (b *builder) ketAturan(bilaDinilai bool) string {
	var khusus, umum, sementara []string
	for _, p := range b.penerapan {
		switch {
		case b.rubrik[p.Rubrik].Sementara:
			sementara = append(sementara, p.Rubrik)
		case p.Jenis == nil:
			umum = append(umum, p.Rubrik)
		default:
			var js []string
			for _, j := range p.Jenis {
				js = append(js, strings.ToLower(lblJenis(j)))
			}
			s := p.Rubrik + " untuk koperasi " + daftar(js)
			if bilaDinilai {
				s += " (bila dinilai)"
			}
			khusus = append(khusus, s)
		}
	}
	parts := strings.Join(khusus, ", ")
	if len(umum) > 0 {
		if parts != "" {
			parts += ", selain itu "
		}
		parts += daftar(umum)
	}
	if parts == "" {
		parts = "rubrik yang menilai koperasi itu"
	}
	if len(sementara) > 0 && bilaDinilai {
		parts += "; " + daftar(sementara) + " masih sementara dan hanya dipakai bila tidak ada rubrik lain"
	}
	return parts
}

// daftar joins "a", "a dan b", "a, b dan c".
func daftar(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " dan " + xs[len(xs)-1]
}
