"""Export ISRD to Parquet, SQLite, DuckDB or CSV: ``export("sqlite", "isrd.sqlite")``.

Every column type, NOT NULL, CHECK, PRIMARY KEY, FOREIGN KEY and index is derived from the Table
Schemas (nothing restated by hand), so an export cannot drift from the data's own definition.
pyarrow and duckdb are imported only by the formats that need them (``pip install isrd[export]``).

Choices:
- Enum fields are dictionary-encoded in Parquet over the schema's full list of values (read back as
  categories by pandas, pyarrow and polars), with the allowed values in the field metadata too. In
  SQLite they are TEXT with a CHECK, in DuckDB ENUM types.
- Booleans are INTEGER 0/1 with a CHECK in SQLite; dates are ISO 'YYYY-MM-DD' TEXT there.
- Rows keep the order of data/*.csv, except that in a table referring to itself (actors) a row is
  moved after its parent when the CSV names the parent later: both databases check foreign keys
  row by row as they insert.
"""
from __future__ import annotations

import json
import os
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from . import schema as sch
from .load import load, tables, to_csv_text

FORMATS = ("parquet", "sqlite", "duckdb", "csv")

SQLITE_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}


def export(fmt: str, dest: str | Path, path: str | Path | None = None, overwrite: bool = False) -> list[Path]:
    """Write every table in format fmt and return the files written.

    dest: a folder for parquet and csv (one <table>.<fmt> per table, files in it are replaced);
    a file for sqlite and duckdb (one database), which is never replaced unless overwrite=True.
    path: a folder holding datapackage.json (default: the data installed with the package).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    from .validate import validate

    root = sch.resolve_root(path)
    problems = validate(root)
    if problems:
        shown = "\n".join(str(p) for p in problems[:5])
        raise ExportError(f"the package has {len(problems)} problem(s), and isrd exports only valid data; "
                          f"run isrd validate for all of them. The first:\n{shown}")
    dest = Path(dest)
    try:
        if fmt in ("parquet", "csv"):
            dest.mkdir(parents=True, exist_ok=True)
            return {"parquet": _parquet, "csv": _csv}[fmt](root, dest)
        if dest.exists() and not overwrite:
            raise FileExistsError(f"{dest} already exists; remove it, or replace it with overwrite=True (isrd export --overwrite)")
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".partial")  # a failed export leaves no half-written database
        partial.unlink(missing_ok=True)
        try:
            {"sqlite": _sqlite, "duckdb": _duckdb}[fmt](root, partial)
            os.replace(partial, dest)
        finally:
            partial.unlink(missing_ok=True)
    except FileExistsError:
        raise
    except OSError as exc:
        raise ExportError(f"cannot write to {dest}: {exc.strerror or exc}") from None
    return [dest]


class ExportError(ValueError):
    """The package is not valid, or the destination cannot be written: said in plain words."""


# --- shared: what the schemas say, as SQL and as plain Python values ---------------------------------

def _schemas(root: Path, views: bool = True) -> dict[str, dict]:
    """The tables' schemas, and the views' (events, derived when loaded) unless views=False."""
    from .events import VIEWS, view_schema

    out = {name: sch.table_schema(name, root) for name in tables(root)}
    if views:
        out.update({name: view_schema(name, root) for name in VIEWS})
    return out


def _foreign_keys(name: str, schema: dict) -> list[tuple[list[str], str, list[str]]]:
    """(fields, parent table, parent fields) per foreign key; an empty resource means this table."""
    return [(fk["fields"], fk["reference"]["resource"] or name, fk["reference"]["fields"])
            for fk in schema.get("foreignKeys", [])]


def _parents_first(schemas: dict[str, dict]) -> list[str]:
    """Tables in an order that inserts every referenced table before the tables referring to it."""
    graph = {name: {parent for _, parent, _ in _foreign_keys(name, s) if parent != name} for name, s in schemas.items()}
    try:
        return list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise ValueError(f"the foreign keys between tables form a cycle: {exc.args[1]}") from None


def _values(series, field: dict) -> list:
    """A column as plain Python values (None when missing): what every writer below takes."""
    import pandas as pd

    convert = {"string": str, "integer": int, "number": float, "boolean": bool,
               "date": lambda ts: ts.date()}[field["type"]]
    return [None if pd.isna(v) else convert(v) for v in series.tolist()]


def _self_fks(name: str, schema: dict) -> list[tuple[list[str], list[str]]]:
    return [(fields, parent_fields) for fields, parent, parent_fields in _foreign_keys(name, schema) if parent == name]


def _row_order(name: str, schema: dict, columns: dict[str, list]) -> list[int]:
    """Row positions, in file order except that a row referred to by its own table comes first."""
    n = len(next(iter(columns.values()), []))
    self_fks = _self_fks(name, schema)
    if not self_fks:
        return list(range(n))
    key = lambda cols, i: tuple(columns[c][i] for c in cols)  # noqa: E731
    where = {}
    for _, parent_cols in self_fks:
        where[tuple(parent_cols)] = {key(parent_cols, i): i for i in range(n)}
    order, placed, visiting = [], set(), set()

    def place(i: int) -> None:
        if i in placed:
            return
        if i in visiting:
            raise ValueError(f"{name}: rows refer to each other in a cycle (row {i + 1})")
        visiting.add(i)
        for cols, parent_cols in self_fks:
            parent = where[tuple(parent_cols)].get(key(cols, i))
            if parent is not None and parent != i:
                place(parent)
        placed.add(i)
        order.append(i)

    for i in range(n):
        place(i)
    return order


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _create_table(name: str, schema: dict, column_type) -> str:
    """CREATE TABLE with NOT NULL, PRIMARY KEY and FOREIGN KEY from the schema.

    column_type(field) gives the column's type and a CHECK clause (or "").
    """
    lines = []
    for f in schema["fields"]:
        kind, check = column_type(f)
        lines.append(" ".join(filter(None, [_q(f["name"]), kind, "NOT NULL" if sch.required(f) else "", check])))
    if schema.get("primaryKey"):
        pk = schema["primaryKey"]
        lines.append(f"PRIMARY KEY ({', '.join(map(_q, [pk] if isinstance(pk, str) else pk))})")
    for fields, parent, parent_fields in _foreign_keys(name, schema):
        lines.append(f"FOREIGN KEY ({', '.join(map(_q, fields))}) REFERENCES {_q(parent)} ({', '.join(map(_q, parent_fields))})")
    return f"CREATE TABLE {_q(name)} (\n  " + ",\n  ".join(lines) + "\n)"


# --- one function per format -------------------------------------------------------------------------

def _csv(root: Path, dest: Path) -> list[Path]:
    """The canonical CSV text, written by the same code that writes data/ (so byte-identical); the tables
    only, since a view is derived from them."""
    out = []
    for name, schema in _schemas(root, views=False).items():
        target = dest / f"{name}.csv"
        target.write_bytes(to_csv_text(load(name, root, include_retracted=True), schema).encode("utf-8"))
        out.append(target)
    return out


def _arrow_table(name: str, schema: dict, root: Path):
    """A pyarrow Table typed by the schema, with the table's and each field's description as metadata.

    Enums are dictionary-encoded over the schema's full list of values, so every reader sees the same
    categories whichever values occur; counts are int64, dates date32. The pandas metadata names the
    dtypes isrd.load gives (Int64, Float64, boolean, category, and pyarrow-backed dates), so a plain
    pd.read_parquet restores them instead of floats and objects."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
             "date": pa.date32()}
    frame = load(name, root, include_retracted=True)
    arrays, fields, dtypes = [], [], {}
    for f in schema["fields"]:
        meta = {"description": f.get("description", "")}
        plain = pa.array(_values(frame[f["name"]], f), type=types[f["type"]])
        allowed = sch.enum(f)
        if allowed:
            meta["enum"] = json.dumps(allowed, ensure_ascii=False)
            values = pa.array(allowed, pa.string())
            plain = pa.DictionaryArray.from_arrays(pc.cast(pc.index_in(plain, value_set=values), pa.int32()), values)
            dtypes[f["name"]] = pd.CategoricalDtype(allowed)
        elif f["type"] == "date":
            dtypes[f["name"]] = pd.ArrowDtype(pa.date32())
        else:
            dtypes[f["name"]] = sch.pandas_dtype(f)
        fields.append(pa.field(f["name"], plain.type, nullable=not sch.required(f), metadata=meta))
        arrays.append(plain)
    empty = pd.DataFrame({k: pd.Series([], dtype=v) for k, v in dtypes.items()})
    pandas_meta = pa.Schema.from_pandas(empty, preserve_index=False).metadata[b"pandas"]
    table_meta = {"description": schema.get("description", ""), "title": schema.get("title", ""),
                  "table_schema": json.dumps(schema, ensure_ascii=False), "pandas": pandas_meta}
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=table_meta))


