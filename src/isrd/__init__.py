"""ISRD, the Islamic State-Russia Dataset: ``isrd.load("incidents")`` gives a typed DataFrame.

Kept light on purpose: the modules imported here import pandas only when a table is loaded, and
frictionless and pandera only when validating.
"""
from __future__ import annotations

from .cite import cite
from .load import load, load_all, tables, write
from .problems import DataError, Problem
from .schema import table_schema
from .validate import validate

__all__ = ["load", "load_all", "tables", "table_schema", "write", "validate", "cite", "DataError", "Problem",
           "__version__"]


def __getattr__(name: str):
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("isrd")
        except PackageNotFoundError:  # running from a checkout that was not installed
            from .schema import datapackage

            return datapackage()["version"]
    raise AttributeError(f"module 'isrd' has no attribute {name!r}")
