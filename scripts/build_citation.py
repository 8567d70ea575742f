#!/usr/bin/env python3
"""Generate CITATION.cff and .zenodo.json from schemas/package.json (title, version, release date,
authors, licence). Never edit them by hand; with --check, say whether they are current."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from generated import write_or_check

from isrd.cite import cite, metadata, zenodo

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    meta = metadata(ROOT)
    status = write_or_check(ROOT / "CITATION.cff", cite("cff", ROOT), "python scripts/build_citation.py")
    text = json.dumps(zenodo(meta), indent=2, ensure_ascii=False) + "\n"
    return status | write_or_check(ROOT / ".zenodo.json", text, "python scripts/build_citation.py")


if __name__ == "__main__":
    sys.exit(main())
