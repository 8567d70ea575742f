"""What is in the dataset: the counts a user checks first."""
from __future__ import annotations

from pathlib import Path

from .load import load_all


def _counts(series, top: int | None = None) -> list[tuple[str, int]]:
    counts = series.astype("string").fillna("(empty)").value_counts()
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return items[:top] if top else items


def _share(part: int, whole: int) -> str:
    """'1733 of 1738 (99%)': the percentage rounded down, so that 100% means all of them."""
    return f"{part} of {whole} ({100 * part // whole}%)" if whole else "0 of 0"


def _coverage_lines(frames: dict) -> list[str]:
    from .coverage import coverage

    c = coverage(frames)
    out = ["Coverage:",
           f"  incidents with two or more independent sources  {_share(c['two_independent_sources'], c['incidents'])}",
           f"  incidents whose date has its own citation       {_share(c['date_cited'], c['incidents'])}",
           f"  tolls given as a range (low < high)             {_share(c['toll_with_range'], c['with_toll'])}",
           f"  plots known only from a security service        {_share(c['plots_security_service_only'], c['plots'])}"]
    from .evidence import unstated

    e = unstated(frames)
    out += [f"  counts whose quote states the figure            {_share(e['counts_checked'] - len(e['counts']), e['counts_checked'])}",
            f"  incident dates whose quote states the date      {_share(e['dates_checked'] - len(e['dates']), e['dates_checked'])}"]
    from .rules import PLACEHOLDER_TITLE, uncitable_sources

    sources = frames["sources"]
    live = sources[sources["status"] == "active"]
    placeholder = live["title"].astype(str).str.contains(PLACEHOLDER_TITLE, regex=True)
    plain = lambda col: list(live[col].astype(object).where(live[col].notna(), None))  # noqa: E731
    unciteable = [u for u in uncitable_sources(plain("url"), plain("publisher")) if u]
    out += [f"  sources titled with the page's own headline      {_share(len(live) - int(placeholder.sum()), len(live))}",
            f"  sources at the article's own address            {_share(len(live) - len(unciteable), len(live))}"]
    if c["single_source"]:
        shown = ", ".join(c["single_source"][:12]) + (" ..." if len(c["single_source"]) > 12 else "")
        out.append(f"  incidents with fewer than two: {shown}")
    return out


def summary(path: str | Path | None = None) -> str:
    frames = load_all(path, include_retracted=True)
    out = ["Rows per table:"]
    out += [f"  {name:<16} {len(df):>6}" for name, df in frames.items()]
    inc = frames["incidents"]
    active = inc[inc["status"] == "active"]
    out.append(f"\nIncidents: {len(active)} active, {len(inc) - len(active)} retracted")
    years = active["date_start"].dt.year.astype("Int64").astype("string")
    for title, series in (("by year", years), ("by country", active["country"]),
                          ("by type", active["incident_type"]), ("by scope", active["scope"])):
        out.append(f"Incidents {title}:")
        rows = sorted(_counts(series)) if title == "by year" else _counts(series)
        out += [f"  {key:<16} {n:>6}" for key, n in rows]
    out += _coverage_lines(frames)
    claims = frames["claims"]
    names = frames["actors"].set_index("actor_id")["name"]
    claimants = claims.loc[claims["status"] == "active", "claimant_actor_id"].map(names)
    out.append("Actors with most claims:")
    out += [f"  {key:<40} {n:>4}" for key, n in _counts(claimants, top=5)]
    return "\n".join(out)