def _parquet(root: Path, dest: Path) -> list[Path]:
    """One Parquet file per table, so each loads on its own in pandas, R, Polars or DuckDB."""
    import pyarrow.parquet as pq

    out = []
    for name, schema in _schemas(root).items():
        target = dest / f"{name}.parquet"
        pq.write_table(_arrow_table(name, schema, root), target)
        out.append(target)
    return out


def _sqlite_type(field: dict) -> tuple[str, str]:
    """TEXT/INTEGER/REAL, with a CHECK that keeps enums to the schema's list and booleans to 0/1."""
    col = _q(field["name"])
    if sch.enum(field):
        return "TEXT", f"CHECK ({col} IN ({', '.join(map(_literal, sch.enum(field)))}))"
    if field["type"] == "boolean":
        return "INTEGER", f"CHECK ({col} IN (0, 1))"
    return SQLITE_TYPES[field["type"]], ""


def _sqlite(root: Path, dest: Path) -> None:
    """One SQLite database (Datasette-ready): parents inserted first, with foreign keys enforced."""
    import sqlite3

    schemas = _schemas(root)
    con = sqlite3.connect(dest)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        for name in _parents_first(schemas):
            schema = schemas[name]
            con.execute(_create_table(name, schema, _sqlite_type))
            for fields, _, _ in _foreign_keys(name, schema):
                con.execute(f"CREATE INDEX {_q('idx_' + name + '_' + '_'.join(fields))} "
                            f"ON {_q(name)} ({', '.join(map(_q, fields))})")
            frame = load(name, root, include_retracted=True)
            columns = {f["name"]: _values(frame[f["name"]], f) for f in schema["fields"]}
            for f in schema["fields"]:  # SQLite has no date type: ISO text sorts and compares correctly
                if f["type"] == "date":
                    columns[f["name"]] = [None if d is None else d.isoformat() for d in columns[f["name"]]]
            rows = list(zip(*columns.values()))
            marks = ", ".join("?" * len(columns))
            with con:
                con.executemany(f"INSERT INTO {_q(name)} VALUES ({marks})",
                                [rows[i] for i in _row_order(name, schema, columns)])
        if con.execute("PRAGMA foreign_key_check").fetchall():
            raise ValueError("the data break a foreign key; run isrd validate")
    finally:
        con.close()


