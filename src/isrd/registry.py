"""Released ids are for ever: a record that was in a release is never deleted and its id never reused.

releases/released_ids.csv lists every id of every release (table, id, first_release, anchor). The
anchor is what the record is about, chosen so that an ordinary correction does not change it: an
incident's country and year, the record a claim or citation belongs to, a source's address. isrd
validate fails when a released id has vanished, or when it now carries another anchor, which means the
id was given to a different record.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .package import inside

REGISTRY = Path("releases") / "released_ids.csv"
COLUMNS = ["table", "id", "first_release", "anchor"]


def _text(col) -> pa.Array:
    return pc.cast(col, pa.string())


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


ANCHORS = {
    "incidents": (("country", "date_start"), lambda t: _join(t.column("country"), " ", pc.utf8_slice_codeunits(_text(t.column("date_start")), 0, 4))),
    "casualty_reports": (("incident_id",), lambda t: t.column("incident_id")),
    "actors": (("actor_type",), lambda t: t.column("actor_type")),
    "claims": (("incident_id",), lambda t: t.column("incident_id")),
    "attributions": (("incident_id",), lambda t: t.column("incident_id")),
    "sources": (("url", "title"), lambda t: pc.coalesce(t.column("url"), t.column("title"))),
    "citations": (("record_table", "record_id"), lambda t: _join(t.column("record_table"), " ", t.column("record_id"))),
}
ANCHOR_MEANING = {
    "incidents": "country and year", "casualty_reports": "incident", "actors": "actor type",
    "claims": "incident", "attributions": "incident", "sources": "address (or title)", "citations": "record",
}


def read(root: Path) -> list[dict] | None:
    """The registry as a list of rows (dicts), or None when the package has none."""
    table = read_table(root)
    return None if table is None else table.to_pylist()


def read_table(root: Path):
    """The registry as an Arrow table of text columns, or None when the package has none."""
    import pyarrow.csv as pacsv

    path, refused = inside(Path(root), REGISTRY.as_posix(), "the id registry")
    if path is None or not path.is_file():
        return None  # a registry outside the package is never read (validate reports it: registry_refused)
    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types={c: pa.string() for c in COLUMNS}, strings_can_be_null=False))


def anchors(table: str, t: pa.Table) -> pa.Array | None:
    """The anchor of every row of a typed table (missing where a part is missing), or None if a column is missing."""
    needed, make = ANCHORS[table]
    if not set(needed) <= set(t.column_names):
        return None
    return make(t)


def registry_refused(root: Path) -> list:
    """A problem when releases/released_ids.csv is a symlink out of the package (it is then not read)."""
    from .problems import Problem

    path, refused = inside(Path(root), REGISTRY.as_posix(), "the id registry")
    return [] if path is not None else [Problem(REGISTRY.as_posix(), 0, message=refused, kind="package")]


def registry_findings(root: Path, tables: dict, schemas: dict, recovered: dict) -> list:
    """Released ids that vanished, and released ids now anchored to another record.
    recovered: table -> ids of rows set aside as unreadable, which have not vanished."""
    from .checks import Finding, as_array

    released = read_table(root)
    if released is None:
        return []
    out = []
    for table in ANCHORS:
        t = tables.get(table)
        if t is None:
            continue
        pk = schemas[table]["primaryKey"][0]
        if pk not in t.column_names:
            continue  # the header problem says the id column is missing
        mine = released.filter(pc.equal(released.column("table"), table))
        ids = as_array(t.column(pk))
        released_ids = as_array(mine.column("id"))
        if len(released_ids) <= len(ids) and pc.all(pc.equal(released_ids, ids.slice(0, len(released_ids))), skip_nulls=False).as_py():
            at = pa.array(np.arange(len(released_ids)))  # the usual case: released rows stay first, in order
        else:
            at = pc.index_in(released_ids, value_set=ids)  # each released id's row now (null: not in the table)
        found = pc.is_valid(at)
        missing = pc.invert(found)
        if recovered.get(table):  # set aside as unreadable: not gone
            missing = pc.and_(missing, pc.invert(pc.is_in(released_ids, pa.array(recovered[table], pa.string()))))
        gone = mine.filter(missing)
        for rid, first in zip(gone.column("id").to_pylist(), gone.column("first_release").to_pylist()):
            out.append(Finding(table, np.array([-1]), pk, f"{rid} was released in {first} and is no longer in the table",
                               "a released record is never deleted: put it back and set status to retracted "
                               "with the reason in status_reason", "vanished-id", [rid]))
        now = anchors(table, t)
        if now is None:
            continue
        kept = mine.filter(found)
        rows = pc.filter(at, found)
        current = pc.take(now, rows)
        moved = pc.fill_null(pc.and_(pc.is_valid(current), pc.not_equal(current, kept.column("anchor"))), False)
        if pc.any(moved).as_py():
            kept, rows, current = kept.filter(moved), pc.filter(rows, moved), pc.filter(current, moved)
            messages = [f"{rid} was released in {first} for another {ANCHOR_MEANING[table]} ({was!r}, now {now_!r}): "
                        "an id is never reused"
                        for rid, first, was, now_ in zip(kept.column("id").to_pylist(), kept.column("first_release").to_pylist(),
                                                         kept.column("anchor").to_pylist(), current.to_pylist())]
            out.append(Finding(table, rows.to_numpy(zero_copy_only=False), pk, "", "give the new record the next unused id "
                               "and restore this one (retract it if it is wrong); a genuine correction of this field is "
                               f"recorded by a maintainer in {REGISTRY.as_posix()}", "reused-id",
                               kept.column("id").to_pylist(), messages=messages))
    return out


def register(root: Path, version: str, tables: dict, schemas: dict) -> int:
    """Add every id not yet in the registry, as first released in version; return how many."""
    path = Path(root) / REGISTRY
    rows = read(root) or []
    known = {(r["table"], r["id"]) for r in rows}
    new = []
    for table in ANCHORS:
        t = tables.get(table)
        if t is None:
            continue
        pk = schemas[table]["primaryKey"][0]
        for rid, anchor in zip(t.column(pk).to_pylist(), anchors(table, t).to_pylist()):
            if (table, rid) not in known:
                new.append({"table": table, "id": rid, "first_release": version, "anchor": anchor or ""})
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows + new)
    return len(new)
