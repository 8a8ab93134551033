# Every target sets up its own virtual environment, so each works on a fresh machine.
VENV   := .venv
PYTHON := $(VENV)/bin/python

.PHONY: train demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[test,torch]"
	touch $@

train: $(VENV)/.installed
	$(PYTHON) -m agrad train

demo: $(VENV)/.installed
	$(PYTHON) -m agrad demo

test: $(VENV)/.installed
	$(PYTHON) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

bench: $(VENV)/.installed
	$(PYTHON) benchmarks/bench_core.py

clean:
	rm -rf $(VENV) build *.egg-info
