#!/usr/bin/env python3
"""Generate datapackage.json from schemas/package.json, the Table Schemas in schemas/ and the data
(the bytes and sha256 hash of each CSV file).

Never edit datapackage.json by hand: edit schemas/ and run this script. The tests fail when the
committed datapackage.json differs from what this script writes.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from generated import write_or_check

from isrd.schema import integrity

ROOT = Path(__file__).resolve().parents[1]


def build(root: Path = ROOT) -> dict:
    meta = json.loads((root / "schemas" / "package.json").read_text(encoding="utf-8"))
    resources = []
    for name in meta.pop("resources"):
        schema = json.loads((root / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
        resources.append({
            "name": name,
            "type": "table",
            "title": schema["title"],
            "description": schema["description"],
            "path": f"data/{name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": f"schemas/{name}.schema.json",
            **integrity(root / "data" / f"{name}.csv"),
        })
    return {"$schema": "https://datapackage.org/profiles/2.0/datapackage.json", **meta, "resources": resources}


def render(root: Path = ROOT) -> str:
    return json.dumps(build(root), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    return write_or_check(ROOT / "datapackage.json", render(), "python scripts/build_datapackage.py")


if __name__ == "__main__":
    sys.exit(main())
