# Casebook: `make run` and `make test` are the two commands a newcomer needs (see README.md).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PY_VENV := target/py
PY := $(PY_VENV)/bin/python
export CASEBOOK_PYTHON := $(abspath $(PY))
NEXTEST := $(shell command -v cargo-nextest 2>/dev/null)

.PHONY: help deps py test lint unit run bench clean-demo

help:
	@echo "make run    build and start Casebook on a demo vault"
	@echo "make test   install what is missing, then fmt, clippy, every test"
	@echo "make bench  run the benchmarks and print a table of figures"

deps:
	scripts/install-deps.sh core

# The Python venv with the independent checkers, rebuilt when the requirements change.
$(PY_VENV)/.stamp: tests/interop/requirements.txt
	python3 -m venv $(PY_VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
	touch $@

py: $(PY_VENV)/.stamp

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

unit:
ifneq ($(NEXTEST),)
	cargo nextest run --workspace --locked --no-fail-fast
else
	cargo test --workspace --locked --no-fail-fast
endif

test: deps py lint unit

run: deps
	cargo build --locked -p casebook-cli
	scripts/demo.sh target/debug/casebook

bench: deps
	rm -rf target/criterion
	cargo bench --locked --workspace --bench '*' -- --noplot
	python3 scripts/bench-table.py target/criterion

clean-demo:
	rm -rf target/demo
