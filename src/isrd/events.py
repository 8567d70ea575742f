"""The events table: one row per active incident with who did it, claimed it and was blamed, derived
from the other tables when loaded (``isrd.load("events")``), never stored or edited by hand.

Its fields are declared in schemas/views/events.json: a field taken from a table names it with "from"
(and inherits that field's type, description and allowed values), a derived field gives its own type
and description. The Islamic State family is resolved up the actor hierarchy, so a province's attack is
also an Islamic State attack and a filter on either finds it.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import schema as sch
from .tolls import REPORT_FIELDS

VIEWS = {"events": Path("views") / "events.json"}
PERPETRATOR = {"perpetrator", "directing_entity"}
BLAMING = {"asserts", "suspects"}
SEP = "; "


def view_schema(name: str = "events", path=None) -> dict:
    """The view's Table Schema, each "from" field completed from the table it comes from."""
    from .package import open_package

    root = sch.resolve_root(path)
    spec = json.loads((root / "schemas" / VIEWS[name]).read_text(encoding="utf-8"))
    resources = open_package(root).resources
    fields = []
    for f in spec["fields"]:
        if "from" in f:
            table, column = f["from"].split(".")
            source = next(x for x in resources[table].schema["fields"] if x["name"] == column)
            fields.append({**source, "name": f["name"], "isrd:from": f["from"]})
        else:
            fields.append(dict(f))
    return {k: v for k, v in spec.items() if k != "fields"} | {"fields": fields}


def _names_with_family(actor_ids, name, parent, family) -> list[str]:
    """Actor names; an Islamic State actor is followed by the family above it (Islamic State Khorasan
    Province; Islamic State). Other hierarchies (a ministry under its government) are not climbed."""
    out: list[str] = []
    for actor in actor_ids:
        node, seen = actor, set()
        while node is not None and node not in seen and node in name:
            seen.add(node)
            if name[node] not in out:
                out.append(name[node])
            node = parent.get(node) if node in family else None
    return out


def build(frames: dict, path=None):
    """The events DataFrame from loaded tables (active records)."""
    import pandas as pd
    import pycountry

    from .coverage import independent_outlets, plain_rows
    from .scope import hierarchy
    from .tolls import derive_all

    def active(t):
        df = frames[t]
        return df[df["status"] == "active"] if "status" in df.columns else df

    actors = frames["actors"]
    name = dict(zip(actors["actor_id"], actors["name"].astype(object)))
    parent = {a: (None if pd.isna(p) else p) for a, p in zip(actors["actor_id"], actors["parent_actor_id"].astype(object))}
    family, _ = hierarchy(list(parent), list(parent.values()))
    by_incident: dict[str, dict[str, list]] = {}

    def add(iid, key, value):
        by_incident.setdefault(iid, {}).setdefault(key, []).append(value)

    for r in plain_rows(frames["incident_actors"]):
        role = r["role"]
        if role in PERPETRATOR:
            add(r["incident_id"], "perpetrator", r["actor_id"])
        elif role == "suspected_perpetrator":
            add(r["incident_id"], "suspected", r["actor_id"])
    for r in plain_rows(active("claims")):
        add(r["incident_id"], "claimant", r["claimant_actor_id"])
        add(r["incident_id"], "channel", r["channel"])
        if r["claim_date"] is not None:
            add(r["incident_id"], "claim_date", r["claim_date"])
    for r in plain_rows(active("attributions")):
        if r["stance"] in BLAMING:
            add(r["incident_id"], "attributed", r["attributed_actor_id"])
        elif r["stance"] == "counter_attributes":
            add(r["incident_id"], "counter", r["attributed_actor_id"])
        if r["stance"] in ("denies", "counter_attributes"):
            add(r["incident_id"], "contested", True)
    outlets = independent_outlets(frames)
    sources = _sources_per_incident(frames)
    best = derive_all(frames["incidents"], frames["casualty_reports"], frames["sources"])

    incidents = active("incidents").reset_index(drop=True)
    schema = view_schema("events", path)
    rows = []
    for r in plain_rows(incidents):
        iid = r["incident_id"]
        got = by_incident.get(iid, {})
        involved = got.get("perpetrator", []) + got.get("suspected", []) + got.get("claimant", []) + got.get("attributed", [])
        country = pycountry.countries.get(alpha_3=r["country"]) if r["country"] else None
        derived = {
            "year": r["date_start"].year if r["date_start"] is not None else None,
            "country_name": country.name if country else None,
            "perpetrator": SEP.join(_names_with_family(got.get("perpetrator", []), name, parent, family)) or None,
            "suspected_perpetrator": SEP.join(_names_with_family(got.get("suspected", []), name, parent, family)) or None,
            "islamic_state": any(a in family for a in involved),
            "claimed_by": SEP.join(_names_with_family(got.get("claimant", []), name, parent, family)) or None,
            "claim_channels": SEP.join(sorted(set(got.get("channel", [])))) or None,
            "first_claim_date": min(got["claim_date"]) if got.get("claim_date") else None,
            "attributed_to": SEP.join(_names_with_family(got.get("attributed", []), name, parent, family)) or None,
            "counter_attributed_to": SEP.join(_names_with_family(got.get("counter", []), name, parent, family)) or None,
            "contested": bool(got.get("contested")),
            "sources": len(sources.get(iid, ())),
            "independent_outlets": len(outlets.get(iid, ())),
            **{f: best[iid][f] for f in REPORT_FIELDS},
        }
        rows.append({f["name"]: (r[f["isrd:from"].split(".")[1]] if "isrd:from" in f else derived[f["name"]])
                     for f in schema["fields"]})
    columns = {}
    for f in schema["fields"]:
        values = [row[f["name"]] for row in rows]
        dtype = sch.pandas_dtype(f)
        if f["type"] == "date":
            columns[f["name"]] = pd.to_datetime(pd.Series(values, dtype=object)).astype(dtype)
        elif isinstance(dtype, pd.CategoricalDtype):
            columns[f["name"]] = pd.Categorical(values, categories=dtype.categories)
        else:
            columns[f["name"]] = pd.Series(values, dtype=dtype if f["type"] != "string" else object).astype(dtype)
    return pd.DataFrame(columns)


def _sources_per_incident(frames: dict) -> dict[str, set]:
    from .coverage import RECORD_TABLES

    owner = {}
    for table, key in RECORD_TABLES.items():
        df = frames[table]
        owner.update({(table, rid): iid for rid, iid in zip(df[key], df["incident_id"])})
    out: dict[str, set] = {}
    cites = frames["citations"]
    for table, rid, source, status in zip(cites["record_table"], cites["record_id"], cites["source_id"], cites["status"]):
        iid = owner.get((table, rid))
        if iid is not None and status == "active":
            out.setdefault(iid, set()).add(source)
    return out
