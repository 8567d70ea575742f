"""Field checks, derived from the Table Schema and run vectorised on the text columns of one read.

Each field's type and constraints become checks on its whole column at once (RE2 regular expressions,
where \\d is an ASCII digit, so '١٢' and '１２' are not numbers), and every cell that passes becomes a
typed value. A cell that fails is reported once and is missing from the typed table, so that no later
rule reports it again (a bad date does not also break a foreign key or the id registry).
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .package import Resource
from .problems import Problem

INTEGER = r"^(0|-?[1-9][0-9]*)$"
NUMBER = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SPREADSHEET_DATE = r"^[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{2,4}$"
MAX_INTEGER_DIGITS = 18  # every such whole number fits in 64 bits
# invisible characters that can make two keys look equal or reorder text: zero-width space and joiner,
# word joiner, byte-order mark, bidirectional embeddings, overrides and isolates. The zero-width
# non-joiner (U+200C), which Persian needs, is allowed.
INVISIBLE = "[\u200b\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]"
CONTROL = "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]"
FORMULA = r"^\s*[=+\-@]"
TYPE_HINTS = {
    "integer": "write a whole number with ASCII digits and no leading zero, such as 12, or leave the cell empty when no figure is known",
    "number": "write a decimal number with a dot and ASCII digits, such as 55.75",
    "date": "write the date as YYYY-MM-DD, such as 2024-03-22",
    "boolean": "write true or false, or leave the cell empty",
}


@dataclass
class Finding:
    """One rule broken on some rows of a table: the row indices and, for each, the value shown."""
    table: str
    rows: np.ndarray
    column: str
    message: str
    hint: str
    kind: str
    values: list | None = None  # the text of each failing cell; None to show no value
    refs: np.ndarray | None = None  # for each failing row, the row it clashes with: {line} in message becomes its line
    messages: list | None = None  # a message of its own for each failing row, in place of message


def mask_rows(mask) -> np.ndarray:
    """Row indices where a boolean Arrow array is true (null counts as false)."""
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks() if mask.num_chunks != 1 else mask.chunk(0)
    return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))


def finding(table: str, mask, column: str, message: str, hint: str, kind: str, shown=None) -> Finding | None:
    """A Finding for the rows where mask is true, or None when there are none."""
    rows = mask_rows(mask)
    if not len(rows):
        return None
    values = None if shown is None else pc.take(shown, pa.array(rows)).to_pylist()
    return Finding(table, rows, column, message, hint, kind, values)


def _matches(col, pattern: str):
    return pc.match_substring_regex(col, pattern)


def _enum(field: dict):
    return field.get("constraints", {}).get("enum")


class FieldChecks:
    """The checks of one table's fields: problems found, and the typed columns of the cells that passed."""

    def __init__(self, resource: Resource, text: pa.Table, full: bool = True, control: bool = True):
        """full=False runs only what typing needs (types and categories), as the loader does;
        control=False when the file is known to hold no control character."""
        self.resource, self.text, self.name, self.full, self.control = resource, text, resource.name, full, control
        self.findings: list[Finding] = []
        self.bad = {}  # column -> boolean mask of cells with a problem
        self.typed = {}
        self._firsts = {}

    def add(self, mask, column: str, message: str, hint: str, kind: str, show: bool = True) -> None:
        f = finding(self.name, mask, column, message, hint, kind, self.text.column(column) if show else None)
        if f is not None:
            self.findings.append(f)
            old = self.bad.get(column)
            mask = pc.fill_null(mask, False)
            self.bad[column] = mask if old is None else pc.or_(old, mask)

    def _first(self, name: str, col):
        """Each cell's first character, worked out once per column (two checks read it)."""
        if name not in self._firsts:
            self._firsts[name] = pc.utf8_slice_codeunits(col, 0, 1)
        return self._firsts[name]

    def table(self) -> pa.Table:
        """The typed columns, in schema order (a column missing from the file is left out)."""
        return pa.table({name: self.typed[name] for name in self.resource.field_names if name in self.typed})

    def run(self) -> "FieldChecks":
        for field in self.resource.fields:
            if field["name"] in self.text.column_names:
                self._field(field)
        return self

    def _field(self, field: dict) -> None:
        name, kind = field["name"], field["type"]
        col = self.text.column(name)
        empty = pc.equal(col, "")
        c = field.get("constraints", {}) if self.full else {"enum": _enum(field)} if _enum(field) else {}
        if c.get("required"):
            self.add(empty, name, "this field is required but the cell is empty",
                     "fill it in (see the codebook for what it holds)", "required", show=False)
            blank = pc.utf8_is_space(self._first(name, col))  # the regular expression only where a cell starts blank
            if pc.any(blank).as_py():
                self.add(pc.and_(blank, _matches(col, r"^\s+$")), name, "this field is required but the cell holds only spaces",
                         "fill it in, or remove the spaces", "required")
        filled = pc.invert(empty)
        if kind == "string":
            typed = self._string(field, col, filled)
        elif kind == "integer":
            typed = self._integer(field, col, filled)
        elif kind == "number":
            typed = self._number(field, col, filled)
        elif kind == "date":
            typed = self._date(field, col, filled)
        else:
            typed = self._boolean(field, col, filled)
        bad = self.bad.get(name)
        if bad is not None and kind != "string":
            typed = pc.if_else(bad, pa.scalar(None, typed.type), typed)
        self._range(field, typed)
        if c.get("unique"):
            self.add(duplicated([typed]), name, "the value is already used in another row",
                     "each row needs its own value in this field", "unique")
        self.typed[name] = typed

    def _string(self, field: dict, col, filled):
        name, allowed = field["name"], _enum(field)
        c = field.get("constraints", {}) if self.full else {}  # the loader checks categories only
        if allowed:
            self.add(pc.and_(filled, pc.invert(pc.is_in(col, pa.array(allowed)))), name,
                     "the value is not one of the allowed values", "allowed values: " + ", ".join(allowed), "enum")
        if "pattern" in c:
            example = field.get("example")
            self.add(pc.and_(filled, pc.invert(_matches(col, f"^(?:{c['pattern']})$"))), name,
                     "the value does not have the expected form",
                     f"write it like {example}" if example else f"it must match {c['pattern']}", "pattern")
        length = pc.utf8_length(col) if ("minLength" in c or "maxLength" in c) else None
        if "minLength" in c:
            self.add(pc.and_(filled, pc.less(length, c["minLength"])), name,
                     f"the text is shorter than {c['minLength']} characters", "", "minLength")
        if "maxLength" in c:
            self.add(pc.greater(length, c["maxLength"]), name, f"the text is longer than {c['maxLength']} characters",
                     "shorten it", "maxLength")
        if self.full:
            self._text_hygiene(name, col, formula=not allowed)
        return _with_validity(col, pc.and_(filled, pc.invert(self.bad[name])) if name in self.bad else filled)

    def _text_hygiene(self, name: str, col, formula: bool) -> None:
        """Text is NFC, with no invisible or control characters; free text never starts like a formula.
        Each check runs on the few cells that could fail it (found with a cheap test first)."""
        if formula:
            first = self._first(name, col)
            maybe = pc.is_in(first, pa.array(["=", "+", "-", "@", " ", "\t", "\n", "\r", "\u00a0"]))
            if pc.any(maybe).as_py():
                risky = pc.and_(maybe, pc.and_(_matches(col, FORMULA), pc.invert(_matches(pc.utf8_trim_whitespace(col), NUMBER))))
                self.add(risky, name, "the text starts with = + - or @ (after any spaces), and a spreadsheet would run it "
                         "as a formula", "reword it so that it does not start with one of these characters", "no_formula")
        if self.control:
            self.add(_matches(col, CONTROL), name, "the text contains a control character",
                     "remove it (tabs and line breaks inside a cell are allowed)", "control-character")
        mask = pc.fill_null(pc.invert(pc.string_is_ascii(col)), False)
        non_ascii = mask_rows(mask)
        if not len(non_ascii):
            return
        some = col.filter(mask)  # a filter copies less than a take of the same rows
        # in a large table one pass finds the few cells holding an invisible character or one NFC can
        # change; only those are searched again and read in Python
        maybe = mask_rows(_matches(some, _nfc_unstable()[:-1] + INVISIBLE[1:])) if len(some) > NFC_PREFILTER else np.arange(len(some))
        maybe_text = pc.take(some, pa.array(maybe)) if len(maybe) < len(some) else some
        invisible = maybe[mask_rows(_matches(maybe_text, INVISIBLE))]
        not_nfc, at = [], 0
        for chunk in (maybe_text.chunks if isinstance(maybe_text, pa.ChunkedArray) else [maybe_text]):  # little memory
            not_nfc += [int(maybe[at + i]) for i, text in enumerate(chunk.to_pylist()) if not unicodedata.is_normalized("NFC", text)]
            at += len(chunk)
        for rows, message, hint, kind in (
            (invisible, "the text contains an invisible character (zero-width space or joiner, byte-order mark, or a "
             "bidirectional override)", "delete it: it can make two different values look the same", "invisible-character"),
            (not_nfc, "the text is not in Unicode normal form NFC",
             "retype it, or normalise it to NFC (unicodedata.normalize('NFC', text))", "nfc"),
        ):
            if len(rows):
                full = np.zeros(len(col), dtype=bool)
                full[non_ascii[np.asarray(rows)]] = True
                self.add(pa.array(full), name, message, hint, kind)

    def _integer(self, field: dict, col, filled):
        name = field["name"]
        quick = _round_trip(col, filled, pa.int64())
        limit = 10 ** MAX_INTEGER_DIGITS  # the same bound as the cell-by-cell check, whichever path runs
        if quick is not None and pc.all(pc.and_(pc.greater(quick, -limit), pc.less(quick, limit))).as_py() is not False:
            return quick
        well_formed = _matches(col, INTEGER)
        self.add(pc.and_(filled, pc.invert(well_formed)), name, "the value is not a valid integer",
                 TYPE_HINTS["integer"], "type")
        digits = pc.utf8_length(pc.utf8_ltrim(col, "-"))
        too_big = pc.and_(well_formed, pc.greater(digits, MAX_INTEGER_DIGITS))
        self.add(too_big, name, f"the number is too large (more than {MAX_INTEGER_DIGITS} digits)",
                 "check the figure", "type")
        ok = pc.and_(well_formed, pc.invert(too_big))
        return pc.cast(pc.if_else(ok, col, pa.scalar(None, pa.string())), pa.int64())

    def _number(self, field: dict, col, filled):
        name = field["name"]
        well_formed = _matches(col, NUMBER)
        self.add(pc.and_(filled, pc.invert(well_formed)), name, "the value is not a valid number",
                 TYPE_HINTS["number"], "type")
        text = pc.if_else(well_formed, col, pa.scalar(None, pa.string()))
        values = pc.cast(text, pa.float64())
        self.add(pc.is_inf(values), name, "the number is too large to hold", "check the figure", "type")
        values = pc.if_else(pc.is_inf(values), pa.scalar(None, pa.float64()), values)
        # the writer's form: the shortest text that reads back as the same number
        rows = mask_rows(pc.is_valid(values)) if self.full else []
        if len(rows):
            vals = pc.take(values, pa.array(rows)).to_pylist()
            texts = pc.take(col, pa.array(rows)).to_pylist()
            wrong = [(i, t, canonical_number(v)) for i, v, t in zip(rows, vals, texts) if canonical_number(v) != t]
            if wrong:
                self.findings.append(Finding(self.name, np.array([i for i, _, _ in wrong]), name,
                                             "the number is not written in the dataset's canonical form",
                                             "write it as " + ", ".join(sorted({c for _, _, c in wrong[:3]})),
                                             "canonical", [t for _, t, _ in wrong]))
        return values

    def _date(self, field: dict, col, filled):
        name = field["name"]
        quick = _real_days(col, filled)
        if quick is not None:
            return quick
        well_formed = _matches(col, DATE)
        spreadsheet = pc.and_(filled, _matches(col, SPREADSHEET_DATE))
        self.add(spreadsheet, name, "the date is in a spreadsheet's day/month format",
                 "write it as YYYY-MM-DD (in a spreadsheet, format the column as text or as yyyy-mm-dd before saving)", "type")
        self.add(pc.and_(pc.and_(filled, pc.invert(well_formed)), pc.invert(spreadsheet)), name,
                 "the value is not a valid date", TYPE_HINTS["date"], "type")
        text = pc.if_else(well_formed, col, pa.scalar(None, pa.string()))
        stamps = real_dates(text)
        real = pc.is_valid(stamps)
        self.add(pc.and_(well_formed, pc.invert(real)), name, "the value is not a real calendar date",
                 TYPE_HINTS["date"], "type")
        return pc.cast(pc.if_else(real, stamps, pa.scalar(None, stamps.type)), pa.date32())

    def _boolean(self, field: dict, col, filled):
        name = field["name"]
        true, false = field.get("trueValues", ["true"]), field.get("falseValues", ["false"])
        known = pc.is_in(col, pa.array(true + false))
        self.add(pc.and_(filled, pc.invert(known)), name, "the value is not a valid boolean",
                 f"write {true[0]} or {false[0]}, or leave the cell empty", "type")
        return pc.if_else(known, pc.is_in(col, pa.array(true)), pa.scalar(None, pa.bool_()))

    def _range(self, field: dict, typed) -> None:
        c, name = field.get("constraints", {}), field["name"]
        bounds = {"minimum": (pc.less, "below the minimum"), "maximum": (pc.greater, "above the maximum"),
                  "exclusiveMinimum": (pc.less_equal, "not above the exclusive minimum"),
                  "exclusiveMaximum": (pc.greater_equal, "not below the exclusive maximum")}
        for key, (compare, words) in bounds.items():
            if key not in c or field["type"] not in ("integer", "number", "date"):
                continue
            limit = c[key]
            if field["type"] == "date":
                limit = pa.scalar(dt.date.fromisoformat(limit), pa.date32())
            elif field["type"] == "integer" and float(limit) != int(limit):
                limit = float(limit)
                typed = pc.cast(typed, pa.float64())
            self.add(compare(typed, limit), name, f"the value is {words} {c[key]}",
                     "counts cannot be negative; coordinates are degrees within range", key)


