# Two entry points: `make run` and `make test`. Each builds .venv from nothing if needed.
PYTHON ?= python3
# The suite mostly waits (terminals, a browser, real-time audio), so 3 workers overlap well on 2 cores.
TEST_WORKERS ?= 3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/companion run $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check companion tests bench audio docs
	$(BIN)/ruff format --check companion tests bench audio docs
	$(BIN)/mypy
	SDL_AUDIODRIVER=dummy PYGAME_HIDE_SUPPORT_PROMPT=1 $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: $(STAMP)
	for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV)
