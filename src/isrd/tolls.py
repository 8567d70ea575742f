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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MEASURES = ("killed", "injured")
LEVELS = ("low", "best", "high")
FIELDS = [f"{m}_{level}" for m in MEASURES for level in LEVELS]
_OLDEST = dt.date(1, 1, 1)


def derive_table(incident_ids: pa.Array, reports: pa.Table) -> pa.Table:
    """killed_low ... injured_high for each id in incident_ids (in that order), from typed casualty reports."""
    out = {"incident_id": incident_ids}
    ids = pa.table({"incident_id": incident_ids})
    for measure in MEASURES:
        figure = reports.column(measure)
        eligible = pc.and_(pc.and_(pc.equal(reports.column("status"), "active"), pc.is_valid(figure)),
                           pc.and_(pc.not_equal(reports.column("reporter_type"), "perpetrator"),
                                   pc.invert(pc.fill_null(reports.column("partial"), False))))
        eligible = pc.fill_null(eligible, False)
        rows = reports.filter(eligible)
        day = pc.fill_null(rows.column("reported_on"), pa.scalar(_OLDEST, pa.date32()))
        t = pa.table({"incident_id": rows.column("incident_id"), "day": day, "figure": rows.column(measure)})
        t = t.take(pc.sort_indices(t, [("incident_id", "ascending"), ("day", "ascending"), ("figure", "ascending")]))
        agg = t.group_by("incident_id", use_threads=False).aggregate(
            [("figure", "min"), ("figure", "last"), ("figure", "max")])
        joined = ids.append_column("__row", pa.array(np.arange(len(ids)))).join(
            agg, "incident_id", join_type="left outer", use_threads=False).sort_by("__row")
        for level, col in zip(LEVELS, ("figure_min", "figure_last", "figure_max")):
            out[f"{measure}_{level}"] = joined.column(col)
    return pa.table(out)


_REPORT_TYPES = {"incident_id": pa.string(), "killed": pa.int64(), "injured": pa.int64(), "status": pa.string(),
                 "reporter_type": pa.string(), "partial": pa.bool_(), "reported_on": pa.date32()}


def derive(reports: list[dict]) -> dict[str, int | None]:
    """killed_low ... injured_high for one incident, from its casualty reports as plain dicts (the same rule)."""
    rows = [dict(r, incident_id="x") for r in reports]
    table = pa.table({k: pa.array([r.get(k) for r in rows], t) for k, t in _REPORT_TYPES.items()})
    out = derive_table(pa.array(["x"]), table)
    return {f: out.column(f)[0].as_py() for f in FIELDS}


def derive_all(incidents, casualty_reports) -> dict[str, dict[str, int | None]]:
    """Derived ranges for every incident of loaded (pandas) tables, by incident id."""
    def arrow(series, kind):
        values = [None if v is None or v is pd.NA or (not isinstance(v, str) and pd.isna(v)) else v for v in series.astype(object)]
        if kind == pa.date32():
            values = [v.date() if hasattr(v, "date") else v for v in values]
        return pa.array(values, kind)

    import pandas as pd

    table = pa.table({k: arrow(casualty_reports[k], t) for k, t in _REPORT_TYPES.items()})
    ids = arrow(incidents["incident_id"].dropna(), pa.string())
    out = derive_table(ids, table).to_pylist()
    return {row.pop("incident_id"): row for row in out}


def toll_findings(tables: dict) -> list:
    """A Finding for every incident range that does not follow from its casualty reports."""
    from .checks import Finding, mask_rows

    incidents, reports = tables.get("incidents"), tables.get("casualty_reports")
    need = {"incident_id", "killed", "injured", "status", "reporter_type", "partial", "reported_on"}
    if incidents is None or reports is None or not need <= set(reports.column_names):
        return []
    if not {"incident_id", *FIELDS} <= set(incidents.column_names):
        return []
    want = derive_table(incidents.column("incident_id"), reports)
    out = []
    for field in FIELDS:
        have, expected = incidents.column(field), want.column(field)
        differs = pc.or_(pc.fill_null(pc.not_equal(have, expected), False), pc.xor(pc.is_null(have), pc.is_null(expected)))
        differs = pc.and_(differs, pc.is_valid(incidents.column("incident_id")))
        rows = mask_rows(differs)
        if not len(rows):
            continue
        shown = [expected[int(r)].as_py() for r in rows]
        out.append(Finding("incidents", rows, field, "", "the ranges are derived (rule in docs/scope.md): correct or add rows in "
                           "data/casualty_reports.csv, then run isrd build", "toll-derivation",
                           pc.take(pc.cast(have, pa.string()), pa.array(rows)).to_pylist(),
                           messages=[f"does not follow from the incident's casualty reports, which give "
                                     f"{'empty' if v is None else v}" for v in shown]))
    return out


def fill(path=None, write: bool = True) -> list[tuple[str, str, int | None, int | None]]:
    """Set every incident's ranges to what the rule derives from its casualty reports.

    Returns (incident_id, field, old, new) for each value that differs; with write=False the
    table is left as it is (a check). path: a folder holding datapackage.json.
    """
    import pandas as pd

    from .load import load, typed_tables
    from .load import write as write_table
    from .package import open_package
    from .schema import resolve_root

    root = resolve_root(path)
    typed = typed_tables(root, ["incidents", "casualty_reports"])
    want = derive_table(typed["incidents"].column("incident_id"), typed["casualty_reports"])
    incidents = load("incidents", root, include_retracted=True)
    changes = []
    for field in FIELDS:
        new = pd.array(want.column(field).to_pylist(), dtype="Int64")
        old = incidents[field].array
        for i in np.flatnonzero(~np.asarray((old == new).fillna(False)) & ~(old.isna() & new.isna())):
            changes.append((incidents.at[i, "incident_id"], field, None if pd.isna(old[i]) else int(old[i]),
                            None if pd.isna(new[i]) else int(new[i])))
        incidents[field] = new
    if write and changes:
        res = open_package(root).resources["incidents"]
        write_table(incidents, "incidents", res.path, root)
    return changes