NFC_PREFILTER = 20_000  # non-ASCII cells above which the character-class filter pays for itself


@lru_cache(maxsize=1)
def _nfc_unstable() -> str:
    """A character class (RE2) of every character NFC may change or reorder: combining marks, characters
    NFC replaces, the second characters of canonical compositions (Hangul jamo among them) and everything
    beyond the Basic Multilingual Plane. A text with none of them is in NFC, so only the few texts that
    hold one need Python's check. Derived from this Python's unicodedata, so it follows its Unicode version."""
    unstable = set()
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        if unicodedata.combining(c) or not unicodedata.is_normalized("NFC", c):
            unstable.add(cp)
        parts = unicodedata.decomposition(c).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            unstable.add(int(parts[1], 16))
    unstable.update(range(0x1100, 0x1200))  # Hangul jamo compose by rule, not by table
    unstable.update(range(0xAC00, 0xD7A4))  # Hangul syllables take trailing jamo
    ranges, start, prev = [], None, None
    for cp in sorted(unstable):
        if start is None:
            start = prev = cp
        elif cp == prev + 1:
            prev = cp
        else:
            ranges.append((start, prev))
            start = prev = cp
    ranges.append((start, prev))
    parts = "".join(f"\\x{{{a:04x}}}" if a == b else f"\\x{{{a:04x}}}-\\x{{{b:04x}}}" for a, b in ranges)
    return f"[{parts}\\x{{10000}}-\\x{{10ffff}}]"


