package push

import (
	"os"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/testws"
)

func TestMain(m *testing.M) { os.Exit(testws.Main(m)) }
