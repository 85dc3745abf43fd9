package xlsxscan

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Text appends the character data of the element whose start tag was just read (entities decoded,
// CDATA kept, line ends normalised as encoding/xml does, nested elements skipped) and consumes its
// end tag.
func (s *Scanner) Text(dst []byte) ([]byte, error) {
	for {
		// character data up to the next '<'
		off := 0
		for {
			if i := bytes.IndexByte(s.buf[s.pos+off:s.end], '<'); i >= 0 {
				off += i
				break
			}
			off = s.end - s.pos
			if off > MaxToken {
				return dst, ErrTooLong
			}
			if !s.fill() {
				if s.err != nil {
					return dst, s.err
				}
				return dst, io.ErrUnexpectedEOF
			}
		}
		dst = appendCharData(dst, s.buf[s.pos:s.pos+off])
		s.pos += off
		if len(dst) > MaxToken {
			return dst, ErrTooLong
		}
		if !s.ensure(2) {
			return dst, io.ErrUnexpectedEOF
		}
		switch s.buf[s.pos+1] {
		case '/':
			tk := s.Next() // our end tag
			if tk.Kind == EOF {
				return dst, io.ErrUnexpectedEOF
			}
			return dst, nil
		case '!', '?':
			if !s.markup() {
				end := s.find(sepCDATAEnd, 9)
				if end < 0 {
					return dst, io.ErrUnexpectedEOF
				}
				dst = appendNormalisedCR(dst, s.buf[s.pos+9:s.pos+end])
				s.pos += end + 3
			}
		default:
			tk := s.Next()
			if tk.Kind == Start && !tk.SelfClose {
				s.SkipElement()
			}
		}
	}
}

// RichText reads the children of <si> or <is>: the direct <t> (the last one, as encoding/xml
// leaves it) into t, and each run's <t> appended to runs; <rPh> and others skipped. It consumes
// the end tag.
func (s *Scanner) RichText(t, runs []byte) ([]byte, []byte, error) {
	for {
		tk := s.Next()
		switch tk.Kind {
		case EOF:
			if s.err != nil {
				return t, runs, s.err
			}
			return t, runs, io.ErrUnexpectedEOF
		case End:
			return t, runs, nil
		case Start:
			switch tk.Local {
			case "t":
				t = t[:0]
				if !tk.SelfClose {
					var err error
					if t, err = s.Text(t); err != nil {
						return t, runs, err
					}
				}
			case "r":
				if tk.SelfClose {
					continue
				}
				mark := len(runs)
				for done := false; !done; {
					rt := s.Next()
					switch rt.Kind {
					case EOF:
						return t, runs, io.ErrUnexpectedEOF
					case End:
						done = true
					case Start:
						if rt.Local == "t" {
							runs = runs[:mark] // the last <t> of a run, as encoding/xml
							if !rt.SelfClose {
								var err error
								if runs, err = s.Text(runs); err != nil {
									return t, runs, err
								}
							}
						} else if !rt.SelfClose {
							s.SkipElement()
						}
					}
				}
			default:
				if !tk.SelfClose {
					s.SkipElement()
				}
			}
			if len(t)+len(runs) > MaxToken {
				return t, runs, ErrTooLong
			}
		}
	}
}

// appendCharData appends XML character data with entities decoded and CR/CRLF turned into LF.
func appendCharData(dst, b []byte) []byte {
	if bytes.IndexByte(b, '&') < 0 {
		return appendNormalisedCR(dst, b)
	}
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return appendNormalisedCR(dst, b)
		}
		dst = appendNormalisedCR(dst, b[:i])
		b = b[i:]
		semi := bytes.IndexByte(b[:min(len(b), 12)], ';')
		if semi < 0 {
			dst = append(dst, '&') // not an entity: kept as written
			b = b[1:]
			continue
		}
		ent := b[1:semi]
		switch string(ent) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "apos":
			dst = append(dst, '\'')
		case "quot":
			dst = append(dst, '"')
		default:
			if r, ok := charRef(ent); ok {
				dst = utf8.AppendRune(dst, r)
			} else {
				dst = append(dst, b[:semi+1]...)
			}
		}
		b = b[semi+1:]
	}
	return dst
}

// charRef decodes "#65" or "#x41".
func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	base, digits := 10, ent[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || n > utf8.MaxRune {
		return 0, false
	}
	return rune(n), true
}

func appendNormalisedCR(dst, b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return append(dst, b...)
	}
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' {
			dst = append(dst, '\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			continue
		}
		dst = append(dst, b[i])
	}
	return dst
}

// DecodeEscapes decodes the _xHHHH_ escapes OOXML uses for characters XML cannot carry, exactly as
// excelize's bstrUnmarshal: _x005F_ is "_", any other escape its UTF-16 unit (dropped when it is not
// a valid character, e.g. a lone surrogate), scanned left to right without overlap.
func DecodeEscapes(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var out strings.Builder
	out.Grow(len(s))
	i := 0
	for i < len(s) {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && isHex4(s[i+2:i+6]) && s[i+6] == '_' {
			if s[i+2:i+6] == "005F" {
				out.WriteByte('_')
			} else {
				v, _ := strconv.ParseUint(s[i+2:i+6], 16, 32)
				if r := rune(v); utf8.ValidRune(r) {
					out.WriteRune(r)
				}
			}
			i += 7
			continue
		}
		out.WriteByte(s[i])
		i++
	}
	return out.String()
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
