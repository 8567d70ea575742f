#!/usr/bin/env python3
"""Pack world-atlas's countries-10m.json into src/isrd/maps/countries-10m.npz, the form isrd validate reads.

Usage: python scripts/pack_outlines.py PATH/TO/countries-10m.json
(get the file with `npm pack world-atlas@2.0.2` and untar it; its sha256 is in src/isrd/maps/README.md).
The arrays keep TopoJSON's quantized integers, so the outlines are exactly the published ones; reading them
takes a tenth of a second where parsing the JSON takes most of one.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from isrd.geo import MAPS, pack_topology  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    raw = Path(argv[0]).read_bytes()
    dest = MAPS / "countries-10m.npz"
    np.savez_compressed(dest, **pack_topology(json.loads(raw)))
    print(f"source sha256 {hashlib.sha256(raw).hexdigest()}")
    print(f"wrote {dest.relative_to(ROOT)}, sha256 {hashlib.sha256(dest.read_bytes()).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