def _round_trip(col, filled, kind: pa.DataType):
    """The typed column when every filled cell is already in the type's one written form, else None.

    Arrow's cast reads a column at once and refuses anything it cannot read (2024-02-30, 12.5, a number
    over 64 bits); a cell that casts and prints back as written is well formed (not 007, +7 or 2024-1-1).
    The cell-by-cell checks, which say what is wrong where, run only when this fast path fails."""
    text = pc.if_else(filled, col, pa.scalar(None, pa.string()))
    try:
        typed = pc.cast(text, kind)
        same = pc.equal(pc.cast(typed, pa.string()), text)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return typed if pc.all(same).as_py() is not False else None


def _real_days(col, filled):
    """The dates of a column whose every filled cell is a real YYYY-MM-DD date from year 1, else None."""
    days = _round_trip(col, filled, pa.date32())
    if days is None or pc.all(pc.greater_equal(days, pa.scalar(dt.date(1, 1, 1), pa.date32()))).as_py() is False:
        return None
    return days


def _with_validity(col, valid):
    """The text column with missing values where valid is false, sharing the column's text buffers (no
    copy of the text: only a validity bitmap is made for each chunk)."""
    valid = pc.fill_null(valid, False)
    flags = (valid.combine_chunks() if isinstance(valid, pa.ChunkedArray) else valid).to_numpy(zero_copy_only=False)
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    out, start = [], 0
    for chunk in chunks:
        part = flags[start:start + len(chunk)]
        start += len(chunk)
        if chunk.offset or chunk.buffers()[0] is not None:
            out.append(pc.if_else(pa.array(part), chunk, pa.scalar(None, chunk.type)))
            continue
        bitmap = pa.array(part).buffers()[1]
        out.append(pa.Array.from_buffers(chunk.type, len(chunk), [bitmap, chunk.buffers()[1], chunk.buffers()[2]]))
    return pa.chunked_array(out, type=col.type)


