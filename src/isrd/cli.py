"""The isrd command: isrd validate | summary | cite | diff | export | report | sources check."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .problems import DataError


def _root(path: str | None) -> Path | None:
    """PATH if given; else the current folder when it holds a data package; else the installed data."""
    if path is not None:
        return Path(path)
    return Path.cwd() if (Path.cwd() / "datapackage.json").is_file() else None


DOCS = {"codebook": "docs/codebook.md", "scope": "docs/scope.md", "coverage": "docs/coverage.md",
        "changelog": "CHANGELOG.md", "license": "LICENSE"}


def read_doc(name: str) -> str:
    """A document shipped with the data (installed with the wheel, or in the checkout)."""
    from .schema import default_root

    return (default_root() / DOCS[name]).read_text(encoding="utf-8")


def _arrow_memory() -> None:
    """On Linux, ask Arrow for its jemalloc pool, which hands freed memory back to the system sooner than
    its default: validating the 100x benchmark package peaks near 730 MB instead of 900 MB, in the same
    time. Only before pyarrow is imported, and never over the user's own ARROW_DEFAULT_MEMORY_POOL."""
    import os

    if sys.platform.startswith("linux") and "pyarrow" not in sys.modules:
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")


def main(argv: list[str] | None = None) -> int:
    _arrow_memory()
    parser = argparse.ArgumentParser(
        prog="isrd", description="ISRD, the Islamic State-Russia Dataset.",
        epilog="exit codes: 0 done and the data is valid; 1 the data has problems (each is listed with file, line "
               "and column); 2 a usage error or input that cannot be read (a missing folder, an unknown git ref, "
               "a destination that exists or cannot be written).")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check a data package and list every problem (exit 1 if any)")
    p.add_argument("path", nargs="?", help="folder holding datapackage.json (default: this folder, else the installed data)")
    p = sub.add_parser("summary", help="validate, then print what the dataset holds")
    p.add_argument("path", nargs="?", help="folder holding datapackage.json (default: as for validate)")
    p = sub.add_parser("cite", help="print how to cite this version of ISRD")
    p.add_argument("--format", choices=["apa", "bibtex", "cff"], default="apa")
    p.add_argument("path", nargs="?", help="folder holding datapackage.json (default: as for validate)")
    p = sub.add_parser("diff", help="row-level changes between two versions (released versions, package folders "
                                    "or git refs)")
    p.add_argument("old", nargs="?", help="a released version (0.1.0), a package folder or a git ref (main)")
    p.add_argument("new", nargs="?", default=".", help="package folder or git ref (default: this folder)")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    p.add_argument("--releases", action="store_true", help="list the released versions and exit")
    p = sub.add_parser("build", help="regenerate what is derived (tolls, codebook, datapackage.json, CITATION.cff); "
                                     "--check names what is stale (exit 1)")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything is stale")
    p.add_argument("path", nargs="?", help="the checkout's folder (default: this folder)")
    p = sub.add_parser("docs", help="print the codebook, the scope, the coverage notes, the changelog or the licence")
    p.add_argument("name", nargs="?", default="codebook", choices=list(DOCS))
    p = sub.add_parser("export", help="write the tables as Parquet, SQLite, DuckDB or CSV")
    p.add_argument("--format", choices=["parquet", "sqlite", "duckdb", "csv"], required=True)
    p.add_argument("--overwrite", action="store_true", help="replace an existing database file")
    p.add_argument("dest", help="a folder (parquet, csv) or a database file (sqlite, duckdb)")
    p.add_argument("path", nargs="?", help="folder holding datapackage.json (default: as for validate)")
    p = sub.add_parser("report", help="write a static HTML overview (charts, map, a page per incident) that works "
                                      "offline; needs pip install 'isrd[report]'")
    p.add_argument("dest", nargs="?", default="isrd-report", help="folder to write (default: isrd-report); must be "
                                                                   "missing or empty unless --force")
    p.add_argument("--path", help="folder holding datapackage.json (default: as for validate)")
    p.add_argument("--force", action="store_true", help="write over a folder that is not empty")
    p = sub.add_parser("sources", help="isrd sources check: fetch each source address and report dead links and "
                                       "quotes no longer on the page (needs the network and pip install 'isrd[sources]')")
    p.add_argument("action", choices=["check"])
    p.add_argument("path", nargs="?", help="folder holding datapackage.json (default: as for validate)")
    p.add_argument("--only", nargs="+", metavar="SRC-ID", help="check only these sources")
    p.add_argument("--cache", default=".isrd-cache", help="folder for the page cache (default: .isrd-cache)")
    p.add_argument("--max-age", type=float, default=7.0, help="days a cached page is reused (default: 7)")
    p.add_argument("--workers", type=int, default=4, help="requests under way at once (default: 4)")
    p.add_argument("--interval", type=float, default=2.0, help="seconds between two requests to one host (default: 2)")
    args = parser.parse_args(argv)
    if args.command == "validate":
        from .validate import start_descriptor_check

        start_descriptor_check()  # first, so that its start overlaps this process's imports
    try:
        if args.command == "build":
            from .build import build

            root = Path(args.path) if args.path else Path.cwd()
            if not (root / "schemas" / "package.json").is_file():
                print(f"isrd build: {root} is not an ISRD checkout (no schemas/package.json)", file=sys.stderr)
                return 2
            stale = build(root, check=args.check)
            print("\n".join(stale) if stale else "everything derived is up to date")
            return 1 if (args.check and stale) else 0
        if args.command == "docs":
            print(read_doc(args.name), end="")
            return 0
        if args.command == "export":
            from .export import export

            from .export import ExportError

            try:
                files = export(args.format, args.dest, _root(args.path), overwrite=args.overwrite)
            except (FileExistsError, ImportError, ExportError) as exc:
                print(f"isrd export: {exc}", file=sys.stderr)
                if isinstance(exc, ImportError):
                    print("isrd export: install the export extras with pip install 'isrd[export]'", file=sys.stderr)
                return 1 if isinstance(exc, ExportError) and "problem" in str(exc) else 2
            print("\n".join(map(str, files)))
            return 0
        if args.command == "report":
            from .report import ReportError, report

            try:
                files = report(args.dest, _root(args.path), force=args.force)
            except (ReportError, ImportError) as exc:
                hint = "; install them with pip install 'isrd[report]'" if isinstance(exc, ImportError) else ""
                print(f"isrd report: {exc}{hint}", file=sys.stderr)
                return 2
            except OSError as exc:  # the disk filled up or the folder went away while writing
                print(f"isrd report: cannot write the report: {exc}", file=sys.stderr)
                return 2
            except DataError as exc:
                first = str(exc.problems[0]).splitlines()[0] if exc.problems else "no details"
                print(f"isrd report: the data cannot be read: {first} (run isrd validate for every problem)",
                      file=sys.stderr)
                return 1
            print(f"wrote {len(files)} files; open {Path(args.dest) / 'index.html'}")
            return 0
        if args.command == "sources":
            from .sources_check import check_sources, render

            def progress(result, done=[0]):
                done[0] += 1
                print(f"\r{done[0]} sources checked", end="", file=sys.stderr, flush=True)

            try:
                results = check_sources(_root(args.path), only=args.only, cache=args.cache, workers=args.workers,
                                        interval=args.interval, max_age_days=args.max_age, progress=progress)
            except ImportError as exc:
                print(f"isrd sources: {exc}; install with pip install 'isrd[sources]'", file=sys.stderr)
                return 2
            print(file=sys.stderr)
            print(render(results))
            return 1 if any(r.dead or r.missing for r in results) else 0
        if args.command == "diff":
            from .diff import DiffError, diff, releases, render

            if args.releases:
                for r in releases(Path.cwd()):
                    print(f"{r['version']}  {r['date']}  commit {r['commit'][:12]}")
                return 0
            if args.old is None:
                parser.error("isrd diff needs OLD (a released version, a folder or a git ref), or --releases")
            try:
                print(render(diff(args.old, args.new), args.format), end="")
            except DiffError as exc:
                print(f"isrd diff: {exc}", file=sys.stderr)
                return 2
            return 0
        if args.command == "cite":
            from .cite import cite

            print(cite(args.format, _root(args.path)))
            return 0
        if args.command == "validate":
            _arrow_without_pandas()
            _release_memory_sooner()
        from .validate import report, validate

        root = _root(args.path)
        problems = validate(root)
        if args.command == "validate" or problems:
            print(report(problems))
            return 1 if problems else 0
        from .summary import summary

        print(f"ISRD {root or 'installed data'}: valid\n")
        print(summary(root))
        return 0
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # isrd summary | head: the reader left; say nothing more
        _quiet_stdout()
        return 0
    except DataError as exc:  # a table cannot be read (isrd build on a type error, say): what and where
        from .validate import report as plain

        print(f"isrd {args.command}: the data cannot be read; fix these first (isrd validate shows every problem):",
              file=sys.stderr)
        print(plain(exc.problems), file=sys.stderr)
        return 1
    except Exception as exc:  # the promise is plain words, never a traceback
        print(f"isrd: could not finish: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("isrd: this is a bug in isrd; please report it with the command you ran", file=sys.stderr)
        return 2


def _arrow_without_pandas() -> None:
    """pyarrow imports pandas (a third of a second) on its first pa.array call, only to ask whether the value
    is a pandas object; validation never passes one and never needs pandas. Let that first question find no
    pandas, so that `isrd validate` does not import it. Nothing is lost: pyarrow imports pandas after all
    the first time a conversion needs it (to_pandas), and a test holds it to that."""
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    class NoPandas:
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name == "pandas":
                raise ImportError("pandas is not needed to validate")
            return None

    sys.meta_path.insert(0, NoPandas)
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(NoPandas)


def _release_memory_sooner() -> None:
    """With jemalloc, hand unused pages back after 100 ms instead of a second: validating the 100x package
    then peaks near 690 MB instead of 740 MB, no slower (at 0 ms it peaks at 640 MB but takes a tenth longer)."""
    import pyarrow as pa

    if pa.default_memory_pool().backend_name == "jemalloc":
        pa.jemalloc_set_decay_ms(100)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush does not fail on the closed pipe."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
