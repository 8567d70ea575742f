#!/usr/bin/env python3
"""Make larger copies of the ISRD package for benchmarks: N copies of every table with renumbered ids.

Copy k (k >= 1) turns every id cell such as INC-0001 into INC-<k>0001, in the data, in foreign keys, in
releases/released_ids.csv and in releases/waivers.csv, so keys stay unique and every reference still
resolves; its source addresses (and the registry's anchors for them) end in isrd-copy=k, so that one page
is one source in each copy. The files stay in the dataset's canonical form, so a scaled package is as valid as the real one
and every check does the same work per row. Usage: python benchmarks/make_packages.py DEST --scale 10 100 1000
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from isrd.schema import integrity_of  # noqa: E402

# an id standing alone in a cell: after a comma or at the start of a line, before a comma or the line end
ID_CELL = re.compile(rb"(?m)(^|,)((?:INC|ACT|CAS|CLM|ATR|SRC|CIT)-)([0-9]+)(?=,|$)")
# the id registry also names ids inside its anchors ("incidents INC-0001")
ID_ANYWHERE = re.compile(rb"(^|[, ])((?:INC|ACT|CAS|CLM|ATR|SRC|CIT)-)([0-9]+)\b", re.M)


# a source's address in a cell, bare or in quotes (an address holding a comma), with any fragment apart
URL_CELLS = (re.compile(rb'(?m)(,)(https?://[^,"\n#]*)(#[^,"\n]*)?(?=,|$)'),
             re.compile(rb'(?m)(,")(https?://[^"\n#]*)(#[^"\n]*)?(?=",|"$)'))


def _address_of_copy(k: bytes):
    """Copy k's source addresses get a query parameter of their own (isrd-copy=k), so that one page stays
    one source in every copy (the duplicate-source rule) and each address still breaks or passes the
    same address rules as the one it copies."""
    def mark(m: re.Match) -> bytes:
        url = m.group(2) + (b"&" if b"?" in m.group(2) else b"?") + b"isrd-copy=" + k
        return m.group(1) + url + (m.group(3) or b"")
    return mark


def scaled(raw: bytes, copies: int, ids: re.Pattern = ID_CELL, addresses: bool = False) -> bytes:
    """The CSV text (header first) with its data rows repeated copies times, ids renumbered per copy (and,
    for sources, addresses made the copy's own). Each copy's Islamic State (ACT-<k>0001) is placed under
    the real one, ACT-0001, so that the scope rule, which looks for ACT-0001's family, holds in every copy
    as it does in the real data."""
    header, _, body = raw.partition(b"\n")
    parts = [header + b"\n", body]
    for k in range(1, copies):
        prefix = str(k).encode()
        copy = ids.sub(lambda m: m.group(1) + m.group(2) + prefix + m.group(3), body)
        if addresses:
            for cells in URL_CELLS:
                copy = cells.sub(_address_of_copy(prefix), copy)
        root = b"ACT-" + prefix + b"0001,Islamic State,armed_group,,"
        parts.append(copy.replace(root, root[:-1] + b"ACT-0001,", 1) if copy.startswith(root) else copy)
    return b"".join(parts)


def make(dest: Path, copies: int, root: Path = ROOT) -> Path:
    """Write a package of copies x the data under dest/NAMEx; return its folder."""
    out = dest / f"{copies}x"
    if out.exists():
        shutil.rmtree(out)
    (out / "data").mkdir(parents=True)
    shutil.copytree(root / "schemas", out / "schemas")
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        raw = scaled((root / res["path"]).read_bytes(), copies, addresses=res["name"] == "sources")
        (out / res["path"]).write_bytes(raw)
        res.update(integrity_of(raw))
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "releases").mkdir()
    for name in ("released_ids.csv", "waivers.csv"):  # the id registry, and the sources waived (isrd.citable)
        path = root / "releases" / name
        if path.is_file():
            (out / "releases" / name).write_bytes(scaled(path.read_bytes(), copies, ID_ANYWHERE, addresses=True))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--scale", type=int, nargs="+", default=[10, 100])
    args = parser.parse_args()
    for copies in args.scale:
        out = make(args.dest, copies)
        size = sum(p.stat().st_size for p in (out / "data").iterdir())
        print(f"{out}: {size / 1e6:.0f} MB of CSV")
    return 0


if __name__ == "__main__":
    sys.exit(main())
