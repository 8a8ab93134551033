# Every target sets up its own virtual environment, so each works on a fresh machine.
# Two environments: .venv/ holds agrad and its runtime dependencies only (the main job never
# needs torch, and torch from the package index is the CUDA build: gigabytes); .venv-test/ adds
# the test tools, pdoc and the pinned PyTorch reference.
VENV        := .venv
PYTHON      := $(VENV)/bin/python
TEST_VENV   := .venv-test
TEST_PYTHON := $(TEST_VENV)/bin/python

.PHONY: train demo test check-main-env docs lint bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e .
	touch $@

$(TEST_VENV)/.installed: pyproject.toml
	python3 -m venv $(TEST_VENV)
	$(TEST_PYTHON) -m pip install --quiet --upgrade pip
	$(TEST_PYTHON) -m pip install --quiet -e ".[test,torch]"
	touch $@

train: $(VENV)/.installed
	$(PYTHON) -m agrad train

demo: $(VENV)/.installed
	$(PYTHON) -m agrad demo

test: $(TEST_VENV)/.installed
	$(TEST_PYTHON) -m pytest

# CI: the main job's environment runs agrad and has no torch in it
check-main-env: $(VENV)/.installed
	$(PYTHON) -m agrad --version
	$(PYTHON) -c "import importlib.util, sys; sys.exit('expected no torch in $(VENV), found one' if importlib.util.find_spec('torch') else 0)"

# the API reference, built from the docstrings: open build/api/index.html
docs: $(TEST_VENV)/.installed
	$(TEST_PYTHON) -m pdoc --output-directory build/api autograd nn optim agrad

lint: $(TEST_VENV)/.installed
	$(TEST_VENV)/bin/ruff check .

bench: $(TEST_VENV)/.installed
	$(TEST_PYTHON) benchmarks/bench_core.py

clean:
	rm -rf $(VENV) $(TEST_VENV) build *.egg-info
