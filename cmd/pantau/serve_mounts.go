package main

import (
	"net/http"

	"github.com/pantau-koperasi/pantau/ingest/push"
	"github.com/pantau-koperasi/pantau/internal/web"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// What `pantau serve` mounts from the other modules: the push API at /api/v1/ and the follow-up
// module behind the follow-up pages.
func pushAPI(ws *workspace.Workspace) http.Handler {
	return push.NewHandler(ws, push.Options{Log: ws.Log})
}

func followUps(ws *workspace.Workspace) web.FollowUps { return web.TindakLanjut(ws.WH) }
