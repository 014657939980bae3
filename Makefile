# Shopdesk's commands. `make run` launches the app; `make test` runs every check CI runs.
# Both install what is missing on a fresh Debian/Ubuntu machine first.

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

BUILD_PKGS := libwebkit2gtk-4.1-dev libsoup-3.0-dev libayatana-appindicator3-dev librsvg2-dev \
              build-essential curl wget file libxdo-dev libssl-dev pkg-config libdbus-1-dev
TEST_PKGS  := xvfb xauth webkit2gtk-driver poppler-utils zbar-tools python3-aiosmtpd dovecot-imapd cups printer-driver-cups-pdf postgresql \
              dbus-daemon gnome-keyring
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(PATH)

.PHONY: run test setup-build setup-test ui types lint-rust test-rust test-ui fuzz e2e benchmark bundle clean

## Launch the app (debug build) on the database in the OS data directory.
run: setup-build ui
	cargo run -p shopdesk-app

## Every check: format, clippy, Rust tests, fresh IPC types, UI check/lint/tests, a fixed fuzzing
## budget per importer, real-window journeys.
test: setup-test lint-rust test-rust test-ui fuzz e2e
	@echo "make test: all checks passed"

# A clean checkout gains nothing from cargo's incremental caches, which the suite's builds would
# fill with ~2 GB; `make test CARGO_INCREMENTAL=1` keeps them for repeated local runs.
CARGO_INCREMENTAL ?= 0
test: export CARGO_INCREMENTAL := $(CARGO_INCREMENTAL)

# Installs only what is missing, so a second run costs nothing.
setup-build:
	missing=$$(for p in $(BUILD_PKGS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done)
	if [ -n "$$missing" ]; then
	  echo "Installing system packages: $$missing"
	  $(SUDO) apt-get update -q
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing
	fi
	command -v cargo >/dev/null || { echo "Rust is missing: install it from https://rustup.rs" >&2; exit 1; }
	command -v npm >/dev/null || { echo "Node.js 20+ and npm are missing: install them first" >&2; exit 1; }
	# `npm install`, not `npm ci`: npm 11 here writes lockfiles without other platforms' optional
	# packages, which `npm ci` then rejects; install still follows the committed lockfile.
	if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
	  npm --prefix ui install --no-audit --no-fund
	fi

setup-test: setup-build
	missing=$$(for p in $(TEST_PKGS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done)
	if [ -n "$$missing" ]; then
	  echo "Installing test packages: $$missing"
	  $(SUDO) apt-get update -q
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing
	fi
	rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt
	command -v tauri-driver >/dev/null || cargo install tauri-driver --version 2.1.0 --locked
	# The fuzz targets build on nightly with libFuzzer (cargo-fuzz).
	rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.1 --locked
	# A real Vendure server (npm, sql.js: no native build) for the marketplace sync tests.
	if [ ! -d tests/vendure/node_modules/@vendure/core ] || [ tests/vendure/package-lock.json -nt tests/vendure/node_modules/.package-lock.json ]; then
	  npm --prefix tests/vendure install --no-audit --no-fund
	fi

ui:
	npm --prefix ui run build

## Regenerate ui/src/lib/ipc-types.ts from the Rust command table.
types: ui
	SHOPDESK_WRITE_TYPES=1 cargo test -p shopdesk-app --lib generated_ui_types_are_fresh

lint-rust: ui
	cargo fmt --all -- --check
	cargo fmt --manifest-path tests/e2e/Cargo.toml -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# Includes generated_ui_types_are_fresh, which fails when ui/src/lib/ipc-types.ts is stale.
# Under a private D-Bus session with gnome-keyring unlocked: a real OS keychain, headless.
test-rust: ui
	dbus-run-session -- tests/keychain.sh cargo test --workspace

test-ui:
	npm --prefix ui run check
	npm --prefix ui run lint
	npm --prefix ui test

# Each importer of outside data under libFuzzer for FUZZ_SECONDS (30 s each in `make test`),
# from the corpora kept in src-tauri/fuzz/corpus (what a run discovers goes to a scratch folder;
# add what matters by hand). A crash stops the build with the input in src-tauri/fuzz/artifacts.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := catalog_csv order_json marketplace_order
fuzz:
	cd src-tauri/fuzz
	cargo +nightly fuzz build -s none --fuzz-dir .
	for t in $(FUZZ_TARGETS); do
	  found=$$(mktemp -d)
	  mkdir -p artifacts/$$t
	  if ! cargo +nightly fuzz run -s none --fuzz-dir . $$t $$found corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) \
	      -artifact_prefix=artifacts/$$t/ -print_final_stats=1 > $$found.log 2>&1; then
	    tail -40 $$found.log
	    echo "fuzz target $$t failed: the input is in src-tauri/fuzz/artifacts/$$t" >&2
	    exit 1
	  fi
	  echo "fuzz $$t: $$(grep -E 'stat::(number_of_executed_units|new_units_added)' $$found.log | tr -s ' \n' ' ')"
	  rm -rf $$found $$found.log
	done

e2e: ui
	cargo build -p shopdesk-app -p shopdesk-cli
	cargo test --manifest-path tests/e2e/Cargo.toml --no-run
	xvfb-run -a -s "-screen 0 1920x1080x24" dbus-run-session -- tests/keychain.sh \
	  cargo test --manifest-path tests/e2e/Cargo.toml -- --test-threads=1
	@echo "Screenshots of every screen and dialog (layout journey): $(CURDIR)/target/layout-shots ($$(ls target/layout-shots | wc -l) files)"

## Print the benchmark table (release builds, under Xvfb).
benchmark: setup-test ui
	cargo build --release -p shopdesk-app -p benchmark-empty -p shopdesk-benchmark
	# As root with CUPS installed, a private scheduler with cups-pdf queues takes the packing
	# bench's print jobs, so "complete → handed to the print system" is measured for real.
	cups=$$(mktemp -d)
	if [ "$$(id -u)" = 0 ] && command -v cupsd >/dev/null; then
	  export CUPS_SERVER=$$(tests/print/cupsd.sh $$cups | head -1) SHOPDESK_BENCHMARK_PRINTERS=1
	fi
	trap '[ -f $$cups/pid ] && kill $$(cat $$cups/pid)' EXIT
	xvfb-run -a -s "-screen 0 1280x800x24" target/release/shopdesk-benchmark
	# The same catalog, counter and orders figures on encrypted (SQLCipher) databases.
	target/release/shopdesk-benchmark --encrypted | grep '^| [^f-]'
	# The test harness prints "test name ... " and the test's own row on one line: keep the row.
	SHOPDESK_APP=$(CURDIR)/target/release/shopdesk-app xvfb-run -a -s "-screen 0 1280x800x24" \
	  cargo test --manifest-path tests/e2e/Cargo.toml -- --ignored --nocapture --test-threads=1 2>/dev/null | grep -o '| .*|$$'
	# Marketplace sync against its fakes and the real Vendure server (started by the test).
	cargo test --release -p shopdesk-sync --test shopify_fake --test vendure_loop -- \
	  --include-ignored --nocapture --test-threads=1 2>/dev/null | grep -o '| .*|$$'

## Build the Linux .deb into target/release/bundle/deb/.
# The Makefile builds the UI first, so tauri.conf.json needs no beforeBuildCommand; the env vars
# tell the Tauri CLI that the app is the root package and the frontend lives in ui/.
bundle: setup-build ui
	TAURI_APP_PATH=. TAURI_FRONTEND_PATH=ui ui/node_modules/.bin/tauri build --bundles deb

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules tests/e2e/target
