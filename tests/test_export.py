"""Exports: each format, read back with its own library, holds exactly what isrd.load gives."""
from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import subprocess
import sys

import pandas as pd
import pytest

import isrd
from isrd.export import export

from conftest import read, write

TABLES = isrd.tables()
PY = {"string": str, "integer": int, "number": float, "boolean": bool, "date": lambda ts: ts.date()}


def schema_of(name):
    return isrd.table_schema(name)


def fields_of(name):
    return schema_of(name)["fields"]


def foreign_keys():
    """(table, field, parent table, parent field) for every foreign key in the schemas."""
    return [(t, fk["fields"][0], fk["reference"]["resource"] or t, fk["reference"]["fields"][0])
            for t in TABLES for fk in schema_of(t).get("foreignKeys", [])]


def enum_fields():
    return [(t, f["name"]) for t in TABLES for f in fields_of(t) if f.get("constraints", {}).get("enum")]


def expected(name, root) -> list[tuple]:
    """The loader's rows as plain Python values: None for NA/NaT/NaN, dates as datetime.date."""
    frame = isrd.load(name, root, include_retracted=True)
    fields = fields_of(name)
    cols = [frame[f["name"]].tolist() for f in fields]
    return [tuple(None if pd.isna(v) else PY[f["type"]](v) for f, v in zip(fields, row)) for row in zip(*cols)]


def by_key(name, rows) -> dict:
    """Rows by primary key (databases may store a self-referencing table parents first)."""
    names = [f["name"] for f in fields_of(name)]
    pk = [names.index(c) for c in schema_of(name)["primaryKey"]]
    keyed = {tuple(r[i] for i in pk): r for r in rows}
    assert len(keyed) == len(rows), f"{name}: duplicate primary keys"
    return keyed


# --- the exports, made once per module ----------------------------------------------------------------

@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("export")


@pytest.fixture(scope="module")
def sqlite_db(root, out):
    return export("sqlite", out / "isrd.sqlite", root)[0]


@pytest.fixture(scope="module")
def duckdb_con(root, out):
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    con = duckdb.connect(str(export("duckdb", out / "isrd.duckdb", root)[0]), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def parquet_dir(root, out):
    pytest.importorskip("pyarrow")
    files = export("parquet", out / "parquet", root)
    assert [f.name for f in files] == [f"{t}.parquet" for t in TABLES] + ["events.parquet"]
    return out / "parquet"


# --- csv ---------------------------------------------------------------------------------------------

def test_csv_is_byte_identical_to_data(root, tmp_path):
    files = export("csv", tmp_path, root)
    assert [f.name for f in files] == [f"{t}.csv" for t in TABLES]
    for f in files:
        assert f.read_bytes() == (root / "data" / f.name).read_bytes(), f.name


@pytest.mark.parametrize("name", TABLES)
def test_csv_values(name, root, tmp_path):
    export("csv", tmp_path, root)
    parse = {"string": str, "integer": int, "number": float, "date": dt.date.fromisoformat,
             "boolean": {"true": True, "false": False}.__getitem__}
    with open(tmp_path / f"{name}.csv", newline="", encoding="utf-8") as fh:
        header, *rows = list(csv.reader(fh))
    fields = fields_of(name)
    assert header == [f["name"] for f in fields]
    got = [tuple(None if c == "" else parse[f["type"]](c) for f, c in zip(fields, r)) for r in rows]
    assert got == expected(name, root)


# --- parquet -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", TABLES)
def test_parquet_values(name, root, parquet_dir):
    import pyarrow.parquet as pq

    fields = [f["name"] for f in fields_of(name)]
    rows = pq.read_table(parquet_dir / f"{name}.parquet").to_pylist()
    assert [tuple(r[c] for c in fields) for r in rows] == expected(name, root)


@pytest.mark.parametrize("name", TABLES)
def test_parquet_types_and_descriptions_follow_the_schema(name, parquet_dir):
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
             "date": pa.date32()}
    schema = pq.read_schema(parquet_dir / f"{name}.parquet")
    assert schema.names == [f["name"] for f in fields_of(name)]
    assert schema.metadata[b"description"].decode() == schema_of(name)["description"]
    for f in fields_of(name):
        col = schema.field(f["name"])
        enum = f.get("constraints", {}).get("enum")
        assert col.type == (pa.dictionary(pa.int32(), pa.string()) if enum else types[f["type"]]), f["name"]
        assert col.nullable == (not f.get("constraints", {}).get("required", False)), f["name"]
        assert col.metadata[b"description"].decode() == f["description"]


