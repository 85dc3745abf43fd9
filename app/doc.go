// Package app assembles Pantau: it is the one package that knows every stage. The pipeline is data,
// an ordered list built by Stages (inbox → pull → transform → score → publish), run by `pantau run`,
// named by the CLI's stage commands and handed to the server's scheduler; ScoringStages is the
// ordered list of the score stage's steps. Nothing registers itself: to add a stage, write it in its
// own package and add it to the list here (see README.md).
package app