def as_array(values) -> pa.Array:
    """One contiguous array (a value set for is_in and index_in must not be chunked)."""
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def real_dates(text) -> pa.Array:
    """Timestamps of YYYY-MM-DD texts that are real calendar dates from year 1; missing otherwise.
    (strptime rolls 2024-02-30 over to 1 March, so a date is real only if it prints back as written.)"""
    days = _real_days(text, pc.is_valid(text))  # the usual case, every text a real date (strftime is slow)
    if days is not None:
        return pc.cast(days, pa.timestamp("s"))
    stamps = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    same = pc.equal(pc.strftime(stamps, format="%Y-%m-%d"), text)
    real = pc.and_(pc.fill_null(same, False), pc.greater_equal(text, "0001"))
    return pc.if_else(real, stamps, pa.scalar(None, stamps.type))


def canonical_number(value: float) -> str:
    """The text the writer gives a number: Python's shortest repr, without a trailing .0."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _in_id_order(col) -> bool:
    """Whether every cell is filled and each text sorts after the one before it, shorter first (INC-9999
    before INC-10000): then no value repeats. Ids are written in that order, so one comparison of
    neighbours usually settles uniqueness without hashing every value."""
    if len(col) < 2 or col.null_count or not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        return False
    length = pc.binary_length(col)
    a, b, la, lb = col.slice(0, len(col) - 1), col.slice(1), length.slice(0, len(col) - 1), length.slice(1)
    return pc.all(pc.or_(pc.greater(lb, la), pc.and_(pc.equal(lb, la), pc.greater(b, a)))).as_py()


def duplicated(columns: list) -> pa.Array:
    """True for every row whose values in columns repeat an earlier row's (rows with a missing value never do)."""
    n = len(columns[0])
    if len(columns) == 1:  # a key with one field, the usual case: ids in order, or as many distinct values as rows
        col = columns[0]
        if _in_id_order(col) or pc.count_distinct(col).as_py() == n - col.null_count:
            return pa.array(np.zeros(n, dtype=bool))
    table = pa.table({f"k{i}": c for i, c in enumerate(columns)}).append_column("i", pa.array(np.arange(n)))
    valid = np.ones(n, dtype=bool)
    for c in columns:
        valid &= pc.is_valid(c).to_numpy(zero_copy_only=False)
    table = table.filter(pa.array(valid))
    counts = table.group_by([f"k{i}" for i in range(len(columns))], use_threads=False).aggregate([("i", "min")])
    first = np.zeros(n, dtype=bool)
    first[counts.column("i_min").to_numpy()] = True
    return pa.array(valid & ~first)


def first_of(columns: list) -> np.ndarray:
    """For every row, the index of the first row with the same values in columns (itself when first)."""
    n = len(columns[0])
    table = pa.table({f"k{i}": c for i, c in enumerate(columns)}).append_column("i", pa.array(np.arange(n)))
    keys = [f"k{i}" for i in range(len(columns))]
    firsts = table.group_by(keys, use_threads=False).aggregate([("i", "min")])
    joined = table.join(firsts, keys=keys, join_type="left outer", use_threads=False)
    out = np.empty(n, dtype=np.int64)
    out[joined.column("i").to_numpy()] = pc.fill_null(joined.column("i_min"), joined.column("i")).to_numpy()
    return out


def problems(findings: list[Finding], lines) -> list[Problem]:
    """Problems in plain words from findings, each with the file line of its row."""
    out = []
    for f in findings:
        at = [int(lines[r]) if r >= 0 else 0 for r in f.rows]
        for k, line in enumerate(at):
            value = None if f.values is None else f.values[k]
            message = f.message if f.messages is None else f.messages[k]
            if f.refs is not None:
                message = message.format(line=int(lines[f.refs[k]]))
            out.append(Problem(f.table, int(line), f.column, value, message, f.hint, f.kind))
    return out