@pytest.mark.parametrize("reader", ["pandas", "pyarrow", "polars", "duckdb"])
def test_parquet_keeps_its_types_for_every_reader(reader, parquet_dir):
    """Enums read back as categories (with the schema's full list), counts as nullable integers, dates as
    dates: each reader with its own defaults, no options."""
    path = str(parquet_dir / "incidents.parquet")
    if reader == "pandas":
        df = pd.read_parquet(path)
        assert isinstance(df["incident_type"].dtype, pd.CategoricalDtype)
        assert list(df["incident_type"].dtype.categories) == schema_of("incidents")["fields"][2]["constraints"]["enum"]
        assert str(df["killed_best"].dtype) == "Int64" and str(df["suicide_attack"].dtype) == "boolean"
        assert pd.api.types.is_datetime64_any_dtype(df["date_start"]) and df["date_start"].dt.year.min() >= 1900
    elif reader == "pyarrow":
        import pyarrow as pa
        import pyarrow.parquet as pq

        t = pq.read_table(path)
        assert pa.types.is_dictionary(t.schema.field("incident_type").type)
        assert t.schema.field("killed_best").type == pa.int64() and t.schema.field("date_start").type == pa.date32()
    elif reader == "polars":
        pl = pytest.importorskip("polars")
        df = pl.read_parquet(path)
        assert df.schema["incident_type"] == pl.Categorical
        assert df.schema["killed_best"] == pl.Int64 and df.schema["date_start"] == pl.Date
    else:
        import duckdb

        rel = duckdb.sql(f"SELECT killed_best, date_start, incident_type FROM '{path}'")
        # DuckDB reads a Parquet dictionary as VARCHAR (its ENUMs come with isrd export --format duckdb)
        assert [str(t) for t in rel.types] == ["BIGINT", "DATE", "VARCHAR"]


# --- sqlite ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", TABLES)
def test_sqlite_values(name, root, sqlite_db):
    fields = fields_of(name)
    con = sqlite3.connect(sqlite_db)
    rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
    storage = {"string": "text", "integer": "integer", "number": "real", "boolean": "integer", "date": "text"}
    for f in fields:  # what SQLite stored, not only what the column declares
        kinds = {k for (k,) in con.execute(f'SELECT DISTINCT typeof("{f["name"]}") FROM "{name}"')}
        assert kinds <= {storage[f["type"]], "null"}, (f["name"], kinds)
    con.close()

    def value(f, v):
        if v is None:
            return None
        if f["type"] == "boolean":
            assert v in (0, 1)
            return bool(v)
        return dt.date.fromisoformat(v) if f["type"] == "date" else v

    got = [tuple(value(f, v) for f, v in zip(fields, r)) for r in rows]
    assert by_key(name, got) == by_key(name, expected(name, root))


@pytest.mark.parametrize("name", TABLES)
def test_sqlite_columns_keys_and_indexes_follow_the_schema(name, sqlite_db):
    con = sqlite3.connect(sqlite_db)
    info = con.execute(f'PRAGMA table_info("{name}")').fetchall()  # cid, name, type, notnull, default, pk
    types = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}
    assert [(c[1], c[2], bool(c[3])) for c in info] == [
        (f["name"], types[f["type"]], f.get("constraints", {}).get("required", False)) for f in fields_of(name)]
    assert [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]] == schema_of(name)["primaryKey"]
    fks = {(r[3], r[2], r[4]) for r in con.execute(f'PRAGMA foreign_key_list("{name}")')}
    assert fks == {(f, parent, pf) for t, f, parent, pf in foreign_keys() if t == name}
    first_columns = {con.execute(f'PRAGMA index_info("{ix[1]}")').fetchall()[0][2]
                     for ix in con.execute(f'PRAGMA index_list("{name}")')}
    for f, _, _ in fks:
        assert f in first_columns, f"{name}.{f} has no index"
    con.close()


def test_sqlite_foreign_key_check_is_clean(sqlite_db):
    con = sqlite3.connect(sqlite_db)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    # citations.record_id points into one of several tables, so it is (rightly) no foreign key
    assert "record_id" not in {r[3] for r in con.execute('PRAGMA foreign_key_list("citations")')}
    con.close()


@pytest.mark.parametrize("table,field,parent,parent_field", foreign_keys())
def test_sqlite_refuses_a_row_with_a_bad_foreign_key(table, field, parent, parent_field, sqlite_db):
    con = sqlite3.connect(sqlite_db)
    con.execute("PRAGMA foreign_keys = ON")
    cur = con.execute(f'SELECT * FROM "{table}" LIMIT 1')
    row = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    pk = schema_of(table)["primaryKey"]
    if field not in pk:
        row.update({c: "NEW-9999" for c in pk})  # a fresh key, so only the foreign key can fail
    row[field] = "NO-SUCH-ID"
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
        con.execute(f'INSERT INTO "{table}" ({", ".join(row)}) VALUES ({", ".join("?" * len(row))})', list(row.values()))
    con.rollback()
    con.close()


@pytest.mark.parametrize("table,field", enum_fields())
def test_sqlite_refuses_a_value_outside_the_enum(table, field, sqlite_db):
    con = sqlite3.connect(sqlite_db)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        con.execute(f'UPDATE "{table}" SET "{field}" = \'not_in_the_schema\' WHERE rowid = (SELECT min(rowid) FROM "{table}")')
    con.rollback()
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        con.execute('UPDATE incidents SET suicide_attack = 2')
    con.close()


