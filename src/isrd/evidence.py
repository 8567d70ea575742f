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
_RUSSIAN_COLLECTIVE_WORD = re.compile(r"\b(" + "|".join(RUSSIAN_COLLECTIVE) + r")\b")
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
    "ru": ["январ", "феврал", "март", "апрел", "ма[яей]", "июн", "июл", "авг", "сентябр", "октябр", "ноябр", "декабр"],
    "uk": ["січ", "лют", "берез", "квіт", "трав", "черв", "лип", "серп", "верес", "жовт", "листопад", "груд"],
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
    "pt": ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"],
    "de": ["montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag|sonnabend", "sonntag"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    "it": ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"],
    "fa": ["دوشنبه", "سه[\u200c ]?شنبه", "چهارشنبه", "پنج[\u200c ]?شنبه", "جمعه", "(?<![یکدوسهچهارپنج\u200c ])شنبه", "یک[\u200c ]?شنبه"],
}
TODAY = (r"\btoday\b|\btonight\b|\bthis (?:morning|afternoon|evening)\b|сегодня|этим (?:утром|вечером)|этой ночью|اليوم"
         r"|\boggi\b|aujourd'hui|\bheute\b|\bhoje\b|\bhoy\b")
YESTERDAY = r"\byesterday\b|вчера|накануне|(?<!أول )أمس|\bieri\b|\bhier\b|\bgestern\b|\bontem\b|\bayer\b"


def _digits(text: str) -> set[int]:
    found = set()
    for m in re.finditer(r"(?<![\d.,])\d{1,3}(?:[,  ]\d{3})+(?![\d,.]\d)|(?<![\d.,])\d+(?![\d])", text):
        found.add(int(re.sub(r"\D", "", m.group(0))))
    return found


_EN_SMALL = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split())}
_EN_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_EN_LARGE = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million",
             "dozen", "score"}


@lru_cache(maxsize=1)
def _number_parser():
    """number-parser's module, with its word lists built once per language: it rebuilds them on every call
    (2 ms each, most of the cost of reading a short quote). They are only read, so one copy serves all."""
    from number_parser import parser

    if not getattr(parser.LanguageData, "isrd_cached", False):
        build, built = parser.LanguageData, {}

        def language_data(language):
            if language not in built:
                built[language] = build(language)
            return built[language]

        language_data.isrd_cached = True
        parser.LanguageData = language_data
    return parser


@lru_cache(maxsize=65536)
def numbers_in(text: str, language: str) -> frozenset[int]:
    """Every whole number a text states, in digits or in words of its language."""
    found = _digits(text)
    lang = (language or "en").split("-")[0]
    if lang == "en":  # the small words, read directly; number-parser only when larger ones may be there
        words = _EN_WORD.findall(text.lower())
        found |= {_EN_SMALL[w] for w in words if w in _EN_SMALL}
        if not any(w.split("-")[0] in _EN_LARGE for w in words):
            return frozenset(found)
    try:
        if lang in ("en", "es", "ru", "hi", "uk"):
            found |= _digits(_number_parser().parse(text, language=lang))
        elif lang in ("fr", "de", "it", "pt", "nl", "da"):
            from text_to_num import alpha2digit

            found |= _digits(alpha2digit(text, lang, threshold=0))
    except Exception:  # noqa: BLE001 - a parser's failure means no number found, never a crash
        pass
    if lang == "ru":
        lowered = text.lower()
        found |= {RUSSIAN_COLLECTIVE[w] for w in _RUSSIAN_COLLECTIVE_WORD.findall(lowered)}
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
    words = [w for w, v in WORDS_FOR.get((language or "en").split("-")[0], {}).items() if v == figure]
    if words and re.search(r"\b(?:" + "|".join(words) + r")\b", quote, re.I):
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
    """'22 March', 'March 22', 'Sept. 1' and '22 марта' (month names of the quote's language, any case)."""
    text = quote.lower()
    before, after = _month_patterns(date.month, lang)
    if any(int(m.group(1)) == date.day for p in (before, after) for m in p.finditer(text)):
        return True
    return lang == "ru" and bool(_russian_ordinal_pattern(date.month, date.day).search(text))


