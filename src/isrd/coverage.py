"""How well each incident is sourced: the figures isrd summary and docs/coverage.md report."""
from __future__ import annotations

import re
from urllib.parse import urlparse


def plain_rows(df) -> list[dict]:
    """Rows of a loaded table as dicts of plain Python values, None where missing."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


RECORD_TABLES = {"incidents": "incident_id", "casualty_reports": "report_id", "claims": "claim_id", "attributions": "attribution_id"}


def outlet(source: dict) -> str:
    """Who stands behind a source, for counting independent sources: the publisher without notes in
    brackets and without a leading 'The', else the web host. Two pages of one outlet count once."""
    name = re.sub(r"\(.*?\)", "", source["publisher"] or "").strip().lower()
    name = re.sub(r"^the\s+", "", name)
    if name:
        return name
    host = urlparse(source["url"] or "").netloc.lower()
    return re.sub(r"^(www|amp|m)\.", "", host) or source["source_id"]


def independent_outlets(frames: dict) -> dict[str, set[str]]:
    """incident_id -> the outlets cited for it (the incident and its reports, claims and attributions),
    leaving out the group's own media, which is cited for what it claims, not as an independent source."""
    sources = {s["source_id"]: s for s in plain_rows(frames["sources"])}
    owner = {}
    for table, key in RECORD_TABLES.items():
        df = frames[table]
        ids = df[key]
        incident = df["incident_id"]
        owner.update({(table, rid): iid for rid, iid in zip(ids, incident)})
    outlets: dict[str, set[str]] = {}
    for c in plain_rows(frames["citations"]):
        iid = owner.get((c["record_table"], c["record_id"]))
        source = sources.get(c["source_id"])
        if c["status"] != "active" or iid is None or source is None or source["source_type"] == "group_media":
            continue
        outlets.setdefault(iid, set()).add(outlet(source))
    return outlets


def coverage(frames: dict) -> dict:
    """Counts and shares over active incidents."""
    inc = frames["incidents"]
    active = inc[inc["status"] == "active"]
    outlets = independent_outlets(frames)
    ids = list(active["incident_id"])
    two = [i for i in ids if len(outlets.get(i, ())) >= 2]
    tolls = active[active["killed_best"].notna()]
    ranged = tolls[tolls["killed_low"] < tolls["killed_high"]]
    plots = active[active["incident_type"] == "foiled_plot"]
    cites = frames["citations"]
    dated = set(cites.loc[(cites["record_table"] == "incidents") & (cites["field"] == "date_start")
                          & (cites["status"] == "active"), "record_id"])
    return {
        "date_cited": sum(1 for i in ids if i in dated),
        "incidents": len(ids),
        "two_independent_sources": len(two),
        "single_source": sorted(set(ids) - set(two)),
        "with_toll": len(tolls),
        "toll_with_range": len(ranged),
        "plots": len(plots),
        "plots_security_service_only": int(plots["security_service_only"].fillna(False).sum()),
    }
