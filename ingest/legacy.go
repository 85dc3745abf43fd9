package ingest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// legacyMsg tells staff how to turn an old .xls/.ods into .xlsx themselves.
const legacyMsg = "berkas .xls/.ods lama tidak dapat dibaca langsung dan LibreOffice tidak terpasang di server; " +
	"buka di Excel atau LibreOffice lalu simpan sebagai .xlsx (Simpan Sebagai → Buku Kerja Excel .xlsx)"

// ConvertTimeout bounds one LibreOffice conversion.
var ConvertTimeout = 2 * time.Minute

func isLegacy(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xls", ".ods":
		return true
	}
	return false
}

// convertLegacy converts a .xls/.ods file to .xlsx with LibreOffice in headless mode (config
// ingest.libreoffice, "soffice" by default) into a temporary folder. When the command is not
// configured or not installed, the file is refused with a message that says how to save as .xlsx.
func convertLegacy(path, name, command string) (string, func(), error) {
	refuse := &FileError{File: name, Err: ErrUnsupported, Msg: legacyMsg}
	if strings.TrimSpace(command) == "" {
		return "", nil, refuse
	}
	bin, err := exec.LookPath(command)
	if err != nil {
		return "", nil, refuse
	}
	dir, err := os.MkdirTemp("", "pantau-convert-")
	if err != nil {
		return "", nil, fmt.Errorf("konversi %s: %w", name, err)
	}
	cleanup := func() { os.RemoveAll(dir) }
	// Copy under the original extension: LibreOffice picks the import filter by content and names the
	// output after the input.
	src := filepath.Join(dir, "input"+strings.ToLower(filepath.Ext(name)))
	data, err := os.ReadFile(path)
	if err == nil {
		err = os.WriteFile(src, data, 0o600)
	}
	if err != nil {
		cleanup()
		return "", nil, &FileError{File: name, Msg: "berkas tidak dapat dibaca", Err: err}
	}
	ctx, cancel := context.WithTimeout(context.Background(), ConvertTimeout)
	defer cancel()
	out := filepath.Join(dir, "out")
	// A private profile: a LibreOffice already open on the server would otherwise take the job over.
	cmd := exec.CommandContext(ctx, bin, "-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--norestore", "--convert-to", "xlsx", "--outdir", out, src)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	start := time.Now()
	runErr := cmd.Run()
	conv := filepath.Join(out, "input.xlsx")
	if _, err := os.Stat(conv); runErr != nil || err != nil {
		cleanup()
		if runErr == nil {
			runErr = fmt.Errorf("LibreOffice tidak menghasilkan .xlsx: %s", strings.TrimSpace(stderr.String()))
		}
		return "", nil, &FileError{File: name, Err: runErr,
			Msg: "konversi .xls/.ods dengan LibreOffice gagal; buka berkas di Excel atau LibreOffice lalu simpan sebagai .xlsx"}
	}
	slog.Debug("legacy spreadsheet converted", "file", name, "command", bin, "duration", time.Since(start))
	return conv, cleanup, nil
}
