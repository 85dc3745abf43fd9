package main

import (
	"net/http"

	"github.com/pantau-koperasi/pantau/app/web"
	"github.com/pantau-koperasi/pantau/ingest/push"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/schedules"
)

// What `pantau serve` mounts from the other modules.
//
// pushAPI: ingest/push at /api/v1/. A push takes the runner's writer lock, as an upload does, so a
// report never lands in the middle of a scheduled job; while a job runs it is answered 503 with
// Retry-After. The access log names the token behind a push when the handler sets the response
// header web.HeaderTokenID to the token's id once it has resolved it (the server takes the header
// out before the response leaves); until ingest/push does, push lines show no token.
func pushAPI(ws *workspace.Workspace, runner *schedules.Runner) http.Handler {
	return push.NewHandler(ws, push.Options{Log: ws.Log, WriterLock: runner.LockWriter})
}

// followUps: scoring/tindaklanjut behind the follow-up pages.
func followUps(ws *workspace.Workspace) web.FollowUps { return web.TindakLanjut(ws.WH) }