@lru_cache(maxsize=None)
def _month_patterns(month_number: int, lang: str) -> tuple[re.Pattern, re.Pattern]:
    """A day before and after one month's name, the day captured (one compiled pair per month and language:
    a pattern per day would be more than re's cache holds, and compiling them took a third of a second)."""
    month = MONTHS.get(lang, MONTHS["en"])[month_number - 1]
    day = r"(\d{1,2})(?:st|nd|rd|th)?"
    return (re.compile(rf"(?<!\d){day}\.?\s+(?:(?:of|de|di)\s+)?{month}"),
            re.compile(rf"(?<![^\W\d_]){month}[^\W\d_]*\.?\s+{day}(?!\d)"))


@lru_cache(maxsize=None)
def _russian_ordinal_pattern(month_number: int, day_number: int) -> re.Pattern:
    return re.compile(rf"(?<![а-яё]){RUSSIAN_ORDINAL_DAYS[day_number]}\s+{MONTHS['ru'][month_number - 1]}")


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


def _arrow(table, kinds: dict):
    """The columns named in kinds ({name: "string" | "int" | "date"}) as an Arrow table, from an Arrow table
    or a pandas DataFrame: a category becomes its text, a timestamp its day."""
    import pyarrow as pa
    import pyarrow.compute as pc

    names = list(kinds)
    if not isinstance(table, pa.Table):
        table = pa.Table.from_pandas(table[names], preserve_index=False)
    want = {"string": pa.string(), "int": pa.int64(), "date": pa.date32()}
    out = {}
    for n, kind in kinds.items():
        col = table.column(n)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        if len(col) == 0 or pa.types.is_null(col.type):
            col = pa.nulls(len(col), want[kind])
        elif kind == "date" and pa.types.is_timestamp(col.type):
            col = pc.cast(col, pa.date32())
        elif kind == "int" and pa.types.is_floating(col.type):
            col = pc.cast(col, pa.int64(), safe=False)
        elif col.type != want[kind]:
            col = col.cast(want[kind])
        out[n] = col
    return pa.table(out)


@lru_cache(maxsize=None)
def _figure(quote: str, figure: int, language: str, locator: str, deep: bool) -> bool:
    return figure_stated(quote, figure, language, locator, deep)


@lru_cache(maxsize=None)
def _date(quote: str, date: dt.date, precision: str, published, language: str, deep: bool) -> bool:
    return date_stated(quote, date, precision, published, language, deep)


def _evidence(frames: dict):
    """Active citations with their source's language and published day, as an Arrow table."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .checks import real_dates

    c = _arrow(frames["citations"], dict.fromkeys(["status", "record_table", "record_id", "field", "source_id", "quote", "locator"], "string"))
    # only the citations this rule reads: of a count's record, or of an incident's date (whole record or field)
    counted = pc.is_in(c.column("record_table"), value_set=pa.array(["casualty_reports", "claims"]))
    of_incident = pc.and_(pc.equal(c.column("record_table"), "incidents"),
                          pc.or_(pc.is_null(c.column("field")), pc.is_in(c.column("field"), value_set=pa.array(
                              ["perpetrators_killed", "date_start", "date_end"]))))
    needed = pc.and_(pc.fill_null(pc.equal(c.column("status"), "active"), False),
                     pc.fill_null(pc.or_(counted, of_incident), False))
    c = c.filter(needed)
    s = _arrow(frames["sources"], dict.fromkeys(["source_id", "language", "published"], "string"))
    text = s.column("published")
    full = pc.if_else(pc.fill_null(pc.equal(pc.utf8_length(text), 10), False), text, pa.scalar(None, pa.string()))
    published = pc.cast(real_dates(full), pa.date32())  # a full day only: a year or a month resolves no weekday
    at = pc.index_in(c.column("source_id"), value_set=s.column("source_id"))  # the source's first row (null: none)
    return pa.table({"record_table": c.column("record_table"), "record_id": c.column("record_id"),
                     "cfield": c.column("field"), "source_id": c.column("source_id"),
                     "quote": pc.fill_null(c.column("quote"), ""), "locator": pc.fill_null(c.column("locator"), ""),
                     "language": pc.fill_null(pc.take(s.column("language"), at), "en"),
                     "published": pc.take(published, at)})


def _pairs(recs, cited):
    """Each record (recs: key, record_id, ...) with each of its citations: an inner join on record_id,
    done as a lookup when the record ids are unique (the usual case; far cheaper than a hash join)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .checks import duplicated

    ids = recs.column("record_id")
    if not len(ids) or ids.null_count or pc.any(duplicated([ids])).as_py():
        return recs.join(cited, "record_id", join_type="inner", use_threads=False)
    at = pc.index_in(cited.column("record_id"), value_set=ids)
    found = pc.is_valid(at)
    cited, at = cited.filter(found), pc.filter(at, found)
    for name in recs.column_names:
        if name != "record_id":
            cited = cited.append_column(name, pc.take(recs.column(name), at))
    return cited


