"""The canonical form: the bytes isrd.write gives a table, so that loading and saving never changes a byte.

Each cell's text has already been checked against its type's one written form (12, not 012; 55.75, not
55.750), so what is left is the quoting: a cell is quoted only when it holds a comma, a quote or a line
break. The expected file is rebuilt with Arrow string kernels and compared with the bytes read.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .checks import mask_rows
from .problems import Problem
from .read import count_lines

BATCH = 50_000  # rows rebuilt at a time


def canonical_cells(field: dict, text: pa.Array) -> pa.Array:
    """The canonical text of one column, from the text read (booleans written with the first true/false value)."""
    if field["type"] in ("integer", "number", "date"):
        return text  # already checked to be in the type's one written form, which has no comma or quote
    allowed = field.get("constraints", {}).get("enum")
    if allowed and not any(c in v for v in allowed for c in ',"\r\n'):
        return text  # an allowed value needs no quotes (an unknown one is reported before this check runs)
    if field["type"] == "boolean":
        true, false = field.get("trueValues", ["true"]), field.get("falseValues", ["false"])
        is_true = pc.is_in(text, pa.array(true))
        text = pc.if_else(pc.equal(text, ""), "", pc.if_else(is_true, true[0], false[0]))
    if not _may_need_quotes(text):
        return text  # most columns (ids, codes, dates) never need quotes: nothing to build
    needs = pc.match_substring_regex(text, '[,"\r\n]')
    inner = pc.replace_substring(text, '"', '""') if pc.any(pc.match_substring(text, '"')).as_py() else text
    return pc.if_else(needs, pc.binary_join_element_wise('"', inner, '"', ""), text)


def _may_need_quotes(text) -> bool:
    """Whether any cell holds a comma, a quote or a line break: a byte search over each chunk's text
    buffer (memchr speed), far cheaper than a regular expression cell by cell."""
    for chunk in (text.chunks if isinstance(text, pa.ChunkedArray) else [text]):
        if len(chunk) == 0:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1]
        if chunk.buffers()[2] is None:
            continue  # every cell empty
        data = memoryview(chunk.buffers()[2])[int(offsets[0]):int(offsets[-1])].tobytes()  # this chunk's text only
        if any(byte in data for byte in (b",", b'"', b"\n", b"\r")):
            return True
    return False


def canonical_rows(fields: list[dict], text: pa.Table) -> pa.Array:
    cells = [canonical_cells(f, text.column(f["name"])) for f in fields]
    if len(cells) == 1:
        return cells[0]
    return pc.binary_join_element_wise(*cells, ",")


def _concatenated(strings) -> bytes:
    """All strings of an Arrow array end to end, from its data buffer (no Python string per row)."""
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    if len(strings) == 0:
        return b""
    strings = strings.cast(pa.large_string()) if strings.type == pa.string() else strings
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64)[strings.offset:strings.offset + len(strings) + 1]
    return strings.buffers()[2].to_pybytes()[offsets[0]:offsets[-1]]


def _canonical_lengths(field: dict, text) -> np.ndarray:
    """Each cell's length in canonical form, for a cell that holds no quote character."""
    if field["type"] == "boolean":
        text = canonical_cells(field, text)
    length = pc.binary_length(text).to_numpy(zero_copy_only=False).astype(np.int64)
    if field["type"] in ("integer", "number", "date", "boolean") or not _may_need_quotes(text):
        return length
    return length + 2 * pc.match_substring_regex(text, '[,"\r\n]').to_numpy(zero_copy_only=False)


