"""Does a quote state the value it backs? The figure of a count, the date of a date.

A count is stated when the quote holds the figure in digits (1,500 or 1 500 or 1500), or in words in the
quote's language (number-parser for English, Russian, Spanish and Hindi; text2num for French, German,
Italian, Portuguese, Dutch and Danish), or when the citation's locator reads `sum: a + b` and each part
is stated in the quote (a part of 1 may be stated by the locator's `one:` words, for a named person counted
with others), or in another quote of the same record from the same source (one article, two sentences). A one may be "one", "single" or "lone"; a zero must be said ("no one was killed").
A one said in the singular ("the bomber blew himself up") or a zero said otherwise ("no losses") counts
when the locator quotes those words: `one: "the bomber blew himself up"`, `none: "no losses"`; so does a
number in a language with no parser here, `3: "trojicu policajaca"`. Such readings are confirmed by a
second reader, and isrd summary counts them apart.
A date is stated when dateparser finds it in the quote in the quote's language: the day and month for a
date known to the day, the month for one known to the month, the year for one known to the year; a
weekday or a relative day ("on Monday", "yesterday") counts when the source's published date resolves it.
An incident dated to a span of days (days_2_6, week) is stated by its first day (a date_start citation)
or its last (a date_start or date_end citation): an attack known only to have happened in the days
before an announcement has the announcement's day stated.
Dates are read in English, Russian (ordinal days too), Arabic (both month names, weekdays, "yesterday"),
Persian and Dari (weekdays, Solar Hijri dates through jdatetime), and any language dateparser reads.
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
                      "девятеро": 9, "десятеро": 10, "двоих": 2, "троих": 3, "четверых": 4, "пятерых": 5, "шестерых": 6,
                      "семерых": 7, "восьмерых": 8, "девятерых": 9, "десятерых": 10}
_READ_AS = {"one": 1, "none": 0}
SUM = re.compile(r"sum:\s*([0-9][0-9 +]*)")
# words of the quote that state a figure the parsers cannot read, as a reader confirmed them: a one said in
# the singular (`one: "the bomber blew himself up"`), a zero said otherwise (`none: "no losses"`), or a
# number in a language without a parser here (`3: "trojicu policajaca"`)
READING = re.compile(r'(?<![\w"])(one|none|[0-9]+):\s*"([^"]+)"')
# words for a number that the parsers do not read; "dozen" alone is twelve, "two dozen" twenty-four
WORDS_FOR = {"en": {r"(?<!two )(?<!three )(?<!four )(?<!half a )dozen": 12, "half a dozen": 6, "two dozen": 24,
                    "three dozen": 36, "a hundred": 100, "both": 2, "twin": 2}}
MONTHS = {
    "en": ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    "ru": ["январ", "феврал", "март", "апрел", "ма[яей]", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр"],
    "de": ["jan", "feb", "m(?:ä|ae)r", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "dez"],
    "fr": ["janv", "f[ée]v", "mars", "avr", "mai", "juin", "juil", "ao[ûu]t", "sept", "oct", "nov", "d[ée]c"],
    "pt": ["jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"],
    "es": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "se[pt]", "oct", "nov", "dic"],
    "it": ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"],
    # the Egyptian and the Levantine name of each month, often written together ("21 حزيران/ يونيو")
    "ar": ["(?:يناير|كانون الثاني)", "(?:فبراير|شباط)", "(?:مارس|آذار)", "(?:أبريل|ابريل|نيسان)", "(?:مايو|أيار)",
           "(?:يونيو|حزيران)", "(?:يوليو|تموز)", "(?:أغسطس|آب)", "(?:سبتمبر|أيلول)", "(?:أكتوبر|تشرين الأول)",
           "(?:نوفمبر|تشرين الثاني)", "(?:ديسمبر|كانون الأول)"],
}
_UNITS = ["первого", "второго", "третьего", "четв[её]ртого", "пятого", "шестого", "седьмого", "восьмого", "девятого"]
_TEENS = ["десятого", "одиннадцатого", "двенадцатого", "тринадцатого", "четырнадцатого", "пятнадцатого",
          "шестнадцатого", "семнадцатого", "восемнадцатого", "девятнадцатого"]
# Russian ordinal days as said before a month ("восемнадцатого декабря"), index = day
RUSSIAN_ORDINAL_DAYS = ["", *_UNITS, *_TEENS, "двадцатого", *[f"двадцать {u}" for u in _UNITS], "тридцатого", "тридцать первого"]
# Solar Hijri months, the Iranian and the Afghan (Dari) name, read with jdatetime
SOLAR_HIJRI_MONTHS = ["فروردین|حمل", "اردیبهشت|ثور", "خرداد|جوزا", "تیر|سرطان", "مرداد|اسد", "شهریور|سنبله",
                      "مهر|میزان", "آبان|عقرب", "آذر|قوس", "دی|جدی", "بهمن|دلو", "اسفند|حوت"]
WEEKDAYS = {
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "ru": ["понедельник", "вторник", "сред[ауы]", "четверг", "пятниц[ауы]", "суббот[ауы]", "воскресень[еяю]"],
    "ar": ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"],
    "fa": ["دوشنبه", "سه[\u200c ]?شنبه", "چهارشنبه", "پنج[\u200c ]?شنبه", "جمعه", "(?<![یکدوسهچهارپنج\u200c ])شنبه", "یک[\u200c ]?شنبه"],
}
TODAY = r"\btoday\b|\btonight\b|\bthis (?:morning|afternoon|evening)\b|сегодня|этим (?:утром|вечером)|этой ночью|اليوم"
YESTERDAY = r"\byesterday\b|вчера|накануне|(?<!أول )أمس"


def _digits(text: str) -> set[int]:
    found = set()
    for m in re.finditer(r"(?<![\d.,])\d{1,3}(?:[,  ]\d{3})+(?![\d,.]\d)|(?<![\d.,])\d+(?![\d])", text):
        found.add(int(re.sub(r"\D", "", m.group(0))))
    return found


@lru_cache(maxsize=65536)
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


def figure_stated(quote: str, figure: int, language: str = "en", locator: str = "", deep: bool = True) -> bool:
    """Whether the quote states the figure (see the module's rule). deep=False skips the number-word
    parsers, so that a caller can try every citation's digits before it parses any words."""
    if not isinstance(quote, str) or not quote:
        return False
    if not deep:
        language = "xx"  # digits and the fixed words only
    read = [_READ_AS[label] if label in _READ_AS else int(label)
            for label, words in READING.findall(locator or "") if words in quote]
    m = SUM.search(locator or "")
    if m and _sum_stated([int(p) for p in re.findall(r"\d+", m.group(1))], figure, quote, language, read):
        return True
    if figure in read:  # the locator names the words of the quote that state the figure
        return True
    if figure == 0:
        return bool(ZERO.search(quote)) or 0 in _digits(quote)
    if figure == 1 and ONE.search(quote):
        return True
    words = WORDS_FOR.get((language or "en").split("-")[0], {})
    if any(v == figure and re.search(rf"\b{w}\b", quote, re.I) for w, v in words.items()):
        return True
    return figure in numbers_in(quote, language)


def _sum_stated(parts: list[int], figure: int, quote: str, language: str, read: list[int]) -> bool:
    """The parts add up to the figure and each is stated in the quote, or by a reading of its own
    ("sum: 1 + 6; one: "a general"")."""
    if sum(parts) != figure:
        return False
    stated, spare = numbers_in(quote, language), list(read)
    for part in parts:
        if part not in stated:
            if part not in spare:
                return False
            spare.remove(part)
    return True


def date_stated(quote: str, date: dt.date, precision: str = "day", published: dt.date | None = None,
                language: str = "en", deep: bool = True) -> bool:
    """Whether the quote states the date at its precision (see the module's rule). deep=False skips
    dateparser, the slow last resort."""
    if not isinstance(quote, str) or not quote or date is None:
        return False
    if date.isoformat() in quote or date.strftime("%d.%m.%Y") in quote:
        return True
    if precision == "year":
        return str(date.year) in quote
    lang = (language or "en").split("-")[0]
    if _day_and_month(quote, date, lang) or _weekday(quote, date, published, lang):
        return True
    if precision == "month" and str(date.year) in quote and re.search(MONTHS.get(lang, MONTHS["en"])[date.month - 1], quote.lower()):
        return True  # "in March 2022 ... and in April of that year"
    for found in [*(_dates_in(quote, lang, published) if deep else ()), *_solar_hijri(quote)]:
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
    if lang == "ru" and re.search(rf"(?<![а-яё]){RUSSIAN_ORDINAL_DAYS[date.day]}\s+{month}", text):
        return True
    return bool(re.search(rf"(?<!\d){day}\.?\s+(?:(?:of|de|di)\s+)?{month}", text)
                or re.search(rf"(?<![^\W\d_]){month}[^\W\d_]*\.?\s+{day}(?!\d)", text))


def _solar_hijri(quote: str) -> list[dt.date]:
    """Solar Hijri dates written day, month, year ("30 جوزا 1396", Persian digits too), as Gregorian dates."""
    import jdatetime

    text = quote.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789"))
    names = "|".join(SOLAR_HIJRI_MONTHS)
    out = []
    for m in re.finditer(rf"(?<!\d)(\d{{1,2}})\s*({names})(?:\s*[|/]\s*(?:{names}))?\s*(1[34]\d\d)(?!\d)", text):
        month = next(i for i, n in enumerate(SOLAR_HIJRI_MONTHS, 1) if m.group(2) in n.split("|"))
        try:
            out.append(jdatetime.date(int(m.group(3)), month, int(m.group(1))).togregorian())
        except ValueError:  # no such day (31 Esfand)
            continue
    return out


def _weekday(quote: str, date: dt.date, published: dt.date | None, lang: str) -> bool:
    """A weekday named in a source published on that day or up to six days after it, or 'yesterday' and
    'today' against the published date."""
    if published is None:
        return False
    lag = (published - date).days
    text = quote.lower()
    if lag == 0 and re.search(TODAY, text):
        return True
    if lag == 1 and re.search(YESTERDAY, text):
        return True
    names = WEEKDAYS.get({"prs": "fa", "ps": "fa"}.get(lang, lang))
    return bool(names) and 0 <= lag <= 6 and bool(re.search(names[date.weekday()], text))


@lru_cache(maxsize=65536)
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


SPANS = ("days_2_6", "week")
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
            # a cell that failed its own check is missing here: it states nothing
            c["quote"] = c["quote"] if isinstance(c["quote"], str) else ""
            c["locator"] = c["locator"] if isinstance(c["locator"], str) else None
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
                cited = list(evidence(table, row[pk], field))
                # a sum's parts may be stated in different sentences of one article: the quotes of the
                # record's citations from the same source are read together for a `sum:` locator
                article = {}
                for c, _, _ in cited:
                    article.setdefault(c["source_id"], []).append(c["quote"] or "")
                if not any(figure_stated(c["quote"], int(value), lang, _plain(c["locator"]) or "", deep)
                           or (SUM.search(_plain(c["locator"]) or "") is not None
                               and figure_stated("\n".join(article[c["source_id"]]), int(value), lang, c["locator"], deep))
                           for deep in (False, True) for c, lang, _ in cited):
                    out["counts"].append((table, row[pk], field, int(value)))
    for row in frames["incidents"].to_dict("records"):
        if row["status"] != "active" or _plain(row["date_start"]) is None:
            continue
        out["dates_checked"] += 1
        day, precision = row["date_start"].date(), str(row["date_precision"])
        # a span known only by its end (an attack some days before an announcement) is stated by its end
        end = row["date_end"].date() if precision in SPANS and _plain(row.get("date_end")) is not None else None
        cited = [(c, lang, published, _plain(c["field"])) for field in ("date_start", "date_end")
                 for c, lang, published in evidence("incidents", row["incident_id"], field)]
        if not any((field == "date_start" and date_stated(c["quote"], day, precision, published, lang, deep))
                   or (end is not None and date_stated(c["quote"], end, "day", published, lang, deep))
                   for deep in (False, True) for c, lang, published, field in cited):
            out["dates"].append((row["incident_id"], day.isoformat()))
    return out


def _published(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text and len(text) == 10 else None
    except ValueError:
        return None


_NEEDED = {"sources": {"source_id", "language", "published"},
           "citations": {"status", "record_table", "record_id", "field", "source_id", "quote", "locator"},
           "casualty_reports": {"report_id", "status", "killed", "injured"},
           "claims": {"claim_id", "status", "claimed_killed"},
           "incidents": {"incident_id", "status", "perpetrators_killed", "date_start", "date_end", "date_precision"}}


def evidence_findings(tables: dict) -> list:
    """A Finding for every count or date of an active record that no active citation's quote states
    (the rule above), on the record's own row and column. Skipped when a table it reads is missing or
    lacks a column: that is reported where it is."""
    import numpy as np

    from .checks import Finding

    if any(t not in tables or not cols <= set(tables[t].column_names) for t, cols in _NEEDED.items()):
        return []
    frames = {t: tables[t].select(sorted(cols | ({COUNTED[t][0]} if t in COUNTED else set()))).to_pandas(date_as_object=False)
              for t, cols in _NEEDED.items()}
    found = unstated(frames)
    out = []
    grouped: dict[tuple, list] = {}
    for table, rid, field, value in found["counts"]:
        grouped.setdefault((table, field), []).append((rid, value))
    for (table, field), items in grouped.items():
        index = {k: i for i, k in enumerate(frames[table][COUNTED[table][0]])}
        out.append(Finding(table, np.array([index[r] for r, _ in items]), field,
                           "no active citation of this record has a quote that states this figure",
                           "add a citation whose quote gives the figure in digits or words, or name the words in its "
                           "locator (sum: 2 + 4, one: \"...\", none: \"...\", 3: \"...\"); or correct the figure "
                           "(docs/scope.md, Evidence)", "evidence", [str(v) for _, v in items]))
    if found["dates"]:
        index = {k: i for i, k in enumerate(frames["incidents"]["incident_id"])}
        out.append(Finding("incidents", np.array([index[i] for i, _ in found["dates"]]), "date_start",
                           "no date_start citation of this incident has a quote that states this date",
                           "add a citation (field date_start) whose quote gives the day and month, or a weekday or "
                           "'yesterday' that the source's published date resolves; or correct the date or its "
                           "precision (docs/scope.md, Evidence)", "evidence", [d for _, d in found["dates"]]))
    return out
