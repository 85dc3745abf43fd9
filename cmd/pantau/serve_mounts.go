package main

import (
	"net/http"

	"github.com/pantau-koperasi/pantau/ingest/push"
	"github.com/pantau-koperasi/pantau/internal/web"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/schedules"
)

// What `pantau serve` mounts from modules built on other branches. Each returns nil until its module
// has landed on this branch; the server then answers 503 "belum tersedia" on those paths.
//
// pushAPI: ingest/push at /api/v1/. A push takes the runner's writer lock, as an upload does, so a
// report never lands in the middle of a scheduled job; while a job runs it is answered 503 with
// Retry-After.
var pushAPI = func(ws *workspace.Workspace, runner *schedules.Runner) http.Handler {
	return push.NewHandler(ws, push.Options{WriterLock: runner.LockWriter})
}

// followUps: scoring/tindaklanjut adapted to web.FollowUps.
var followUps = func(ws *workspace.Workspace) web.FollowUps { return nil }
