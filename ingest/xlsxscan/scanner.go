// Package xlsxscan is the byte-level half of Pantau's streaming XLSX reader: a scanner for the XML
// of SpreadsheetML parts (worksheets, shared strings), the shared-string table kept outside the Go
// heap, and the deflate decompressor registered on the workbook's zip reader. What a cell's value
// is (excelize-compatible types, columns, rows) is decided by the ingest package (xlsx_rows.go),
// which also reads the workbook's structure (xlsx_book.go). See README.md.
//
// The scanner only understands what SpreadsheetML rows need: tags (with any namespace prefix),
// attributes, character data with the five named entities and numeric references, CDATA, comments
// and processing instructions. Everything else is skipped element by element.
//
// Memory: one 64 KB read buffer, grown only for a tag or text longer than that, up to MaxToken.
package xlsxscan

import (
	"bytes"
	"errors"
	"io"
)

const (
	// MaxToken bounds one tag or one run of character data held in memory (Excel itself stops
	// a cell at 32,767 characters).
	MaxToken = 4 << 20
)

// ErrTooLong is returned (and kept by Err) when a tag or a text is longer than MaxToken.
var ErrTooLong = errors.New("tag atau teks XML terlalu panjang")

// Kind is what a Token is.
type Kind uint8

const (
	EOF   Kind = iota // the end of the stream, or an error (Err)
	Start             // a start tag, or an empty-element tag (SelfClose)
	End               // an end tag
)

// Token is one tag. Local is the element name without its namespace prefix; it is only valid
// until the next scanner call, as are the attribute bytes.
type Token struct {
	Kind      Kind
	Local     string
	SelfClose bool
	attrs     []byte // the tag's bytes after its name
}

