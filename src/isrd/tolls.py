"""The documented rule by which an incident's killed_* and injured_* ranges follow from its casualty reports.

The rule, for each measure (killed, injured) of an incident:
- eligible reports: active rows of casualty_reports for the incident that give a figure, are not
  partial (a count of only some victims) and are not the perpetrator's own figure;
- low: the lowest eligible figure; high: the highest;
- best: the figure of the latest-dated eligible report, undated reports counting as the oldest;
  when several share that date, the highest of them;
- no eligible report: low, best and high are all empty.
A perpetrator's claimed figure is kept in casualty_reports (and claims.claimed_killed) but never
enters the range, so the ranges in incidents can always be recomputed from the reports.
"""
from __future__ import annotations

import datetime as dt

MEASURES = ("killed", "injured")
LEVELS = ("low", "best", "high")


def _eligible(report: dict, measure: str) -> bool:
    return (report["status"] == "active" and report[measure] is not None
            and report["reporter_type"] != "perpetrator" and report["partial"] is not True)


def _day(value) -> dt.date:
    if value is None:
        return dt.date.min
    return value.date() if hasattr(value, "date") else value


def derive(reports: list[dict]) -> dict[str, int | None]:
    """killed_low ... injured_high for one incident, from its casualty reports (plain dicts)."""
    out = {}
    for measure in MEASURES:
        figures = [(_day(r["reported_on"]), int(r[measure])) for r in reports if _eligible(r, measure)]
        if not figures:
            out.update({f"{measure}_{level}": None for level in LEVELS})
            continue
        values = [v for _, v in figures]
        out[f"{measure}_low"] = min(values)
        out[f"{measure}_best"] = max(figures)[1]
        out[f"{measure}_high"] = max(values)
    return out


def derive_all(incidents, casualty_reports) -> dict[str, dict[str, int | None]]:
    """Derived ranges for every incident id in incidents, from typed DataFrames."""
    from .rules import plain_rows

    by_incident: dict[str, list[dict]] = {}
    for report in plain_rows(casualty_reports):
        by_incident.setdefault(report["incident_id"], []).append(report)
    return {iid: derive(by_incident.get(iid, [])) for iid in incidents["incident_id"].dropna()}


def toll_problems(frames: dict, lines: dict):
    """A Problem for every incident range that does not follow from its casualty reports."""
    from .problems import Problem
    from .rules import plain_rows

    incidents, reports = frames.get("incidents"), frames.get("casualty_reports")
    if incidents is None or reports is None:
        return []
    derived = derive_all(incidents, reports)
    problems = []
    for i, row in enumerate(plain_rows(incidents)):
        expected = derived.get(row["incident_id"])
        if expected is None:
            continue
        for field, want in expected.items():
            have = row[field]
            if have != want:
                shown = "empty" if want is None else str(want)
                problems.append(Problem(
                    "incidents", lines["incidents"][i], field, None if have is None else str(have),
                    f"does not follow from the incident's casualty reports, which give {shown}",
                    "the ranges are derived (rule in docs/scope.md): correct or add rows in data/casualty_reports.csv, "
                    "then run python scripts/fill_tolls.py", "toll-derivation"))
    return problems


def fill(path=None, write: bool = True) -> list[tuple[str, str, int | None, int | None]]:
    """Set every incident's ranges to what the rule derives from its casualty reports.

    Returns (incident_id, field, old, new) for each value that differs; with write=False the
    table is left as it is (a check). path: a folder holding datapackage.json.
    """
    import pandas as pd

    from .load import load
    from .load import write as write_table
    from .schema import resolve_root, resources

    root = resolve_root(path)
    incidents = load("incidents", root)
    derived = derive_all(incidents, load("casualty_reports", root))
    changes = []
    for i, iid in enumerate(incidents["incident_id"]):
        for field, value in derived[iid].items():
            old = incidents.at[i, field]
            old = None if pd.isna(old) else int(old)
            if old != value:
                changes.append((iid, field, old, value))
                incidents.at[i, field] = value
    if write and changes:
        write_table(incidents, "incidents", root / resources(root)["incidents"]["path"], root)
    return changes
