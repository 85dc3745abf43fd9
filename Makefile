# Pantau — make demo | make test | make bench
SHELL := /bin/bash
GO    ?= go
BIN   := bin/pantau
ECHARTS := dashboards/assets/vendor/echarts.min.js

.PHONY: all build assets demo test bench browser-deps clean fmt docs

all: build

# ECharts comes from the npm package pinned in package-lock.json, copied beside the Go code so it is
# embedded in the binary (dashboards work offline; no CDN).
node_modules/echarts/dist/echarts.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(ECHARTS): node_modules/echarts/dist/echarts.min.js
	@mkdir -p $(dir $@)
	cp $< $@

assets: $(ECHARTS)

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

test: assets browser-deps
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 40m ./... 2>&1 | tee testout.log | grep -v '^=== ' ; \
	  status=$${PIPESTATUS[0]}; \
	  passed=$$(grep -c '^ok ' testout.log); failed=$$(grep -c -E '^(FAIL|--- FAIL)' testout.log); \
	  echo "packages: $$passed passed, $$failed failed"; \
	  exit $$status

bench: build
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...

docs:
	./$(BIN) config docs > docs/configuration.md

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin demo testout testout.log node_modules $(dir $(ECHARTS))
