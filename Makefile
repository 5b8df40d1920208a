# Kit des forums sécurité 2009 : les commandes du projet.
#   make serve   installe tout (.venv) puis sert le kit sur http://127.0.0.1:8000
#                (autre adresse : make serve SERVE_ADDR=127.0.0.1:8123)
#   make test    installe tout puis lance tous les tests
#   make verifier  vérifie les pages (liens, notes, encadrés, listes, sigles, menu) en français
#   make build   vérifie les pages puis construit le site dans site/ (mode strict)
#   make bench   mesure les temps de construction et le poids des pages

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SERVE_ADDR ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build verifier test bench clean

# The project itself is installed in editable mode (src/kit, tools/, its MkDocs plugins).
$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

# Test tools from npm (an independent ICS reader, the W3C HTML checker), never published.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# The server runs the editorial check itself, after each build, and shows its slips (and a failed
# build) in the terminal and on the served pages: it never stops on a slip, so that the page being
# fixed can be watched. It stops only when mkdocs.yml cannot be read or the address is taken.
serve: $(VENV)/.installed
	$(BIN)/python scripts/serve.py --dev-addr $(SERVE_ADDR)

verifier: $(VENV)/.installed
	$(BIN)/python scripts/verifier.py

build: verifier
	$(BIN)/mkdocs build --strict

test: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-test
	$(BIN)/python scripts/bench.py

clean:
	rm -rf site .cache .pytest_cache .hypothesis .mypy_cache .ruff_cache
