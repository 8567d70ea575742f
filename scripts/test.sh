#!/usr/bin/env bash
# The README's test command: install the package with its test extras into .venv, then run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# The report's browser test needs Chromium (driven by the playwright package, never its own download).
# Install Debian's when it is missing and we may (root with apt-get); otherwise that one test is skipped.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing chromium for the report's browser test (apt-get)" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null \
    || echo "could not install chromium; the browser test will be skipped" >&2
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
.venv/bin/python -m pytest -q "$@"
