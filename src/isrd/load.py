"""Read ISRD tables into typed pandas DataFrames, and write them back byte for byte.

Every cell is read as text and converted by its Table Schema type, so that nothing is guessed:
only an empty cell is missing ("NA", "None" and "null" stay text), an unknown category or a bad
date is an error naming file, line and column, never a silent NaN.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from . import schema as sch
from .problems import DataError, Problem

_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

TYPE_HINTS = {
    "integer": "write a whole number such as 12, or leave the cell empty when no figure is known",
    "number": "write a decimal number with a dot, such as 55.75",
    "date": "write the date as YYYY-MM-DD, such as 2024-03-22",
    "boolean": "write true or false, or leave the cell empty",
}


def parse_cell(field: dict, text: str):
    """The Python value of one non-empty cell, or raise ValueError saying what is wrong."""
    kind = field["type"]
    if kind == "string":
        allowed = sch.enum(field)
        if allowed and text not in allowed:
            raise ValueError("is not one of the allowed values")
        return text
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number" and _NUMBER.fullmatch(text):
        return float(text)
    if kind == "date" and _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError("is not a real calendar date") from None
    if kind == "boolean":
        if text in field.get("trueValues", ["true"]):
            return True
        if text in field.get("falseValues", ["false"]):
            return False
    raise ValueError(f"is not a valid {kind}")


def format_cell(field: dict, value) -> str:
    """The canonical text of a value: what the writer puts in the file."""
    import pandas as pd

    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return ""
    kind = field["type"]
    if kind == "integer":
        return str(int(value))
    if kind == "number":
        text = repr(float(value))
        return text[:-2] if text.endswith(".0") else text
    if kind == "boolean":
        return field.get("trueValues", ["true"])[0] if value else field.get("falseValues", ["false"])[0]
    if kind == "date":
        return value.strftime("%Y-%m-%d")
    return str(value)


def read_rows(path: Path, table: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, data rows and the file line each row starts on. Raises DataError if undecodable."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([Problem(table, line, message="the file is not valid UTF-8 text",
                                 hint="save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
                                 kind="encoding")]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, lines = [], []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError([Problem(table, start, message=f"the CSV cannot be parsed: {exc}",
                                 hint="check the quotes on this line: a quote inside a cell is written twice (\"\")",
                                 kind="csv")]) from None
    if not rows:
        return [], [], []
    return rows[0], rows[1:], lines[1:]


def check_shape(table: str, schema: dict, header: list[str], rows: list[list[str]], lines: list[int]) -> list[Problem]:
    """Header exactly as the schema; every row with as many cells as the header."""
    problems = []
    expected = sch.field_names(schema)
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        if not header:
            msg = "the file is empty: it has no header line"
        elif missing or extra:
            parts = []
            if missing:
                parts.append("missing column(s): " + ", ".join(missing))
            if extra:
                parts.append("unexpected column(s): " + ", ".join(extra))
            msg = "the header does not match the schema: " + "; ".join(parts)
        else:
            msg = "the columns are not in the schema's order"
        problems.append(Problem(table, 1, message=msg, hint="the header must be exactly: " + ",".join(expected),
                                kind="header"))
        return problems
    for row, line in zip(rows, lines):
        if len(row) != len(header):
            what = "blank line" if not row else f"{len(row)} cells where the header has {len(header)}"
            problems.append(Problem(table, line, message=f"row has {what}",
                                    hint="a comma inside a cell needs the cell in double quotes; delete blank lines",
                                    kind="row-length"))
    return problems


def typed_frame(table: str, schema: dict, rows: list[list[str]], lines: list[int], problems: list[Problem]):
    """A DataFrame with the schema's dtypes. Bad cells become missing and are added to problems."""
    import pandas as pd

    columns = {}
    for i, field in enumerate(schema["fields"]):
        name = field["name"]
        values = []
        for row, line in zip(rows, lines):
            text = row[i]
            if text == "":
                values.append(None)
                continue
            try:
                values.append(parse_cell(field, text))
            except ValueError as exc:
                values.append(None)
                kind = "enum" if sch.enum(field) else "type"
                hint = (f"allowed values: {', '.join(sch.enum(field))}" if kind == "enum"
                        else TYPE_HINTS.get(field["type"], ""))
                problems.append(Problem(table, line, name, text, f"the value {exc}", hint, kind))
        dtype = sch.pandas_dtype(field)
        if field["type"] == "date":
            columns[name] = pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype=dtype)
        else:
            columns[name] = pd.Series(values, dtype=dtype if not isinstance(dtype, pd.CategoricalDtype) else object).astype(dtype)
    frame = pd.DataFrame(columns)
    frame.index = pd.RangeIndex(len(rows))
    return frame


def load(name: str, path: str | Path | None = None):
    """One table as a typed DataFrame: ``isrd.load("incidents")``.

    path: a folder holding datapackage.json (default: the data installed with the package).
    Raises isrd.DataError naming file, line and column if the table cannot be read without loss.
    """
    root = sch.resolve_root(path)
    schema = sch.table_schema(name, root)
    header, rows, lines = read_rows(root / sch.resources(root)[name]["path"], name)
    problems = check_shape(name, schema, header, rows, lines)
    if problems:
        raise DataError(problems)
    frame = typed_frame(name, schema, rows, lines, problems)
    if problems:
        raise DataError(problems)
    return frame


def load_all(path: str | Path | None = None) -> dict:
    """Every table, by name: ``isrd.load_all()["claims"]``."""
    return {name: load(name, path) for name in tables(path)}


def tables(path: str | Path | None = None) -> list[str]:
    """The names of the tables, in package order."""
    return list(sch.resources(path))


def to_csv_text(frame, schema: dict) -> str:
    """The canonical CSV text of a typed table: UTF-8, LF line ends, minimal quoting."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    fields = schema["fields"]
    writer.writerow([f["name"] for f in fields])
    cols = [frame[f["name"]].tolist() for f in fields]
    for values in zip(*cols):
        writer.writerow([format_cell(f, v) for f, v in zip(fields, values)])
    return out.getvalue()


def write(frame, name: str, dest: str | Path, path: str | Path | None = None) -> None:
    """Write a table loaded with isrd.load back to CSV, in the dataset's canonical form."""
    text = to_csv_text(frame, sch.table_schema(name, path))
    Path(dest).write_bytes(text.encode("utf-8"))
