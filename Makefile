# Casebook: `make run` and `make test` are the two commands a newcomer needs (see README.md).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PY_VENV := target/py
PY := $(PY_VENV)/bin/python
export CASEBOOK_PYTHON := $(abspath $(PY))
NEXTEST := $(shell command -v cargo-nextest 2>/dev/null)

.PHONY: help deps py test lint unit run bench bench-desktop fuzz clean-demo ui ui-test bindings desktop e2e package

FUZZ_SECONDS ?= 600

help:
	@echo "make run    build and start Casebook on a demo vault"
	@echo "make test   install what is missing, then fmt, clippy, every test"
	@echo "make bench  run the benchmarks and print a table of figures"
	@echo "make fuzz   run every fuzz target for FUZZ_SECONDS (default 600)"

deps:
	scripts/install-deps.sh desktop

# The UI's npm packages, reinstalled when the lock file changes.
ui/node_modules/.stamp: ui/package-lock.json
	npm --prefix ui ci --no-audit --no-fund
	touch $@

# The built UI: the desktop crate embeds ui/dist, so it must exist before clippy or a build.
ui: ui/node_modules/.stamp
	npm --prefix ui run build

ui-test: ui
	npm --prefix ui test
	npm --prefix ui run test:flow

# Regenerates the TypeScript bindings from the Rust commands. `make test` regenerates them too, in
# the unit test `bindings_are_current`, and fails when the committed copy differs.
bindings: ui
	UPDATE_BINDINGS=1 cargo test --locked --workspace --lib bindings_are_current -- --quiet

desktop: ui
	cargo build --locked --workspace

e2e: desktop
	scripts/e2e.sh

# The Python venv with the independent checkers, rebuilt when the requirements change.
$(PY_VENV)/.stamp: tests/interop/requirements.txt
	python3 -m venv $(PY_VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
	touch $@

py: $(PY_VENV)/.stamp

lint: ui
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

unit: ui
ifneq ($(NEXTEST),)
	cargo nextest run --workspace --locked --no-fail-fast
else
	cargo test --workspace --locked --no-fail-fast
endif

test: deps py ui lint unit ui-test e2e

# The desktop app on the demo vault (target/demo/vault, created and seeded on first start).
run: deps desktop
	scripts/run-desktop.sh target/debug/casebook-desktop target/demo/vault

# The release .deb of the desktop app (target/release/bundle/deb/). The Tauri CLI comes from npm
# (a prebuilt binary); an AppImage would need linuxdeploy from GitHub, which offline builds cannot fetch.
package: deps ui
	cd src-tauri && CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=true \
	  npx --yes @tauri-apps/cli@2.12.5 build --bundles deb

bench: deps
	rm -rf target/criterion
	cargo bench --locked --workspace --bench '*' -- --noplot
	python3 scripts/bench-table.py target/criterion
	$(MAKE) bench-desktop

# The release build of the desktop app on a 1,000,000-event case: first rows, scroll frame times,
# memory. SCALE_SCROLL_SECONDS=40 scrolls for longer.
bench-desktop: deps ui
	cargo build --release --locked -p casebook-desktop -p casebook-cli
	CASEBOOK_DESKTOP_BIN=target/release/casebook-desktop CASEBOOK_CLI_BIN=target/release/casebook \
	  scripts/e2e.sh tests/e2e/scale.mjs

# Each fuzz target for FUZZ_SECONDS, seeded from fuzz/seeds. Needs `cargo install cargo-fuzz`;
# RUSTC_BOOTSTRAP lets the stable toolchain take the sanitizer flags cargo-fuzz passes.
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	for t in bundle_archive contact_card op_line timeline_timesketch_csv timeline_timesketch_jsonl timeline_l2tcsv timeline_dynamic timeline_json_line; do \
	  mkdir -p fuzz/corpus/$$t; cp -n fuzz/seeds/$$t/* fuzz/corpus/$$t/ 2>/dev/null || true; \
	  (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O $$t corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048) || exit 1; \
	done

clean-demo:
	rm -rf target/demo
