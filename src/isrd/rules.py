"""Rules beyond types: cross-field checks on one table, and the evidence rules across tables.

Each rule is declared once, as a function that marks the failing rows of a typed Arrow table; which rule
applies to which field is read from the Table Schema (field types, names, the isrd:codelist property),
so a new field is covered without touching this file. Cells that already failed a field check are
missing in the typed table, so no rule reports them again.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .checks import Finding, as_array, finding, mask_rows, real_dates

MAX_QUOTE_WORDS = 40
EVIDENCED_TABLES = ("incidents", "casualty_reports", "actors", "claims", "attributions")
PARTIAL_DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


@dataclass(frozen=True)
class RowRule:
    name: str
    column: str
    message: str
    hint: str
    fails: Callable  # typed pa.Table -> boolean array, true where the row breaks the rule

    @property
    def kind(self) -> str:
        return self.name


def today() -> dt.date:
    return dt.date.today()


def _after_today(col: str):
    return lambda t: pc.greater(t.column(col), pa.scalar(today(), pa.date32()))


def _iso3(col: str):
    def fails(t):
        from .geo import alpha3_codes

        codes = pa.array(alpha3_codes())
        return pc.and_(pc.is_valid(t.column(col)), pc.invert(pc.is_in(t.column(col), codes)))
    return fails


def _partial_date_not_real(col: str):
    """YYYY, YYYY-MM or YYYY-MM-DD that is not a real date, or is after today (the pattern check reports other forms)."""
    def fails(t):
        text = t.column(col)
        formed = pc.match_substring_regex(text, PARTIAL_DATE)
        length = pc.utf8_length(text)
        full = pc.if_else(pc.equal(length, 4), pc.binary_join_element_wise(text, "-01-01", ""),
                          pc.if_else(pc.equal(length, 7), pc.binary_join_element_wise(text, "-01", ""), text))
        stamps = real_dates(pc.if_else(formed, full, pa.scalar(None, pa.string())))
        real = pc.is_valid(stamps)
        future = pc.greater(pc.cast(stamps, pa.date32()), pa.scalar(today(), pa.date32()))
        return pc.and_(formed, pc.or_(pc.invert(real), pc.fill_null(future, False)))
    return fails


def _greater(low: str, high: str):
    return lambda t: pc.greater(t.column(low), t.column(high))


def _missing_when(col: str, condition: Callable):
    return lambda t: pc.and_(condition(t), pc.is_null(t.column(col)))


def _too_many_words(col: str, limit: int):
    # matches only when a word follows the first `limit` words: stops early, unlike counting every word
    return lambda t: pc.match_substring_regex(t.column(col), rf"^\s*(?:\S+\s+){{{limit}}}\S")


# addresses that are not the article's own: what each pattern finds (RE2, case-insensitive), for sources.url
NOT_THE_ARTICLE = [
    (r"^https?://\d{1,3}(?:\.\d{1,3}){3}(?:[:/]|$)", "a raw IP address"),
    (r"^https?://[^/]+:\d+/", "an address with a port (a proxy)"),
    (r"^https?://[^/:]+\.(?:[:/]|$)", "a host written with a trailing dot (write it without)"),
    (r"^https?://[^/]*(?:\.cloudfront\.net|cdn\.ampproject\.org|webcache\.googleusercontent\.com|\.translate\.goog)/",
     "a CDN, cache or translation proxy"),
    (r"^https?://(?:[^/]*\.)?(?:en-academic\.com|wikimili\.com|wiki\.riteme\.site|wikiwand\.com|wikiclassic\.com|wiki-org\.ru"
     r"|wiki\.gravy\.cc|liquisearch\.com|dokumen123\.com)/|^https?://[^/]*/wikisearch/", "a mirror of Wikipedia"),
    # an encyclopedia summarises the reporting it cites: the evidence is that reporting
    (r"^https?://(?:[^/]*\.)?(?:wikipedia\.org|wikishia\.net)/", "an encyclopedia article (cite the report it summarises)"),
    (r"^https?://[^/]*pangea-cms\.com/preview/|^https?://preview\.", "a CMS preview"),
    (r"^https?://(?:staging|stage|stg|dev|test)[0-9]*[.-]", "a staging or development host"),
    (r"^https?://(?:[^/]*[.-])?(?:acquiaprod|acquia-sites|wpengine|pantheonsite|herokuapp|netlify|vecto)\.|^https?://hostmaster\.",
     "a hosting or development host (not the outlet's public address)"),
    (r"^https?://[^/]+/(?:index\.php)?\?(?:[^#]*&)?p=\d+(?:[&#]|$)", "a redirect or short link"),
    (r"^https?://(?:t\.co|bit\.ly|goo\.gl|ow\.ly|p\.dw\.com|tinyurl\.com)/|/redirect\b|[?&](?:url|u)=https?",
     "a redirect or short link"),
    (r"/(?:tag|tags|category|categories|topic|topics)/[^/?#]*/?(?:[?#].*)?$|/search/?(?:[?#].*)?$",
     "a tag, topic or search listing"),
    (r"/amp(?:/|$|[?#])|[?&]amp(?:=[^&#]*)?(?:[&#]|$)|[.-]amp\.html?(?:[?#]|$)|^https?://amp\.",
     "an AMP rendering (cite the article's canonical address)"),
    (r"/content/wikipedia_[a-z]{2}_|wikipedia-on-ipfs\.org/", "a mirror of Wikipedia"),
    (r"[?&](?:utm_[a-z]+|fbclid|gclid|yclid|mc_cid|from|ref|ITO|ns_[a-z]+|maca|cmp)=", "a tracking parameter"),
]


PLACEHOLDER_TITLE = r"^\[untitled page at "

# A publisher that the record itself calls a copy ("wikimili.com (mirror of English Wikipedia)", "flnka.ru
# (repost of Caucasian Knot)"): the address is a copy's, whatever its host. Lower case only, so that "Daily
# Mirror" stays an outlet. A syndicating partner named with "via" (Reuters via Yahoo News) is accepted.
COPY_MARK = r"\b(?:mirror(?:ed)?|repost(?:ed|ing)?|cop(?:y|ied)|scraped|archived by)\b"
COPY_REASON = "its publisher is named as a copy of another outlet's article (mirror, repost or copy)"


def uncitable_sources(urls, publishers) -> list[str | None]:
    """For each source, what makes its address not the article's own: a pattern of NOT_THE_ARTICLE, or a
    publisher the record names as a copy (COPY_MARK); None when neither."""
    why = uncitable_addresses(urls)
    publishers = as_array(publishers) if not isinstance(publishers, list) else pa.array(publishers, pa.string())
    copy = pc.fill_null(pc.match_substring_regex(publishers, COPY_MARK), False).to_pylist()
    return [w if w is not None or not c else COPY_REASON for w, c in zip(why, copy)]


def uncitable_addresses(urls) -> list[str | None]:
    """For each address, what makes it not the article's own (NOT_THE_ARTICLE), or None (the rule is in
    isrd.citable, with the waivers of the sources that broke it before it existed)."""
    urls = as_array(urls) if not isinstance(urls, list) else pa.array(urls, pa.string())
    out = pa.nulls(len(urls), pa.string())
    anything = pc.fill_null(pc.match_substring_regex(urls, "|".join(f"(?:{p})" for p, _ in NOT_THE_ARTICLE), ignore_case=True), False)
    if not pc.any(anything).as_py():
        return out.to_pylist()  # one pass finds that no address breaks any pattern (the usual case)
    rows = np.flatnonzero(anything.to_numpy(zero_copy_only=False))
    some, why = pc.take(urls, pa.array(rows)), pa.nulls(len(rows), pa.string())
    for pattern, what in reversed(NOT_THE_ARTICLE):  # the first pattern that matches names the reason
        hit = pc.fill_null(pc.match_substring_regex(some, pattern, ignore_case=True), False)
        why = pc.if_else(hit, pa.scalar(what), why)
    reasons = [None] * len(urls)
    for row, what in zip(rows.tolist(), why.to_pylist()):
        reasons[row] = what
    return reasons


def row_rules(table: str, schema: dict) -> list[RowRule]:
    """Every row rule that applies to a table."""
    rules = []
    names = {f["name"] for f in schema["fields"]}
    for f in schema["fields"]:
        if f["type"] == "string" and f.get("isrd:codelist") == "ISO 3166-1 alpha-3":
            rules.append(RowRule("iso3166", f["name"], "is not an ISO 3166-1 alpha-3 country code",
                                 "use the three-letter code, such as RUS, AFG, IRN, SYR", _iso3(f["name"])))
        if f["type"] == "date":
            rules.append(RowRule("not_future", f["name"], "the date is after today",
                                 "dates record what has happened; check the year", _after_today(f["name"])))
    if table == "sources" and "published" in names:
        rules.append(RowRule("real_date", "published", "is not a real date, or is after today",
                             "write YYYY, YYYY-MM or YYYY-MM-DD with a real month and day", _partial_date_not_real("published")))
    for measure in ("killed", "injured"):
        low, best, high = (f"{measure}_{x}" for x in ("low", "best", "high"))
        if {low, best, high} <= names:
            rules.append(RowRule("range_order", best, f"{measure}_low <= {measure}_best <= {measure}_high does not hold (low is above best)",
                                 "the low figure cannot exceed the best, nor the best the high", _greater(low, best)))
            rules.append(RowRule("range_order", high, f"{measure}_low <= {measure}_best <= {measure}_high does not hold (best is above high)",
                                 "the low figure cannot exceed the best, nor the best the high", _greater(best, high)))
            rules.append(RowRule("range_order", high, f"{measure}_low <= {measure}_high does not hold",
                                 "the low figure cannot exceed the high", _greater(low, high)))
    if {"date_start", "date_end"} <= names:
        rules.append(RowRule("date_order", "date_end", "date_end is before date_start",
                             "date_end is the latest possible date; it cannot precede date_start", _greater("date_start", "date_end")))
    if {"status", "status_reason"} <= names:
        rules.append(RowRule("retraction_reason", "status_reason", "the record is retracted but gives no reason",
                             "say in status_reason why the record was retracted",
                             _missing_when("status_reason", lambda t: pc.equal(t.column("status"), "retracted"))))
    if {"authenticity", "authenticity_assessor_actor_id"} <= names:
        rules.append(RowRule("assessor", "authenticity_assessor_actor_id", "an authenticity judgement needs the actor who made it",
                             "name the assessor's actor_id, or set authenticity to unverified",
                             _missing_when("authenticity_assessor_actor_id",
                                           lambda t: pc.not_equal(t.column("authenticity"), "unverified"))))
    if table == "citations" and "quote" in names:
        rules.append(RowRule("quote_length", "quote", f"the quote is longer than {MAX_QUOTE_WORDS} words",
                             "quote the shortest passage that backs the value", _too_many_words("quote", MAX_QUOTE_WORDS)))
    return rules


def row_findings(table: str, schema: dict, typed: pa.Table) -> list[Finding]:
    """The rows of a typed table that break a row rule (rules whose columns are missing are skipped)."""
    out = []
    for rule in row_rules(table, schema):
        try:
            mask = rule.fails(typed)
        except KeyError:
            continue  # a column the rule needs is missing: the header problem says so
        shown = typed.column(rule.column) if rule.column in typed.column_names else None
        f = finding(table, mask, rule.column, rule.message, rule.hint, rule.kind,
                    pc.cast(shown, pa.string()) if shown is not None else None)
        if f is not None:
            out.append(f)
    return out


def active(t: pa.Table) -> pa.Array:
    """True for rows whose status is active (all rows when the table has no status)."""
    if "status" not in t.column_names:
        return pa.array(np.ones(t.num_rows, dtype=bool))
    return pc.fill_null(pc.equal(t.column("status"), "active"), False)


def citation_findings(tables: dict, schemas: dict, recovered: dict | None = None) -> list[Finding]:
    """Citations point at real records and fields, and every active record has an active citation.
    recovered: table -> ids of rows set aside as unreadable, which citations may still point at."""
    cites = tables.get("citations")
    need = {"record_table", "record_id", "field", "status"}
    if cites is None or not need <= set(cites.column_names):
        return []
    out = []
    record_table, record_id, field = cites.column("record_table"), cites.column("record_id"), cites.column("field")
    live = active(cites)
    for table in EVIDENCED_TABLES:
        t = tables.get(table)
        if t is None:
            continue
        pk = schemas[table]["primaryKey"][0]
        if pk not in t.column_names:
            continue
        here = pc.fill_null(pc.equal(record_table, table), False)
        ids = t.column(pk)
        known = pa.concat_arrays([as_array(ids), pa.array((recovered or {}).get(table, []), pa.string())])
        f = finding("citations", pc.and_(here, pc.and_(pc.is_valid(record_id), pc.invert(pc.is_in(record_id, known)))),
                    "record_id", "", f"record_id must be a {pk} in data/{table}.csv", "foreign-key", record_id)
        if f:
            f.messages = [f"there is no record {v} in {table}" for v in f.values]
            out.append(f)
        fields = [x["name"] for x in schemas[table]["fields"]]
        f = finding("citations", pc.and_(here, pc.and_(pc.is_valid(field), pc.invert(pc.is_in(field, pa.array(fields))))),
                    "field", f"{table} has no such field",
                    f"use one of: {', '.join(fields)}; or leave it empty to cite the whole record", "citation-field", field)
        out += [f] if f else []
        cited = pc.filter(record_id, pc.and_(here, live))
        uncited = pc.and_(pc.and_(active(t), pc.is_valid(ids)), pc.invert(pc.is_in(ids, as_array(cited))))
        f = finding(table, uncited, pk, "the record has no citation",
                    "add a row to data/citations.csv naming a source and a verbatim quote for it", "uncited", ids)
        out += [f] if f else []
    return out


# one statement is one row: the columns that say which statement a claim or an attribution records
STATEMENT_KEYS = {
    # __group: the claimant's topmost parent, so that the Islamic State and its province are one claimant,
    # while two groups claiming one attack on one day (IS-K and the Taliban) are two statements
    "claims": (["incident_id", "claim_date", "channel", "__group"],
               "one statement recorded twice: another active claim has the same incident, date and channel, by the "
               "same group or its parent (line {line})",
               "keep one row per statement: retract the copy (status retracted, status_reason 'duplicate of ...') and "
               "move its citations to the row kept; a claim published by Amaq has the Islamic State as claimant"),
    "attributions": (["incident_id", "attributor_actor_id", "attributed_actor_id", "stance", "statement_date"],
                     "another active attribution has the same incident, attributor, attributed party, stance and date "
                     "(line {line})",
                     "keep one row per statement: retract the copy and move its citations to the row kept"),
}


def _topmost(actor_ids, actors: pa.Table | None) -> pa.Array:
    """Each actor's topmost parent (itself when it has none; a parent cycle stops where it closes)."""
    ids = as_array(actor_ids).to_pylist()
    parent = {}
    if actors is not None and {"actor_id", "parent_actor_id"} <= set(actors.column_names):
        parent = {a: p for a, p in zip(actors.column("actor_id").to_pylist(), actors.column("parent_actor_id").to_pylist()) if p}
    top = {}
    for a in set(ids) - {None}:
        node, seen = a, {a}
        while node in parent and parent[node] not in seen:
            node = parent[node]
            seen.add(node)
        top[a] = node
    return pa.array([top.get(a) for a in ids], pa.string())


def duplicate_statement_findings(tables: dict) -> list[Finding]:
    """No statement recorded twice among the active claims and attributions."""
    from .checks import duplicated, first_of

    out = []
    for table, (keys, message, hint) in STATEMENT_KEYS.items():
        t = tables.get(table)
        if t is not None and "__group" in keys and "claimant_actor_id" in t.column_names:
            t = t.append_column("__group", _topmost(t.column("claimant_actor_id"), tables.get("actors")))
        if t is None or not set(keys) <= set(t.column_names):
            continue
        live = active(t)
        cols = [pc.if_else(live, pc.cast(t.column(k), pa.string()), pa.scalar(None, pa.string())) for k in keys]
        rows = mask_rows(duplicated(cols))
        if len(rows):
            firsts = first_of(cols)
            pk = t.column_names[0]
            out.append(Finding(table, rows, pk, message, hint, "duplicate-statement",
                               pc.take(t.column(pk), pa.array(rows)).to_pylist(), firsts[rows]))
    return out
