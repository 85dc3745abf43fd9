package web

import (
	"context"
	"sort"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
	"github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
)

// TindakLanjut adapts the follow-up module (scoring/tindaklanjut) to the pages' FollowUps interface.
func TindakLanjut(wh *warehouse.Warehouse) FollowUps { return tlAdapter{wh} }

type tlAdapter struct{ wh *warehouse.Warehouse }

func fromCase(c tindaklanjut.Case) Case {
	out := Case{ID: c.ID, NIK: c.NIK, NamaKoperasi: c.NamaKoperasi, Alasan: c.Alasan, Keterangan: c.Keterangan,
		Status: c.Status, Prioritas: c.Prioritas, Petugas: c.Petugas, Sumber: c.Sumber, JatuhTempo: c.JatuhTempo,
		DibuatPada: c.DibuatPada, DiubahPada: c.DiubahPada, Kecamatan: c.Kecamatan}
	for _, n := range c.Catatan {
		out.Catatan = append(out.Catatan, Note{Oleh: n.Oleh, Teks: n.Teks, Pada: n.Pada})
	}
	return out
}

func (a tlAdapter) List(ctx context.Context, f CaseFilter) ([]Case, error) {
	cs, err := tindaklanjut.List(ctx, a.wh, tindaklanjut.Filter{Status: f.Status, Alasan: f.Alasan, Petugas: f.Petugas, NIK: f.NIK, KodeWilayah: f.KodeWilayah, Limit: f.Limit})
	if err != nil {
		return nil, err
	}
	out := make([]Case, len(cs))
	for i, c := range cs {
		out[i] = fromCase(c)
	}
	return out, nil
}

func (a tlAdapter) Get(ctx context.Context, id int64) (Case, []AuditEntry, error) {
	c, au, err := tindaklanjut.Get(ctx, a.wh, id)
	if err != nil {
		return Case{}, nil, err
	}
	out := make([]AuditEntry, len(au))
	for i, e := range au {
		out[i] = AuditEntry{Oleh: e.Oleh, Kolom: e.Kolom, Sebelum: e.Sebelum, Sesudah: e.Sesudah, Pada: e.Pada}
	}
	return fromCase(c), out, nil
}

func (a tlAdapter) Assign(ctx context.Context, actor string, id int64, petugas string) error {
	return tindaklanjut.Assign(ctx, a.wh, actor, id, petugas)
}

func (a tlAdapter) AddNote(ctx context.Context, actor string, id int64, text string) error {
	return tindaklanjut.AddNote(ctx, a.wh, actor, id, text)
}

func (a tlAdapter) SetStatus(ctx context.Context, actor string, id int64, status string) error {
	return tindaklanjut.SetStatus(ctx, a.wh, actor, id, status)
}

func (a tlAdapter) New(ctx context.Context, actor string, c NewCase) (int64, error) {
	return tindaklanjut.New(ctx, a.wh, actor, tindaklanjut.NewCase{NIK: c.NIK, Alasan: c.Alasan, Prioritas: c.Prioritas,
		Petugas: c.Petugas, JatuhTempo: c.JatuhTempo, Catatan: c.Catatan})
}

func (a tlAdapter) Reasons() []Reason {
	var out []Reason
	for code, label := range tindaklanjut.AlasanLabel {
		out = append(out, Reason{code, label})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}