def _duckdb_type(field: dict) -> tuple[str, str]:
    """The DuckDB type; an ENUM type refuses values outside the schema's list by itself."""
    if sch.enum(field):
        return f"ENUM({', '.join(map(_literal, sch.enum(field)))})", ""
    return DUCKDB_TYPES[field["type"]], ""


def _duckdb(root: Path, dest: Path) -> None:
    """One DuckDB database with ENUMs, keys and comments.

    DuckDB checks a foreign key against rows already stored, even within a table, so a table that
    refers to itself is inserted in batches, each holding no row whose parent is in the same batch.
    """
    import duckdb

    schemas = _schemas(root)
    con = duckdb.connect(str(dest))
    try:
        for name in _parents_first(schemas):
            schema = schemas[name]
            con.execute(_create_table(name, schema, _duckdb_type))
            con.execute(f"COMMENT ON TABLE {_q(name)} IS {_literal(schema.get('description', ''))}")
            for f in schema["fields"]:
                con.execute(f"COMMENT ON COLUMN {_q(name)}.{_q(f['name'])} IS {_literal(f.get('description', ''))}")
            table = _arrow_table(name, schema, root)
            columns = {c: table.column(c).to_pylist() for c in table.column_names}
            for batch in _batches(name, schema, columns, _row_order(name, schema, columns)):
                con.register("isrd_part", table.take(batch))
                con.execute(f"INSERT INTO {_q(name)} SELECT * FROM isrd_part")
                con.unregister("isrd_part")
    finally:
        con.close()


def _batches(name: str, schema: dict, columns: dict[str, list], order: list[int]) -> list[list[int]]:
    """Cut order into runs in which no row refers (by a foreign key to its own table) to another."""
    self_fks = _self_fks(name, schema)
    batches, keys = [[]], [set() for _ in self_fks]
    for i in order:
        refs = [tuple(columns[c][i] for c in f) for f, _ in self_fks]
        if any(ref in seen for ref, seen in zip(refs, keys)):
            batches.append([])
            keys = [set() for _ in self_fks]
        batches[-1].append(i)
        for (_, p), seen in zip(self_fks, keys):
            seen.add(tuple(columns[c][i] for c in p))
    return [b for b in batches if b]
