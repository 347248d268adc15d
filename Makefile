# The two commands: `make run` (the Functions app on http://127.0.0.1:7071) and `make test` (every test).
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help run run-local test token build restore evaluate chromium bench

SOLUTION  := ElectionFunctions.sln
LOCALHOST := functions/ElectionFunctions.LocalHost
FUNCTIONS_APP := functions/ElectionFunctions
FUNCTIONS_HOST_BUILD := ../shared/functions-host/build
PARTNER   ?= demo-partner
ROLES     ?= Reports.Submit Reports.Read
# npm ci writes this file; it is newer than the manifests once the emulators are installed.
NPM_STAMP := node_modules/.package-lock.json

help:
	@echo "make run    build, start the emulators and the Functions app under the real runtime on http://127.0.0.1:7071 (Ctrl-C stops all)"
	@echo "make run-local  the same with the local stand-in host"
	@echo "make test   run every test (the tests start and stop their own emulators)"
	@echo "make token  print a development bearer token (PARTNER=$(PARTNER) ROLES=\"$(ROLES)\")"
	@echo "make evaluate  classification precision/recall over tests/Evaluation, recorded in docs/classification.md"
	@echo "make bench  benchmarks (decision, intake load, package compile, memory), written to docs/benchmarks.md"

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

restore: $(NPM_STAMP)
	dotnet restore $(SOLUTION)

build: $(NPM_STAMP)
	dotnet build $(SOLUTION) --nologo -v q

# The real Functions runtime when it can be had: Core Tools (func start), else the host built from
# ../shared/functions-host, else the local host. The first line printed says which started.
run: build
	@if command -v func >/dev/null 2>&1; then \
	  echo "make run: Azure Functions Core Tools (func start) with the Functions app"; \
	  dotnet run --project $(LOCALHOST) --no-build -- host "Azure Functions Core Tools (func start)" $(CURDIR)/$(FUNCTIONS_APP) func start --port 7071; \
	elif [ -f $(FUNCTIONS_HOST_BUILD) ] && dll=$$(bash $(FUNCTIONS_HOST_BUILD)); then \
	  echo "make run: the Azure Functions host from ../shared/functions-host with the Functions app"; \
	  dotnet run --project $(LOCALHOST) --no-build -- host "the Azure Functions host (../shared/functions-host)" $(CURDIR)/$(FUNCTIONS_APP)/bin/Debug/net10.0 dotnet "$$dll"; \
	else \
	  echo "make run: the local host (no Core Tools, no ../shared/functions-host)"; \
	  dotnet run --project $(LOCALHOST) --no-build; \
	fi

# The local stand-in host even when the real runtime is available.
run-local: build
	dotnet run --project $(LOCALHOST) --no-build

token:
	@dotnet build $(LOCALHOST) --nologo -v q > /dev/null || dotnet build $(LOCALHOST) --nologo -v q
	@dotnet run --project $(LOCALHOST) --no-build -- token --partner "$(PARTNER)" --roles "$(ROLES)"

# The package test opens report.html in Debian's Chromium; installed here when missing (as root, like CI).
chromium:
	@command -v chromium >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Install Debian's chromium (apt-get install chromium) for the package HTML test."; fi; }

test: $(NPM_STAMP) chromium
	rm -rf TestResults
	dotnet test --solution $(SOLUTION) --report-trx --results-directory "$(CURDIR)/TestResults"

evaluate:
	dotnet run --project tests/ElectionFunctions.Evaluation -- --write docs/classification.md

bench: $(NPM_STAMP)
	dotnet run -c Release --project tests/ElectionFunctions.Benchmarks -- --write docs/benchmarks.md
