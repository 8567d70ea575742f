"""Validate an ISRD data package and report every problem at once, in plain words.

Four passes, each reporting with table, CSV line, column, bad value and a hint:
1. the files themselves: UTF-8, no byte-order mark, LF line ends, header, cells per row, types;
2. Frictionless: the package against its Table Schemas (constraints, primary and foreign keys);
3. Pandera: the typed tables against schemas derived from the same Table Schemas, plus row rules;
4. rules across tables (what citations point at; every record cited) and the round-trip form.
frictionless and pandera are imported here, inside functions, so that ``import isrd`` stays light.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from . import schema as sch
from .load import check_shape, read_rows, to_csv_text, typed_frame
from .problems import DataError, Problem

PACKAGE_FILE = "datapackage.json"
# Reported in our own words by pass 1; frictionless's versions would only repeat them.
_STRUCTURAL = {"missing-label", "extra-label", "incorrect-label", "duplicate-label", "blank-label", "blank-header",
               "extra-cell", "missing-cell", "blank-row", "encoding-error", "source-error", "scheme-error",
               "format-error", "hash-count", "byte-count", "type-error"}
_CONSTRAINT = re.compile(r'constraint "(\w+)"')


class _Table:
    """What pass 1 learnt of one table, for the later passes."""

    def __init__(self, name: str, schema: dict, path: Path, declared: dict):
        self.name, self.schema, self.path = name, schema, path
        self.declared = declared  # the bytes and hash datapackage.json records for the file, if any
        self.stale = False
        self.frame = None
        self.lines: list[int] = []  # file line of each row in frame
        self.all_lines: list[int] = []  # file line of every data row, as frictionless counts rows
        self.text = ""


def _field(schema: dict, name: str) -> dict:
    return next((f for f in schema["fields"] if f["name"] == name), {})


def constraint_problem(table: str, line: int, field: dict, value, constraint: str) -> Problem:
    c = field.get("constraints", {})
    name = field.get("name", "")
    if constraint == "required":
        return Problem(table, line, name, None, "this field is required but the cell is empty",
                       "fill it in (see the codebook for what it holds)", "required")
    if constraint == "enum":
        return Problem(table, line, name, value, "the value is not one of the allowed values",
                       "allowed values: " + ", ".join(c.get("enum", [])), "enum")
    if constraint == "pattern":
        example = field.get("example")
        return Problem(table, line, name, value, "the value does not have the expected form",
                       f"write it like {example}" if example else f"it must match {c.get('pattern')}", "pattern")
    if constraint in ("minimum", "maximum"):
        word = "below the minimum" if constraint == "minimum" else "above the maximum"
        return Problem(table, line, name, value, f"the value is {word} {c.get(constraint)}",
                       "counts cannot be negative; coordinates are degrees within range", constraint)
    return Problem(table, line, name, value, f"the value breaks the {constraint} constraint", "", constraint)


def _byte_problems(table: str, raw: bytes) -> list[Problem]:
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(table, 1, message="the file starts with a byte-order mark (BOM)",
                                hint="save as UTF-8 without BOM", kind="bom"))
    if b"\r" in raw:
        line = raw[: raw.index(b"\r")].count(b"\n") + 1
        problems.append(Problem(table, line, message="the file has Windows (CRLF) or old Mac (CR) line ends",
                                hint="save with Unix (LF) line ends", kind="line-ends"))
    if raw and not raw.endswith(b"\n"):
        problems.append(Problem(table, raw.count(b"\n") + 1, message="the last line does not end with a line break",
                                hint="add a line break after the last row", kind="final-newline"))
    return problems


def _read_package(root: Path, problems: list[Problem]) -> dict[str, _Table]:
    path = root / PACKAGE_FILE
    if not path.is_file():
        problems.append(Problem(PACKAGE_FILE, 0, message=f"no {PACKAGE_FILE} in {root}",
                                hint="run isrd validate in the dataset's folder, or pass that folder", kind="package"))
        return {}
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
        resources = package["resources"]
        names = [r["name"] for r in resources]
    except (ValueError, KeyError, TypeError) as exc:
        problems.append(Problem(PACKAGE_FILE, 0, message=f"{PACKAGE_FILE} cannot be read: {exc}",
                                hint="regenerate it with python scripts/build_datapackage.py", kind="package"))
        return {}
    tables = {}
    for res, name in zip(resources, names):
        try:
            schema = res["schema"]
            if isinstance(schema, str):
                schema = json.loads((root / schema).read_text(encoding="utf-8"))
            sch.field_names(schema)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(Problem(PACKAGE_FILE, 0, message=f"the schema of {name} cannot be read: {exc}",
                                    kind="package"))
            continue
        declared = {k: res[k] for k in ("bytes", "hash") if k in res}
        tables[name] = _Table(name, schema, root / res.get("path", f"data/{name}.csv"), declared)
    return tables


def _pass_files(tables: dict[str, _Table], problems: list[Problem]) -> None:
    for t in tables.values():
        if not t.path.is_file():
            problems.append(Problem(t.name, 0, message=f"the file {t.path.name} is missing",
                                    hint="every table listed in datapackage.json needs its CSV file", kind="missing-file"))
            continue
        raw = t.path.read_bytes()
        actual = sch.integrity_of(raw)
        t.stale = any(actual[k] != v for k, v in t.declared.items())
        problems.extend(_byte_problems(t.name, raw))
        try:
            header, rows, lines = read_rows(t.path, t.name)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        t.all_lines = lines
        shape = check_shape(t.name, t.schema, header, rows, lines)
        problems.extend(shape)
        if any(p.kind == "header" for p in shape):
            continue
        good = [(r, ln) for r, ln in zip(rows, lines) if len(r) == len(header)]
        t.lines = [ln for _, ln in good]
        t.frame = typed_frame(t.name, t.schema, [r for r, _ in good], t.lines, problems)
        t.text = raw.decode("utf-8")


def _pass_integrity(tables: dict[str, _Table], problems: list[Problem]) -> None:
    """datapackage.json records each file's bytes and sha256: a CSV edited since it was generated
    makes the package stale, and the fix is one command."""
    stale = [t.path.name for t in tables.values() if t.stale]
    if stale:
        problems.append(Problem(PACKAGE_FILE, 0, message=f"{', '.join(stale)} changed after {PACKAGE_FILE} was generated "
                                "(its recorded bytes and sha256 no longer match)",
                                hint="run python scripts/build_datapackage.py and commit the new datapackage.json",
                                kind="stale-datapackage"))


def _pass_frictionless(root: Path, tables: dict[str, _Table], problems: list[Problem]) -> None:
    import frictionless

    try:
        descriptor = json.loads((root / PACKAGE_FILE).read_text(encoding="utf-8"))
        for res in descriptor.get("resources", []):
            # integrity is checked by _pass_integrity, in words a contributor can act on
            res.pop("hash", None)
            res.pop("bytes", None)
        report = frictionless.Package(descriptor, basepath=str(root)).validate()
    except Exception as exc:  # frictionless raises its own exception types for unreadable descriptors
        problems.append(Problem(PACKAGE_FILE, 0, message=f"Frictionless could not open the package: {exc}",
                                kind="package"))
        return
    for err in report.errors:
        problems.append(Problem(PACKAGE_FILE, 0, message=f"Frictionless: {err.message}", kind=err.type))
    for task in report.tasks:
        t = tables.get(task.name)
        if t is None or t.frame is None:
            continue  # unreadable table: pass 1 has said why
        for err in task.errors:
            if err.type in _STRUCTURAL:
                continue
            row = getattr(err, "row_number", None)
            line = t.all_lines[row - 2] if row and 0 <= row - 2 < len(t.all_lines) else 0
            if err.type == "constraint-error":
                m = _CONSTRAINT.search(err.note or "")
                problems.append(constraint_problem(t.name, line, _field(t.schema, err.field_name), err.cell,
                                                   m.group(1) if m else "unknown"))
            elif err.type == "primary-key":
                pk = t.schema["primaryKey"]
                first = re.search(r"position (\d+)", err.note or "")
                where = f" on line {t.all_lines[int(first.group(1)) - 2]}" if first else ""
                names = sch.field_names(t.schema)
                cells = list(err.cells or [])
                key = [str(cells[names.index(k)]) for k in pk if names.index(k) < len(cells)]
                problems.append(Problem(t.name, line, ",".join(pk), ",".join(key) or None,
                                        f"the key ({', '.join(pk)}) is already used{where}",
                                        "each record needs its own id: take the next unused one", "unique"))
            elif err.type == "foreign-key":
                fields = list(getattr(err, "field_names", []) or [])
                cells = list(getattr(err, "field_cells", []) or [])
                fk = next((k for k in t.schema.get("foreignKeys", []) if k["fields"] == fields), None)
                parent = (fk["reference"]["resource"] or t.name) if fk else "?"
                pfield = fk["reference"]["fields"][0] if fk else "?"
                problems.append(Problem(t.name, line, ",".join(fields), ",".join(map(str, cells)) or None,
                                        f"no {pfield} with this value in {parent}",
                                        f"add the record to data/{parent}.csv first, or correct the id", "foreign-key"))
            else:
                problems.append(Problem(t.name, line, getattr(err, "field_name", "") or "", getattr(err, "cell", None),
                                        f"Frictionless: {err.message}", "", err.type))


def _pandera_kind(check: str) -> str:
    for key, kind in (("str_matches", "pattern"), ("greater_than_or_equal", "minimum"),
                      ("less_than_or_equal", "maximum"), ("isin", "enum"), ("not_nullable", "required"),
                      ("unique", "unique"), ("str_length", "maxLength")):
        if key in check:
            return kind
    return check


def _shown(value) -> str | None:
    """A cell value as text for a report; None when missing."""
    import pandas as pd

    return None if value is None or (not isinstance(value, str) and bool(pd.isna(value))) else str(value)


def _pass_pandera(tables: dict[str, _Table], problems: list[Problem]) -> None:
    import pandera.pandas as pa

    from .pandera_schema import to_pandera
    from .rules import row_rules

    for t in tables.values():
        if t.frame is None:
            continue
        rules = row_rules(t.name, t.schema)
        rule_names = {r.name for r in rules}
        try:
            to_pandera(t.name, t.schema, rules).validate(t.frame, lazy=True)
            continue
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
        for case in cases.to_dict("records"):
            index, check, column = case.get("index"), str(case.get("check")), case.get("column")
            line = t.lines[int(index)] if _shown(index) is not None else 0
            value = _shown(case.get("failure_case"))
            if ":" in check and check.split(":")[0] in rule_names:
                rule = rules[int(check.rsplit(":", 1)[1])]
                cell = t.frame.at[int(index), rule.column] if _shown(index) is not None else None
                problems.append(Problem(t.name, line, rule.column, _shown(cell), rule.message, rule.hint, rule.kind))
                continue
            kind = _pandera_kind(check)
            field = _field(t.schema, column) if isinstance(column, str) else {}
            if kind in ("pattern", "minimum", "maximum", "enum", "required", "maxLength"):
                problems.append(constraint_problem(t.name, line, field, value, kind))
            elif kind == "unique":
                continue  # Frictionless reports duplicate keys with the line they repeat
            else:
                problems.append(Problem(t.name, line, column if isinstance(column, str) else "", value,
                                        f"Pandera check {check} failed", "", kind))


def _pass_round_trip(tables: dict[str, _Table], problems: list[Problem], failed: set[str]) -> None:
    """A table whose cells are valid must also be in the form the writer produces, so that
    loading and saving never changes a byte."""
    for t in tables.values():
        if t.frame is None or t.name in failed:
            continue
        canonical = to_csv_text(t.frame, t.schema).split("\n")
        original = t.text.split("\n")
        for i, (a, b) in enumerate(zip(original, canonical)):
            if a != b:
                problems.append(Problem(t.name, i + 1, message="the line is not written in the dataset's canonical form",
                                        value=a[:80], hint=f"write it as: {b[:200]}", kind="canonical"))
                break


def _merge(problems: list[Problem]) -> list[Problem]:
    """Drop reports of the same rule on the same cell made by more than one pass."""
    unreadable = {(p.table, p.line, p.column) for p in problems if p.kind in ("type", "enum")}
    seen, out = set(), []
    for p in problems:
        key = (p.table, p.line, p.column, p.kind, p.value if p.line == 0 else None)
        if p.kind == "required" and key[:3] in unreadable:
            continue  # the cell is not empty: it could not be read, which is already reported
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: (p.table, p.line, p.column, p.kind))


def validate(path: str | Path | None = None) -> list[Problem]:
    """Every problem in the package at path (default: the installed data); empty when valid."""
    root = sch.resolve_root(path)
    problems: list[Problem] = []
    tables = _read_package(root, problems)
    if not tables:
        return _merge(problems)
    _pass_files(tables, problems)
    _pass_integrity(tables, problems)
    _pass_frictionless(root, tables, problems)
    _pass_pandera(tables, problems)
    from .rules import cross_table

    ready = {n: t for n, t in tables.items() if t.frame is not None}
    problems.extend(cross_table({n: t.frame for n, t in ready.items()}, {n: t.schema for n, t in ready.items()},
                                {n: t.lines for n, t in ready.items()}))
    from .registry import registry_problems

    problems.extend(registry_problems(root, {n: t.frame for n, t in ready.items()}, {n: t.schema for n, t in ready.items()},
                                      {n: t.lines for n, t in ready.items()}))
    _pass_round_trip(tables, problems, {p.table for p in problems})
    return _merge(problems)


def report(problems: list[Problem]) -> str:
    if not problems:
        return "valid: no problems found"
    tables = sorted({p.table for p in problems})
    lines = [str(p) for p in problems]
    lines.append(f"\n{len(problems)} problem(s) in {', '.join(tables)}")
    return "\n".join(lines)
