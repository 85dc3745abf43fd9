package push

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/fields"
)

var update = flag.Bool("update", false, "rewrite openapi.json from the canonical fields")

// openapi.json is kept in the repo (it is the contract clients read); its Laporan schema must list
// exactly the canonical fields. `go test ./ingest/push -run TestOpenAPIFields -update` rewrites it.
func TestOpenAPIFields(t *testing.T) {
	want := generateOpenAPI()
	if *update {
		if err := os.WriteFile("openapi.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(OpenAPI(), want) && !*update {
		t.Fatal("openapi.json is out of date with internal/fields: run go test ./ingest/push -run TestOpenAPIFields -update")
	}
}

func fieldSchema(f fields.Field) map[string]any {
	var s map[string]any
	switch f.Kind {
	case fields.Money, fields.Ratio:
		s = map[string]any{"anyOf": []any{map[string]any{"type": "number"}, map[string]any{"type": "string"}}}
	case fields.Count, fields.Year:
		s = map[string]any{"anyOf": []any{map[string]any{"type": "integer"}, map[string]any{"type": "string"}}}
	default:
		s = map[string]any{"type": "string"}
	}
	s["nullable"] = true
	desc := f.Label
	switch f.Kind {
	case fields.Money:
		desc += " (rupiah; a JSON number, or text as written: \"Rp 1.250.000\", \"1,25 jt\")"
	case fields.Date:
		desc += " (2025-03-15, 15/03/2025 or 15 Maret 2025)"
	case fields.Code:
		desc += " (a code such as simpan_pinjam, or as people write it: \"KSP\")"
	case fields.Count:
		desc += " (whole number)"
	}
	if f.Required {
		desc += ". Required for the report to be accepted."
	}
	s["description"] = desc
	return s
}

// keyPattern is what printable() accepts: ASCII from '!' to '~'.
const keyPattern = "^[!-~]+$"

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func errResp(desc string) map[string]any {
	return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
}

func generateOpenAPI() []byte {
	props := map[string]any{}
	for _, f := range fields.All() {
		props[f.Name] = fieldSchema(f)
	}
	str := map[string]any{"type": "string"}
	nullStr := map[string]any{"type": "string", "nullable": true}
	intg := map[string]any{"type": "integer"}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":   "Pantau push API",
			"version": "1.0.0",
			"description": "Cooperatives' apps and other offices report annual reports (laporan tahunan koperasi) to Pantau. " +
				"Each request becomes one submission and goes through the same validation and quarantine as a spreadsheet: " +
				"reports whose values do not read are quarantined with reasons (Bahasa Indonesia), the others accepted. " +
				"A request that breaks this schema is refused whole and nothing is stored.",
		},
		"servers":  []any{map[string]any{"url": "/"}},
		"security": []any{map[string]any{"bearer": []any{}}},
		"paths": map[string]any{
			"/api/v1/laporan": map[string]any{
				"post": map[string]any{
					"operationId": "kirimLaporan",
					"summary":     "Send one annual report or an array of them",
					"parameters": []any{map[string]any{
						"name": "Idempotency-Key", "in": "header", "required": false,
						"description": "Retrying with the same key replays the first answer; the same key with another body is refused (409). Printable ASCII without spaces.",
						"schema":      map[string]any{"type": "string", "minLength": 1, "maxLength": MaxIdempotencyKey, "pattern": keyPattern},
					}},
					"requestBody": map[string]any{
						"required": true,
						"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
							"oneOf": []any{ref("Laporan"), map[string]any{"type": "array", "minItems": 1, "items": ref("Laporan")}},
						}}},
					},
					"responses": map[string]any{
						"200": map[string]any{
							"description": "Stored (some reports may be quarantined; see rows), or the same body was received before (status duplikat).",
							"headers": map[string]any{"Idempotent-Replayed": map[string]any{
								"description": "true when this is the stored answer to an earlier request with the same Idempotency-Key",
								"schema":      map[string]any{"type": "string", "enum": []any{"true"}}}},
							"content": map[string]any{"application/json": map[string]any{"schema": ref("Hasil")}},
						},
						"400": errResp("Malformed JSON, a value of the wrong type or an unknown field: nothing stored."),
						"401": errResp("No token, or an unknown or revoked one; checked before the body is read."),
						"403": errResp("A cooperative's token reporting for another NIK: nothing stored."),
						"405": errResp("Method not allowed."),
						"409": errResp("The Idempotency-Key was used for another body."),
						"413": errResp("The body is over serve.max_upload_mb, or there are more reports than api.max_rows_per_request: nothing stored."),
						"415": errResp("Content-Type is not application/json."),
						"500": errResp("Server error: nothing stored; retry later with the same Idempotency-Key."),
						"503": map[string]any{"description": "The warehouse is busy with a scheduled job: nothing stored; retry after Retry-After seconds with the same Idempotency-Key.",
							"headers": map[string]any{"Retry-After": map[string]any{"schema": map[string]any{"type": "string"}}},
							"content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}},
					},
				},
			},
			"/api/v1/openapi.json": map[string]any{
				"get": map[string]any{
					"operationId": "openapi",
					"summary":     "This document",
					"security":    []any{},
					"responses": map[string]any{"200": map[string]any{"description": "The OpenAPI document",
						"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}},
				},
			},
		},
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer",
				"description": "A token from `pantau token create`. A cooperative's token may only report for its own NIK."}},
			"schemas": map[string]any{
				"Laporan": map[string]any{
					"type": "object", "additionalProperties": false, "properties": props,
					"description": "One cooperative's annual report for one tahun buku, in Pantau's canonical fields. " +
						"A cooperative's token may leave nik out: the token's NIK is used.",
				},
				"Masalah": map[string]any{"type": "object", "required": []any{"field", "value", "reason", "code"},
					"properties": map[string]any{"field": str, "value": str, "reason": str, "code": str}},
				"HasilBaris": map[string]any{"type": "object", "required": []any{"index", "status", "nik", "tahun_buku", "problems"},
					"properties": map[string]any{
						"index":      map[string]any{"type": "integer", "minimum": 0, "description": "Position in the request (0-based); ops.quarantine.row_number is index + 1."},
						"status":     map[string]any{"type": "string", "enum": []any{"accepted", "quarantined", "duplicate"}},
						"nik":        nullStr,
						"tahun_buku": map[string]any{"type": "integer", "nullable": true},
						"problems":   map[string]any{"type": "array", "items": ref("Masalah")},
					}},
				"Hasil": map[string]any{"type": "object",
					"required": []any{"submission_id", "status", "rows_total", "rows_accepted", "rows_quarantined", "rows_duplicate", "rows", "warnings"},
					"properties": map[string]any{
						"submission_id":    intg,
						"status":           map[string]any{"type": "string", "enum": []any{"diterima", "duplikat"}},
						"message":          str,
						"rows_total":       intg,
						"rows_accepted":    intg,
						"rows_quarantined": intg,
						"rows_duplicate":   intg,
						"rows":             map[string]any{"type": "array", "items": ref("HasilBaris")},
						"warnings":         map[string]any{"type": "array", "items": str},
					}},
				"Error": map[string]any{"type": "object", "required": []any{"error"},
					"properties": map[string]any{"error": map[string]any{"type": "object", "required": []any{"code", "message"},
						"properties": map[string]any{
							"code":    str,
							"message": str,
							"details": map[string]any{"type": "array", "items": map[string]any{"type": "object", "required": []any{"index", "message"},
								"properties": map[string]any{"index": intg, "field": str, "message": str}}},
						}}}},
			},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}
