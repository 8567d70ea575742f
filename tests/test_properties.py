"""Property tests (Hypothesis): packages broken in generated ways always give a located problem, never an
exception, and nothing outside the package is read."""
from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import isrd
from isrd.validate import report, validate

from conftest import ROOT, refresh

TABLES = ["incidents", "actors", "claims", "attributions", "casualty_reports", "sources", "citations"]
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def copy_package() -> Path:
    dest = Path(tempfile.mkdtemp(prefix="isrd-prop-")) / "pkg"
    dest.mkdir()
    shutil.copy(ROOT / "datapackage.json", dest)
    for folder in ("schemas", "data", "releases"):
        shutil.copytree(ROOT / folder, dest / folder)
    return dest


def rows_of(pkg: Path, table: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((pkg / "data" / f"{table}.csv").read_text(encoding="utf-8"), newline="")))


def save(pkg: Path, table: str, rows) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (pkg / "data" / f"{table}.csv").write_text(out.getvalue(), encoding="utf-8")
    refresh(pkg)


# cells that no field of its type accepts
NOT_AN_ID = st.text(min_size=1, max_size=12).filter(lambda s: not s.isascii() or not s[4:].isdigit() or "-" not in s)
BAD_COUNT = st.one_of(st.text(alphabet="０１２３٠١٢abc-., ", min_size=1, max_size=6), st.just("007"),
                      st.integers(min_value=10**19, max_value=10**30).map(str), st.just("-3"))
BAD_DATE = st.one_of(st.dates().map(lambda d: d.strftime("%d/%m/%Y")), st.just("2023-02-29"), st.just("2024-13-01"),
                     st.text(alphabet="0123456789-", min_size=1, max_size=12).filter(lambda s: len(s) != 10))
POISON = st.sampled_from(["\x00", "\x07", "\u202e", "\u200b", "\ufeff", "e\u0301"])


@SETTINGS
@given(table=st.sampled_from(TABLES), row=st.integers(min_value=1, max_value=40), bad=NOT_AN_ID)
def test_a_broken_id_is_located(table, row, bad):
    pkg = copy_package()
    rows = rows_of(pkg, table)
    rows[row][0] = bad
    save(pkg, table, rows)
    problems = validate(pkg)
    assert any(p.table == table and p.line >= 2 for p in problems), report(problems)


@SETTINGS
@given(row=st.integers(min_value=1, max_value=300), column=st.sampled_from(["killed_best", "perpetrators_killed"]),
       bad=BAD_COUNT)
def test_a_broken_count_is_located(row, column, bad):
    pkg = copy_package()
    rows = rows_of(pkg, "incidents")
    rows[row][rows[0].index(column)] = bad
    save(pkg, "incidents", rows)
    problems = validate(pkg)
    assert any(p.table == "incidents" and p.line == row + 1 and p.column == column for p in problems), report(problems)
    if bad != "-3":  # a negative count is a whole number below the minimum: it loads, and validate names it
        with pytest.raises(isrd.DataError):
            isrd.load("incidents", pkg)


@SETTINGS
@given(row=st.integers(min_value=1, max_value=240), bad=BAD_DATE)
def test_a_broken_date_is_located_once(row, bad):
    pkg = copy_package()
    rows = rows_of(pkg, "claims")
    rows[row][rows[0].index("claim_date")] = bad
    save(pkg, "claims", rows)
    problems = validate(pkg)
    assert [(p.line, p.column) for p in problems] == [(row + 1, "claim_date")], report(problems)


@SETTINGS
@given(table=st.sampled_from(TABLES), row=st.integers(min_value=1, max_value=100), poison=POISON)
def test_poisoned_text_is_located(table, row, poison):
    pkg = copy_package()
    rows = rows_of(pkg, table)
    text_column = max(range(len(rows[0])), key=lambda i: len(rows[row][i]))  # the longest cell: free text
    rows[row][text_column] = rows[row][text_column] + poison
    save(pkg, table, rows)
    problems = validate(pkg)
    assert any(p.table == table and p.line >= 2 for p in problems), report(problems)


@SETTINGS
@given(table=st.sampled_from(TABLES), at=st.floats(min_value=0, max_value=1), junk=st.binary(min_size=1, max_size=40))
def test_random_bytes_never_raise(table, at, junk):
    pkg = copy_package()
    path = pkg / "data" / f"{table}.csv"
    raw = path.read_bytes()
    i = int(at * len(raw))
    path.write_bytes(raw[:i] + junk + raw[i:])
    problems = validate(pkg)  # must not raise
    assert all(isinstance(p.line, int) for p in problems)
    try:
        isrd.load(table, pkg)
    except isrd.DataError:
        pass


@SETTINGS
@given(table=st.sampled_from(TABLES), cut=st.integers(min_value=1, max_value=30))
def test_a_row_with_a_missing_cell_is_located(table, cut):
    pkg = copy_package()
    rows = rows_of(pkg, table)
    rows[cut] = rows[cut][:-1]
    save(pkg, table, rows)
    problems = validate(pkg)
    assert any(p.table == table and p.line == cut + 1 for p in problems), report(problems)


@SETTINGS
@given(st.lists(st.one_of(st.none(), st.from_regex(r"\AINC-[0-9]{1,6}\Z"), st.text(max_size=4)), max_size=40),
       st.booleans())
def test_repeated_key_values_are_found_whatever_their_order(values, in_order):
    """duplicated() marks exactly the rows that repeat an earlier row's value, whether or not its quick
    path (ids in order, shorter first) applies."""
    import pyarrow as pa

    from isrd.checks import duplicated

    if in_order:
        values = sorted({v for v in values if v is not None}, key=lambda v: (len(v.encode()), v.encode()))
    seen, want = set(), []
    for v in values:
        want.append(v is not None and v in seen)
        seen.add(v)
    assert duplicated([pa.array(values, pa.string())]).to_pylist() == want
