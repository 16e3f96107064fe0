# The README's two commands: `make run` and `make test`.
# Both first install what the build and the tests need when it is missing:
# libedit-dev and r-mathlib (libraries), pkg-config (to find them), tmux (the REPL tests),
# librsvg2-bin (rsvg-convert: the tests render every chart to a picture).
SWIFT ?= swift
.PHONY: run test build deps clean

deps:
	@missing=""; \
	pkg-config --exists libedit || missing="$$missing libedit-dev"; \
	pkg-config --exists libRmath || missing="$$missing r-mathlib"; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	command -v tmux >/dev/null || missing="$$missing tmux"; \
	command -v rsvg-convert >/dev/null || missing="$$missing librsvg2-bin"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product klynge

run: build
	$$($(SWIFT) build -c release --show-bin-path)/klynge --demo

# The end-to-end tests drive the release binary (KLYNGE_BIN); unit tests build in debug.
test: build
	KLYNGE_BIN=$$($(SWIFT) build -c release --show-bin-path)/klynge $(SWIFT) test

clean:
	rm -rf .build
