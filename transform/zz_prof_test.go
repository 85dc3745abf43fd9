package transform

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

func TestZZProfile(t *testing.T) {
	dir := os.Getenv("PROFILE_WS")
	if dir == "" {
		t.Skip()
	}
	ws, err := workspace.Open(context.Background(), dir, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for _, q := range strings.Split(os.Getenv("PROFILE_SQL"), ";;") {
		start := time.Now()
		rows, err := ws.WH.DB().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a, b any
			rows.Scan(&a, &b)
			if s, ok := b.(string); ok && strings.Contains(q, "EXPLAIN") {
				t.Log(s)
			}
		}
		rows.Close()
		t.Logf("%.2f s  %.80s", time.Since(start).Seconds(), q)
	}
}
