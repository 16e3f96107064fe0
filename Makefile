# The README's two commands: `make run` and `make test`.
# Both first install what the build and the tests need when it is missing:
# libedit-dev, r-mathlib and libpq-dev (libraries: the line editor, R's distributions, PostgreSQL's
# client for `connect`), pkg-config (to find them), tmux (the REPL tests),
# librsvg2-bin (rsvg-convert: the tests render every chart to a picture), fonts-dejavu-core (the
# one font family the chart tests render with, so pictures do not depend on the machine's fonts).
# With python3 present, the Python packages the tests use come from PyPI when missing: numpy (the
# data generator in ../shared/bench), duckdb (the peer the tests compare answers with) and openpyxl
# (reads back the Excel workbooks klynge writes), python-pptx and openxml-audit (read and validate
# the decks klynge writes), pyspark (its jars are the Spark Connect server the tests start; klynge
# itself talks to Spark in Swift, with no Python at run time). `make test` also installs chromium (headless: the tests screenshot a
# notebook's HTML report), LibreOffice Impress and poppler-utils (the tests render every kind of
# deck to pictures), and PostgreSQL's server (the tests start a throwaway one on 127.0.0.1 and run
# the same pipelines in memory and pushed down to it), and Java 17 (for the Spark Connect server).
# The servers are test dependencies only: `make run` builds against libpq and needs neither.
PYTHON ?= python3
# pip name[==version][:module to import when it differs]
PY_TEST_PACKAGES = numpy duckdb==2.0.0 openpyxl python-pptx==1.0.2:pptx openxml-audit==0.8.0:openxml_audit pyspark==4.3.0
SWIFT ?= swift
.PHONY: run test build deps pydeps testdeps bench bench-remote clean fuzz-build fuzz asan

deps:
	@missing=""; \
	pkg-config --exists libedit || missing="$$missing libedit-dev"; \
	pkg-config --exists libRmath || missing="$$missing r-mathlib"; \
	pkg-config --exists libpq || missing="$$missing libpq-dev"; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	command -v tmux >/dev/null || missing="$$missing tmux"; \
	command -v rsvg-convert >/dev/null || missing="$$missing librsvg2-bin"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Not fatal: without them the tests that need them skip (numpy) or use pinned answers (duckdb).
pydeps:
	@if command -v $(PYTHON) >/dev/null; then \
	  for entry in $(PY_TEST_PACKAGES); do \
	    spec=$${entry%%:*}; module=$${spec%%==*}; \
	    case "$$entry" in *:*) module=$${entry#*:};; esac; \
	    $(PYTHON) -c "import $$module" 2>/dev/null || { echo "installing $$spec for $(PYTHON)"; \
	      $(PYTHON) -m pip install --quiet --disable-pip-version-check "$$spec" || echo "could not install $$spec; the tests that need it fall back"; }; \
	  done; \
	fi

# Not fatal either: without them the screenshot and rendering tests skip.
testdeps:
	@missing=""; \
	command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing="$$missing chromium"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-impress"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing (the report screenshot and deck rendering tests)"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; } \
	    || echo "could not install$$missing; the tests that need them skip"; \
	fi

# SPARK=1 builds klynge with Spark Connect (sc://): grpc-swift-2 and its packages, about six minutes
# the first time on two cores, so the default build leaves them out.
TRAITS = $(if $(SPARK),--traits Spark,)
build: deps
	$(SWIFT) build -c release --product klynge $(TRAITS)

run: build
	$$($(SWIFT) build -c release --show-bin-path $(TRAITS))/klynge --demo

# The end-to-end tests drive the release binary (KLYNGE_BIN); unit tests build in debug. The tests
# get their own state, config and cache folders, so they never touch your export log, pseudonym key or load cache.
test: build pydeps testdeps
	@scratch=$$(mktemp -d); \
	KLYNGE_BIN=$$($(SWIFT) build -c release --show-bin-path)/klynge XDG_STATE_HOME=$$scratch/state XDG_CONFIG_HOME=$$scratch/config XDG_CACHE_HOME=$$scratch/cache \
	  $(SWIFT) test; status=$$?; rm -rf $$scratch; exit $$status

# Speed against the peers (Bench/bench.py): klynge and DuckDB CLI, DuckDB Python, Polars, pandas and
# sqlite3 on Q1-Q3 of ../shared/bench, cold and hot, alternating, answers checked. Not part of
# `make test`. The peers are installed from PyPI at the versions of ../shared/bench when missing.
BENCH_ROWS ?= 10000000
BENCH_RUNS ?= 3
BENCH_PEERS = duckdb==2.0.0:duckdb duckdb-cli==1.5.6:duckdb_cli polars==2.1.0:polars pandas==3.1.1:pandas
bench: build
	@for entry in $(BENCH_PEERS); do \
	  spec=$${entry%%:*}; module=$${entry#*:}; \
	  $(PYTHON) -c "import $$module" 2>/dev/null || $(PYTHON) -m pip install --quiet --disable-pip-version-check "$$spec" \
	    || echo "could not install $$spec; the bench leaves it out"; \
	done
	$(PYTHON) Bench/bench.py --klynge $$($(SWIFT) build -c release --show-bin-path)/klynge --rows $(BENCH_ROWS) --runs $(BENCH_RUNS)

# Q2 in memory and pushed down to a throwaway PostgreSQL and (with SPARK=1, pyspark and Java) a
# throwaway Spark Connect server (Bench/remote.py), side by side. Not part of `make test`.
bench-remote: build testdeps pydeps
	$(PYTHON) Bench/remote.py --klynge $$($(SWIFT) build -c release --show-bin-path)/klynge --rows $(BENCH_ROWS) --runs $(BENCH_RUNS)

# Coverage-guided fuzzing (Fuzz/README.md): not part of `make test`.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -use-ld=lld
fuzz-build: deps
	$(SWIFT) build $(FUZZ_FLAGS)

fuzz: fuzz-build
	@bin=$$($(SWIFT) build $(FUZZ_FLAGS) --show-bin-path); work=$$(mktemp -d); \
	for t in parser:FuzzParser:klynge.dict csv:FuzzCSV:csv.dict xlsx:FuzzXLSX:; do \
	  corpus=$${t%%:*}; rest=$${t#*:}; target=$${rest%%:*}; dict=$${rest#*:}; \
	  mkdir -p $$work/$$corpus && cp Fuzz/corpus/$$corpus/* $$work/$$corpus/; \
	  SWIFT_BACKTRACE=enable=no $$bin/$$target -max_total_time=$(FUZZ_SECONDS) -timeout=10 $${dict:+-dict=Fuzz/$$dict} \
	    -artifact_prefix=$$work/crash-$$corpus- $$work/$$corpus || exit 1; \
	done

# The unit tests under AddressSanitizer (slow: everything is rebuilt instrumented). Leak
# detection is off: at exit it reports XCTest's own suite objects and process-lifetime globals
# (the demo datasets), not leaks of klynge's.
asan: deps
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize=address --scratch-path .build-asan

clean:
	rm -rf .build .build-asan Fuzz/.build
