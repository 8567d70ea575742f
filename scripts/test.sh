#!/usr/bin/env bash
# The README's test command: install the package with its test extras into .venv, then run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
.venv/bin/python -m pytest -q "$@"
