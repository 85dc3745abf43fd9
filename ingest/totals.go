package ingest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pantau-koperasi/pantau/internal/fields"
)

// checkTotals compares every totals row ("JUMLAH", "TOTAL") with the sum of the rows above it in the
// same sheet (since the previous totals row) and warns when a column differs. The totals row itself is
// never loaded; a difference usually means a row was deleted, hidden or typed twice.
func checkTotals(inputs []Input, recs []*Record, status []string, rc *rowContext, sum *Summary) {
	start := map[string]int{}
	for i, in := range inputs {
		if !in.Totals || !in.hasData() {
			continue
		}
		from := start[in.Sheet]
		start[in.Sheet] = i + 1
		var diffs []string
		for _, f := range fields.All() {
			if f.Kind != fields.Money && f.Kind != fields.Count {
				continue
			}
			t, _ := in.text(f.Name)
			s := strings.TrimSpace(t)
			if s == "" {
				continue
			}
			var want int64
			var err error
			if f.Kind == fields.Money {
				want, err = ParseMoney(s, in.isMachine(f.Name))
			} else {
				want, err = ParseCount(s, in.isMachine(f.Name))
			}
			if errors.Is(err, errNoValue) || err != nil {
				continue
			}
			var got int64
			n, unread := 0, 0
			for j := from; j < i; j++ {
				if inputs[j].Sheet != in.Sheet || status[j] == rowSkipped {
					continue
				}
				if v, ok := recs[j].Get(f.Name).(int64); ok {
					got += v
					n++
				} else if hasProblem(recs[j], f.Name) {
					unread++
				}
			}
			if n == 0 || got == want {
				continue
			}
			d := fmt.Sprintf("%s: baris jumlah %s, jumlah baris di atasnya %s", labelOf(rc, f), amountText(f, want), amountText(f, got))
			if unread > 0 {
				d += fmt.Sprintf(" (%d nilai tidak terbaca)", unread)
			}
			diffs = append(diffs, d)
		}
		if len(diffs) > 0 {
			sum.Warnings = append(sum.Warnings, fmt.Sprintf("%sbaris %d (baris jumlah) tidak sama dengan jumlah baris di atasnya — %s",
				sheetPrefix(in.Sheet), in.Row, strings.Join(diffs, "; ")))
		}
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
