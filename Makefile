# Intake: `make run` starts it on SQLite with a first admin; `make test` passes the tests.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export PYTHONPATH := $(CURDIR)
# Every package pinned with its hashes (issue 18.8): the app's, and the app's with the tests'.
# `make lock` brings them up to date with pyproject.toml, `make lock-upgrade` to the newest.
APP_LOCK := requirements/app.lock
TEST_LOCK := requirements/test.lock
LOCK_TOOLS := $(VENV)/lock-tools
COMPILE = $(LOCK_TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
  --no-emit-index-url --no-emit-find-links --no-emit-trusted-host

.PHONY: run serve test lint bench security screenshots install install-test browser caddy clean \
  lock lock-upgrade

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PY) not found)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The pinned, hash-checked packages, then Intake itself in place without resolving anything.
$(VENV)/.installed: $(APP_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r $(APP_LOCK)
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(TEST_LOCK) pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q --require-hashes -r $(TEST_LOCK)
	touch $@

# pip-tools in a venv of its own (never among the app's packages). The test lock is resolved
# first; the app's is resolved within it, so both pin the same versions. Pins already in a
# lock are kept (pip-compile reuses them) unless `lock-upgrade`.
$(LOCK_TOOLS)/bin/pip-compile:
	$(PY) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/pip install -q "pip-tools>=7.5"

lock: $(LOCK_TOOLS)/bin/pip-compile
	@mkdir -p requirements
	$(COMPILE) $(UPGRADE) --extra test --output-file $(TEST_LOCK) pyproject.toml
	$(COMPILE) $(UPGRADE) --constraint $(TEST_LOCK) --output-file $(APP_LOCK) pyproject.toml
	@echo "locked: $(APP_LOCK) $(TEST_LOCK) (commit both)"

lock-upgrade:
	$(MAKE) lock UPGRADE=--upgrade

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	@mkdir -p var
	INTAKE_COOKIE_SECURE=$${INTAKE_COOKIE_SECURE:-0} $(BIN)/litestar bootstrap
	INTAKE_COOKIE_SECURE=$${INTAKE_COOKIE_SECURE:-0} $(BIN)/uvicorn app.asgi:app \
	  --host 127.0.0.1 --port 8000 --no-access-log --no-proxy-headers

# Production (docs/operators.md#production): pending migrations, then deploy/serve (several
# uvicorn workers, forwarded headers only from INTAKE_TRUSTED_PROXIES, graceful shutdown).
# The settings come from the environment; INTAKE_WORKERS, INTAKE_PORT... as deploy/serve says.
serve: install
	$(BIN)/litestar migrate
	PATH="$(CURDIR)/$(BIN):$$PATH" deploy/serve

# Debian's chromium for the browser tests (Playwright's own browser download fails here).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "!!! could not install chromium: browser tests will be skipped"; \
	  else echo "!!! chromium missing and not root: browser tests will be skipped"; fi; \
	fi

# Debian's caddy (2.6) for the served-stack test (tests/stack), as `browser` installs chromium.
caddy:
	@if ! command -v caddy >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq caddy >/dev/null) \
	      || echo "!!! could not install caddy: the served-stack test will be skipped"; \
	  else echo "!!! caddy missing and not root: the served-stack test will be skipped"; fi; \
	fi

test: install-test browser caddy
	$(BIN)/python -m tests.run_suites

lint: install-test
	$(BIN)/ruff check $(wildcard app kiosk tests bench)
	$(BIN)/ruff format --check app kiosk
	$(BIN)/mypy app kiosk

bench: install-test
	$(BIN)/python -m bench.run

# sqlmap (Debian's package) against the login, apply and console search forms of a server
# started on loopback; fails on any reported injection (issue 7). Not part of `make test`.
security: install-test
	@if ! command -v sqlmap >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlmap >/dev/null) \
	      || { echo "!!! could not install sqlmap"; exit 1; }; \
	  else echo "!!! sqlmap missing and not root: apt-get install sqlmap"; exit 1; fi; \
	fi
	$(BIN)/python -m tests.security.sqlmap_scan

# The README's pictures (docs/img/): a throw-away database of made-up people, a real server
# and Debian's chromium at each door's size. Commit the PNGs it writes.
screenshots: install-test browser
	$(BIN)/python -m tests.screenshots

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
