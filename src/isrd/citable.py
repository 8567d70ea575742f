"""Every active source can be cited: its title is the page's own headline and its address the article's own.

The rules (isrd validate, kinds "placeholder-title", "not-the-article" and "duplicate-source"): an active
source's title is not a placeholder ("[untitled page at HOST]"); its url is none of the addresses in
rules.NOT_THE_ARTICLE (raw IPs, proxies, mirrors and caches, previews, staging hosts, AMP renderings,
redirects, listings, tracking parameters), nor a copy its own publisher field names as one
(rules.COPY_MARK); and no other active source has the same address (address_key).

Sources that broke a rule before it existed, and whose values no citable page repeats, are listed with the
reason in releases/waivers.csv (source_id, rule, reason). The list only shrinks: a waiver for a source that
no longer breaks its rule (fixed, or retracted) is itself a problem, so that fixing a source also clears
its line. A new source gets no waiver.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .checks import Finding
from .problems import Problem

WAIVERS = "releases/waivers.csv"
WAIVER_COLUMNS = ["source_id", "rule", "reason"]
RULES = ("placeholder-title", "not-the-article")


def read_waivers(root: Path) -> tuple[list[dict], list[Problem]]:
    """The waiver rows (with their file line), and what is wrong with the file; none when it is absent."""
    import csv
    import io

    from .package import inside

    path, refused = inside(Path(root), WAIVERS, "the waiver list")
    if path is None:
        return [], [Problem(WAIVERS, 0, message=refused, kind="waivers")]
    if not path.is_file():
        return [], []
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(WAIVERS, 0, message=f"the waiver list cannot be read ({exc})", hint="save it as UTF-8", kind="waivers")]
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:  # a NUL byte or an endless cell
        return [], [Problem(WAIVERS, 0, message=f"the waiver list cannot be read as CSV ({exc})", kind="waivers")]
    if not rows or rows[0] != WAIVER_COLUMNS:
        return [], [Problem(WAIVERS, 1, message="the header must be " + ",".join(WAIVER_COLUMNS), kind="waivers")]
    out, problems = [], []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(WAIVER_COLUMNS):
            problems.append(Problem(WAIVERS, line, message=f"the row has {len(row)} cells where the header has 3", kind="waivers"))
        elif row[1] not in RULES:
            problems.append(Problem(WAIVERS, line, "rule", row[1], "the rule is not one that can be waived",
                                    "rules: " + ", ".join(RULES), "waivers"))
        elif not row[2].strip():
            problems.append(Problem(WAIVERS, line, "reason", None, "a waiver needs its reason", "", "waivers"))
        else:
            out.append({"line": line, "source_id": row[0], "rule": row[1]})
    return out, problems


def citable_findings(root: Path | None, tables: dict) -> tuple[list[Finding], list[Problem]]:
    """Active sources with a placeholder title or an address that is not the article's own (unless waived),
    and waivers that are no longer needed."""
    from .rules import PLACEHOLDER_TITLE, active, uncitable_sources

    t = tables.get("sources")
    if t is None or not {"source_id", "title", "url"} <= set(t.column_names) or "status" not in t.column_names:
        return [], []
    waivers, problems = read_waivers(root) if root is not None else ([], [])
    ids = t.column("source_id").to_pylist()
    live = pc.fill_null(active(t), False).to_numpy(zero_copy_only=False)
    placeholder = pc.fill_null(pc.match_substring_regex(t.column("title"), PLACEHOLDER_TITLE), False).to_numpy(zero_copy_only=False)
    publishers = t.column("publisher") if "publisher" in t.column_names else pa.nulls(t.num_rows, pa.string())
    why = np.array(uncitable_sources(t.column("url"), publishers), dtype=object)
    breaks = {"placeholder-title": live & placeholder, "not-the-article": live & (why != None)}  # noqa: E711
    waived = {rule: {w["source_id"] for w in waivers if w["rule"] == rule} for rule in RULES}
    findings = []
    for rule, column, message, hint in (
        ("placeholder-title", "title", "the title is a placeholder, not the page's own headline",
         "write the headline the page shows; if it shows none, cite another page that states the same values"),
        ("not-the-article", "url", "the address is not the article's own",
         "cite the article at its own address (the outlet's own URL, without proxy, cache, preview or tracking parts)"),
    ):
        excused = pc.is_in(t.column("source_id"), pa.array(sorted(waived[rule]), pa.string()))
        rows = np.flatnonzero(breaks[rule] & ~pc.fill_null(excused, False).to_numpy(zero_copy_only=False))
        if len(rows):
            shown = [t.column(column)[int(r)].as_py() for r in rows]
            messages = None if rule == "placeholder-title" else [f"{message}: {why[r]}" for r in rows]
            findings.append(Finding("sources", rows, column, message, hint, rule, shown, messages=messages))
    findings += _repeated_addresses(t, live)
    still = {rule: {ids[r] for r in np.flatnonzero(breaks[rule])} for rule in RULES}
    for w in waivers:
        if w["source_id"] not in still[w["rule"]]:
            problems.append(Problem(WAIVERS, w["line"], "source_id", w["source_id"],
                                    f"the source no longer breaks the rule {w['rule']} (fixed or retracted)",
                                    "delete this line: the list only shrinks", "stale-waiver"))
    return findings, problems


def address_key(urls) -> pa.Array:
    """An address as it names one page: no scheme, no "www.", no fragment, no trailing slash (one pass
    of one regular expression, then a trim)."""
    return pc.utf8_rtrim(pc.replace_substring_regex(urls, r"(?i)^https?://(?:www\.)?|#.*$", ""), "/")


def _repeated_addresses(t: pa.Table, live: np.ndarray) -> list[Finding]:
    """Active sources whose address is an earlier active source's: one page is one source, or it counts
    as two outlets (kind "duplicate-source"; never waived)."""
    from .checks import duplicated

    key = pc.if_else(pa.array(live), address_key(t.column("url")), pa.scalar(None, pa.string()))
    key = pc.if_else(pc.equal(key, ""), pa.scalar(None, pa.string()), key)
    rows = np.flatnonzero(pc.fill_null(duplicated([key]), False).to_numpy(zero_copy_only=False))
    if not len(rows):
        return []
    keys, ids = key.to_pylist(), t.column("source_id").to_pylist()
    first = {}
    for i, k in enumerate(keys):
        first.setdefault(k, ids[i])
    return [Finding("sources", rows, "url", "", "point the citations at the earlier row and retract this one",
                    "duplicate-source", [keys[r] for r in rows], None,
                    [f"the address is already recorded as {first[keys[r]]}" for r in rows])]

