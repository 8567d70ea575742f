"""Primary and foreign keys, checked by isrd itself on the text it read, vectorised.

Keys compare the exact text of the cells. A key cell that already failed a field check is left out, so a
malformed id is reported once; rows set aside as unreadable still lend their ids to the tables that
refer to them, so one bad row does not make every reference to it dangle.
"""
from __future__ import annotations

import csv

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .checks import Finding, as_array, duplicated, first_of, mask_rows

SEPARATOR = "\x1f"  # joins the cells of a composite key; a control character, which no valid cell holds


def _key(columns: list) -> pa.Array:
    if len(columns) == 1:
        return columns[0]
    return pc.binary_join_element_wise(*columns, SEPARATOR)


def recovered_keys(text, fields: list[str]) -> list[str]:
    """Key values of the rows set aside as unreadable, where their first line still shows them."""
    header = text.header
    if not all(f in header for f in fields):
        return []
    out = []
    for _, raw in text.skipped:
        try:
            cells = next(csv.reader([raw.split("\n", 1)[0]]))
        except (csv.Error, StopIteration):
            continue
        idx = [header.index(f) for f in fields]
        if all(i < len(cells) and cells[i] for i in idx):
            out.append(SEPARATOR.join(cells[i] for i in idx))
    return out


def usable(typed, fields: list[str]):
    """The key columns of a typed table (missing where a cell is empty or failed its checks) and a mask of
    the rows whose key cells are all there; None when a key column is missing from the file."""
    if typed is None or not all(f in typed.column_names for f in fields):
        return None, None
    cols = [typed.column(f) for f in fields]
    ok = np.ones(typed.num_rows, dtype=bool)
    for c in cols:
        ok &= pc.is_valid(c).to_numpy(zero_copy_only=False)
    return cols, ok


def key_findings(resources: dict, texts: dict, typed: dict) -> list[Finding]:
    out = []
    for name, res in resources.items():
        if typed.get(name) is None:
            continue
        pk = res.schema["primaryKey"]
        if pk:
            cols, ok = usable(typed[name], pk)
            if cols is not None:
                dup = duplicated(cols)
                rows = mask_rows(dup)
                if len(rows):
                    firsts = first_of(cols)
                    shown = _key(cols)
                    out.append(Finding(name, rows, ",".join(pk), f"the key ({', '.join(pk)}) is already used on line {{line}}",
                                       "each record needs its own id: take the next unused one", "unique",
                                       pc.take(shown, pa.array(rows)).to_pylist(), firsts[rows]))
        for fk in res.schema["foreignKeys"]:
            out += _foreign_key(name, fk, resources, texts, typed)
    return out


def _foreign_key(name: str, fk: dict, resources: dict, texts: dict, typed: dict) -> list[Finding]:
    parent = fk["reference"]["resource"] or name
    pfields = fk["reference"]["fields"]
    if parent not in resources or typed.get(parent) is None:
        return []  # the parent table cannot be read: its own problem says why
    cols, ok = usable(typed[name], fk["fields"])
    ptable = typed[parent]
    if cols is None or not all(f in ptable.column_names for f in pfields):
        return []
    ptext = texts[parent].keys
    # the parent's key text, malformed cells included: a malformed id is reported once, on its own row
    parent_keys = _key([ptext[f] if f in ptext else ptable.column(f) for f in pfields])
    extra = recovered_keys(texts[parent], pfields)
    if extra:
        parent_keys = pa.concat_arrays([parent_keys.combine_chunks() if isinstance(parent_keys, pa.ChunkedArray) else parent_keys,
                                        pa.array(extra, pa.string())])
    child = _key(cols)
    dangling = pc.and_(pa.array(ok), pc.invert(pc.is_in(child, as_array(parent_keys))))
    rows = mask_rows(dangling)
    if not len(rows):
        return []
    label = ", ".join(pfields)
    return [Finding(name, rows, ",".join(fk["fields"]), f"no {label} with this value in {parent}",
                    f"add the record to data/{parent}.csv first, or correct the id", "foreign-key",
                    pc.take(child, pa.array(rows)).to_pylist())]
