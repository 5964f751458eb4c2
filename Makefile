# The two set-up commands of the README: `make demo` and `make test`.
# Both create .venv, install the project into it, then run. torch is pinned to the
# CPU build that lies on this machine's disk; the package itself asks for a range.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,dask]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(PY) -m grader.demo

test: install
	$(PY) -m ruff check grader reference tests benchmarks
	$(PY) -m mypy
	$(PY) -m pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV) reports/*/
