# The two commands of the contract: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
export UV_PYTHON ?= 3.11

.PHONY: run test sync system-deps lint typecheck web web-check unit integration e2e conformance bench fmt clean

# The seller workbench (services/order-svc/web): installed from its lock file, built into
# web/dist (served by order-svc at /workbench) only when its sources changed.
WEB := services/order-svc/web
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/build -type f 2>/dev/null) $(WEB)/index.html \
	$(WEB)/vite.config.ts $(WEB)/tsconfig.json $(WEB)/tsconfig.node.json $(WEB)/eslint.config.js

$(CURDIR)/.tools/bin/uv:
	python3 -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet uv==$(UV_VERSION)

.venv/.synced: uv.lock pyproject.toml shared/pyproject.toml services/*/pyproject.toml | $(UV)
	$(UV) sync --frozen --all-packages
	touch $@

sync: .venv/.synced

$(WEB)/node_modules/.installed: $(WEB)/package.json $(WEB)/package-lock.json | system-deps
	cd $(WEB) && npm ci --no-audit --no-fund
	touch $@

$(WEB)/dist/.built: $(WEB)/node_modules/.installed $(WEB_SOURCES)
	cd $(WEB) && npm run build
	touch $@

web: $(WEB)/dist/.built

web-check: $(WEB)/node_modules/.installed
	cd $(WEB) && npm run lint && npm run typecheck && npm test

system-deps:
	@scripts/system-deps.sh

run: sync web
	$(UV) run --frozen python scripts/devrun.py

test: sync system-deps web lint typecheck web-check
	$(UV) run --frozen pytest

lint: sync
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

typecheck: sync
	$(UV) run --frozen mypy .

unit: sync
	$(UV) run --frozen pytest -m "not integration and not e2e and not conformance"

integration: sync
	$(UV) run --frozen pytest -m integration

e2e: sync web
	$(UV) run --frozen pytest -m e2e

conformance: sync
	$(UV) run --frozen pytest -m conformance

bench: sync
	$(UV) run --frozen python bench/order_lifecycle.py
	$(UV) run --frozen python bench/sms_throughput.py
	$(UV) run --frozen python bench/arbitration_cases.py
	$(UV) run --frozen python bench/metrics_ingest.py
	$(MAKE) web
	$(UV) run --frozen python bench/workbench_paint.py
	$(UV) run --frozen --all-packages --group bench python bench/timer_deadlines.py
	$(UV) run --frozen --group bench python bench/bus_rates.py

fmt: sync
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

clean:
	rm -rf .venv .tools .mypy_cache .ruff_cache .pytest_cache $(WEB)/node_modules $(WEB)/dist
