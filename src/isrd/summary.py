"""What is in the dataset: the counts a user checks first."""
from __future__ import annotations

from pathlib import Path

from .load import load_all


def _counts(series, top: int | None = None) -> list[tuple[str, int]]:
    counts = series.astype("string").fillna("(empty)").value_counts()
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return items[:top] if top else items


def summary(path: str | Path | None = None) -> str:
    frames = load_all(path)
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
    claims = frames["claims"]
    names = frames["actors"].set_index("actor_id")["name"]
    claimants = claims.loc[claims["status"] == "active", "claimant_actor_id"].map(names)
    out.append("Actors with most claims:")
    out += [f"  {key:<40} {n:>4}" for key, n in _counts(claimants, top=5)]
    return "\n".join(out)
