# Every target works on a fresh clone: the virtualenv is built on first use.
VENV := .venv
BIN := $(VENV)/bin
CATALOGS := competition/translations

.PHONY: install translations services browsers vendor run test lint format extract clean schema

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -e '.[dev]'
	touch $@

translations: install
	$(BIN)/pybabel compile -d $(CATALOGS)

# PostgreSQL and Redis run on every machine of this project (../shared/SERVICES.md); the
# tests use both. Start them when a quick probe finds them down.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || \
		redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
		--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log

# The browser tests drive Debian's Chromium (../shared/SERVICES.md: `playwright install` cannot
# download browsers here); Chinese text renders only with a CJK font. apt runs only when one
# of them is missing, so repeated runs are fast and work offline.
browsers:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
		apt-get update && \
		apt-get install -y --no-install-recommends chromium fonts-noto-cjk; \
	fi

# The browser libraries come from the npm registry (frontend/package-lock.json pins them) and
# are copied into static/vendor/, which git ignores: no page loads anything from a CDN. npm
# runs only when the copy is missing or older than the lock file, so re-runs are fast and
# work offline.
VENDOR := static/vendor

vendor: $(VENDOR)/socket.io.min.js

$(VENDOR)/socket.io.min.js: frontend/package-lock.json
	npm ci --prefix frontend --no-audit --no-fund
	mkdir -p $(VENDOR)
	cp frontend/node_modules/socket.io-client/dist/socket.io.min.js $@

run: install translations vendor
	$(BIN)/competition db upgrade
	$(BIN)/competition demo
	$(BIN)/competition serve --host 127.0.0.1 --port 5000

test: install translations services browsers vendor
	$(BIN)/pytest
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy competition

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy competition

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

extract: install
	$(BIN)/pybabel extract -F babel.cfg --project competition --version 0.1.0 \
		-o $(CATALOGS)/messages.pot .
	$(BIN)/pybabel update -i $(CATALOGS)/messages.pot -d $(CATALOGS) \
		--no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find $(CATALOGS) -name '*.mo' -delete

# The JSON Schema of a rule file, for editor validation; tests fail when it is stale.
schema: install
	$(BIN)/competition rules schema --output scoring_rules/schema.json
