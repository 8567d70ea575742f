#!/usr/bin/env bash
# The README's main job: install the package into .venv, then validate and summarise the dataset.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet .
.venv/bin/isrd summary
