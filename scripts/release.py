#!/usr/bin/env python3
"""Prepare a release: set the version and date, register the new ids, regenerate every generated file.

    python scripts/release.py 0.2.0 [--date YYYY-MM-DD]

Afterwards: write the CHANGELOG section (start from `isrd diff PREVIOUS . --format markdown`), run
bash scripts/test.sh and commit; the commit that adds the version's row to releases/releases.csv is the
release, which `isrd diff VERSION` finds without git tags (tag vVERSION too if you like). The version must
be SemVer and above the current one.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import isrd  # noqa: E402
from isrd.load import typed_tables  # noqa: E402
from isrd.registry import register  # noqa: E402
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version")
    parser.add_argument("--date", default=dt.date.today().isoformat())
    args = parser.parse_args()
    meta_path = ROOT / "schemas" / "package.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if not SEMVER.fullmatch(args.version):
        print(f"{args.version} is not a SemVer version (MAJOR.MINOR.PATCH)")
        return 1
    as_tuple = lambda v: tuple(int(x) for x in v.split("."))  # noqa: E731
    if as_tuple(args.version) < as_tuple(meta["version"]):
        print(f"{args.version} is below the current version {meta['version']}")
        return 1
    problems = isrd.validate(ROOT)
    stale_only = all(p.kind == "stale-datapackage" for p in problems)
    if problems and not stale_only:
        print("the data is not valid: run isrd validate and fix what it lists first")
        return 1
    meta["version"] = args.version
    meta["created"] = f"{args.date}T00:00:00Z"
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    from isrd.build import build

    build(ROOT)
    frames = typed_tables(ROOT)  # every row, as typed Arrow tables
    schemas = {name: isrd.table_schema(name, ROOT) for name in frames}
    added = register(ROOT, args.version, frames, schemas)
    print(f"registered {added} new id(s) as first released in {args.version}")
    with (ROOT / "releases" / "releases.csv").open("a", encoding="utf-8") as f:
        f.write(f"{args.version},{args.date},\n")  # the commit that adds this row is the release
    return 0


if __name__ == "__main__":
    sys.exit(main())
