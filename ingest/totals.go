package ingest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pantau-koperasi/pantau/internal/fields"
)

// Totals rows ("JUMLAH", "TOTAL") are compared with the sum of the rows above them in the same sheet
// (since the previous totals row), and a column that differs is a warning. The totals row itself is
// never loaded; a difference usually means a row was deleted, hidden or typed twice. The sums run as
// the rows stream past.

// runningTotals are one sheet's sums per money/count field since its last totals row.
type runningTotals struct {
	sum    map[int]int64 // fields.All() index → sum
	n      map[int]int   // rows with a value
	unread map[int]int   // rows whose value could not be read
}

func newRunningTotals() *runningTotals {
	return &runningTotals{sum: map[int]int64{}, n: map[int]int{}, unread: map[int]int{}}
}

func summed(k fields.Kind) bool { return k == fields.Money || k == fields.Count }

// addToTotals adds a parsed (not skipped) row to its sheet's sums.
func (r *loadRun) addToTotals(rec *Record) {
	t := r.totals[rec.Sheet]
	if t == nil {
		t = newRunningTotals()
		r.totals[rec.Sheet] = t
	}
	all := fields.All()
	for _, fv := range rec.vals {
		if v, ok := fv.v.(int64); ok && summed(all[fv.idx].Kind) {
			t.sum[fv.idx] += v
			t.n[fv.idx]++
		}
	}
	for _, p := range rec.Problems {
		if fi, ok := fieldIndex[p.Column]; ok && summed(all[fi].Kind) && rec.Get(p.Column) == nil {
			t.unread[fi]++
		}
	}
}

// checkTotals compares a totals row with the sums above it and starts new sums.
func (r *loadRun) checkTotals(in *Input) {
	t := r.totals[in.Sheet]
	r.totals[in.Sheet] = newRunningTotals()
	if t == nil {
		return
	}
	var diffs []string
	for fi, f := range fields.All() {
		if !summed(f.Kind) {
			continue
		}
		s, _ := in.textAt(fi)
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		var want int64
		var err error
		if f.Kind == fields.Money {
			want, err = ParseMoney(s, in.isMachineAt(fi))
		} else {
			want, err = ParseCount(s, in.isMachineAt(fi))
		}
		if err != nil {
			continue
		}
		got, n := t.sum[fi], t.n[fi]
		if n == 0 || got == want {
			continue
		}
		d := fmt.Sprintf("%s: baris jumlah %s, jumlah baris di atasnya %s", labelOf(r.rc, f), amountText(f, want), amountText(f, got))
		if u := t.unread[fi]; u > 0 {
			d += fmt.Sprintf(" (%d nilai tidak terbaca)", u)
		}
		diffs = append(diffs, d)
	}
	if len(diffs) > 0 {
		r.warnings = append(r.warnings, fmt.Sprintf("%sbaris %d (baris jumlah) tidak sama dengan jumlah baris di atasnya — %s",
			sheetPrefix(in.Sheet), in.Row, strings.Join(diffs, "; ")))
	}
}

func labelOf(rc *rowContext, f fields.Field) string {
	if l := rc.labels[f.Name]; l != "" {
		return l
	}
	return f.Label
}

func amountText(f fields.Field, v int64) string {
	if f.Kind == fields.Money {
		return centsText(v)
	}
	return strconv.FormatInt(v, 10)
}
