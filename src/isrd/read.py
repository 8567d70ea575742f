"""Read one CSV file once, into Arrow string columns that keep each cell's exact text.

The bytes are checked first (UTF-8, no byte-order mark, LF line ends, a final line break, no NUL), then
pyarrow parses the file with every column as text. A row with too many or too few cells is set aside
with its line and reported, and the rest of the file is still read; a header that differs from the
schema is mapped by name, so the columns that are there are still checked. Line numbers are the ones an
editor shows (the header is line 1), computed for the rows that need them only.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .package import Resource
from .problems import Problem

SPREADSHEET_SAVE = "in a spreadsheet: Save As 'CSV UTF-8 (comma delimited)'"


@dataclass
class TableText:
    """What one read of a file gives: its text columns and what could not be read."""
    name: str
    raw: bytes  # or a read-only map of the file (file_bytes)
    header: list[str]
    table: pa.Table | None  # one string column per schema field present in the header
    parsed: pa.Table | None = None  # every column as read, the header's own order
    problems: list[Problem] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (record number, raw text) of unreadable rows
    header_ok: bool = True  # the header is exactly the schema's fields, in order
    control: bool = False  # the file holds ASCII control characters, so the cells need checking for them
    keys: dict = field(default_factory=dict)  # text of the key fields, kept after the rest is let go
    _lines: object = None

    @property
    def rows(self) -> int:
        held = self.table if self.table is not None else self.parsed
        return 0 if held is None else held.num_rows

    def lines(self):
        """The file line each row of table starts on (numpy array)."""
        if self._lines is None:
            self._lines = _row_lines(self)
        return self._lines

    def settle(self) -> None:
        """Work out the line of every row now (cheap when no cell holds a line break), so that the raw
        bytes and the parsed columns can be let go of."""
        self.lines()
        self.raw = b""
        self.parsed = None


WINDOW = 1 << 23  # bytes searched at a time in a mapped file


def file_bytes(path):
    """The file's bytes: mapped from the page cache rather than copied (a copy of a large table costs as
    much as parsing it, most of it the kernel handing out fresh memory). The map is read-only and keeps
    a descriptor of its own until it is let go (a file cut short by another program meanwhile ends the
    process: isrd itself never writes a file it is reading); an empty or unmappable file is read as plain
    bytes. Slicing, find, rfind and the buffer protocol work on both; count_lines stands in for count."""
    import mmap
    import os

    with open(path, "rb") as handle:
        try:
            if os.fstat(handle.fileno()).st_size == 0:
                return b""
            if hasattr(mmap, "MAP_POPULATE"):  # Linux: the pages mapped in one call, not fault by fault
                return mmap.mmap(handle.fileno(), 0, flags=mmap.MAP_SHARED | mmap.MAP_POPULATE, prot=mmap.PROT_READ)
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError, OverflowError):
            return handle.read()


def count_lines(raw, end: int | None = None) -> int:
    """The line breaks in raw[:end], for bytes or a mapped file (which has no count), a window at a time."""
    end = len(raw) if end is None else min(end, len(raw))
    if isinstance(raw, bytes):
        return raw.count(b"\n", 0, end)
    return sum(raw[at:min(at + WINDOW, end)].count(b"\n") for at in range(0, end, WINDOW))


def _problem(table: str, line: int, message: str, hint: str, kind: str, column: str = "", value=None) -> Problem:
    return Problem(table, line, column, value, message, hint, kind)


def byte_problems(name: str, raw: bytes) -> list[Problem]:
    """Encoding and line-end problems of a file, each named with its line."""
    out = []
    if raw[:3] == b"\xef\xbb\xbf":
        out.append(_problem(name, 1, "the file starts with a byte-order mark (BOM)",
                            f"save it as UTF-8 without BOM ({SPREADSHEET_SAVE}, then remove the BOM, or use isrd.write)", "bom"))
    cr = raw.find(b"\r")
    if cr >= 0:
        out.append(_problem(name, count_lines(raw, cr) + 1, "the file has Windows (CRLF) or old Mac (CR) line ends",
                            "save it with Unix (LF) line ends", "line-ends"))
    if raw and raw[-1:] != b"\n":
        out.append(_problem(name, count_lines(raw) + 1, "the last line does not end with a line break",
                            "add a line break after the last row", "final-newline"))
    nul = raw.find(b"\x00")
    if nul >= 0:
        out.append(_problem(name, count_lines(raw, nul) + 1, "the file contains a NUL byte",
                            "remove it; it is not text", "nul"))
    return out


def is_utf8(raw: bytes, window: int = 1 << 23) -> bool:
    """Whether the bytes are UTF-8: Arrow's vectorised check (ten times faster than decoding in Python),
    over windows that end at a line break, so that no character is cut and little memory is used."""
    import numpy as np

    start = 0
    while start < len(raw):
        end = raw.find(b"\n", min(start + window, len(raw)))
        end = len(raw) if end < 0 else end + 1
        part = pa.Array.from_buffers(pa.large_binary(), 1, [None, pa.py_buffer(np.array([0, end - start], dtype=np.int64)),
                                                              pa.py_buffer(memoryview(raw)[start:end])])
        try:
            part.cast(pa.large_string())
        except pa.ArrowInvalid:
            return False
        start = end
    return True


def encoding_problem(name: str, raw: bytes) -> Problem | None:
    """The first byte that is not UTF-8, with its line (run only when the fast reader refuses the file)."""
    try:
        str(raw, "utf-8")
    except UnicodeDecodeError as exc:
        line = count_lines(raw, exc.start) + 1
        return _problem(name, line, f"the file is not valid UTF-8 text (byte {raw[exc.start:exc.start + 1].hex()})",
                        f"save the file as UTF-8 ({SPREADSHEET_SAVE}); a declared latin-1 or Windows encoding "
                        "is not read", "encoding")
    return None


_TEXT_BYTES = bytes(range(32, 127)) + b"\t\n\r" + bytes(range(128, 256))


def has_control_bytes(raw: bytes) -> bool:
    """Whether the file holds an ASCII control character other than tab and line ends (one fast pass)."""
    return any(raw[at:at + WINDOW].translate(None, _TEXT_BYTES) for at in range(0, len(raw), WINDOW))


def _split_header(line: str) -> list[str]:
    try:
        return next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return [line]


def header_problem(name: str, expected: list[str], header: list[str], first_line: str) -> Problem | None:
    """One problem describing how the header differs from the schema, naming a wrong separator as such."""
    if header == expected:
        return None
    hint = "the header must be exactly: " + ",".join(expected)
    if not first_line.strip():
        return _problem(name, 1, "the file is empty: it has no header line", hint, "header")
    for sep, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
        if len(header) == 1 and first_line.count(sep) >= 1 and first_line.split(sep)[0].strip('"') == expected[0]:
            return _problem(name, 1, f"the file is separated by {word}, not commas",
                            f"save it as comma-separated CSV ({SPREADSHEET_SAVE})", "separator")
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    repeated = sorted({c for c in header if header.count(c) > 1})
    parts = []
    if missing:
        parts.append("missing column(s): " + ", ".join(missing))
    if extra:
        parts.append("unexpected column(s): " + ", ".join(repr(c) if not c.strip() else c for c in extra))
    if repeated:
        parts.append("repeated column(s): " + ", ".join(repeated))
    message = ("the header does not match the schema: " + "; ".join(parts)) if parts else "the columns are not in the schema's order"
    return _problem(name, 1, message, hint + " (the rows are still checked, column by column)", "header")


def read_table(resource: Resource, check_control: bool = True) -> TableText:
    """One read of a resource's file: text columns, the rows set aside and every problem found on the way."""
    name = resource.name
    try:
        raw = file_bytes(resource.path)
    except FileNotFoundError:
        return TableText(name, b"", [], None, problems=[_problem(name, 0, f"the file {resource.relpath} is missing",
                                                        "every table listed in datapackage.json needs its CSV file", "missing-file")])
    except OSError as exc:
        return TableText(name, b"", [], None, problems=[_problem(name, 0, f"the file {resource.relpath} cannot be read "
                                                        f"({exc.strerror or exc})", "", "missing-file")])
    problems = byte_problems(name, raw)
    text_raw = raw[3:] if raw[:3] == b"\xef\xbb\xbf" else raw
    end = text_raw.find(b"\n")
    first_line = text_raw[:end if end >= 0 else len(text_raw)].decode("utf-8", errors="replace").rstrip("\r")
    header = _split_header(first_line) if first_line else []
    expected = resource.field_names
    problem = header_problem(name, expected, header, first_line)
    out = TableText(name, raw, header, None, problems=problems)
    if problem is not None:
        problems.append(problem)
        out.header_ok = False
        if problem.kind == "separator" or not first_line.strip():
            return out
    if not is_utf8(text_raw):
        problems.append(encoding_problem(name, text_raw))
    if any(p.kind in ("nul", "encoding") for p in problems):
        return out  # the cells cannot be trusted: fix the encoding first
    out.control = has_control_bytes(text_raw) if check_control else False
    present = [c for c in expected if c in header and header.count(c) == 1]
    if not present:
        return out
    _parse(out, text_raw, header, present)
    return out


