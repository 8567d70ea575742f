"""Read ISRD tables into typed pandas DataFrames, and write them back byte for byte.

One read per file into Arrow text columns, the schema's type checks on whole columns, then a cast: only
an empty cell is missing ("NA", "None" and "null" stay text), and an unknown category, a bad number or a
bad date raises isrd.DataError naming file, line and column, never a silent NaN and never another
exception. Paths are opened only inside the package folder.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from . import schema as sch
from .problems import DataError, Problem, TableNotFound


def parse_cell(field: dict, text: str):
    """The Python value of one non-empty cell, or raise ValueError saying what is wrong (the same
    checks the loader runs on whole columns)."""
    import pyarrow as pa

    from .checks import FieldChecks
    from .package import Resource

    field = dict(field, name=field.get("name", "value"), type=field.get("type", "string"))
    res = Resource("cell", Path("cell"), "cell", {"fields": [field], "primaryKey": [], "foreignKeys": []})
    fc = FieldChecks(res, pa.table({field["name"]: pa.array([text], pa.string())}), full=False).run()
    if fc.findings:
        raise ValueError(fc.findings[0].message.removeprefix("the value "))
    return fc.typed[field["name"]][0].as_py()


def format_cell(field: dict, value) -> str:
    """The canonical text of a value: what the writer puts in the file."""
    import pandas as pd

    from .checks import canonical_number

    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return ""
    kind = field["type"]
    if kind == "integer":
        return str(int(value))
    if kind == "number":
        return canonical_number(value)
    if kind == "boolean":
        return field.get("trueValues", ["true"])[0] if value else field.get("falseValues", ["false"])[0]
    if kind == "date":
        return value.strftime("%Y-%m-%d") if value.year >= 1000 else f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    return str(value)


def _open(root, names: list[str] | None = None):
    """The package's usable resources; DataError naming what cannot be used among those asked for."""
    from .package import open_package

    package = open_package(root)
    if not package.descriptor:
        raise DataError(package.problems)
    if names is not None:
        unknown = [n for n in names if n not in package.resources and n not in _declared(package)]
        if unknown:
            raise TableNotFound(unknown[0], _declared(package))
        refused = [n for n in names if n not in package.resources]
        if refused:
            raise DataError([p for p in package.problems] or
                            [Problem("datapackage.json", 0, message=f"the table {refused[0]} cannot be read", kind="package")])
    return package


def _declared(package) -> list[str]:
    return [r.get("name") for r in package.descriptor.get("resources", []) if isinstance(r, dict)]


def typed_tables(path=None, names: list[str] | None = None) -> dict:
    """Tables as typed Arrow tables (string, int64, float64, bool, date32), checked for type and category
    only; DataError if any cell cannot be typed without loss."""
    return _typed(sch.resolve_root(path), names)[1]


def _typed(root, names, convert=None):
    """The package and its tables typed (each passed through convert when given), two files at a time:
    Arrow's kernels release the GIL. DataError with every problem if any table cannot be typed."""
    from concurrent.futures import ThreadPoolExecutor

    package = _open(root, names)
    names = list(package.resources) if names is None else names
    resources = sorted((package.resources[n] for n in names), key=lambda r: -r.size)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip([r.name for r in resources], pool.map(lambda r: _typed_one(r, convert), resources)))
    problems = [p for n in names for p in results[n][1]]
    if problems:
        raise DataError(problems)
    return package, {n: results[n][0] for n in names}


def _typed_one(res, convert):
    from .checks import FieldChecks, problems as to_problems
    from .read import read_table

    text = read_table(res, check_control=False)
    text.raw = b""  # the cells are parsed: the file's bytes go now (rows' lines come from the parsed cells)
    blocking = [p for p in text.problems if p.kind not in ("bom", "line-ends", "final-newline")]
    if blocking or text.table is None or not text.header_ok:
        return None, blocking or list(text.problems) or [Problem(res.name, 1, message="the table cannot be read", kind="header")]
    fc = FieldChecks(res, text.table, full=False).run()
    if fc.findings:
        return None, to_problems(fc.findings, text.lines())
    table = fc.table()
    del fc, text  # only the typed columns are needed now, so the text columns can go as soon as they are converted
    return (convert(table, res.schema) if convert else table), []


def to_pandas(table, schema: dict):
    """A typed Arrow table as a DataFrame with the schema's pandas dtypes (enums as Categoricals with the
    schema's categories, counts Int64, numbers Float64, booleans boolean, dates datetime64[ms], text string)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {}
    for f in schema["fields"]:
        col = table.column(f["name"])
        allowed = sch.enum(f)
        if allowed:
            codes = pc.fill_null(pc.index_in(col, value_set=pa.array(allowed)), -1).to_numpy(zero_copy_only=False)
            columns[f["name"]] = pd.Categorical.from_codes(codes, categories=allowed)
        elif f["type"] == "date":
            columns[f["name"]] = pd.Series(col.to_pandas(date_as_object=False), copy=False).astype("datetime64[ms]")
        else:
            columns[f["name"]] = pd.Series(col.to_pandas(types_mapper=_mapper().get), copy=False).astype(sch.pandas_dtype(f))
    frame = pd.DataFrame(columns, copy=False)
    return frame


_MAPPER = {}


def _mapper():
    import pandas as pd
    import pyarrow as pa

    if not _MAPPER:
        _MAPPER.update({pa.string(): pd.StringDtype("pyarrow"), pa.large_string(): pd.StringDtype("pyarrow"),
                        pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype()})
    return _MAPPER


def load(name: str, path: str | Path | None = None, include_retracted: bool = False):
    """One table as a typed DataFrame: ``isrd.load("incidents")``; ``isrd.load("events")`` gives the analysis
    table, one row per active incident with who did it, claimed it and was blamed (isrd.events).

    Active records only by default: a withdrawn record stays in the files, marked retracted, so that ids
    are never reused; include_retracted=True gives every row, exactly as in the file (what isrd.write
    writes back byte for byte). path: a folder holding datapackage.json (default: the data installed with
    the package). Raises isrd.DataError naming file, line and column if the table cannot be read without loss.
    """
    from .events import VIEWS, build

    if name in VIEWS:  # a view, derived from the tables
        return build(load_all(path, include_retracted=True), path)
    return load_all(path, [name], include_retracted)[name]


def load_all(path: str | Path | None = None, names: list[str] | None = None, include_retracted: bool = False) -> dict:
    """Every table, by name: ``isrd.load_all()["claims"]`` (active records only, as for load)."""
    convert = to_pandas if include_retracted else (lambda table, schema: to_pandas(_active(table), schema))
    return _typed(sch.resolve_root(path), names, convert)[1]


def _active(table):
    """The rows not marked retracted, filtered in Arrow before the DataFrame is built (a pandas filter of
    Arrow-backed text copies every column again)."""
    import pyarrow.compute as pc

    if "status" not in table.column_names:
        return table
    keep = pc.fill_null(pc.not_equal(table.column("status"), "retracted"), True)
    return table if pc.all(keep).as_py() else table.filter(keep)


def tables(path: str | Path | None = None) -> list[str]:
    """The names of the tables, in package order."""
    return list(_open(sch.resolve_root(path)).resources)


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
