# dutydesk: `make run` sets up and starts it; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make
CSS := dutydesk/static/dutydesk.css
# The port `make run` serves dutydesk on: `make run PORT=8080`.
PORT ?= 5000
# How many processes `make test` runs the tests in (pytest-xdist): one per CPU of the machine.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
export FLASK_APP := dutydesk

# $(call debian_package,COMMAND,PACKAGE): install the Debian package if the command is missing.
define debian_package
@command -v $(1) >/dev/null 2>&1 || { \
  echo "Installing Debian's $(2)"; \
  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(2) >/dev/null; }
endef

.PHONY: run test fuzz install assets browser bench db clean

run: install assets db
	$(BIN)/flask seed-demo
	PORT=$(PORT) bash scripts/run-dev.sh

test: install assets browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Every page, address and form filled with generated input, at length (at least 10,000 requests;
# set TEST_DATABASE_URL for PostgreSQL): prints how many answers of each status, and by page.
fuzz: install
	$(BIN)/python -m pytest -p no:cacheprovider tests/fuzz --hypothesis-profile=fuzz --durations=3 $(PYTEST_ARGS)

# wrk is the benchmarks' load generator.
bench: install
	$(call debian_package,wrk,wrk)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

db: install instance/secret_key
	$(BIN)/flask db upgrade

# A secret key of this checkout's own, made once; config.py reads it when SECRET_KEY is not set.
instance/secret_key:
	mkdir -p instance
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@.tmp && mv $@.tmp $@

install: $(STAMPS)/install

$(STAMPS)/install: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	mkdir -p $(STAMPS) && touch $@

assets: $(CSS)

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(CSS): node_modules/.package-lock.json scripts/build-assets.sh $(wildcard assets/scss/*.scss assets/images/*)
	bash scripts/build-assets.sh

# Browser tests drive Debian's chromium; Playwright's own browser download is never used.
browser:
	$(call debian_package,chromium,chromium)

clean:
	rm -rf $(VENV) node_modules dutydesk/static $(STAMPS)
