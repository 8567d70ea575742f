"""Does a quote state the value it backs? The figure of a count, the date of a date.

A count is stated when the quote holds the figure in digits (1,500 or 1 500 or 1500), or in words in the
quote's language (number-parser for English, Russian, Spanish and Hindi; text2num for French, German,
Italian, Portuguese, Dutch and Danish), or when the citation's locator reads `sum: a + b` and each part
is stated in the quote. A one may be "one", "single" or "lone"; a zero must be said ("no one was killed").
A one said in the singular ("the bomber blew himself up") or a zero said otherwise ("no losses") counts
when the locator quotes those words: `one: "the bomber blew himself up"`, `none: "no losses"`.
A date is stated when dateparser finds it in the quote in the quote's language: the day and month for a
date known to the day, the month for one known to the month, the year for one known to the year; a
weekday or a relative day ("on Monday", "yesterday") counts when the source's published date resolves it.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

ZERO = re.compile(r"\b(no one|nobody|none|no (?:one|deaths?|casualties|victims|injuries|fatalities)|"
                  r"without casualties|unharmed|unhurt|zero)\b|никто|без жертв|не пострадал|жертв нет|"
                  r"погибших нет|пострадавших нет|keine (?:Toten|Opfer|Verletzten)|aucune? (?:victime|mort)|"
                  r"sin víctimas|sem vítimas", re.I)
ONE = re.compile(r"\b(one|single|lone|sole)\b|\bодин\b|\bодна\b|\bодного\b|\bодной\b", re.I)
# collective numerals, which number-parser does not read
RUSSIAN_COLLECTIVE = {"двое": 2, "трое": 3, "четверо": 4, "пятеро": 5, "шестеро": 6, "семеро": 7, "восьмеро": 8,
                      "девятеро": 9, "десятеро": 10, "двоих": 2, "троих": 3, "четверых": 4, "пятерых": 5, "шестерых": 6}
SUM = re.compile(r"sum:\s*([0-9][0-9 +]*)")
# a one or a zero said in words that are not a number: `one: "the bomber blew himself up"`, `none: "no losses"`
READING = re.compile(r'\b(one|none):\s*"([^"]+)"')
WORDS_FOR = {"en": {"dozen": 12, "a hundred": 100, "both": 2, "twin": 2}}
MONTHS = {
    "en": ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    "ru": ["январ", "феврал", "март", "апрел", "ма[яей]", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр"],
}
WEEKDAYS = {
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "ru": ["понедельник", "вторник", "сред[ауы]", "четверг", "пятниц[ауы]", "суббот[ауы]", "воскресень[еяю]"],
}


def _digits(text: str) -> set[int]:
    found = set()
    for m in re.finditer(r"(?<![\d.,])\d{1,3}(?:[,  ]\d{3})+(?![\d,.]\d)|(?<![\d.,])\d+(?![\d])", text):
        found.add(int(re.sub(r"\D", "", m.group(0))))
    return found


@lru_cache(maxsize=4096)
def numbers_in(text: str, language: str) -> frozenset[int]:
    """Every whole number a text states, in digits or in words of its language."""
    found = _digits(text)
    lang = (language or "en").split("-")[0]
    try:
        if lang in ("en", "es", "ru", "hi", "uk"):
            from number_parser import parse

            found |= _digits(parse(text, language=lang))
        elif lang in ("fr", "de", "it", "pt", "nl", "da"):
            from text_to_num import alpha2digit

            found |= _digits(alpha2digit(text, lang, threshold=0))
    except Exception:  # noqa: BLE001 - a parser's failure means no number found, never a crash
        pass
    if lang == "ru":
        lowered = text.lower()
        found |= {v for w, v in RUSSIAN_COLLECTIVE.items() if re.search(rf"\b{w}\b", lowered)}
    return frozenset(found)


def figure_stated(quote: str, figure: int, language: str = "en", locator: str = "") -> bool:
    """Whether the quote states the figure (see the module's rule)."""
    if not quote:
        return False
    said = READING.search(locator or "")
    if said and said.group(2) in quote:  # the locator names the words of the quote that state a one or a zero
        return (said.group(1) == "one" and figure == 1) or (said.group(1) == "none" and figure == 0)
    m = SUM.search(locator or "")
    if m:
        parts = [int(p) for p in re.findall(r"\d+", m.group(1))]
        stated = numbers_in(quote, language)
        return sum(parts) == figure and all(p in stated for p in parts)
    if figure == 0:
        return bool(ZERO.search(quote)) or 0 in _digits(quote)
    if figure == 1 and ONE.search(quote):
        return True
    words = WORDS_FOR.get((language or "en").split("-")[0], {})
    if any(v == figure and re.search(rf"\b{w}\b", quote, re.I) for w, v in words.items()):
        return True
    return figure in numbers_in(quote, language)


def date_stated(quote: str, date: dt.date, precision: str = "day", published: dt.date | None = None,
                language: str = "en") -> bool:
    """Whether the quote states the date at its precision (see the module's rule)."""
    if not quote or date is None:
        return False
    if date.isoformat() in quote or date.strftime("%d.%m.%Y") in quote:
        return True
    if precision == "year":
        return str(date.year) in quote
    lang = (language or "en").split("-")[0]
    if _day_and_month(quote, date, lang) or _weekday(quote, date, published, lang):
        return True
    for found in _dates_in(quote, (language or "en").split("-")[0], published):
        if precision == "month" and (found.year, found.month) == (date.year, date.month):
            return True
        if (found.month, found.day) == (date.month, date.day):
            return True
    return False


def _day_and_month(quote: str, date: dt.date, lang: str) -> bool:
    """'22 March', 'March 22', 'Sept. 1' and '22 марта' (English and Russian month names, any case)."""
    month = MONTHS.get(lang, MONTHS["en"])[date.month - 1]
    text = quote.lower()
    day = rf"0?{date.day}(?:st|nd|rd|th)?"
    return bool(re.search(rf"(?<!\d){day}\.?\s+(?:of\s+)?{month}", text) or re.search(rf"{month}[a-zа-я]*\.?\s+{day}(?!\d)", text))


def _weekday(quote: str, date: dt.date, published: dt.date | None, lang: str) -> bool:
    """A weekday named in a source published on that day or up to six days after it, or 'yesterday' and
    'today' against the published date."""
    if published is None:
        return False
    lag = (published - date).days
    text = quote.lower()
    if lag == 0 and re.search(r"\btoday\b|\btonight\b|сегодня", text):
        return True
    if lag == 1 and re.search(r"\byesterday\b|вчера|накануне", text):
        return True
    names = WEEKDAYS.get(lang)
    return bool(names) and 0 <= lag <= 6 and bool(re.search(names[date.weekday()], text))


@lru_cache(maxsize=4096)
def _dates_in(quote: str, language: str, published: dt.date | None) -> tuple[dt.date, ...]:
    from dateparser.search import search_dates

    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime(published.year, published.month, published.day)
    try:
        found = search_dates(quote, languages=[language] if language != "en" else ["en"], settings=settings) or []
    except Exception:  # noqa: BLE001 - an unparsable text states no date
        return ()
    # a weekday or a relative word alone is resolved by the rule above, against the published date
    return tuple(d.date() for text, d in found if re.search(r"\d", text))


COUNTED = {"casualty_reports": ("report_id", ["killed", "injured"]), "claims": ("claim_id", ["claimed_killed"]),
           "incidents": ("incident_id", ["perpetrators_killed"])}


def _plain(value):
    import pandas as pd

    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def unstated(frames: dict) -> dict[str, list]:
    """The counts and dates of active records that no active citation of theirs states, from loaded
    tables (all rows): {"counts": [(table, id, field, value)], "dates": [(incident_id, date)]}, and how
    many were checked, {"counts_checked": n, "dates_checked": m}."""
    sources = {s["source_id"]: s for s in frames["sources"].to_dict("records")}
    cites: dict[tuple, list[dict]] = {}
    for c in frames["citations"].to_dict("records"):
        if c["status"] == "active":
            cites.setdefault((c["record_table"], c["record_id"]), []).append(c)

    def evidence(table, rid, field):
        for c in cites.get((table, rid), []):
            if _plain(c["field"]) in (None, field):
                s = sources.get(c["source_id"], {})
                yield c, str(_plain(s.get("language")) or "en"), _published(_plain(s.get("published")))

    out = {"counts": [], "dates": [], "counts_checked": 0, "dates_checked": 0}
    for table, (pk, fields) in COUNTED.items():
        for row in frames[table].to_dict("records"):
            if row.get("status") != "active":
                continue
            for field in fields:
                value = _plain(row[field])
                if value is None:
                    continue
                out["counts_checked"] += 1
                if not any(figure_stated(c["quote"], int(value), lang, _plain(c["locator"]) or "")
                           for c, lang, _ in evidence(table, row[pk], field)):
                    out["counts"].append((table, row[pk], field, int(value)))
    for row in frames["incidents"].to_dict("records"):
        if row["status"] != "active" or _plain(row["date_start"]) is None:
            continue
        out["dates_checked"] += 1
        day = row["date_start"].date()
        if not any(date_stated(c["quote"], day, str(row["date_precision"]), published, lang)
                   for c, lang, published in evidence("incidents", row["incident_id"], "date_start")
                   if _plain(c["field"]) == "date_start"):
            out["dates"].append((row["incident_id"], day.isoformat()))
    return out


def _published(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text and len(text) == 10 else None
    except ValueError:
        return None
