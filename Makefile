# The two commands of the README: `make demo` and `make test`. Each builds .venv from
# nothing (python3, 3.11+) when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install bench fuzz clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/abisim demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Every benchmark, each ratio printed beside its target, then the summary. The issue's
# scale by default; smaller on a shared machine, e.g. `make bench BENCH_IMPORTERS=100000`.
BENCH_IMPORTERS ?= 1000000
BENCH_RECORDS ?= 200000
BENCH_SECONDS ?= 15
bench: $(STAMP)
	mkdir -p benchmarks/out
	( $(BIN)/python benchmarks/startup.py && \
	  $(BIN)/python benchmarks/parse.py --records $(BENCH_RECORDS) --stream $(BENCH_RECORDS) && \
	  $(BIN)/python benchmarks/parse.py --records $(BENCH_RECORDS) --stream $(BENCH_RECORDS) --one-transmission && \
	  $(BIN)/python benchmarks/ki.py --importers $(BENCH_IMPORTERS) && \
	  $(BIN)/python benchmarks/journal.py --importers $(BENCH_IMPORTERS) && \
	  $(BIN)/python benchmarks/diff.py --importers $(BENCH_IMPORTERS) && \
	  $(BIN)/python benchmarks/load.py --importers $(BENCH_IMPORTERS) --seconds $(BENCH_SECONDS) \
	) 2>&1 | tee benchmarks/out/bench.txt
	@echo "== ratios and targets"; grep -E "^(RATIO|TARGET)" benchmarks/out/bench.txt

# 1,000,000 mutated transmissions through submit (docs/benchmarks.md); takes a while.
fuzz: $(STAMP)
	$(BIN)/python benchmarks/fuzz.py --inputs 1000000

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
