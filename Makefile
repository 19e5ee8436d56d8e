# The two commands: `make book` (set up + strict build of the whole site) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MATHJAX := _vendor/site/mathjax/tex-chtml.js
# Strict: any Sphinx warning or failing cell fails the build; every failing page and warning of
# one build is summarised once at the end (tools/build_report.py). Notebooks execute in
# BOOK_JOBS (default 2) parallel Sphinx reader processes (tools/jb_build.py). `--all` (re-read every page) is
# used in CI, on a first build, and whenever the previous build failed -- an incremental strict
# build after a failed one could otherwise skip the pages that warned.
JB_FLAGS := -W -n --keep-going
# One BLAS/OpenMP thread per process. The build runs BOOK_JOBS notebook kernels at once on a
# 2-core machine (and pytest runs 2 workers); OpenBLAS's own threads on top oversubscribe the
# cores and spin-wait: a 1,629 x 30 least-squares solve took 100 ms instead of 0.7 ms, and the
# Poisson/NB2 fits of the spillover-pool page 14.8 s instead of 2.3 s. Results are the same
# to rounding (single-threaded BLAS is, if anything, the more reproducible).
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
# Fixed string hashing: pyfixest's two-way demeaning visits the fixed effects in an order that
# follows Python's (per-process random) string hashes, and the alternating projections stop at
# their tolerance at slightly different points (glaeser's two-way s.e. moved in the 8th digit
# between two builds). A fixed seed makes two builds print identical numbers.
export PYTHONHASHSEED := 0
BUILD_OK := _build/.last-build-ok

.PHONY: book test venv vendor clean rerun lint unit bench pdf determinism peer

# The execution cache keys on each page's code plus a hash of the page's dependencies (book
# modules, data, published targets: book/sphinxext.py), so edits re-execute exactly the pages
# they affect. The environment is guarded by its own hash (pins, npm lock, Python version, the
# thread and hash-seed settings exported above):
# when that changes, the cache is dropped and every notebook re-runs.
ENV_HASH := _build/.env-hash

book: $(STAMP) $(MATHJAX)
	@mkdir -p _build; \
	h=$$( (cat requirements.txt package-lock.json; $(BIN)/python -VV; \
	  env | grep -E '^(OPENBLAS_NUM_THREADS|OMP_NUM_THREADS|MKL_NUM_THREADS|PYTHONHASHSEED)=' | sort) \
	  | sha256sum | cut -c1-16); \
	if [ -f $(ENV_HASH) ] && [ "$$(cat $(ENV_HASH))" != "$$h" ]; then \
	  echo "environment changed ($$(cat $(ENV_HASH)) -> $$h): dropping the execution cache"; \
	  rm -rf _build/.jupyter_cache _build/ledger $(BUILD_OK); fi; \
	echo "$$h" > $(ENV_HASH)
	@start=$$(date +%s); all=""; \
	if [ -n "$$CI" ] || [ ! -f $(BUILD_OK) ]; then all="--all"; fi; \
	rm -f $(BUILD_OK); \
	$(BIN)/python tools/jb_build.py build . $(JB_FLAGS) $$all 2> >(tee _build/build-warnings.log >&2); \
	rc=$$?; \
	if [ $$rc -eq 0 ]; then touch $(BUILD_OK); fi; \
	echo "jupyter-book build ($${all:-incremental}, $${BOOK_JOBS:-2} jobs) finished in $$(( $$(date +%s) - start )) s (exit $$rc)"; \
	if [ $$rc -ne 0 ]; then $(BIN)/python tools/build_report.py _build/build-warnings.log; exit $$rc; fi

# Tests run in 2 pytest-xdist workers; --dist loadfile keeps each file (and its module-scoped
# browser/server fixtures) in one worker.
test: book pdf
	$(BIN)/python -m pytest -n 2 --dist loadfile

# Printable PDF of the whole book: single-page HTML (notebooks from the cache) printed by
# Debian's Chromium through Playwright (bookmarks, contents page, page numbers); offline. When
# the site exists, an incremental `make book` then ships the PDF into it and links it from the
# landing page (the link is written only when the PDF exists: book/sphinxext.py, book-pdf).
pdf: $(STAMP) $(MATHJAX)
	$(BIN)/jupyter-book build . --builder singlehtml -n --keep-going
	$(BIN)/python tools/print_pdf.py _build/singlehtml _build/pdf/book.pdf
	@if [ -d _build/html ]; then $(MAKE) --no-print-directory book; fi

unit: $(STAMP) $(MATHJAX)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not build and not browser and not bench and not peer"

lint: $(STAMP)
	$(BIN)/ruff check book tests tools

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

vendor: $(MATHJAX)

$(MATHJAX): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf _vendor/site/mathjax && mkdir -p _vendor/site
	cp -r node_modules/mathjax/es5 _vendor/site/mathjax
	touch $(MATHJAX)

# Force re-execution of every notebook (the cache already follows code, data and targets).
rerun:
	rm -rf _build/.jupyter_cache _build/ledger $(BUILD_OK)
	$(MAKE) book

# Two builds must print the same numbers: keep this build's ledger rows, re-execute every
# notebook from scratch -- inside a network namespace with no network when run as root, which
# also proves the build is offline -- and compare row by row (bit-identical floats).
determinism: book
	rm -rf _build/ledger-previous && cp -r _build/ledger _build/ledger-previous
	$(BIN)/python tools/dump_glue.py _build/glue-previous.json
	if [ "$$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then \
	  unshare -n sh -c 'ip link set lo up 2>/dev/null; $(MAKE) rerun'; \
	else $(MAKE) rerun; fi
	$(BIN)/python tools/dump_glue.py _build/glue.json
	$(BIN)/python tools/compare_ledgers.py _build/ledger-previous _build/ledger \
	  _build/glue-previous.json _build/glue.json

clean:
	rm -rf _build _vendor node_modules

# Scale curves (about 5 min on 2 cores): results in _build/bench/*.json, summary in
# _build/bench/REPORT.md. BENCH_FULL=1 make bench adds the largest sizes (Moran/LISA N = 128,000).
bench: $(STAMP)
	$(BIN)/python -m pytest -m bench -p no:cacheprovider
	$(BIN)/python tools/bench_report.py

# Peer suite: the book's estimators against R (spdep, spatialreg, plm, MASS glm.nb, sandwich) on
# the same data (tools/peer/run.py prints estimator | ours | peer | difference | verdict).
# Debian's R packages are installed as root when missing (about 3 min once; splm is not packaged
# by Debian -- the FE spatial panels are checked against spatialreg on demeaned data instead).
PEER_DEBS := r-base-core r-cran-plm r-cran-spdep r-cran-spatialreg r-cran-aer r-cran-mass \
  r-cran-sandwich r-cran-lmtest
peer: $(STAMP)
	@missing=$$(for p in $(PEER_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "make peer: install as root: apt-get install $$missing"; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@start=$$(date +%s); $(BIN)/python tools/peer/run.py; rc=$$?; \
	echo "make peer: $$(( $$(date +%s) - start )) s (exit $$rc)"; exit $$rc
