"""The documented rule by which an incident's killed_* and injured_* ranges follow from its casualty reports.

The rule, for each measure (killed, injured) of an incident:
- eligible reports: active rows of casualty_reports for the incident that give a figure, are not
  partial (a count of only some victims), do not count the attackers (includes_perpetrators) and are
  not the perpetrator's own figure;
- a report's date is its reported_on, or, when that is empty, its source's published date if the source
  gives a full day; reports with neither count as the oldest;
- low: the lowest eligible figure; high: the highest;
- best: the figure of the latest-dated eligible report; when several share that date, the highest of
  them (and of those, the lowest report id names the report behind it);
- no eligible report: if partial reports (not the perpetrator's, not counting attackers) give a figure,
  low is the highest of them, a floor, and best and high stay empty; otherwise all three are empty.
A perpetrator's claimed figure is kept in casualty_reports (and claims.claimed_killed) but never
enters the range, so the ranges in incidents can always be recomputed from the reports.
best_reports() names the report behind each best figure; the events view carries it.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MEASURES = ("killed", "injured")
LEVELS = ("low", "best", "high")
FIELDS = [f"{m}_{level}" for m in MEASURES for level in LEVELS]
REPORT_FIELDS = [f"{m}_best_report" for m in MEASURES]
_OLDEST = dt.date(1, 1, 1)
_FULL_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _false(column) -> pa.Array:
    return pc.fill_null(column, False)


def report_days(reports: pa.Table, sources: pa.Table | None) -> pa.Array:
    """Each report's date: reported_on, else its source's published day (a full YYYY-MM-DD), else null."""
    day = reports.column("reported_on")
    if sources is None or "source_id" not in reports.column_names or not {"source_id", "published"} <= set(sources.column_names):
        return day
    published = sources.column("published")
    full = pc.fill_null(pc.match_substring_regex(published, _FULL_DAY), False)
    known = sources.filter(full)
    when = pc.strptime(known.column("published"), format="%Y-%m-%d", unit="s", error_is_null=True)
    lookup = pa.table({"source_id": known.column("source_id"), "__published": pc.cast(when, pa.date32())})
    lookup = lookup.group_by("source_id", use_threads=False).aggregate([("__published", "min")])
    ids = pa.table({"source_id": reports.column("source_id"), "__row": pa.array(np.arange(reports.num_rows))})
    joined = ids.join(lookup, "source_id", join_type="left outer", use_threads=False).sort_by("__row")
    return pc.coalesce(day, joined.column("__published_min"))


def _grouped(ids: pa.Table, rows: pa.Table, aggregations: list) -> pa.Table:
    agg = rows.group_by("incident_id", use_threads=False).aggregate(aggregations)
    return ids.join(agg, "incident_id", join_type="left outer", use_threads=False).sort_by("__row")


def derive_table(incident_ids: pa.Array, reports: pa.Table, sources: pa.Table | None = None) -> pa.Table:
    """killed_low ... injured_high and the best figures' report ids for each id in incident_ids (in that
    order), from typed casualty reports (and sources, for undated reports)."""
    out = {"incident_id": incident_ids}
    ids = pa.table({"incident_id": incident_ids, "__row": pa.array(np.arange(len(incident_ids)))})
    day = pc.fill_null(report_days(reports, sources), pa.scalar(_OLDEST, pa.date32()))
    report_id = reports.column("report_id") if "report_id" in reports.column_names else pa.nulls(reports.num_rows, pa.string())
    counted = pc.and_(_false(pc.equal(reports.column("status"), "active")),
                      _false(pc.not_equal(reports.column("reporter_type"), "perpetrator")))
    if "includes_perpetrators" in reports.column_names:
        counted = pc.and_(counted, pc.invert(_false(reports.column("includes_perpetrators"))))
    partial = _false(reports.column("partial"))
    for measure in MEASURES:
        figure = reports.column(measure)
        usable = pc.and_(counted, pc.is_valid(figure))
        t = pa.table({"incident_id": reports.column("incident_id"), "day": day, "figure": figure, "report_id": report_id})
        rows = t.filter(pc.and_(usable, pc.invert(partial)))
        rows = rows.take(pc.sort_indices(rows, [("incident_id", "ascending"), ("day", "ascending"),
                                                ("figure", "ascending"), ("report_id", "descending")]))
        full = _grouped(ids, rows, [("figure", "min"), ("figure", "last"), ("figure", "max"), ("report_id", "last")])
        floor = _grouped(ids, t.filter(pc.and_(usable, partial)), [("figure", "max")])
        out[f"{measure}_low"] = pc.coalesce(full.column("figure_min"), floor.column("figure_max"))
        out[f"{measure}_best"] = full.column("figure_last")
        out[f"{measure}_high"] = full.column("figure_max")
        out[f"{measure}_best_report"] = full.column("report_id_last")
    return pa.table({k: out[k] for k in ["incident_id", *FIELDS, *REPORT_FIELDS]})


_REPORT_TYPES = {"report_id": pa.string(), "incident_id": pa.string(), "killed": pa.int64(), "injured": pa.int64(),
                 "status": pa.string(), "reporter_type": pa.string(), "partial": pa.bool_(),
                 "includes_perpetrators": pa.bool_(), "reported_on": pa.date32(), "source_id": pa.string()}


def derive(reports: list[dict], published: dict[str, str] | None = None) -> dict[str, int | str | None]:
    """The ranges and best reports for one incident, from its casualty reports as plain dicts (the same
    rule); published maps a source id to its published date text, for undated reports."""
    rows = [dict(r, incident_id="x") for r in reports]
    table = pa.table({k: pa.array([r.get(k) for r in rows], t) for k, t in _REPORT_TYPES.items()})
    sources = None
    if published:
        sources = pa.table({"source_id": pa.array(list(published), pa.string()),
                            "published": pa.array(list(published.values()), pa.string())})
    out = derive_table(pa.array(["x"]), table, sources)
    return {f: out.column(f)[0].as_py() for f in FIELDS + REPORT_FIELDS}


def derive_all(incidents, casualty_reports, sources=None) -> dict[str, dict]:
    """Derived ranges and best reports for every incident of loaded (pandas) tables, by incident id."""
    import pandas as pd

    def arrow(series, kind):
        values = [None if v is None or v is pd.NA or (not isinstance(v, str) and pd.isna(v)) else v for v in series.astype(object)]
        if kind == pa.date32():
            values = [v.date() if hasattr(v, "date") else v for v in values]
        return pa.array(values, kind)

    table = pa.table({k: arrow(casualty_reports[k], t) if k in casualty_reports else pa.nulls(len(casualty_reports), t)
                      for k, t in _REPORT_TYPES.items()})
    src = None
    if sources is not None:
        src = pa.table({"source_id": arrow(sources["source_id"], pa.string()), "published": arrow(sources["published"], pa.string())})
    ids = arrow(incidents["incident_id"].dropna(), pa.string())
    out = derive_table(ids, table, src).to_pylist()
    return {row.pop("incident_id"): row for row in out}


def best_reports(path=None):
    """One row per active incident: the ids of the casualty reports behind killed_best and injured_best
    (empty where there is no best figure). The same columns are in isrd.load("events")."""
    from .load import typed_tables
    from .schema import resolve_root

    typed = typed_tables(resolve_root(path), ["incidents", "casualty_reports", "sources"])
    incidents = typed["incidents"].filter(_false(pc.equal(typed["incidents"].column("status"), "active")))
    got = derive_table(incidents.column("incident_id"), typed["casualty_reports"], typed["sources"])
    return got.select(["incident_id", *REPORT_FIELDS]).to_pandas()


def toll_findings(tables: dict) -> list:
    """A Finding for every incident range that does not follow from its casualty reports."""
    from .checks import Finding, mask_rows

    incidents, reports = tables.get("incidents"), tables.get("casualty_reports")
    need = {"incident_id", "killed", "injured", "status", "reporter_type", "partial", "reported_on"}
    sources = tables.get("sources")
    if incidents is None or reports is None or not need <= set(reports.column_names):
        return []
    if not {"incident_id", *FIELDS} <= set(incidents.column_names):
        return []
    want = derive_table(incidents.column("incident_id"), reports, sources)
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
    typed = typed_tables(root, ["incidents", "casualty_reports", "sources"])
    want = derive_table(typed["incidents"].column("incident_id"), typed["casualty_reports"], typed["sources"])
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
