package main

import (
	"regexp"
	"strings"

	"github.com/spf13/cobra"
)

// Cobra writes its help and its argument errors in English. Staff read Bahasa Indonesia first, so the
// help template and the common usage errors are translated here (--lang en keeps cobra's text).

const usageTemplateID = `Pemakaian:{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [perintah]{{end}}{{if gt (len .Aliases) 0}}

Nama lain:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Contoh:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Perintah:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Opsi:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Opsi umum:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

Pakai "{{.CommandPath}} [perintah] --help" untuk keterangan sebuah perintah.{{end}}
`

// localiseHelp gives every command the Indonesian template and help-flag text.
func localiseHelp(c *cobra.Command) {
	c.SetUsageTemplate(usageTemplateID)
	c.InitDefaultHelpFlag()
	if f := c.Flags().Lookup("help"); f != nil {
		f.Usage = "bantuan untuk " + c.Name()
	}
	for _, sub := range c.Commands() {
		localiseHelp(sub)
	}
}

var cobraErrorsID = []struct {
	re  *regexp.Regexp
	out string
}{
	{regexp.MustCompile(`^accepts (\d+) arg\(s\), received (\d+)$`), "perintah ini menerima $1 argumen, diberikan $2"},
	{regexp.MustCompile(`^accepts between (\d+) and (\d+) arg\(s\), received (\d+)$`), "perintah ini menerima $1 sampai $2 argumen, diberikan $3"},
	{regexp.MustCompile(`^accepts at most (\d+) arg\(s\), received (\d+)$`), "perintah ini menerima paling banyak $1 argumen, diberikan $2"},
	{regexp.MustCompile(`^requires at least (\d+) arg\(s\), only received (\d+)$`), "perintah ini memerlukan paling sedikit $1 argumen, diberikan $2"},
	{regexp.MustCompile(`^unknown command "([^"]*)" for "([^"]*)"`), "perintah \"$1\" tidak dikenal untuk \"$2\"; lihat `$2 --help`"},
	{regexp.MustCompile(`^unknown flag: (.*)$`), "opsi tidak dikenal: $1"},
	{regexp.MustCompile(`^unknown shorthand flag: (.*)$`), "opsi singkat tidak dikenal: $1"},
	{regexp.MustCompile(`^flag needs an argument: (.*)$`), "opsi memerlukan nilai: $1"},
	{regexp.MustCompile(`^invalid argument (.*)$`), "nilai opsi tidak sah: $1"},
}

// translateCobraError puts cobra's own usage errors in Bahasa Indonesia; other errors pass unchanged.
func translateCobraError(msg string) string {
	for _, t := range cobraErrorsID {
		if t.re.MatchString(msg) {
			return strings.TrimSpace(t.re.ReplaceAllString(msg, t.out))
		}
	}
	return msg
}
