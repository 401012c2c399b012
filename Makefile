# The two commands: `make book` builds the book, `make test` runs every test.
# Both create .venv (with the Python you name as PYTHON: 3.11, 3.12 or 3.13) and install the
# pinned requirements. tests/test_install.py resolves the pinned set on every python3.x it finds.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BUILD := _build
JB_FLAGS := -n -W --keep-going

.PHONY: book test test-fast lab serve bench bench-sweeps notebooks vendor clean check-python

# Check the interpreter before pip does (numpy, ipython and others need Python >= 3.11).
PYTHON_CHECK = import sys; v = sys.version_info[:3]; sys.exit(0 if v >= (3, 11) else \
  "make: %s is Python %d.%d.%d, but the book needs Python 3.11 or newer (3.11, 3.12 and 3.13 are tested).\n" \
  "      Choose another interpreter, e.g.  PYTHON=python3.12 make book  (any python3.11+ on your PATH)%s" \
  % ((sys.argv[1],) + v + (sys.argv[2],)))
check-python:
	@if test -x $(BIN)/python; then \
	  $(BIN)/python -c '$(PYTHON_CHECK)' $(BIN)/python " after removing the old environment (rm -rf $(VENV))"; \
	elif command -v $(PYTHON) >/dev/null 2>&1; then \
	  $(PYTHON) -c '$(PYTHON_CHECK)' "$(PYTHON)" ""; \
	else \
	  echo "make: no interpreter named $(PYTHON); the book needs Python 3.11 or newer."; \
	  echo "      Choose one, e.g.  PYTHON=python3.12 make book"; exit 1; \
	fi

$(STAMP): requirements.txt constraints.txt pyproject.toml | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt -e .
	@touch $(STAMP)

## vendor: fetch the book's JavaScript (MathJax, RequireJS, the widget manager) into vendor/ with
## `npm pack`, checked against book/_ext/vendor.lock.json; a no-op when vendor/ already matches
vendor: $(STAMP)
	$(BIN)/python book/_ext/vendor.py

# The execution cache is keyed on each notebook's code only: when the library changes, drop it so
# that the book always shows what the current lassolib computes.
LIBRARY := $(shell find lassolib -name '*.py' -o -name '*.csv')
LIBSTAMP := $(BUILD)/.lassolib-stamp
$(LIBSTAMP): $(LIBRARY)
	rm -rf $(BUILD)/.jupyter_cache
	@mkdir -p $(BUILD) && touch $@

## book: build the HTML book into _build/html (notebooks executed, cached in _build/.jupyter_cache);
## it is self-contained: open _build/html/index.html from disk, no network needed
book: vendor $(LIBSTAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)

## test: build the book, then the library tests, nbval over every notebook, and the browser checks;
## then nbval once more with another CPU's arithmetic (OpenBLAS's and numba's SSE4.2 kernels, which
## add in another order than AVX2 or AVX-512 ones), so that the stored outputs hold on any machine
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
OTHER_CPU := OPENBLAS_CORETYPE=Nehalem NUMBA_CPU_NAME=nehalem
test: book
	$(BIN)/python -m pytest tests book $(NBVAL)
	@if [ "$$(uname -m)" = x86_64 ]; then \
	  echo "nbval again, with $(OTHER_CPU)"; \
	  $(OTHER_CPU) $(BIN)/python -m pytest book $(NBVAL) -q; \
	fi

## test-fast: the library tests only (no build, no notebooks, no browser, no install resolution)
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests -m "not browser and not install" -p no:nbval

## lab: open the notebooks in JupyterLab with live widgets (as root too, as in many containers)
lab: $(STAMP)
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "make lab: running as root, so JupyterLab is started with --allow-root"; \
	  $(BIN)/jupyter lab --allow-root book/; \
	else \
	  $(BIN)/jupyter lab book/; \
	fi

## serve: serve the built book on http://localhost:8000 (run `make book` first)
serve:
	@test -f $(BUILD)/html/index.html || { echo "no built book in $(BUILD)/html: run make book first"; exit 1; }
	@echo "serving $(BUILD)/html on http://localhost:8000 (Ctrl-C to stop)"
	$(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON)) -m http.server --bind 127.0.0.1 --directory $(BUILD)/html 8000

## notebooks: re-execute every notebook in place (fresh kernel) and strip widget state
notebooks: $(STAMP)
	$(BIN)/python book/_ext/execute_notebooks.py

## bench: lassolib against scikit-learn, celer and skglm at matched certified accuracy; prints the
## tables and stores benchmarks/results/<date>.json and latest.json (`benchmarks/run.py --quick`: seconds)
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

## bench-sweeps: per-move time of every λ sweep in the built book, and per-frame drawing time
bench-sweeps: book
	$(BIN)/python benchmarks/sweeps.py

clean:
	rm -rf $(BUILD)
