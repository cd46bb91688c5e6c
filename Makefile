# One obvious command for each chore. `make run` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test pytest lint format migrate seed serve openapi schemathesis

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: install migrate seed serve  ## install, migrate, load the seeds and serve on HOST:PORT

migrate: install
	$(BIN)/python -m service migrate

seed: install
	$(BIN)/python -m service seed

serve: install
	$(BIN)/python -m service serve --host $(HOST) --port $(PORT)

test: lint pytest  ## lint, type-check, then the whole suite on SQLite and PostgreSQL

# Two processes (pytest-xdist): each builds its own databases, temp dirs and servers on
# ports of their own. worksteal starts each on half the suite, the two long schemathesis
# items (one per backend) on different halves, then balances what is left.
pytest: install
	$(BIN)/pytest -n 2 --dist worksteal

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

openapi: install
	$(BIN)/python -m service openapi

schemathesis: install  ## the long run: a live server, every check and phase, >= 10,000 cases a backend
	$(BIN)/pytest -m exhaustive -s tests/test_schemathesis.py
