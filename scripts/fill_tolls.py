#!/usr/bin/env python3
"""Write each incident's killed_* and injured_* ranges as derived from data/casualty_reports.csv.

The rule lives in isrd.tolls (and docs/scope.md); isrd validate fails when a range does not follow it.
Run this after adding or correcting casualty reports. With --check, only say which incidents differ.
"""
from __future__ import annotations

import sys
from pathlib import Path

from isrd.tolls import fill

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    check = "--check" in sys.argv[1:]
    changes = fill(ROOT, write=not check)
    for iid, field, old, new in changes:
        print(f"{iid} {field}: {old} -> {new}")
    if check:
        return 1 if changes else 0
    print(f"{len(changes)} value(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
