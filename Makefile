# The two commands: `make book` builds the book, `make test` runs every test.
# Both create .venv (with the Python you name as PYTHON, 3.11+) and install the pinned requirements.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BUILD := _build
JB_FLAGS := -n -W --keep-going

.PHONY: book test test-fast lab serve bench notebooks clean

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt -e .
	@touch $(STAMP)

## book: build the HTML book into _build/html (notebooks executed, cached in _build/.jupyter_cache)
book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)

## test: build the book, then the library tests, nbval over every notebook, and the browser checks
test: book
	$(BIN)/python -m pytest tests book --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

## test-fast: the library tests only (no build, no notebooks, no browser)
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests -m "not browser" -p no:nbval

## lab: open the notebooks in JupyterLab with live widgets
lab: $(STAMP)
	$(BIN)/jupyter lab book/

## serve: serve the built book on http://localhost:8000
serve:
	$(BIN)/python -m http.server --directory $(BUILD)/html 8000

## notebooks: re-execute every notebook in place (fresh kernel) and strip widget state
notebooks: $(STAMP)
	$(BIN)/python book/_ext/execute_notebooks.py

## bench: side-by-side benchmarks against scikit-learn
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(BUILD)
