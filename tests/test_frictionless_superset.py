"""isrd validate reports every error Frictionless reports, at the same line, on every broken fixture.

The fixtures break ISRD's own tables in the ways frictionless-py's invalid test files do (data/invalid.csv:
a blank and a repeated header label, a short row, a repeated row, a blank line, a row with extra cells;
defective-rows.csv; blank-rows.csv, a row of empty cells; escaping.csv, backslash-escaped quotes), and in
the cell-level ways its constraint and type tests do. Frictionless validates the whole package here
(types, constraints, primary and foreign keys); isrd must name the same table and line for each error."""
from __future__ import annotations

import pytest

from isrd.validate import report, validate

from conftest import read, refresh, write

FIXTURES = {
    # frictionless-py data/invalid.csv and defective-rows.csv, spliced into actors
    "short row": lambda rows: rows[3].__delitem__(slice(-2, None)),
    "extra cells": lambda rows: rows[4].extend(["1", "2", "3"]),
    "repeated row": lambda rows: rows.insert(6, list(rows[5])),
    "blank label": lambda rows: rows[0].__setitem__(3, ""),
    "repeated label": lambda rows: rows[0].__setitem__(3, rows[0][1]),
    # blank-rows.csv: a row of empty cells
    "row of empty cells": lambda rows: rows.insert(7, [""] * len(rows[0])),
    # constraint and type errors
    "enum": lambda rows: rows[9].__setitem__(2, "wizard"),
    "pattern": lambda rows: rows[10].__setitem__(0, "ACT-12"),
    "required": lambda rows: rows[11].__setitem__(1, ""),
    "foreign key": lambda rows: rows[12].__setitem__(3, "ACT-9999"),
    "leading zeros in a key": lambda rows: rows[13].__setitem__(3, "ACT-00001"),
}


def frictionless_errors(pkg) -> list[tuple[str, int | None, str]]:
    """(resource, line, error type) of every error Frictionless finds in the package (hashes left out:
    fixtures change files on purpose)."""
    import json

    import frictionless

    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        res.pop("hash", None)
        res.pop("bytes", None)
    result = frictionless.Package(descriptor, basepath=str(pkg)).validate()
    out = []
    for task in result.tasks:
        for err in task.errors:
            out.append((task.name, getattr(err, "row_number", None) or (1 if "label" in err.type else None), err.type))
    return out


@pytest.mark.parametrize("name", FIXTURES)
def test_isrd_reports_every_error_frictionless_reports(pkg, name):
    rows = read(pkg, "actors")
    FIXTURES[name](rows)
    write(pkg, "actors", rows)
    theirs = frictionless_errors(pkg)
    assert theirs, f"the fixture {name!r} must be broken for Frictionless too"
    ours = validate(pkg)
    where = {(p.table, p.line) for p in ours}
    tables = {p.table for p in ours}
    for table, line, kind in theirs:
        if line is None:
            assert table in tables, f"Frictionless: {kind} in {table}; isrd:\n{report(ours)}"
        else:
            assert (table, line) in where, f"Frictionless: {kind} in {table} line {line}; isrd:\n{report(ours)}"


def test_escaping_fixture_is_caught_even_where_frictionless_accepts_it(pkg):
    """frictionless-py data/escaping.csv: a space after the comma and a backslash before a quote. Python's
    csv reads it without complaint; isrd names the line, since writing it back would change its bytes."""
    path = pkg / "data" / "actors.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = lines[8].split(",")
    cells[1] = ' "Test \\" line 3"'
    lines[8] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    refresh(pkg)
    theirs = {(t, line) for t, line, _ in frictionless_errors(pkg)}
    ours = {(p.table, p.line) for p in validate(pkg)}
    assert theirs <= ours
    assert ("actors", 9) in ours
