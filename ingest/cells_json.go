package ingest

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// raw.rows keeps every row's cells as a JSON object, label as written → cell text. It is written for
// every row of every file, so it is encoded by hand into a reused buffer: encoding/json marshals a map
// by reflection and sorts its keys, which was a fifth of a 200,000-row load. A file row's keys come in
// column order (distinct by construction: colMap.add); a map's (API records, rows merged from
// supplement sheets) sorted.

// appendCellsJSON appends the record's cells as a JSON object to dst.
func (r *Record) appendCellsJSON(dst []byte) []byte {
	if r.Cells == nil && r.src != nil && r.src.cols != nil { // labels are unique (colMap.add)
		in := r.src
		dst = append(dst, '{')
		first := true
		for i, v := range in.cells {
			if i >= maxCellColumns || strings.TrimSpace(v) == "" {
				continue
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = appendJSONString(dst, in.cols.labelAt(i))
			dst = append(dst, ':')
			dst = appendJSONString(dst, v)
		}
		return append(dst, '}')
	}
	m := r.cellMap()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = appendJSONString(dst, m[k])
	}
	return append(dst, '}')
}

// maxCellColumns bounds the columns of a row kept in raw.rows (XFD is 16,384).
const maxCellColumns = 16384

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string: quotes, backslashes and control characters escaped,
// invalid UTF-8 replaced by U+FFFD (as encoding/json does).
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
