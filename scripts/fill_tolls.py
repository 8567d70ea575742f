#!/usr/bin/env python3
"""Write each incident's killed_* and injured_* ranges as derived from data/casualty_reports.csv.

The rule lives in isrd.tolls (and docs/scope.md); isrd validate fails when a range does not follow it.
Run this after adding or correcting casualty reports. With --check, only say which incidents differ.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import isrd
from isrd.tolls import derive_all

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    incidents = isrd.load("incidents", ROOT)
    derived = derive_all(incidents, isrd.load("casualty_reports", ROOT))
    changed = 0
    for i, iid in enumerate(incidents["incident_id"]):
        for field, value in derived[iid].items():
            old = incidents.at[i, field]
            old = None if pd.isna(old) else int(old)
            if old != value:
                changed += 1
                print(f"{iid} {field}: {old} -> {value}")
                incidents.at[i, field] = value
    if "--check" in sys.argv[1:]:
        return 1 if changed else 0
    isrd.write(incidents, "incidents", ROOT / "data" / "incidents.csv", ROOT)
    print(f"{changed} value(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
