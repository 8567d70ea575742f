"""Rules beyond types: cross-field checks on one table, and cross-table checks on the package.

Row rules are plain functions over a typed table; pandera_schema wraps them as Pandera checks.
Which rule applies to which field is read from the Table Schema (field types, the isrd:codelist
property), so a new field is covered without touching this file.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

from .problems import Problem

FORMULA_START = ("=", "+", "-", "@")
MAX_QUOTE_WORDS = 40
EVIDENCED_TABLES = ("incidents", "casualty_reports", "actors", "claims", "attributions")
_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?")
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class RowRule:
    name: str
    column: str
    message: str
    hint: str
    ok: Callable  # typed DataFrame -> boolean Series, True where the row passes

    @property
    def kind(self) -> str:
        return self.name


def today() -> dt.date:
    return dt.date.today()


def _fields(schema: dict, type_: str | None = None) -> list[dict]:
    return [f for f in schema["fields"] if type_ is None or f["type"] == type_]


def _not_formula(col: str):
    def ok(df):
        s = df[col].astype("string")
        risky = s.str.startswith(FORMULA_START).fillna(False)
        number = s.str.fullmatch(_NUMBER.pattern).fillna(False)
        return ~(risky & ~number)
    return ok


def _not_future(col: str):
    def ok(df):
        import pandas as pd
        return ~(df[col] > pd.Timestamp(today())).fillna(False)
    return ok


def _iso3(col: str):
    def ok(df):
        import pycountry
        codes = {c.alpha_3 for c in pycountry.countries}
        s = df[col].astype("string")
        return s.isna() | s.isin(codes)
    return ok


def _partial_date_ok(text) -> bool:
    m = _PARTIAL_DATE.fullmatch(text)
    if not m:
        return True  # the pattern constraint reports the form
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        date = dt.date(year, month or 1, day or 1)
    except ValueError:
        return False
    return date <= today()


def _partial_date(col: str):
    def ok(df):
        s = df[col].astype("string")
        return s.isna() | s.map(_partial_date_ok, na_action="ignore").astype("boolean").fillna(True)
    return ok


def _ordered(low: str, high: str):
    def ok(df):
        return ~(df[low] > df[high]).fillna(False)
    return ok


def _present_if(col: str, condition):
    def ok(df):
        return ~(condition(df) & df[col].isna())
    return ok


def _words_at_most(col: str, limit: int):
    def ok(df):
        return (df[col].astype("string").str.split().str.len() <= limit).fillna(True)
    return ok


def row_rules(table: str, schema: dict) -> list[RowRule]:
    """Every row rule that applies to a table."""
    rules = []
    names = {f["name"] for f in schema["fields"]}
    for f in _fields(schema, "string"):
        if not f.get("constraints", {}).get("enum"):
            rules.append(RowRule("no_formula", f["name"], "the text starts with = + - or @ and a spreadsheet would run it as a formula",
                                 "reword it so that it does not start with one of these characters", _not_formula(f["name"])))
        if f.get("isrd:codelist") == "ISO 3166-1 alpha-3":
            rules.append(RowRule("iso3166", f["name"], "is not an ISO 3166-1 alpha-3 country code",
                                 "use the three-letter code, such as RUS, AFG, IRN, SYR", _iso3(f["name"])))
    for f in _fields(schema, "date"):
        rules.append(RowRule("not_future", f["name"], "the date is after today",
                             "dates record what has happened; check the year", _not_future(f["name"])))
    if table == "sources" and "published" in names:
        rules.append(RowRule("real_date", "published", "is not a real date, or is after today",
                             "write YYYY, YYYY-MM or YYYY-MM-DD with a real month and day", _partial_date("published")))
    for measure in ("killed", "injured"):
        low, best, high = (f"{measure}_{x}" for x in ("low", "best", "high"))
        if {low, best, high} <= names:
            rules.append(RowRule("range_order", best, f"{measure}_low <= {measure}_best <= {measure}_high does not hold (low is above best)",
                                 "the low figure cannot exceed the best, nor the best the high", _ordered(low, best)))
            rules.append(RowRule("range_order", high, f"{measure}_low <= {measure}_best <= {measure}_high does not hold (best is above high)",
                                 "the low figure cannot exceed the best, nor the best the high", _ordered(best, high)))
            rules.append(RowRule("range_order", high, f"{measure}_low <= {measure}_high does not hold",
                                 "the low figure cannot exceed the high", _ordered(low, high)))
    if {"date_start", "date_end"} <= names:
        rules.append(RowRule("date_order", "date_end", "date_end is before date_start",
                             "date_end is the latest possible date; it cannot precede date_start", _ordered("date_start", "date_end")))
    if {"status", "status_reason"} <= names:
        rules.append(RowRule("retraction_reason", "status_reason", "the record is retracted but gives no reason",
                             "say in status_reason why the record was retracted",
                             _present_if("status_reason", lambda df: df["status"] == "retracted")))
    if {"authenticity", "authenticity_assessor_actor_id"} <= names:
        rules.append(RowRule("assessor", "authenticity_assessor_actor_id", "an authenticity judgement needs the actor who made it",
                             "name the assessor's actor_id, or set authenticity to unverified",
                             _present_if("authenticity_assessor_actor_id", lambda df: df["authenticity"] != "unverified")))
    if table == "citations":
        rules.append(RowRule("quote_length", "quote", f"the quote is longer than {MAX_QUOTE_WORDS} words",
                             "quote the shortest passage that backs the value", _words_at_most("quote", MAX_QUOTE_WORDS)))
    return rules


def plain_rows(df) -> list[dict]:
    """Rows as dicts of plain Python values, None where missing."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


def cross_table(frames: dict, schemas: dict, lines: dict) -> list[Problem]:
    """Rules across tables: tolls follow from reports, scope rules hold, citations point at real records and cover every record."""
    from .scope import scope_problems
    from .tolls import toll_problems

    problems = toll_problems(frames, lines) + scope_problems(frames, lines)
    cites = frames.get("citations")
    if cites is None:
        return problems
    keys = {}
    for table in EVIDENCED_TABLES:
        if table in frames:
            pk = schemas[table]["primaryKey"][0]
            keys[table] = set(frames[table][pk].dropna())
    cited = {t: set() for t in EVIDENCED_TABLES}
    for i, row in enumerate(plain_rows(cites)):
        line = lines["citations"][i]
        table, record, field = row["record_table"], row["record_id"], row["field"]
        if table is None or record is None or table not in keys:
            continue
        if record not in keys[table]:
            problems.append(Problem("citations", line, "record_id", record,
                                    f"there is no record {record} in {table}",
                                    f"record_id must be a {schemas[table]['primaryKey'][0]} in data/{table}.csv",
                                    "foreign-key"))
        fields = [f["name"] for f in schemas[table]["fields"]]
        if field is not None and field not in fields:
            problems.append(Problem("citations", line, "field", field, f"{table} has no field {field!r}",
                                    f"use one of: {', '.join(fields)}; or leave it empty to cite the whole record",
                                    "citation-field"))
        if row["status"] == "active":
            cited[table].add(record)
    for table in keys:
        df = frames[table]
        pk = schemas[table]["primaryKey"][0]
        for i, row in enumerate(plain_rows(df)):
            record, status = row[pk], row["status"]
            if record is not None and status == "active" and record not in cited[table]:
                problems.append(Problem(table, lines[table][i], pk, record, "the record has no citation",
                                        "add a row to data/citations.csv naming a source and a verbatim quote for it",
                                        "uncited"))
    return problems
