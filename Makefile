# Two entry points: `make run` (main job on the built-in synthetic stream) and `make test`.
# Both create the virtual environment and build the extension as needed.

VENV ?= .venv
PY := $(VENV)/bin/python
DEPS := $(VENV)/.deps-installed
EXPERIMENTS := Popularity PopularityTimeframe PersonalPopularity TransitionProbability
EVENTS ?= 1000000

.PHONY: run test build test-rust test-python bench stubs clean

$(PY):
	python3 -m venv $(VENV)

$(DEPS): requirements-dev.txt | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(DEPS)

build: $(DEPS)
	VIRTUAL_ENV=$(abspath $(VENV)) $(VENV)/bin/maturin develop --release -q

run: build
	@for e in $(EXPERIMENTS); do $(PY) -m alpenglow run $$e --events $(EVENTS) --quiet || exit 1; done

test-rust:
	cargo test -p alpenglow-core --release

test-python: build
	$(PY) -m pytest -q tests

test: test-rust test-python

bench: build
	$(PY) bench/run_benchmarks.py

stubs: build
	$(PY) tools/gen_stubs.py

clean:
	rm -rf $(VENV) target python/alpenglow/*.so
