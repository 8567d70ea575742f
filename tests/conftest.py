"""Fixtures: a scratch copy of the real data package that a test may break."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from isrd.schema import integrity

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_verdict_cache(monkeypatch):
    """Every test asks Frictionless afresh (a test that wants the verdict cache sets ISRD_CACHE_DIR)."""
    monkeypatch.setenv("ISRD_CACHE_DIR", "")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def pkg(tmp_path) -> Path:
    """A copy of datapackage.json, schemas/ and data/ in a temporary folder."""
    dest = tmp_path / "pkg"
    dest.mkdir()
    shutil.copy(ROOT / "datapackage.json", dest)
    shutil.copytree(ROOT / "schemas", dest / "schemas")
    shutil.copytree(ROOT / "data", dest / "data")
    if (ROOT / "releases").is_dir():
        shutil.copytree(ROOT / "releases", dest / "releases")
    return dest


def read(pkg: Path, table: str) -> list[list[str]]:
    text = (pkg / "data" / f"{table}.csv").read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def write(pkg: Path, table: str, rows: list[list[str]]) -> None:
    """Write a table and regenerate datapackage.json's bytes and hash, as a contributor would."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (pkg / "data" / f"{table}.csv").write_text(out.getvalue(), encoding="utf-8")
    refresh(pkg)


def refresh(pkg: Path) -> None:
    """Record the current bytes and sha256 of every data file in pkg/datapackage.json."""
    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        if (pkg / res["path"]).is_file():
            res.update(integrity(pkg / res["path"]))
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def set_cell(pkg: Path, table: str, row: int, column: str, value: str) -> int:
    """Set one cell (row 1 = first data row); return the file line it is on."""
    rows = read(pkg, table)
    rows[row][rows[0].index(column)] = value
    write(pkg, table, rows)
    return row + 1


def row_of(pkg: Path, table: str, key: str, value: str) -> int:
    """The row (1 = first data row) whose key column holds value."""
    rows = read(pkg, table)
    col = rows[0].index(key)
    return next(i for i, r in enumerate(rows) if i and r[col] == value)


def cell(pkg: Path, table: str, row: int, column: str) -> str:
    rows = read(pkg, table)
    return rows[row][rows[0].index(column)]


def append_row(pkg: Path, table: str, values: dict) -> int:
    """Append a row (missing columns empty); return its file line."""
    rows = read(pkg, table)
    rows.append([values.get(c, "") for c in rows[0]])
    write(pkg, table, rows)
    return len(rows)
