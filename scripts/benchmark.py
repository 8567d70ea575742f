#!/usr/bin/env python3
"""Measure how long loading and validating take, and peak memory; print the figures.

Speed targets live here, not in the tests. Usage: python scripts/benchmark.py [--repeat N]
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = {
    "import isrd": "import isrd",
    "load_all": "import isrd; isrd.load_all()",
    "validate": "import isrd; assert isrd.validate() == []",
}


def run(code: str) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one fresh interpreter running code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'step':<14} {'median s':>9} {'peak MiB':>9}  (whole process, {args.repeat} runs; peak is the largest of any run so far)")
    for name, code in STEPS.items():
        runs = [run(code) for _ in range(args.repeat)]
        times = sorted(t for t, _ in runs)
        print(f"{name:<14} {times[len(times) // 2]:>9.2f} {max(m for _, m in runs):>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
