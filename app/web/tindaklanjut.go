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

func (a tlAdapter) List(ctx context.Context, f CaseFilter) ([]Case, error) {
	return tindaklanjut.List(ctx, a.wh, f)
}

func (a tlAdapter) Get(ctx context.Context, id int64) (Case, []AuditEntry, error) {
	return tindaklanjut.Get(ctx, a.wh, id)
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
	return tindaklanjut.New(ctx, a.wh, actor, c)
}

func (a tlAdapter) Reasons() []Reason {
	var out []Reason
	for code, label := range tindaklanjut.AlasanLabel {
		out = append(out, Reason{code, label})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}
