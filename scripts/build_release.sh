#!/usr/bin/env bash
# Build the release artifacts into dist/: the wheel and sdist (which carry the data) and the dataset
# exported as Parquet, SQLite, DuckDB and CSV, each named with the version.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test,export]"
.venv/bin/isrd validate .
version=$(.venv/bin/python -c 'import json; print(json.load(open("schemas/package.json"))["version"])')
rm -rf dist && mkdir -p dist
.venv/bin/python -m build --outdir dist . >/dev/null
.venv/bin/isrd export --format sqlite "dist/isrd-$version.sqlite" .
.venv/bin/isrd export --format duckdb "dist/isrd-$version.duckdb" .
.venv/bin/isrd export --format parquet "dist/isrd-$version-parquet" .
.venv/bin/isrd export --format csv "dist/isrd-$version-csv" .
(cd dist && zip -qr "isrd-$version-parquet.zip" "isrd-$version-parquet" && zip -qr "isrd-$version-csv.zip" "isrd-$version-csv" \
   && rm -rf "isrd-$version-parquet" "isrd-$version-csv")
(cd dist && sha256sum -- * > SHA256SUMS)
ls -l dist
