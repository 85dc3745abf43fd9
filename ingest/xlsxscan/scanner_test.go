package xlsxscan

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// tokens walks a document: each start tag's name and its r attribute, each end tag, and the text of
// every <v> and <t> (read with Text, which consumes the end tag).
func tokens(t testing.TB, s *Scanner) []string {
	t.Helper()
	var out []string
	for {
		tk := s.Next()
		switch tk.Kind {
		case EOF:
			return out
		case End:
			out = append(out, "/"+tk.Local)
		case Start:
			item := tk.Local
			if r, ok := tk.Attr("r"); ok {
				item += "@" + string(r)
			}
			if tk.SelfClose {
				item += "/"
			}
			out = append(out, item)
			if (tk.Local == "v" || tk.Local == "t") && !tk.SelfClose {
				text, err := s.Text(nil)
				if err != nil {
					t.Fatalf("text of %s: %v", tk.Local, err)
				}
				out = append(out, "="+string(text))
			}
		}
	}
}

// The scanner on the constructs SpreadsheetML parts use: a namespace prefix, attributes in either
// quote (a '>' inside one), xmlns attributes not taken for the name asked, comments, processing
// instructions, CDATA, entities and character references, CRLF, and a nested element inside text.
// One-byte reads make every construct straddle a refill of the buffer.
func TestScannerTokens(t *testing.T) {
	doc := "<?xml version=\"1.0\"?><!-- a > comment --><x:sheetData xmlns:r='u'>" +
		`<x:row r="1" spans='1:2'><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r='B1' x:r="X"><x:v>a&amp;b &#x41;&#66; &bogus; &lt;</x:v></x:c></x:row>` +
		"<x:row r=\"2\"><x:c title=\"a>b\" r=\"C2\"><x:v><![CDATA[<1>]]>\r\nz</x:v></x:c><x:c r=\"D2\"/><x:c><x:t>p<x:b>q</x:b>s</x:t></x:c></x:row>" +
		"</x:sheetData>"
	want := []string{"sheetData", "row@1", "c@A1", "v", "=0", "/c", "c@B1", "v", "=a&b AB &bogus; <", "/c", "/row",
		"row@2", "c@C2", "v", "=<1>\nz", "/c", "c@D2/", "c", "t", "=ps", "/c", "/row", "/sheetData"}
	for name, s := range map[string]*Scanner{
		"whole":    NewScanner(strings.NewReader(doc)),
		"one byte": NewScanner(iotest.OneByteReader(strings.NewReader(doc))),
	} {
		if got := tokens(t, s); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", name, got, want)
		}
		if s.Err() != nil {
			t.Errorf("%s: Err() = %v", name, s.Err())
		}
	}
}

// A text longer than MaxToken stops with ErrTooLong rather than growing without bound.
func TestScannerTooLong(t *testing.T) {
	s := NewScanner(strings.NewReader("<v>" + strings.Repeat("x", MaxToken+10) + "</v>"))
	if tk := s.Next(); tk.Kind != Start || tk.Local != "v" {
		t.Fatalf("first token %+v", tk)
	}
	if _, err := s.Text(nil); err != ErrTooLong {
		t.Errorf("Text: %v, want ErrTooLong", err)
	}
	s = NewScanner(strings.NewReader("<c r=\"" + strings.Repeat("x", MaxToken+10) + "\"/>"))
	if tk := s.Next(); tk.Kind != EOF || s.Err() != ErrTooLong {
		t.Errorf("a giant tag: %+v, %v", tk, s.Err())
	}
}

func TestDecodeEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"baris_x000D_dua":  "baris\rdua",
		"_x005F_x000D_":    "_x000D_",
		"_xD800_!":         "!",
		"_x0041__x0042_":   "AB",
		"_x00_ _xZZZZ_ _x": "_x00_ _xZZZZ_ _x",
		"tanpa":            "tanpa",
	} {
		if got := DecodeEscapes(in); got != want {
			t.Errorf("DecodeEscapes(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzScanner feeds arbitrary bytes to the scanner (tags, Text, RichText, SkipElement) and to the
// shared-strings parser: nothing may panic or hang, and no text may exceed MaxToken. The whole
// reader (rows, workbooks, zips) is fuzzed by ingest's FuzzXLSXStream, whose corpus holds the
// inputs that once broke this scanner.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{
		`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><r><t>a</t></r><t>b</t></is></c><c r="C1"><f>1</f><v>2</v></c></row></sheetData></worksheet>`,
		`<x:worksheet xmlns:x="u"><x:sheetData><x:row r="3"><x:c r="XFD3" t="str"><x:v>a&amp;b&#x41;&#65;&bogus;</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
		`<?xml version="1.0"?><!-- c --><sst><si><t xml:space="preserve"> a_x000D_b </t></si><si><r><t>x</t></r><rPh><t>y</t></rPh></si><si><t><![CDATA[<z>]]></t></si></sst>`,
		`<!DOCTYPE x><a b='>' c="'"><![CDATA[x`,
		`<v>&#xFFFFFFFF;&#;&#x;</v><is><r/><r><t/></r></is>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sst, _ := ParseSharedStrings(bytes.NewReader(data), 1<<20)
		if len(sst) > len(data) {
			t.Fatalf("%d shared strings from %d bytes", len(sst), len(data))
		}
		s := NewScanner(bytes.NewReader(data))
		for steps := 0; ; steps++ {
			if steps > len(data)+1 {
				t.Fatalf("%d tokens from %d bytes", steps, len(data))
			}
			tk := s.Next()
			if tk.Kind == EOF {
				break
			}
			if tk.Kind != Start || tk.SelfClose {
				continue
			}
			_, _ = tk.Attr("r")
			switch tk.Local {
			case "v", "t":
				if text, err := s.Text(nil); len(text) > MaxToken+64<<10 {
					t.Fatalf("text of %d bytes (%v)", len(text), err)
				}
			case "is", "si":
				text, runs, _ := s.RichText(nil, nil)
				_ = DecodeEscapes(string(text) + string(runs))
			case "f":
				s.SkipElement()
			}
		}
	})
}
