"""Where the data lives and what its Table Schemas say.

The Table Schemas in schemas/ are the one source of truth for structure; everything else
(loader dtypes, Pandera schemas, the codebook, datapackage.json) is derived from them here.
"""
from __future__ import annotations

import json
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def default_root() -> Path:
    """The data shipped with the installed package, or the source checkout when run from one."""
    bundled = PACKAGE_DIR / "_data"
    if (bundled / "datapackage.json").is_file():
        return bundled
    checkout = PACKAGE_DIR.parents[1]
    if (checkout / "datapackage.json").is_file():
        return checkout
    raise FileNotFoundError("no ISRD data found: the package was installed without its data")


def resolve_root(path: str | Path | None) -> Path:
    return default_root() if path is None else Path(path)


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def datapackage(root: str | Path | None = None) -> dict:
    """The package descriptor (datapackage.json) as a dict."""
    from .package import open_package
    from .problems import DataError

    package = open_package(resolve_root(root))
    if not package.descriptor:
        raise DataError(package.problems)
    return package.descriptor


def resources(root: str | Path | None = None) -> dict:
    """The usable resources by name, in package order (isrd.package.Resource: name, path, schema)."""
    from .package import open_package

    return open_package(resolve_root(root)).resources


def table_schema(name: str, root: str | Path | None = None) -> dict:
    """The Table Schema of a table, as a dict (a copy, so callers may change it)."""
    res = resources(root)
    if name not in res:
        raise KeyError(f"no table {name!r}; tables are: {', '.join(res)}")
    return json.loads(json.dumps(res[name].schema))


def integrity(path: Path) -> dict:
    """The bytes and sha256 hash that datapackage.json records for a data file (Data Package v2 form)."""
    return integrity_of(Path(path).read_bytes())


def integrity_of(raw: bytes) -> dict:
    import hashlib

    return {"bytes": len(raw), "hash": "sha256:" + hashlib.sha256(raw).hexdigest()}


def field_names(schema: dict) -> list[str]:
    return [f["name"] for f in schema["fields"]]


def enum(field: dict) -> list[str] | None:
    return field.get("constraints", {}).get("enum")


def required(field: dict) -> bool:
    return bool(field.get("constraints", {}).get("required"))


def pandas_dtype(field: dict):
    """The pandas dtype the loader gives a field (imports pandas only when asked)."""
    import pandas as pd

    if enum(field):
        return pd.CategoricalDtype(enum(field), ordered=False)
    return {
        "string": pd.StringDtype(),
        "integer": pd.Int64Dtype(),
        "number": pd.Float64Dtype(),
        "boolean": pd.BooleanDtype(),
        "date": "datetime64[ms]",
    }[field["type"]]


def foreign_keys(schema: dict, table: str) -> list[tuple[str, str, str]]:
    """(field, parent table, parent field) for each single-field foreign key."""
    out = []
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        out.append((fk["fields"][0], ref["resource"] or table, ref["fields"][0]))
    return out