def _parse(out: TableText, raw: bytes, header: list[str], present: list[str]) -> None:
    skipped = out.skipped

    def set_aside(row) -> str:
        skipped.append((row.number, row.text))
        return "skip"

    names = [f"{i}" for i in range(len(header))]  # the header's own names may repeat or be blank
    # in parallel blocks first (three times faster); a set-aside row's line is known only when parsing
    # in one thread, so a file with such rows is parsed again that way, and a row longer than a block
    # (a huge cell) gets one block for the whole file
    attempts = [(True, 1 << 22), (False, 1 << 22), (False, max(1 << 22, len(raw) + 1))]
    table = None
    for threads, block in attempts:
        skipped.clear()
        try:
            table = pacsv.read_csv(
                pa.py_buffer(raw),
                read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=threads, block_size=block),
                parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                                 invalid_row_handler=set_aside),
                convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                     strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
        except (pa.ArrowInvalid, pa.ArrowException) as exc:
            if "straddl" in str(exc) and block < len(raw) + 1:
                continue
            bad_text = encoding_problem(out.name, raw)
            if bad_text is not None:
                out.problems.append(bad_text)
                return
            out.problems.append(_problem(out.name, 0, f"the CSV cannot be parsed: {str(exc).splitlines()[0]}",
                                         "check the quotes: a quote inside a cell is written twice (\"\")", "csv"))
            return
        if not any(number is None for number, _ in skipped):
            break
    # skip_rows=1 numbers rows from the first data row; records count the header as 1
    out.skipped[:] = [(number if number is not None and number >= 0 else -1, text) for number, text in skipped]
    index = {c: header.index(c) for c in present}
    out.parsed = table
    _set_aside_blank_lines(out, raw)
    table = out.parsed
    out.table = pa.table({c: table.column(index[c]) for c in present})
    for number, text in out.skipped:
        out.problems.append(_skipped_problem(out, number, text, len(header)))


