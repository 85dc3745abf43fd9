// Package pipeline is a transitional alias of package app, kept only so that the dashboards tests
// (dashboards/fixture_test.go, dashboards/publish_test.go) build until they import app and
// internal/runs instead. Nothing else may import it; delete it then: internal/ is ground, and which
// stages exist is app's to say.
//
// Deprecated: use app (the stages, the inbox scan) and internal/runs (recording a stage run).
package pipeline

import (
	"context"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/internal/runs"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// Stage is a stage's name.
type Stage = string

// The stages' names.
const (
	Inbox     = app.Inbox
	Pull      = app.Pull
	Transform = app.Transform
	Score     = app.Score
	Publish   = app.Publish
)

// InboxOptions is app.InboxOptions.
type InboxOptions = app.InboxOptions

// IngestInboxWith is app.IngestInboxWith.
var IngestInboxWith = app.IngestInboxWith

// RunOne is runs.One.
func RunOne(ctx context.Context, ws *workspace.Workspace, job string, s Stage, fn runs.Func) error {
	return runs.One(ctx, ws, job, s, fn)
}

// Run runs the named stages of app.Stages.
func Run(ctx context.Context, ws *workspace.Workspace, job string, stages ...Stage) error {
	return app.Stages().Run(ctx, ws, job, stages...)
}