def _settle(pairs, keys: list[str], judge) -> set:
    """The record keys (column "key") with at least one pair the judge accepts: each distinct combination
    of the judged columns is judged once, cheaply first, and deeply only for records still unsettled."""
    import pyarrow.compute as pc

    stated: set = set()
    for deep in (False, True):
        if deep:
            pairs = pairs.filter(pc.invert(pc.is_in(pairs.column("key"), value_set=_as_set(stated, pairs.column("key").type))))
        if not pairs.num_rows:
            break
        combos = pairs.group_by(keys, use_threads=False).aggregate([("key", "list")])
        for row in combos.to_pylist():
            if judge(*(row[k] for k in keys), deep):
                stated.update(row["key_list"])
    return stated


def _as_set(values: set, kind):
    import pyarrow as pa

    return pa.array(list(values), kind)


def unstated(frames: dict) -> dict[str, list]:
    """The counts and dates of active records that no active citation of theirs states, from loaded
    tables (all rows; pandas DataFrames or Arrow tables): {"counts": [(table, id, field, value, row)],
    "dates": [(incident_id, date, row)]} (row: the record's position in its table), and how many were
    checked, {"counts_checked": n, "dates_checked": m}. Records are joined to their citations in Arrow,
    and each distinct quote, figure, language and locator is read once, so a larger package costs little
    more than its new quotes."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    cites = _evidence(frames)
    out = {"counts": [], "dates": [], "counts_checked": 0, "dates_checked": 0}
    for table, (pk, fields) in COUNTED.items():
        t = _arrow(frames[table], {pk: "string", "status": "string", **dict.fromkeys(fields, "int")})
        live = pc.fill_null(pc.equal(t.column("status"), "active"), False)
        mine = cites.filter(pc.fill_null(pc.equal(cites.column("record_table"), table), False))
        for field in fields:
            keep = pc.and_(live, pc.is_valid(t.column(field)))
            rows = np.flatnonzero(keep.to_numpy(zero_copy_only=False))
            recs = pa.table({"key": pa.array(rows, pa.int64()), "record_id": t.column(pk).take(pa.array(rows)),
                             "value": t.column(field).take(pa.array(rows))})
            out["counts_checked"] += recs.num_rows
            cited = mine.filter(pc.or_(pc.is_null(mine.column("cfield")), pc.fill_null(pc.equal(mine.column("cfield"), field), False)))
            pairs = _pairs(recs, cited)
            stated = _settle(pairs, ["quote", "value", "language", "locator"],
                             lambda q, v, lang, loc, deep: _figure(q, int(v), lang, loc, deep))
            # a sum's parts may be stated in different sentences of one article: the quotes of the
            # record's citations from the same source are read together for a `sum:` locator
            summed = pairs.filter(pc.match_substring(pairs.column("locator"), "sum:"))
            summed = summed.filter(pc.invert(pc.is_in(summed.column("key"), value_set=_as_set(stated, pa.int64()))))
            if summed.num_rows:
                open_keys = pc.is_in(pairs.column("key"), value_set=pc.unique(summed.column("key")))
                article = pairs.filter(open_keys).group_by(["key", "source_id"], use_threads=False).aggregate([("quote", "list")])
                text = {(k, sid): "\n".join(q) for k, sid, q in zip(*(article.column(n).to_pylist() for n in article.column_names))}
                for k, v, sid, lang, loc in zip(*(summed.column(n).to_pylist() for n in ("key", "value", "source_id", "language", "locator"))):
                    if k not in stated and any(_figure(text[(k, sid)], int(v), lang, loc, deep) for deep in (False, True)):
                        stated.add(k)
            for k, rid, v in zip(*(recs.column(n).to_pylist() for n in ("key", "record_id", "value"))):
                if k not in stated:
                    out["counts"].append((table, rid, field, int(v), k))
    out["counts"].sort(key=lambda x: (list(COUNTED).index(x[0]), x[4], COUNTED[x[0]][1].index(x[2])))
    inc = _arrow(frames["incidents"], {"incident_id": "string", "status": "string", "date_start": "date", "date_end": "date",
                                       "date_precision": "string"})
    live = pc.and_(pc.fill_null(pc.equal(inc.column("status"), "active"), False), pc.is_valid(inc.column("date_start")))
    rows = np.flatnonzero(live.to_numpy(zero_copy_only=False))
    take = pa.array(rows)
    precision = pc.fill_null(inc.column("date_precision").take(take), "")
    # a span known only by its end (an attack some days before an announcement) is stated by its end
    span = pc.is_in(precision, value_set=pa.array(SPANS))
    recs = pa.table({"key": pa.array(rows, pa.int64()), "record_id": inc.column("incident_id").take(take),
                     "day": inc.column("date_start").take(take), "precision": precision,
                     "last": pc.if_else(span, inc.column("date_end").take(take), pa.scalar(None, pa.date32()))})
    out["dates_checked"] = recs.num_rows
    mine = cites.filter(pc.and_(pc.fill_null(pc.equal(cites.column("record_table"), "incidents"), False),
                                pc.is_in(cites.column("cfield"), value_set=pa.array(["date_start", "date_end"]))))
    pairs = _pairs(recs, mine)
    stated = _settle(pairs, ["quote", "day", "precision", "last", "cfield", "published", "language"],
                     lambda q, day, prec, last, field, pub, lang, deep:
                     (field == "date_start" and _date(q, day, prec, pub, lang, deep))
                     or (last is not None and _date(q, last, "day", pub, lang, deep)))
    for k, iid, day in zip(*(recs.column(n).to_pylist() for n in ("key", "record_id", "day"))):
        if k not in stated:
            out["dates"].append((iid, day.isoformat(), k))
    return out


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
    found = unstated({t: tables[t] for t in _NEEDED})
    out = []
    grouped: dict[tuple, list] = {}
    for table, _, field, value, row in found["counts"]:
        grouped.setdefault((table, field), []).append((row, value))
    for (table, field), items in grouped.items():
        out.append(Finding(table, np.array([r for r, _ in items]), field,
                           "no active citation of this record has a quote that states this figure",
                           "add a citation whose quote gives the figure in digits or words, or name the words in its "
                           "locator (sum: 2 + 4, one: \"...\", none: \"...\", 3: \"...\"); or correct the figure "
                           "(docs/scope.md, Evidence)", "evidence", [str(v) for _, v in items]))
    if found["dates"]:
        out.append(Finding("incidents", np.array([r for _, _, r in found["dates"]]), "date_start",
                           "no date_start citation of this incident has a quote that states this date",
                           "add a citation (field date_start) whose quote gives the day and month, or a weekday or "
                           "'yesterday' that the source's published date resolves; or correct the date or its "
                           "precision (docs/scope.md, Evidence)", "evidence", [d for _, d, _ in found["dates"]]))
    return out