def _set_aside_blank_lines(out: TableText, raw: bytes) -> None:
    """pyarrow reads a blank line as a row of empty cells; set such rows aside as blank lines (a row of
    commas with empty cells is a row, and stays)."""
    import numpy as np

    table = out.parsed
    empty = np.ones(table.num_rows, dtype=bool)
    for col in table.columns:
        empty &= pc.equal(col, "").to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(empty)
    if not len(rows):
        return
    lines = raw[:].split(b"\n")  # a blank line is rare: a copy of a mapped file is fine here
    at = _row_lines(out)[rows]
    blank = [int(r) for r, line in zip(rows, at) if line - 1 < len(lines) and lines[line - 1].strip(b"\r") == b""]
    if not blank:
        return
    records = _records_and_breaks(out)[0]
    out.skipped.extend((int(records[r]), "") for r in blank)
    out.skipped.sort()
    keep = np.ones(table.num_rows, dtype=bool)
    keep[blank] = False
    out.parsed = table.filter(pa.array(keep))


def _skipped_problem(out: TableText, number: int, text: str, width: int) -> Problem:
    line = _record_line(out, number)
    cells = _split_header(text.split("\n", 1)[0]) if text else []
    if not text.strip():
        what, hint = "the line is blank", "delete blank lines"
    elif text.count('"') % 2:
        what, hint = ("a quote is not closed, so the rest of the file from here is read as one cell",
                      "close the quote, or write a quote inside a cell twice (\"\")")
    else:
        n = len(cells)
        what = f"the row has {n} cells where the header has {width}"
        hint = ("a comma inside a cell needs the cell in double quotes" if n > width
                else "a cell is missing: count the commas")
    return _problem(out.name, line, what, hint, "row-length", value=text[:80] if text.strip() else None)


def _record_line(out: TableText, number: int) -> int:
    """The file line a set-aside record (header = record 1) starts on."""
    if number < 0:
        return 0
    records, breaks = _records_and_breaks(out)
    return int(number + breaks[records < number].sum() + sum(t.count("\n") for n, t in out.skipped if 0 <= n < number))


def _records_and_breaks(out: TableText):
    """Record number of every kept row (header = 1), and the line breaks inside each kept row's cells."""
    import numpy as np

    rows = out.rows
    records = np.arange(rows, dtype=np.int64) + 2
    for s in sorted(n for n, _ in out.skipped if n >= 0):  # few: one pass per set-aside row
        records[records >= s] += 1
    breaks = np.zeros(rows, dtype=np.int64)
    if out.parsed is not None:
        for col in out.parsed.columns:
            breaks += pc.count_substring(col, "\n").to_numpy(zero_copy_only=False).astype(np.int64)
    return records, breaks


def _row_lines(out: TableText):
    """File line of every kept row: its record number plus the line breaks inside all earlier records."""
    import numpy as np

    if out.raw and count_lines(out.raw) == 1 + out.rows + len(out.skipped) and not out.skipped:
        return np.arange(out.rows, dtype=np.int64) + 2  # one line per record: no cell holds a line break
    records, breaks = _records_and_breaks(out)
    lines = records + np.concatenate([[0], np.cumsum(breaks)[:-1]]) if len(records) else records
    for n, text in out.skipped:
        if n >= 0 and text.count("\n"):
            lines[records > n] += text.count("\n")
    return lines
