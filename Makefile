# Pantau — make demo | make test | make bench
SHELL := /bin/bash
GO    ?= go
BIN   := bin/pantau
ECHARTS := dashboards/assets/vendor/echarts.min.js
FONTS   := dashboards/assets/vendor/fonts/inter-latin-400-normal.woff2

.PHONY: all build assets demo test bench bench-deps browser-deps clean fmt docs

all: build

# ECharts comes from the npm package pinned in package-lock.json, copied beside the Go code so it is
# embedded in the binary (dashboards work offline; no CDN).
node_modules/echarts/dist/echarts.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(ECHARTS): node_modules/echarts/dist/echarts.min.js
	@mkdir -p $(dir $@)
	cp $< $@

# Inter (SIL OFL) from the pinned @fontsource/inter package: the pages never ask another host for fonts.
$(FONTS): node_modules/echarts/dist/echarts.min.js
	@mkdir -p $(dir $@)
	cp node_modules/@fontsource/inter/files/inter-latin-{400,600,700}-normal.woff2 $(dir $@)
	cp node_modules/@fontsource/inter/LICENSE $(dir $@)LICENSE-Inter.txt

assets: $(ECHARTS) $(FONTS)

build: assets
	$(GO) build -o $(BIN) ./cmd/pantau

# A realistic demo province, the whole pipeline and the dashboards, in ./demo.
demo: build
	rm -rf demo
	./$(BIN) demo demo
	@echo
	@echo "Dasbor / dashboards: file://$(CURDIR)/demo/public/index.html"

# Headless Chromium for the browser tests (Debian packages); installed when missing.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium (Debian package) for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null) \
	  || echo "warning: could not install chromium"; }

# Verbose output goes to testout.log; the terminal gets package results, failures and one summary line.
test: assets browser-deps
	$(GO) vet ./...
	@$(GO) test -count=1 -v -timeout 40m ./... > testout.log 2>&1; status=$$?; \
	  grep -E '^(ok |FAIL|--- FAIL|panic:|\s+[a-z_]+_test\.go:[0-9]+:)' testout.log | grep -v '^\s*$$' | head -200; \
	  passed=$$(grep -c -E '^\s*--- PASS' testout.log); failed=$$(grep -c -E '^\s*--- FAIL' testout.log); \
	  skipped=$$(grep -c -E '^\s*--- SKIP' testout.log); \
	  echo "tests: $$passed passed, $$failed failed, $$skipped skipped"; \
	  exit $$status

# Every package's benchmarks. The ingest comparison (200,000 rows × 13 columns, XLSX and CSV, against
# pandas and excelize; ingest/bench_compare_test.go) generates its files once into
# ingest/testdata/bench (git-ignored) and prints its table again at the end.
bench: build bench-deps
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...
	@echo; cat ingest/testdata/bench/xlsx-stream-bench.txt 2>/dev/null || true
	@echo; cat ingest/testdata/bench/ingest-bench.txt

# The peer of the ingest benchmark: Debian's pandas and openpyxl for /usr/bin/python3 (not a pyenv
# python on PATH), and LibreOffice for the shared-strings copy of its workbook; installed when missing.
bench-deps:
	@/usr/bin/python3 -c 'import pandas, openpyxl' >/dev/null 2>&1 || { \
	  echo "installing python3-pandas python3-openpyxl (Debian packages) for the ingest benchmark"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pandas python3-openpyxl >/dev/null) \
	  || echo "warning: could not install pandas; the ingest benchmark will show it as missing"; }
	@command -v soffice >/dev/null 2>&1 || { \
	  echo "installing libreoffice-calc-nogui (saves the benchmark workbook again with shared strings, as Excel writes)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null) \
	  || echo "warning: could not install LibreOffice; the ingest benchmark will skip its shared-strings rows"; }

docs:
	./$(BIN) config docs > docs/configuration.md

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin demo testout testout.log node_modules $(dir $(ECHARTS))
