package pipeline

// The scoring stages register themselves with package scoring; importing them here makes every entry
// point that runs pipeline.Score (the CLI, the server's jobs) run them all.
import (
	_ "github.com/pantau-koperasi/pantau/scoring/kesehatan"
	_ "github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
)
