# Two entry points: `make run` (main job on the built-in synthetic stream) and `make test`.
# Both create the virtual environment and build the extension as needed.

VENV ?= .venv
PY := $(VENV)/bin/python
DEPS := $(VENV)/.deps-installed
EXPERIMENTS := Popularity PopularityTimeframe PersonalPopularity TransitionProbability
EVENTS ?= 1000000

.PHONY: run test build test-rust test-python docs bench stubs clean wheel wheel-check

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

# The documentation site (Sphinx + numpydoc) in docs/_build/html; fails on any warning.
docs: build
	$(VENV)/bin/sphinx-build -W --keep-going -b html docs docs/_build/html

test: test-rust test-python docs

bench: build
	$(PY) bench/run_benchmarks.py

# A release wheel for the stable ABI (abi3: one wheel for CPython >= 3.11) in $(WHEEL_DIR).
WHEEL_DIR ?= dist
wheel: $(DEPS)
	rm -f $(WHEEL_DIR)/alpenglow-*.whl
	$(VENV)/bin/maturin build --release --features abi3 --out $(WHEEL_DIR) -q

# Installs the wheel in a fresh venv without cargo/rustc on the PATH and runs a sample experiment.
wheel-check: wheel
	tools/wheel_check.sh $(WHEEL_DIR)

stubs: build
	$(PY) tools/gen_stubs.py

clean:
	rm -rf $(VENV) target python/alpenglow/*.so docs/_build docs/_generated
