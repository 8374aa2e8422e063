# motcua developer entry points: `make run` starts the app, `make test` runs every check.
#
# Installs are remembered by stamp files inside .venv/ and node_modules/, so repeated runs are fast; they are redone
# when setup.cfg / pyproject.toml (Python) or package.json / package-lock.json (front end) change.

PY ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
# The ports of the partners' sandboxes (national portal, postal service) `make run` starts beside the app.
PORTAL_PORT ?= 8101
POSTAL_PORT ?= 8102
# The Zalo OA-style message API's sandbox: officers' notices on Zalo land on its page.
ZALO_PORT ?= 8103
PYTEST_ARGS ?=

BIN := $(VENV)/bin
PIP_STAMP := $(VENV)/.stamp-pip
NPM_STAMP := node_modules/.stamp-npm
BUNDLE_STAMP := web/static/dist/.stamp-bundle
FRONTEND_SOURCES := $(wildcard web/frontend/*.js)

# Used by `make test` when MOTCUA_TEST_POSTGRES_URL is unset and this server lets user postgres in without a password.
LOCAL_POSTGRES_URL := postgresql+psycopg://postgres@127.0.0.1:5432/postgres
LOCAL_POSTGRES_PROBE := import psycopg; psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.DEFAULT_GOAL := help
.PHONY: help install run test pytest lint bundle clean

help:
	@echo "make run     install, build the front end, migrate, deploy processes/, create demo users and dossiers,"
	@echo "             then serve on http://$(HOST):$(PORT) (SQLite under instance/ unless MOTCUA_DATABASE_URL is set)"
	@echo "make test    install, build the front end, then pytest (tests/ and features/), lint-imports, ruff and mypy"
	@echo "             (PYTEST_ARGS='-k calendar' to narrow; MOTCUA_TEST_POSTGRES_URL for the PostgreSQL tests)"
	@echo "make bundle  build the bpmn-js viewer and modeler into web/static/dist/"
	@echo "make lint    lint-imports (layer contracts in setup.cfg), ruff and mypy (engine/ type-checks)"
	@echo "make clean   remove .venv, node_modules, web/static/dist and caches (keeps instance/, the local database)"

# --- installs -------------------------------------------------------------------------------------------------------

# The target is pip, not python: without python3-venv, venv leaves a python behind but no pip.
$(BIN)/pip:
	$(PY) -m venv $(VENV)

# The [test] extra is small, so `make run` installs it too and both targets share one stamp.
$(PIP_STAMP): setup.cfg pyproject.toml | $(BIN)/pip
	$(BIN)/pip install -e '.[test]'
	touch $@

install: $(PIP_STAMP) $(NPM_STAMP)

$(NPM_STAMP): package.json $(wildcard package-lock.json)
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $@

$(BUNDLE_STAMP): $(NPM_STAMP) $(FRONTEND_SOURCES)
	npm run build
	touch $@

bundle: $(BUNDLE_STAMP)

# --- run ------------------------------------------------------------------------------------------------------------

# The demo's agency, printed in the header, place line and signatures of the forms (a deployment sets its own).
# Each keeps a value already set in the environment.
DEMO_AGENCY = \
	MOTCUA_AGENCY_CODE="$${MOTCUA_AGENCY_CODE:-H15.50.05.13}" \
	MOTCUA_AGENCY_PARENT="$${MOTCUA_AGENCY_PARENT:-UBND TỈNH CAO BẰNG}" \
	MOTCUA_AGENCY_NAME="$${MOTCUA_AGENCY_NAME:-SỞ KHOA HỌC VÀ CÔNG NGHỆ}" \
	MOTCUA_AGENCY_TITLE="$${MOTCUA_AGENCY_TITLE:-Sở Khoa học và Công nghệ tỉnh Cao Bằng}" \
	MOTCUA_AGENCY_PLACE="$${MOTCUA_AGENCY_PLACE:-Cao Bằng}" \
	MOTCUA_RECEIVING_UNIT="$${MOTCUA_RECEIVING_UNIT:-Bộ phận Tiếp nhận và Trả kết quả, Trung tâm Phục vụ hành chính công tỉnh Cao Bằng}" \
	MOTCUA_SIGNER_TITLE="$${MOTCUA_SIGNER_TITLE:-GIÁM ĐỐC}" \
	MOTCUA_SIGNER_NAME="$${MOTCUA_SIGNER_NAME:-Phạm Quốc Hùng}" \
	MOTCUA_CUTOFF="$${MOTCUA_CUTOFF-17:00}" \
	MOTCUA_CONTACT_PHONE="$${MOTCUA_CONTACT_PHONE:-0206 3852 468}"

# db upgrade, deploy and demo-users are idempotent, so `make run` can be repeated on the same database.
run: $(PIP_STAMP) $(BUNDLE_STAMP)
	mkdir -p instance
	$(BIN)/motcua db upgrade
	$(BIN)/motcua deploy processes/
	$(BIN)/motcua demo-users
	$(DEMO_AGENCY) $(BIN)/motcua demo-dossiers
	# The sandboxes beside the app, each sharing a secret made for this run; the app's adapters point at them.
	export MOTCUA_PORTAL_SECRET=$${MOTCUA_PORTAL_SECRET:-$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(16))')}; \
	export MOTCUA_POSTAL_SECRET=$${MOTCUA_POSTAL_SECRET:-$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(16))')}; \
	export MOTCUA_PORTAL_URL=http://$(HOST):$(PORTAL_PORT) MOTCUA_POSTAL_URL=http://$(HOST):$(POSTAL_PORT); \
	export MOTCUA_PORTAL_GATEWAY=adapters.portal.http_gateway:HttpPortalGateway; \
	export MOTCUA_POSTAL_SERVICE=adapters.postal.http_service:HttpPostalService; \
	export MOTCUA_ZALO_TOKEN=$${MOTCUA_ZALO_TOKEN:-$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(16))')}; \
	export MOTCUA_ZALO_URL=$${MOTCUA_ZALO_URL:-http://$(HOST):$(ZALO_PORT)}; \
	export MOTCUA_NOTIFICATION_SENDER=$${MOTCUA_NOTIFICATION_SENDER:-adapters.notify.channels:ChannelNotifier}; \
	$(BIN)/motcua sandbox portal --host $(HOST) --port $(PORTAL_PORT) --app-url http://$(HOST):$(PORT) & \
	portal=$$!; \
	$(BIN)/motcua sandbox postal --host $(HOST) --port $(POSTAL_PORT) --app-url http://$(HOST):$(PORT) & \
	postal=$$!; \
	$(BIN)/motcua sandbox zalo --host $(HOST) --port $(ZALO_PORT) & \
	zalo=$$!; trap 'kill $$portal $$postal $$zalo' EXIT INT TERM; \
	$(DEMO_AGENCY) MOTCUA_PUBLIC_URL=$${MOTCUA_PUBLIC_URL:-http://$(HOST):$(PORT)} \
	    $(BIN)/motcua serve --host $(HOST) --port $(PORT)

# --- checks ---------------------------------------------------------------------------------------------------------

test: pytest lint

pytest: $(PIP_STAMP) $(BUNDLE_STAMP)
	@command -v chromium >/dev/null || [ -n "$${MOTCUA_CHROMIUM:-}" ] || echo "No Chromium: the browser tests" \
	    "(tests/browser/) will be skipped; install Debian's with: sudo apt-get install chromium (.ci/run does)"
	@if [ -z "$${MOTCUA_TEST_POSTGRES_URL:-}" ]; then \
	    if $(BIN)/python -c '$(LOCAL_POSTGRES_PROBE)' 2>/dev/null; then \
	        echo "PostgreSQL answers on 127.0.0.1:5432: MOTCUA_TEST_POSTGRES_URL=$(LOCAL_POSTGRES_URL)"; \
	        export MOTCUA_TEST_POSTGRES_URL='$(LOCAL_POSTGRES_URL)'; \
	    else \
	        echo "No password-less PostgreSQL on 127.0.0.1:5432 and MOTCUA_TEST_POSTGRES_URL unset:" \
	             "the PostgreSQL tests will be skipped."; \
	    fi; \
	fi; \
	set -x; $(BIN)/pytest $(PYTEST_ARGS)

lint: $(PIP_STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/mypy

# --- housekeeping ---------------------------------------------------------------------------------------------------

clean:
	rm -rf $(VENV) node_modules web/static/dist *.egg-info build dist .pytest_cache .ruff_cache .mypy_cache test-artifacts
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