def _positions(data: np.ndarray, byte: int, block: int = 1 << 23) -> np.ndarray:
    """Where a byte occurs, found a block at a time (a comparison over the whole file would first fill a
    mask as large as the file)."""
    found = [np.flatnonzero(data[i:i + block] == byte) + i for i in range(0, len(data), block)]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _suspect_rows(fields: list[dict], table: pa.Table, data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The rows whose line may not be in canonical form; every other row's line is.

    On a line whose quote characters alternate between one that opens a cell (after a comma or at the
    line's start) and one that closes it (before a comma or the line's end), no cell holds a quote and
    none has text after its closing quote: each cell is written bare, as it parsed, or in quotes. Such a
    line is canonical exactly when its length is the canonical length, since quotes around a cell that
    needs none make it two bytes longer. Every other line (a doubled quote, a quote inside a bare cell,
    text after a closing quote, a length that differs) is rebuilt and compared whole."""
    expected = np.full(len(ends) - 1, len(fields) - 1, dtype=np.int64)
    for f in fields:
        expected += _canonical_lengths(f, table.column(f["name"]))
    suspect = expected != (ends - starts)[1:]
    quotes = _positions(data, 34)
    if len(quotes):
        line = np.searchsorted(ends, quotes)
        closes = (np.arange(len(quotes)) - np.searchsorted(quotes, starts[line])) % 2 == 1
        before = data[np.maximum(quotes - 1, 0)]
        after = data[quotes + 1]  # a file ends with a line break, so a quote is never its last byte
        opens_badly = ~closes & (before != 44) & (before != 10) & (quotes > 0)
        closes_badly = closes & (after != 44) & (after != 10)
        left_open = np.flatnonzero(np.bincount(line, minlength=len(ends)) % 2)
        lines = np.concatenate([line[opens_badly | closes_badly], left_open]).astype(np.int64)
        suspect[lines[lines > 0] - 1] = True  # the header (line 0) is compared on its own
    return np.flatnonzero(suspect)


def canonical_findings(resource, text, typed) -> list[Problem]:
    """The lines of a table that are not in canonical form (the file must hold no other problem).

    When every record is one line, most lines are settled by their length (_suspect_rows), and only the
    rest are rebuilt and compared. A file whose cells hold line breaks is rebuilt whole."""
    fields = resource.fields
    header = ",".join(canonical_cells({"type": "string"}, pa.array([f["name"] for f in fields])).to_pylist())
    raw = text.raw
    data = np.frombuffer(raw, dtype=np.uint8)
    ends = _positions(data, 10)
    if len(ends) != text.rows + 1:
        return _whole_file(resource, text, header)
    starts = np.concatenate([[0], ends[:-1] + 1])
    out = []
    if raw[:ends[0]] != header.encode("utf-8"):
        out.append(_problem(resource.name, 1, raw[:ends[0]].decode("utf-8", "replace"), header))
    rows = _suspect_rows(fields, text.table, data, starts, ends)
    if len(rows):
        # every line of the file as a string array over the raw bytes themselves (no copy)
        offsets = np.concatenate([starts, [len(raw)]]).astype(np.int64)
        lines = pa.Array.from_buffers(pa.large_string(), len(ends), [None, pa.py_buffer(offsets), pa.py_buffer(raw)])
        for batch in range(0, len(rows), BATCH):  # in batches: the rebuilt text stays small
            part = rows[batch:batch + BATCH]
            first = int(part[0])
            chosen = np.zeros(int(part[-1]) - first + 1, dtype=bool)
            chosen[part - first] = True  # a filter over a slice: far cheaper than a take across chunks
            chosen = text.table.slice(first, len(chosen)).filter(pa.array(chosen))
            have = pc.take(lines, pa.array(part + 1))
            want = pc.cast(canonical_rows(fields, chosen), pa.large_string())
            have = pc.utf8_rtrim(have, "\n")
            for i in mask_rows(pc.not_equal(have, want)):
                out.append(_problem(resource.name, int(part[i]) + 2, have[int(i)].as_py(), want[int(i)].as_py()))
    if len(out) > 1:  # one habit (a spreadsheet quoting every cell), one message: the first line, and how many
        first = out[0]
        out = [Problem(first.table, first.line, "", first.value,
                       f"{len(out)} lines are not written in the dataset's canonical form, from this one on "
                       "(a spreadsheet that quotes every cell does this)", first.hint, "canonical")]
    return out


def _problem(table: str, line: int, shown: str, want: str) -> Problem:
    return Problem(table, line, "", shown[:80], "the line is not written in the dataset's canonical form",
                   f"write it as: {want[:200]} (a cell is quoted only when it holds a comma, a quote or a line break)",
                   "canonical")


def _whole_file(resource, text, header: str) -> list[Problem]:
    """The first line that differs from the whole canonical file, rebuilt (cells hold line breaks)."""
    rows = canonical_rows(resource.fields, text.table)
    expected = (header + "\n").encode("utf-8") + _concatenated(pc.binary_join_element_wise(rows, "\n", ""))
    raw = text.raw
    if memoryview(expected) == memoryview(raw):  # raw may be a mapped file: compared without a copy
        return []
    n = min(len(raw), len(expected))
    diff = np.flatnonzero(np.frombuffer(raw[:n], dtype=np.uint8) != np.frombuffer(expected[:n], dtype=np.uint8))
    offset = int(diff[0]) if len(diff) else n
    start, e_start = raw.rfind(b"\n", 0, offset) + 1, expected.rfind(b"\n", 0, offset) + 1
    end, e_end = raw.find(b"\n", offset), expected.find(b"\n", offset)
    shown = raw[start:end if end >= 0 else len(raw)].decode("utf-8", "replace")
    want = expected[e_start:e_end if e_end >= 0 else len(expected)].decode("utf-8", "replace")
    return [_problem(resource.name, count_lines(raw, offset) + 1, shown, want)]
