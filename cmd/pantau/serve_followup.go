package main

import (
	"context"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
	"github.com/pantau-koperasi/pantau/internal/web"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
)

// The follow-up pages of `pantau serve` run on scoring/tindaklanjut.
func init() {
	followUps = func(ws *workspace.Workspace) web.FollowUps { return followUpAdapter{ws.WH} }
}

// followUpAdapter adapts scoring/tindaklanjut to web.FollowUps.
type followUpAdapter struct{ wh *warehouse.Warehouse }

func webCase(c tindaklanjut.Case) web.Case {
	out := web.Case{ID: c.ID, NIK: c.NIK, NamaKoperasi: c.NamaKoperasi, Alasan: c.Alasan, Status: c.Status, Prioritas: c.Prioritas,
		Petugas: c.Petugas, Sumber: c.Sumber, JatuhTempo: c.JatuhTempo, DibuatPada: c.DibuatPada, DiubahPada: c.DiubahPada}
	for _, n := range c.Catatan {
		out.Catatan = append(out.Catatan, web.Note{Oleh: n.Oleh, Teks: n.Teks, Pada: n.Pada})
	}
	return out
}

func (a followUpAdapter) List(ctx context.Context, f web.CaseFilter) ([]web.Case, error) {
	cs, err := tindaklanjut.List(ctx, a.wh, tindaklanjut.Filter{Status: f.Status, Alasan: f.Alasan, Petugas: f.Petugas, NIK: f.NIK,
		KodeWilayah: f.KodeWilayah, Limit: f.Limit})
	if err != nil {
		return nil, err
	}
	out := make([]web.Case, len(cs))
	for i, c := range cs {
		out[i] = webCase(c)
	}
	return out, nil
}

func (a followUpAdapter) Get(ctx context.Context, id int64) (web.Case, []web.AuditEntry, error) {
	c, trail, err := tindaklanjut.Get(ctx, a.wh, id)
	if err != nil {
		return web.Case{}, nil, err
	}
	out := make([]web.AuditEntry, len(trail))
	for i, e := range trail {
		out[i] = web.AuditEntry{Oleh: e.Oleh, Kolom: e.Kolom, Sebelum: e.Sebelum, Sesudah: e.Sesudah, Pada: e.Pada}
	}
	return webCase(c), out, nil
}

func (a followUpAdapter) Assign(ctx context.Context, actor string, id int64, petugas string) error {
	return tindaklanjut.Assign(ctx, a.wh, actor, id, petugas)
}

func (a followUpAdapter) AddNote(ctx context.Context, actor string, id int64, text string) error {
	return tindaklanjut.AddNote(ctx, a.wh, actor, id, text)
}

func (a followUpAdapter) SetStatus(ctx context.Context, actor string, id int64, status string) error {
	return tindaklanjut.SetStatus(ctx, a.wh, actor, id, status)
}
