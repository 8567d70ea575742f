#!/usr/bin/env python3
"""Time isrd against its peers on packages 10x, 100x (and 1000x) the real data, in one run.

For each scale it runs, each in a fresh process, and prints wall time and peak memory:
- `isrd validate` against `frictionless validate datapackage.json` (the same package, the same machine);
- `isrd.load_all()` against a typed pyarrow read of the same files (pyarrow.csv.read_csv with each
  column's type from the Table Schema, then Table.to_pandas(): typed DataFrames, without isrd's checks);
and the ratios the targets in docs/performance.md are stated in; then `isrd validate` on today's data, the
first time on a machine (Frictionless asked) and again (its verdict on the same descriptor kept). Every
run at scale asks Frictionless afresh. Speed targets live here, never in tests.
Usage: python benchmarks/run.py [--scale 10 100 1000] [--repeat 1] [--dest DIR]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


PYTHON = sys.executable
TYPED_READ = """
import json, sys, pyarrow as pa, pyarrow.csv as pacsv
root = sys.argv[1]
package = json.load(open(root + '/datapackage.json'))
types = {'string': pa.string(), 'integer': pa.int64(), 'number': pa.float64(), 'boolean': pa.bool_(), 'date': pa.date32()}
frames = {}
for res in package['resources']:
    schema = json.load(open(root + '/' + res['schema']))
    columns = {f['name']: types[f.get('type', 'string')] for f in schema['fields']}
    table = pacsv.read_csv(root + '/' + res['path'], convert_options=pacsv.ConvertOptions(
        column_types=columns, true_values=['true'], false_values=['false']),
        parse_options=pacsv.ParseOptions(newlines_in_values=True))
    frames[res['name']] = table.to_pandas()
"""
STEPS = {
    "isrd validate": [PYTHON, "-m", "isrd", "validate", "."],  # the command, as a user runs it
    "frictionless validate": [PYTHON, "-m", "frictionless", "validate", "datapackage.json"],
    "isrd.load_all()": [PYTHON, "-c", "import sys, isrd; isrd.load_all(sys.argv[1])"],
    "typed pyarrow read": [PYTHON, "-c", TYPED_READ],
}


def measure(command: list[str], package: Path, cache: str = "") -> tuple[float, float, int]:
    """Wall seconds, peak resident MiB and exit code of one process (cache: ISRD_CACHE_DIR; empty keeps none)."""
    args = command + ([] if command[1] == "-m" else [str(package)])
    env = dict(os.environ, ISRD_CACHE_DIR=cache)
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=package, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, proc.returncode


def csv_bytes(package: Path) -> int:
    return sum(p.stat().st_size for p in (package / "data").glob("*.csv"))


def rows(package: Path) -> int:
    return sum(p.read_bytes().count(b"\n") - 1 for p in (package / "data").glob("*.csv"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="*", default=[10, 100], help="scales to build and time (none: only today's data)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per step; the median is shown")
    parser.add_argument("--dest", type=Path, help="where to build the packages (default: a temporary folder)")
    args = parser.parse_args()
    dest = args.dest or Path(tempfile.mkdtemp(prefix="isrd-bench-"))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; packages in {dest}")
    print(f"{'scale':>6} {'rows':>9} {'CSV MB':>7}  {'step':<22} {'seconds':>8} {'peak MiB':>9} {'exit':>5}")
    results = {}
    for scale in args.scale:
        # built in a process of its own: a child's peak memory counts the memory of the process it was
        # started from (Linux records the forked copy's size at exec), so this one must stay small
        subprocess.run([PYTHON, str(HERE / "make_packages.py"), str(dest), "--scale", str(scale)], check=True,
                       stdout=subprocess.DEVNULL)
        package = dest / f"{scale}x"
        size, n = csv_bytes(package), rows(package)
        for step, command in STEPS.items():
            runs = sorted(measure(command, package) for _ in range(args.repeat))
            seconds, peak, code = runs[len(runs) // 2]
            results[(scale, step)] = (seconds, peak)
            print(f"{scale:>5}x {n:>9} {size / 1e6:>7.0f}  {step:<22} {seconds:>8.2f} {peak:>9.0f} {code:>5}", flush=True)
        v, f = results[(scale, "isrd validate")], results[(scale, "frictionless validate")]
        load, peer = results[(scale, "isrd.load_all()")], results[(scale, "typed pyarrow read")]
        print(f"{'':>6} frictionless / isrd validate: {f[0] / v[0]:.1f}x faster; isrd.load_all / typed read: "
              f"{load[0] / peer[0]:.2f}x; validate peak / CSV bytes: {v[1] * 2**20 / size:.2f}; "
              f"load_all peak / CSV bytes: {load[1] * 2**20 / size:.2f}; validate {v[0] / n * 1e5:.2f} s per 100k rows",
              flush=True)
    today = HERE.parent
    with tempfile.TemporaryDirectory(prefix="isrd-cache-") as cache:
        measure(STEPS["isrd validate"], today, cache)  # keeps the verdict
        for label, where in (("first run", ""), ("again", cache)):
            runs = sorted(measure(STEPS["isrd validate"], today, where) for _ in range(max(args.repeat, 5)))
            seconds, peak, code = runs[len(runs) // 2]
            print(f"{'1x':>6} {rows(today):>9} {csv_bytes(today) / 1e6:>7.1f}  {'isrd validate, ' + label:<22} "
                  f"{seconds:>8.2f} {peak:>9.0f} {code:>5}  (median of {len(runs)}; fastest {runs[0][0]:.2f})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
