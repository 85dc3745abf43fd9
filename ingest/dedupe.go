package ingest

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Why this is Go and not SQL (issue 15 asked): a dry run (pantau ingest --dry-run, the upload page's
// report) reports duplicates and conflicts without a connection or the writer lock, so the rows are
// in no table to group; an exact copy is never written to raw.laporan, its status being decided as it
// streams past; and the results are per row index (Summary.RowStatus, problems in row order), which
// raw.rows does not store. What touches rows already written is SQL (requarantine, values bound).

// Duplicates within a submission (SPEC §3): a row that is an exact copy of an earlier one for the same
// NIK and tahun buku counts once, with a warning; rows for the same NIK and tahun buku with different
// values are all quarantined ("duplikat bertentangan"). A row is compared with the first of its key by
// a hash of its values, so nothing but the key, the hash and where the first row stood is kept.
// A key packs the 16-digit NIK (< 2^54) and the tahun buku as its offset from 1900 (10 bits; 0 for
// a register without one) into one word: the map of first rows holds an entry per cooperative of the
// file (200,000 for a national file), so each entry is kept to 8 + 16 bytes.
type dupKey uint64

func packDupKey(nik uint64, tahun int64) (dupKey, bool) {
	var code int64
	if tahun != 0 {
		code = tahun - 1900
		if code <= 0 || code >= 1<<10 {
			return 0, false
		}
	}
	if nik >= 1<<54 {
		return 0, false
	}
	return dupKey(nik<<10 | uint64(code)), true
}

func (k dupKey) nik() uint64 { return uint64(k) >> 10 }

func (k dupKey) tahun() int64 {
	if c := int64(k & (1<<10 - 1)); c != 0 {
		return 1900 + c
	}
	return 0
}

// dupSeen is the first row of a key: its values' hash, index among the rows, and row number.
type dupSeen struct {
	hash uint64
	idx  int32
	row  int32
}

// dupMember is a row of a key seen more than once.
type dupMember struct {
	idx   int
	row   int
	sheet string
}

type dupGroup struct {
	members  []dupMember // every row of the key, the first one first
	conflict bool
}

// dedupe returns the status of an accepted row: accepted (first of its key), duplicate (an exact copy
// of the first) or quarantined (a conflict; its reason is written when the whole file has been seen).
func (r *loadRun) dedupe(i int, rec *Record) rowStatus {
	nik, err := strconv.ParseUint(rec.str("nik"), 10, 64)
	if err != nil {
		return rowAccepted // validation guarantees 16 digits; nothing to compare otherwise
	}
	y, _ := rec.num("tahun_buku")
	k, ok := packDupKey(nik, y)
	if !ok {
		return rowAccepted // validation keeps tahun buku within 1950..now
	}
	h := r.valuesHash(rec)
	first, ok := r.seen[k]
	if !ok {
		r.seen[k] = dupSeen{hash: h, idx: int32(i), row: int32(rec.Row)}
		return rowAccepted
	}
	g := r.groups[k]
	if g == nil {
		g = &dupGroup{members: []dupMember{{idx: int(first.idx), row: int(first.row), sheet: r.sheetAt(int(first.idx))}}}
		r.groups[k] = g
	}
	g.members = append(g.members, dupMember{idx: i, row: rec.Row, sheet: rec.Sheet})
	if h != first.hash {
		g.conflict = true
		return rowQuarantined
	}
	return rowDuplicate
}

// noteSheet records where each sheet's rows start (rows arrive sheet after sheet), so that a row's
// sheet need not be kept per row.
func (r *loadRun) noteSheet(i int, sheet string) {
	if n := len(r.sheetStarts); n == 0 || r.sheetStarts[n-1].sheet != sheet {
		r.sheetStarts = append(r.sheetStarts, sheetStart{i, sheet})
	}
}

// sheetAt is the sheet of row index i.
func (r *loadRun) sheetAt(i int) string {
	j := sort.Search(len(r.sheetStarts), func(j int) bool { return r.sheetStarts[j].idx > i })
	if j == 0 {
		return ""
	}
	return r.sheetStarts[j-1].sheet
}

type sheetStart struct {
	idx   int
	sheet string
}

// valuesHash hashes a record's values in field order (times by instant, so equal times in other
// zones are the same value).
func (r *loadRun) valuesHash(rec *Record) uint64 {
	r.dense = rec.Values(r.dense)
	h := &r.hash
	h.Reset()
	var buf [9]byte
	for i, v := range r.dense {
		if v == nil {
			continue
		}
		buf[0] = byte(i)
		switch x := v.(type) {
		case string:
			buf[1] = 's'
			h.Write(buf[:2])
			h.WriteString(x)
			h.WriteByte(0)
		case int64:
			buf[1] = 'i'
			h.Write(buf[:2])
			binary.LittleEndian.PutUint64(buf[1:], uint64(x))
			h.Write(buf[1:])
		case time.Time:
			buf[1] = 't'
			h.Write(buf[:2])
			binary.LittleEndian.PutUint64(buf[1:], uint64(x.UnixNano()))
			h.Write(buf[1:])
		default:
			buf[1] = '?'
			h.Write(buf[:2])
			h.WriteString(fmt.Sprint(x))
		}
	}
	return h.Sum64()
}

// settleDuplicates writes the warnings for exact copies and, for keys with conflicting rows, marks
// every row of the key quarantined with its reason — in the warehouse too, where the first row went
// in as accepted.
func (r *loadRun) settleDuplicates() ([]string, error) {
	groups := make([]*dupGroup, 0, len(r.groups))
	keys := map[*dupGroup]dupKey{}
	for k, g := range r.groups {
		groups = append(groups, g)
		keys[g] = k
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].members[0].idx < groups[j].members[0].idx })
	var warnings []string
	var fix requarantined
	for _, g := range groups {
		first := g.members[0]
		if !g.conflict {
			for _, m := range g.members[1:] {
				// The first row is named with its sheet when it is in another one (one sheet per
				// kecamatan): "baris 2 sama persis dengan baris 2" would point at the row itself.
				where := fmt.Sprintf("baris %d", first.row)
				if first.sheet != m.sheet {
					where = fmt.Sprintf("lembar %q baris %d", first.sheet, first.row)
				}
				warnings = append(warnings, fmt.Sprintf("%sbaris %d sama persis dengan %s; dihitung sekali", sheetPrefix(m.sheet), m.row, where))
			}
			continue
		}
		k := keys[g]
		oneSheet := true
		for _, m := range g.members {
			oneSheet = oneSheet && m.sheet == first.sheet
		}
		rows := make([]string, len(g.members))
		for i, m := range g.members {
			rows[i] = strconv.Itoa(m.row)
			if !oneSheet {
				rows[i] = fmt.Sprintf("lembar %q baris %d", m.sheet, m.row)
			}
		}
		at := "baris " + strings.Join(rows, ", ")
		if !oneSheet {
			at = strings.Join(rows, ", ")
		}
		reason := fmt.Sprintf("duplikat bertentangan: NIK %016d tahun buku %d muncul di %s dengan nilai berbeda", k.nik(), k.tahun(), at)
		for _, m := range g.members {
			p := Problem{Sheet: m.sheet, Row: m.row, Reason: reason, Code: "duplikat_bertentangan"}
			r.sum.Problems = append(r.sum.Problems, p)
			r.probIdx = append(r.probIdx, m.idx)
			was := r.status[m.idx]
			r.status[m.idx] = rowQuarantined
			fix.add(m, was, p)
		}
	}
	if r.conn != nil {
		if err := r.requarantine(fix); err != nil {
			return nil, err
		}
	}
	return warnings, nil
}

