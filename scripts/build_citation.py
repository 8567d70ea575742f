#!/usr/bin/env python3
"""Regenerate CITATION.cff and .zenodo.json (and everything else derived). Kept for habit: it runs `isrd build` (which regenerates every derived file), and works from a
checkout without an install. With --check, write nothing and exit 1 if anything is stale."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from isrd.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["build", *(["--check"] if "--check" in sys.argv[1:] else []), str(ROOT)]))
