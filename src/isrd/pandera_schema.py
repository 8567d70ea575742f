"""Pandera schemas derived from the Table Schemas (a small converter of our own, as PUDL has:
pandera's Frictionless converter pins frictionless<=4.40.8 and drops dates and foreign keys)."""
from __future__ import annotations

import pandera.pandas as pa

from . import schema as sch
from .rules import row_rules


def _column_checks(field: dict) -> list:
    c = field.get("constraints", {})
    checks = []
    if "pattern" in c:
        checks.append(pa.Check.str_matches(f"^(?:{c['pattern']})$"))
    if "minimum" in c:
        checks.append(pa.Check.ge(c["minimum"]))
    if "maximum" in c:
        checks.append(pa.Check.le(c["maximum"]))
    if "maxLength" in c:
        checks.append(pa.Check.str_length(max_value=c["maxLength"]))
    if sch.enum(field):
        checks.append(pa.Check.isin(sch.enum(field)))
    return checks


def to_pandera(table: str, schema: dict, rules: list | None = None) -> pa.DataFrameSchema:
    """The Pandera schema of a table: dtypes, required fields, constraints, keys and row rules
    (rules: the table's row_rules, when the caller already has them)."""
    rules = row_rules(table, schema) if rules is None else rules
    columns = {
        f["name"]: pa.Column(sch.pandas_dtype(f), checks=_column_checks(f), nullable=not sch.required(f))
        for f in schema["fields"]
    }
    checks = [pa.Check(rule.ok, name=f"{rule.name}:{rule.column}:{i}")
              for i, rule in enumerate(rules)]
    return pa.DataFrameSchema(columns, checks=checks, unique=schema.get("primaryKey"),
                              strict=True, ordered=True, name=table)
