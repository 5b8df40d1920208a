# Kit des forums sécurité 2009 : les commandes du projet.
#   make serve   installe tout (.venv) puis sert le kit sur http://127.0.0.1:8000
#                (autre adresse : make serve SERVE_ADDR=127.0.0.1:8123)
#   make test    installe tout puis lance tous les tests
#   make repeter lance des tests plusieurs fois de suite, jusqu'au premier échec
#                (par défaut les tests du navigateur 20 fois : make repeter FOIS=50 TESTS=tests/browser/test_rgaa.py)
#   make verifier  vérifie les pages (liens, notes, encadrés, listes, sigles, menu) en français
#   make build   vérifie les pages puis construit le site dans site/ (mode strict)
#   make bench   mesure les temps de construction et le poids des pages
#   make verrou  recalcule requirements.lock et requirements-test.lock (versions exactes et
#                empreintes) après une modification de requirements.txt ou requirements-test.txt

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SERVE_ADDR ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1
# Python keeps the modules it compiles (__pycache__/, ignored by git), as it does by default, even
# where the environment asks otherwise: each test process then reads the kit's modules and the
# rewritten test modules compiled (collecting the tests: 2.1 s of processor time a process against 4.5 s).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: serve build verifier test repeter bench clean verrou

# Every Python package comes from a lock (exact version and SHA-256 of each file), as a wheel:
# odfpy alone publishes none on PyPI, so its wheel, made once from its pure-Python source, is kept
# in vendor/wheels/ (see its README). The locked pip and setuptools (requirements-build.lock) are
# installed first: the pip a new venv brings (Python's own, older) does not hold an extra's
# dependency (weasyprint's fonttools[woff]) to its locked version once a newer one is published. The
# kit itself is installed in editable mode (src/kit, tools/kitdev/, its MkDocs plugins) by the locked
# setuptools; --no-build-isolation keeps that offline.
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
  --only-binary=:all: --find-links vendor/wheels --no-build-isolation

$(VENV)/.installed: requirements-build.lock requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements-build.lock
	$(PIP_INSTALL) -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps -e .
	touch $@

# The test lock holds the whole tree, the site's packages at the versions of requirements.lock.
$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(PIP_INSTALL) -r requirements-test.lock
	touch $@

# The locks, resolved by uv (installed apart, in .venv-verrou/, only for this) for this kind of
# machine: CPython 3.11 on x86_64 Linux. Versions already locked are kept while the inputs allow
# them; `rm requirements*.lock && make verrou` moves every dependency to its newest version.
UV_VERSION := 0.13.9
UV := .venv-verrou/bin/uv
UV_COMPILE := $(UV) pip compile --quiet --generate-hashes --only-binary :all: --find-links vendor/wheels \
  --python-version 3.11.7 --python-platform x86_64-manylinux_2_36 --custom-compile-command "make verrou"

verrou:
	test -x $(UV) || { $(PYTHON) -m venv .venv-verrou && .venv-verrou/bin/python -m pip install --quiet uv==$(UV_VERSION); }
	$(UV_COMPILE) requirements.txt -o requirements.lock
	printf 'pip\nsetuptools\n' | $(UV_COMPILE) - -c requirements.lock -o requirements-build.lock
	$(UV_COMPILE) requirements.txt requirements-test.txt -c requirements.lock -o requirements-test.lock

# Test tools from npm (an independent ICS reader, the W3C HTML checker, axe-core), never published.
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
	$(BIN)/python -m pytest -n auto --dist loadfile

# A test that fails by chance shows itself here: the same selection run again and again (tools/kitdev/repeat.py).
FOIS  ?= 20
TESTS ?= tests/browser/
repeter: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/python -m kitdev.repeat $(FOIS) $(TESTS)

bench: $(VENV)/.installed-test
	$(BIN)/python -m kitdev.bench

clean:
	rm -rf site .cache .pytest_cache .hypothesis .mypy_cache .ruff_cache
