package main

import (
	"net/http"

	"github.com/pantau-koperasi/pantau/internal/web"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// What `pantau serve` mounts from modules built on other branches. Each returns nil until its module
// has landed on this branch; the server then answers 503 "belum tersedia" on those paths.
//
// pushAPI: ingest/push.NewHandler(ws, push.Options{}) at /api/v1/ (contract in the issue tracker).
var pushAPI = func(ws *workspace.Workspace) http.Handler { return nil }

// followUps: scoring/tindaklanjut adapted to web.FollowUps.
var followUps = func(ws *workspace.Workspace) web.FollowUps { return nil }
