"""Pandera schemas for the typed DataFrames that isrd.load gives, derived from the Table Schemas.

isrd validate checks the files themselves, vectorised on Arrow columns; Pandera checks the other side
of the contract, the frames users receive: every column there, in order, with the schema's dtype
(enums as Categoricals with exactly the schema's categories), no missing value in a required field, and
every constraint that can be stated on a typed column. A small converter of our own, as PUDL has:
pandera's Frictionless converter pins old frictionless and drops dates and foreign keys.
"""
from __future__ import annotations

import pandera.pandas as pa

from . import schema as sch


def _column_checks(field: dict) -> list:
    c = field.get("constraints", {})
    checks = []
    if "pattern" in c:
        checks.append(pa.Check.str_matches(f"^(?:{c['pattern']})$"))
    if "minimum" in c and field["type"] in ("integer", "number"):
        checks.append(pa.Check.ge(c["minimum"]))
    if "maximum" in c and field["type"] in ("integer", "number"):
        checks.append(pa.Check.le(c["maximum"]))
    if "maxLength" in c:
        checks.append(pa.Check.str_length(max_value=c["maxLength"]))
    if sch.enum(field):
        checks.append(pa.Check.isin(sch.enum(field)))
    return checks


def frame_schema(table: str, path=None) -> pa.DataFrameSchema:
    """The Pandera schema a loaded table meets: ``frame_schema("incidents").validate(isrd.load("incidents"))``."""
    schema = sch.table_schema(table, path)
    columns = {
        f["name"]: pa.Column(sch.pandas_dtype(f), checks=_column_checks(f), nullable=not sch.required(f))
        for f in schema["fields"]
    }
    return pa.DataFrameSchema(columns, unique=schema.get("primaryKey") or None, strict=True, ordered=True, name=table)
