package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Merged ranges are read by streaming the sheet's XML, not with excelize's GetMergeCells: that call
// unmarshals the whole worksheet into memory (and makes the following Rows() marshal it back), which
// for a 200,000-row sheet cost seconds and gigabytes. <mergeCells> comes after <sheetData>, so the
// scan skips the rows with a byte search and decodes only the tail.

// streamMerges returns the merged ranges of one sheet part (values are filled later from the grid).
func streamMerges(zr *zip.Reader, part string) []Merge {
	var zf *zip.File
	for _, f := range zr.File {
		if strings.EqualFold(strings.TrimPrefix(f.Name, "/"), part) {
			zf = f
			break
		}
	}
	if zf == nil {
		return nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 1<<16)
	key := []byte("mergeCells")
	buf := make([]byte, 1<<16)
	var carry []byte
	for {
		n, rerr := io.ReadFull(br, buf)
		data := append(carry, buf[:n]...)
		from := 0
		for {
			i := bytes.Index(data[from:], key)
			if i < 0 {
				break
			}
			i += from
			// A real tag: '<', an optional namespace prefix, then the name. Text cannot hold '<'.
			lt := bytes.LastIndexByte(data[:i], '<')
			if lt >= 0 && isTagPrefix(data[lt+1:i]) {
				return decodeMerges(io.MultiReader(bytes.NewReader(data[lt:]), br))
			}
			from = i + len(key)
		}
		if rerr != nil { // io.EOF, io.ErrUnexpectedEOF (last chunk) or a read error
			return nil
		}
		keep := min(len(data), 256)
		carry = append([]byte(nil), data[len(data)-keep:]...)
	}
}

func isTagPrefix(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	if b[len(b)-1] != ':' {
		return false
	}
	for _, c := range b[:len(b)-1] {
		if !(c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// maxMerges bounds what a hostile file can make us keep.
const maxMerges = 10000

func decodeMerges(r io.Reader) []Merge {
	dec := xml.NewDecoder(r)
	var out []Merge
	for len(out) < maxMerges {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == "mergeCells" {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "mergeCell" {
			continue
		}
		for _, a := range se.Attr {
			if a.Name.Local != "ref" {
				continue
			}
			first, last, _ := strings.Cut(a.Value, ":")
			if last == "" {
				last = first
			}
			c1, r1, err1 := excelize.CellNameToCoordinates(first)
			c2, r2, err2 := excelize.CellNameToCoordinates(last)
			if err1 == nil && err2 == nil {
				out = append(out, Merge{Row1: min(r1, r2), Row2: max(r1, r2), Col1: min(c1, c2) - 1, Col2: max(c1, c2) - 1})
			}
		}
	}
	return out
}

// mergeValues sets each merge's value to its top-left cell as read into the grid.
func mergeValues(g *Grid) {
	if len(g.Merges) == 0 {
		return
	}
	byNumber := map[int]int{}
	for i, r := range g.Rows {
		if r.Number > headerScan+1 {
			break
		}
		byNumber[r.Number] = i
	}
	for k := range g.Merges {
		m := &g.Merges[k]
		if i, ok := byNumber[m.Row1]; ok && m.Col1 >= 0 && m.Col1 < len(g.Rows[i].Cells) {
			m.Value = g.Rows[i].Cells[m.Col1]
		}
	}
}