// Attr returns an attribute's raw value (entities not decoded: the attributes read here never
// need them), matching the name without a namespace prefix.
func (t *Token) Attr(name string) ([]byte, bool) {
	b := t.attrs
	for {
		i := 0
		for i < len(b) && isXMLSpace(b[i]) {
			i++
		}
		j := i
		for j < len(b) && b[j] != '=' && !isXMLSpace(b[j]) && b[j] != '/' && b[j] != '>' {
			j++
		}
		if j == i {
			return nil, false
		}
		n := b[i:j]
		for j < len(b) && isXMLSpace(b[j]) {
			j++
		}
		if j >= len(b) || b[j] != '=' {
			b = b[j:]
			if len(b) == 0 || b[0] == '/' || b[0] == '>' {
				return nil, false
			}
			continue
		}
		j++
		for j < len(b) && isXMLSpace(b[j]) {
			j++
		}
		if j >= len(b) || (b[j] != '"' && b[j] != '\'') {
			return nil, false
		}
		q := b[j]
		k := bytes.IndexByte(b[j+1:], q)
		if k < 0 {
			return nil, false
		}
		v := b[j+1 : j+1+k]
		if c := bytes.LastIndexByte(n, ':'); c >= 0 {
			if string(n[:c]) == "xmlns" {
				n = nil
			} else {
				n = n[c+1:]
			}
		}
		if string(n) == name {
			return v, true
		}
		b = b[j+1+k+1:]
	}
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Scanner reads tags and text from a stream through its own buffer. Positions held while a
// construct is read are relative to pos, which only moves once the construct is consumed, so a
// refill (which moves buf[pos:end] to the front) never invalidates them.
type Scanner struct {
	rd  io.Reader
	buf []byte
	pos int
	end int
	eof bool
	err error // a read error other than io.EOF, or ErrTooLong
	tok Token // the tag next returned
}

// NewScanner scans r through a 64 KB buffer (grown up to MaxToken for a longer tag or text).
func NewScanner(r io.Reader) *Scanner {
	return &Scanner{rd: r, buf: make([]byte, 64<<10)}
}

// fill reads more bytes, keeping buf[pos:end]; false when nothing more can come.
func (s *Scanner) fill() bool {
	if s.eof {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.end, s.pos = n, 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= MaxToken {
			s.eof, s.err = true, ErrTooLong
			return false
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.rd.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.err = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.eof, s.err = true, io.ErrNoProgress
	return false
}

// ensure makes n bytes available from pos when the stream has them.
func (s *Scanner) ensure(n int) bool {
	for s.end-s.pos < n {
		if !s.fill() {
			return false
		}
	}
	return true
}

// skipToLT moves pos to the next '<', dropping the text before it.
func (s *Scanner) skipToLT() bool {
	for {
		if i := bytes.IndexByte(s.buf[s.pos:s.end], '<'); i >= 0 {
			s.pos += i
			return true
		}
		s.pos = s.end
		if !s.fill() {
			return false
		}
	}
}

// find returns the offset from pos of the first sep at or after offset off, filling as needed.
func (s *Scanner) find(sep []byte, off int) int {
	for {
		if i := bytes.Index(s.buf[s.pos+off:s.end], sep); i >= 0 {
			return off + i
		}
		off = max(0, s.end-s.pos-len(sep)+1)
		if !s.fill() {
			return -1
		}
	}
}

var (
	sepCommentEnd = []byte("-->")
	sepCDATAEnd   = []byte("]]>")
	sepPIEnd      = []byte("?>")
	sepCDATA      = []byte("<![CDATA[")
)

// markup skips a comment, processing instruction or declaration at pos ('<!' or '<?'). A CDATA
// section is not skipped: it returns false and leaves pos on it.
func (s *Scanner) markup() bool {
	s.ensure(9)
	b := s.buf[s.pos:s.end]
	var end int
	switch {
	case bytes.HasPrefix(b, []byte("<!--")):
		end = s.find(sepCommentEnd, 4)
		if end >= 0 {
			end += 3
		}
	case bytes.HasPrefix(b, sepCDATA):
		return false
	case bytes.HasPrefix(b, []byte("<?")):
		end = s.find(sepPIEnd, 2)
		if end >= 0 {
			end += 2
		}
	default: // <!DOCTYPE …>: a declaration, skipped to its '>' (internal subsets are not supported)
		end = s.tagEnd()
		if end >= 0 {
			end++
		}
	}
	if end < 0 {
		s.pos = s.end
		return true
	}
	s.pos += end
	return true
}

// indexByte is the offset from pos of the first c at or after off, filling as needed; -1 at EOF.
func (s *Scanner) indexByte(c byte, off int) int {
	for {
		if i := bytes.IndexByte(s.buf[s.pos+off:s.end], c); i >= 0 {
			return off + i
		}
		off = s.end - s.pos
		if !s.fill() {
			return -1
		}
	}
}

// tagEnd is the offset from pos of the '>' closing the tag at pos, quotes respected; -1 at EOF.
func (s *Scanner) tagEnd() int {
	off := 1
	var q byte
	for {
		b := s.buf[s.pos:s.end]
		for ; off < len(b); off++ {
			c := b[off]
			if q != 0 {
				if c == q {
					q = 0
				}
				continue
			}
			switch c {
			case '"', '\'':
				q = c
			case '>':
				return off
			}
		}
		if !s.fill() {
			return -1
		}
	}
}

// Next returns the next start or end tag, skipping text, comments, CDATA and processing
// instructions.
func (s *Scanner) Next() *Token {
	for {
		if !s.skipToLT() {
			s.tok = Token{}
			return &s.tok
		}
		if !s.ensure(2) {
			s.pos = s.end
			s.tok = Token{}
			return &s.tok
		}
		c := s.buf[s.pos+1]
		if c == '!' || c == '?' {
			if !s.markup() { // CDATA outside a value: skip it
				end := s.find(sepCDATAEnd, 9)
				if end < 0 {
					s.pos = s.end
					s.tok = Token{}
					return &s.tok
				}
				s.pos += end + 3
			}
			continue
		}
		var end int
		if c == '/' {
			end = s.indexByte('>', 2) // an end tag has no attributes, so no quoted '>'
		} else {
			end = s.tagEnd()
		}
		if end < 0 {
			s.pos = s.end
			s.tok = Token{}
			return &s.tok
		}
		tag := s.buf[s.pos : s.pos+end+1]
		s.pos += end + 1
		s.parseTag(tag)
		return &s.tok
	}
}

// parseTag splits "<name attrs>" / "</name>" / "<name/>".
func (s *Scanner) parseTag(tag []byte) {
	t := &s.tok
	*t = Token{Kind: Start}
	body := tag[1 : len(tag)-1]
	if len(body) > 0 && body[0] == '/' {
		t.Kind = End
		body = body[1:]
	} else if len(body) > 0 && body[len(body)-1] == '/' {
		t.SelfClose = true
		body = body[:len(body)-1]
	}
	i := 0
	for i < len(body) && !isXMLSpace(body[i]) {
		i++
	}
	name := body[:i]
	if c := bytes.LastIndexByte(name, ':'); c >= 0 {
		name = name[c+1:]
	}
	t.Local = internName(name)
	t.attrs = body[i:]
}

// internName returns the element names this reader dispatches on without allocating.
func internName(b []byte) string {
	switch string(b) {
	case "c":
		return "c"
	case "v":
		return "v"
	case "row":
		return "row"
	case "f":
		return "f"
	case "is":
		return "is"
	case "t":
		return "t"
	case "r":
		return "r"
	case "si":
		return "si"
	case "sheetData":
		return "sheetData"
	case "rPh":
		return "rPh"
	}
	return string(b)
}

// SkipElement skips to the end tag matching a start tag just read.
func (s *Scanner) SkipElement() {
	depth := 1
	for depth > 0 {
		tk := s.Next()
		switch tk.Kind {
		case EOF:
			return
		case Start:
			if !tk.SelfClose {
				depth++
			}
		case End:
			depth--
		}
	}
}

// Err is the read error that ended the stream (nil at a clean end), or ErrTooLong.
func (s *Scanner) Err() error { return s.err }

// Drain reads the rest of the underlying stream (not what is buffered), so that a zip entry's
// reader reaches its end and checks the part's CRC-32.
func (s *Scanner) Drain() error {
	_, err := io.Copy(io.Discard, s.rd)
	return err
}
