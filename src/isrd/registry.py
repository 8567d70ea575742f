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

from .problems import Problem

REGISTRY = Path("releases") / "released_ids.csv"
COLUMNS = ["table", "id", "first_release", "anchor"]


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value)


ANCHORS = {
    "incidents": lambda r: f"{_text(r['country'])} {_text(r['date_start'])[:4]}",
    "casualty_reports": lambda r: _text(r["incident_id"]),
    "actors": lambda r: _text(r["actor_type"]),
    "claims": lambda r: _text(r["incident_id"]),
    "attributions": lambda r: _text(r["incident_id"]),
    "sources": lambda r: _text(r["url"]) or _text(r["title"]),
    "citations": lambda r: f"{_text(r['record_table'])} {_text(r['record_id'])}",
}
ANCHOR_MEANING = {
    "incidents": "country and year", "casualty_reports": "incident", "actors": "actor type",
    "claims": "incident", "attributions": "incident", "sources": "address (or title)", "citations": "record",
}


def read(root: Path) -> list[dict] | None:
    path = Path(root) / REGISTRY
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def current(frames: dict, schemas: dict) -> dict[tuple[str, str], tuple[str, int]]:
    """(table, id) -> (anchor, row index) for every record now in the data."""
    from .rules import plain_rows

    out = {}
    for table, anchor in ANCHORS.items():
        if frames.get(table) is None:
            continue
        pk = schemas[table]["primaryKey"][0]
        for i, row in enumerate(plain_rows(frames[table])):
            out[(table, _text(row[pk]))] = (anchor(row), i)
    return out


def registry_problems(root: Path, frames: dict, schemas: dict, lines: dict) -> list[Problem]:
    released = read(root)
    if released is None:
        return []
    now = current(frames, schemas)
    problems = []
    for rec in released:
        table, rid = rec["table"], rec["id"]
        if frames.get(table) is None:
            continue
        found = now.get((table, rid))
        if found is None:
            problems.append(Problem(table, 0, schemas[table]["primaryKey"][0], rid,
                                    f"{rid} was released in {rec['first_release']} and is no longer in the table",
                                    "a released record is never deleted: put it back and set status to retracted "
                                    "with the reason in status_reason", "vanished-id"))
        elif found[0] != rec["anchor"]:
            problems.append(Problem(table, lines[table][found[1]], schemas[table]["primaryKey"][0], rid,
                                    f"{rid} was released in {rec['first_release']} for another {ANCHOR_MEANING[table]} "
                                    f"({rec['anchor']!r}, now {found[0]!r}): an id is never reused",
                                    "give the new record the next unused id and restore this one (retract it if it "
                                    "is wrong); a genuine correction of this field is recorded by a maintainer in "
                                    f"{REGISTRY.as_posix()}", "reused-id"))
    return problems


def register(root: Path, version: str, frames: dict, schemas: dict) -> int:
    """Add every id not yet in the registry, as first released in version; return how many."""
    path = Path(root) / REGISTRY
    released = read(root) or []
    known = {(r["table"], r["id"]) for r in released}
    new = [{"table": t, "id": rid, "first_release": version, "anchor": anchor}
           for (t, rid), (anchor, _) in current(frames, schemas).items() if (t, rid) not in known]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(released + new)
    return len(new)