# --- duckdb ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", TABLES)
def test_duckdb_values(name, root, duckdb_con):
    rows = duckdb_con.execute(f'SELECT * FROM "{name}"').fetchall()
    assert len(rows) == len(isrd.load(name, root, include_retracted=True))
    assert by_key(name, rows) == by_key(name, expected(name, root))


def test_duckdb_types_and_constraints_follow_the_schema(duckdb_con):
    types = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}
    for name in TABLES:
        cols = duckdb_con.execute(f'DESCRIBE "{name}"').fetchall()
        for f, (col, kind, null, key, *_) in zip(fields_of(name), cols):
            enum = f.get("constraints", {}).get("enum")
            assert col == f["name"]
            assert kind == ("ENUM(" + ", ".join(f"'{v}'" for v in enum) + ")" if enum else types[f["type"]])
            assert (null == "NO") == f.get("constraints", {}).get("required", False)
    kinds = duckdb_con.execute("SELECT table_name, constraint_type, count(*) FROM duckdb_constraints() "
                               "WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') GROUP BY ALL").fetchall()
    assert {(t, k): n for t, k, n in kinds} == {
        **{(t, "PRIMARY KEY"): 1 for t in TABLES + ["events"]},
        **{(t, "FOREIGN KEY"): sum(fk[0] == t for fk in foreign_keys()) for t in TABLES if
           any(fk[0] == t for fk in foreign_keys())}}


def test_duckdb_join_matches_pandas(root, duckdb_con):
    got = duckdb_con.execute("""
        SELECT i.incident_id, count(c.claim_id), max(c.claimed_killed)
        FROM incidents i LEFT JOIN claims c USING (incident_id) GROUP BY ALL ORDER BY 1""").fetchall()
    inc, claims = isrd.load("incidents", root, include_retracted=True), isrd.load("claims", root, include_retracted=True)
    joined = inc[["incident_id"]].merge(claims, on="incident_id", how="left")
    per = joined.groupby("incident_id", sort=True).agg(n=("claim_id", "count"), top=("claimed_killed", "max"))
    assert got == [(i, int(r.n), None if pd.isna(r.top) else int(r.top)) for i, r in per.iterrows()]


def test_duckdb_refuses_bad_foreign_key_and_enum(root, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect(str(export("duckdb", tmp_path / "isrd.duckdb", root)[0]))
    claim = "'CLM-9999', '{inc}', 'ACT-0001', '{channel}', NULL, NULL, 'confirmed', NULL, 's', 'active', NULL"
    with pytest.raises(duckdb.ConstraintException, match="foreign key"):
        con.execute(f"INSERT INTO claims VALUES ({claim.format(inc='INC-9999', channel='amaq')})")
    with pytest.raises(duckdb.ConversionException):
        con.execute(f"INSERT INTO claims VALUES ({claim.format(inc='INC-0001', channel='carrier_pigeon')})")
    con.close()


# --- the export function itself ----------------------------------------------------------------------

def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        export("xlsx", tmp_path)


@pytest.mark.parametrize("fmt", ["sqlite", "duckdb"])
def test_existing_database_is_not_overwritten_unless_asked(fmt, root, tmp_path):
    if fmt == "duckdb":
        pytest.importorskip("duckdb")
        pytest.importorskip("pyarrow")
    dest = tmp_path / f"isrd.{fmt}"
    dest.write_bytes(b"precious")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        export(fmt, dest, root)
    assert dest.read_bytes() == b"precious"
    assert export(fmt, dest, root, overwrite=True) == [dest]
    assert dest.read_bytes() != b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == [dest.name]  # no partial or wal file left behind


def test_child_before_parent_in_the_csv_still_exports(pkg):
    header, *rows = read(pkg, "actors")
    write(pkg, "actors", [header, *reversed(rows)])  # every child now comes before its parent
    con = sqlite3.connect(export("sqlite", pkg / "isrd.sqlite", pkg)[0])
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("SELECT count(*) FROM actors").fetchone()[0] == len(rows)
    con.close()
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    con = duckdb.connect(str(export("duckdb", pkg / "isrd.duckdb", pkg)[0]))
    assert con.execute("SELECT count(*) FROM actors").fetchone()[0] == len(rows)
    con.close()


def test_importing_export_stays_light():
    code = "import sys, isrd.export; print([m for m in ('pyarrow', 'duckdb', 'pandas') if m in sys.modules])"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_the_events_view_is_in_every_database_export(parquet_dir, sqlite_db, duckdb_con):
    events = isrd.load("events")
    assert pd.read_parquet(parquet_dir / "events.parquet")["incident_id"].tolist() == events["incident_id"].tolist()
    con = sqlite3.connect(sqlite_db)
    assert con.execute("SELECT count(*) FROM events WHERE contested = 1").fetchone()[0] == int(events["contested"].sum())
    con.close()
    assert duckdb_con.execute("SELECT count(*) FROM events").fetchone()[0] == len(events)