// requarantined are the rows a conflict turned into quarantined ones after they were written.
type requarantined struct {
	rows, laporan []dupMember // to mark in raw.rows / to take out of raw.laporan
	problems      []Problem
}

func (q *requarantined) add(m dupMember, was rowStatus, p Problem) {
	if was != rowQuarantined {
		q.rows = append(q.rows, m)
	}
	if was == rowAccepted {
		q.laporan = append(q.laporan, m)
	}
	q.problems = append(q.problems, p)
}

// requarantine turns a row already written into a quarantined one.
func (r *loadRun) requarantine(q requarantined) error {
	ctx, conn := r.ctx, r.conn
	// A file full of conflicts (every row twice, with different figures) must not cost a statement per
	// row: rows are named a batch at a time.
	err := inBatches(len(q.rows), func(from, to int) error {
		args := []any{rowQuarantined.String(), r.id}
		for _, m := range q.rows[from:to] {
			args = append(args, m.sheet, m.row)
		}
		_, err := conn.ExecContext(ctx, `UPDATE raw.rows SET status = ? WHERE submission_id = ? AND (sheet, row_number) IN (`+tuples(to-from, 2)+`)`, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("raw.rows: %w", err)
	}
	err = inBatches(len(q.laporan), func(from, to int) error {
		args := []any{r.id}
		for _, m := range q.laporan[from:to] {
			args = append(args, m.sheet, m.row)
		}
		_, err := conn.ExecContext(ctx, `DELETE FROM raw.laporan WHERE submission_id = ? AND (sheet, row_number) IN (`+tuples(to-from, 2)+`)`, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("raw.laporan: %w", err)
	}
	return insertProblems(ctx, conn, r.id, r.b.Filename, q.problems)
}
