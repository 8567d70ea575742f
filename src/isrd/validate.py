"""Validate an ISRD data package and report every problem at once, in plain words.

One read per file, then every check vectorised on the columns it gave:
1. the descriptor: paths stay inside the package, every Table Schema form is one isrd reads, and
   Frictionless validates the descriptor against the Data Package spec (it reads no data; its verdict on
   an unchanged descriptor is kept between runs);
2. the files: UTF-8, no byte-order mark, LF line ends, header, cells per row;
3. the fields: types, constraints and clean text, from each Table Schema;
4. keys: primary and foreign keys, on the text isrd read;
5. rules: within rows, and across tables (tolls, scope, evidence, places, citable sources, the id registry), and the canonical form.
A cell that fails one check is left out of the later ones, so one mistake gives one message.
"""
from __future__ import annotations

from pathlib import Path

from . import schema as sch
from .package import PACKAGE_FILE, open_package
from .problems import Problem


# the child process runs the same function as the in-process fallback
# (Frictionless is imported before the descriptor is read, so that a child started early warms up meanwhile)
_SPEC_CHECK = ("import json, sys, frictionless; from isrd.validate import _in_process, _warm_up; _warm_up(); "
               "json.dump(_in_process(sys.stdin.read()), sys.stdout)")
# a small package with a field of every type, keys and a foreign key: checking it first, while the parent
# is still reading files, makes Frictionless load what its first check needs (a quarter of a second)
_WARM_UP = {"name": "warm-up", "resources": [{"name": "t", "path": "t.csv", "format": "csv", "encoding": "utf-8", "schema": {
    "fields": [{"name": "a", "type": "string", "constraints": {"required": True, "enum": ["x"]}}, {"name": "b", "type": "integer"},
               {"name": "c", "type": "date"}, {"name": "d", "type": "number"}, {"name": "e", "type": "boolean"}],
    "primaryKey": ["a"], "foreignKeys": [{"fields": ["a"], "reference": {"resource": "", "fields": ["a"]}}]}}]}
_started: list = []  # a child started ahead of time (start_descriptor_check), waiting for its descriptor


def _spawn():
    import subprocess
    import sys

    try:
        return subprocess.Popen([sys.executable, "-c", _SPEC_CHECK], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
    except OSError:
        return None


def start_descriptor_check() -> None:
    """Start the process that checks the descriptor with Frictionless now, before this one imports its own
    libraries: its start (a third of a second, mostly importing Frictionless) then overlaps theirs. The
    next validation hands it the descriptor; a child never used exits when this process does."""
    if not _started:
        _started.append(_spawn())


NAMED_PROFILES = {"data-package", "tabular-data-package", "fiscal-data-package", "data-resource", "tabular-data-resource"}


def _spec_descriptor(package) -> tuple[dict, list[Problem]]:
    """The descriptor as Frictionless is to see it: schemas already read safely, no hashes (integrity is
    checked here, in words a contributor can act on), and nothing Frictionless would fetch or open: a
    profile given as an address or a path is refused (Frictionless downloads it), and a schema or dialect
    given as a path is left out (it would be read from wherever it points)."""
    refused = []

    def offline(d: dict, where: str) -> dict:
        d = dict(d)
        profile = d.get("profile")
        if profile is not None and profile not in NAMED_PROFILES:
            refused.append(Problem(PACKAGE_FILE, 0, message=f"{where} names the profile {str(profile)[:200]!r}: isrd reads "
                                   "nothing outside the package and fetches nothing, so only the spec's named profiles "
                                   "(" + ", ".join(sorted(NAMED_PROFILES)) + ") are accepted",
                                   hint="remove the profile, or use a named one", kind="package"))
            d.pop("profile")
        for key in ("schema", "dialect"):
            if isinstance(d.get(key), str):
                d.pop(key)
        return d

    descriptor = offline(package.descriptor, "the package")
    resources = []
    for i, res in enumerate(descriptor.get("resources", []), 1):
        if isinstance(res, dict):
            if res.get("name") in package.resources:
                res = dict(res, schema=package.resources[res["name"]].schema)
                res.pop("hash", None)
                res.pop("bytes", None)
            res = offline(res, f"resource {i} ({str(res.get('name'))[:80]})")
        resources.append(res)
    descriptor["resources"] = resources
    return descriptor, refused


def _descriptor_problems(package):
    """Start Frictionless's check of the descriptor against the Data Package spec (it reads no data) in a
    process of its own, so that importing Frictionless (half a second) runs on the other core while the
    files are read; return a function that waits for it and gives its problems."""
    import json
    import subprocess

    descriptor, refused = _spec_descriptor(package)
    text = json.dumps(descriptor)

    def problems(messages: list[str]) -> list[Problem]:
        return refused + [Problem(PACKAGE_FILE, 0, message=f"the descriptor breaks the Data Package spec: {m}",
                                  hint="regenerate it with isrd build", kind="package") for m in messages]

    cache = _verdict_path(text)
    cached = _cached_verdict(cache)
    if cached is not None:  # the same descriptor, Frictionless and isrd as a run before: its verdict stands
        if _started:
            _started.pop().kill()
        return lambda: problems(cached)
    child = _started.pop() if _started else _spawn()

    def wait() -> list[Problem]:
        verdict = None
        if child is not None:
            try:
                out, _ = child.communicate(text, timeout=300)
                if child.returncode == 0:
                    verdict = json.loads(out)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                child.kill()
                child.wait()
        if verdict is None:  # no second process here (an embedded interpreter): check in this one
            verdict = _in_process(text)
        _keep_verdict(cache, verdict)
        return problems(verdict)
    return wait


def _verdict_path(text: str) -> Path | None:
    """Where Frictionless's verdict on this descriptor is kept: a file named by the hash of the descriptor
    text and of the size and modification time of Frictionless's and this module's code (as Python keys
    its own bytecode cache), so an upgrade of either, or an edit of the descriptor, asks Frictionless
    again. Editing a CSV changes neither (the hashes are left out of the text). The folder is
    $ISRD_CACHE_DIR, else isrd/ in the user's cache folder; ISRD_CACHE_DIR set empty keeps nothing."""
    import hashlib
    import importlib.util
    import os

    folder = os.environ.get("ISRD_CACHE_DIR")
    if folder is None:
        folder = str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "isrd")
    if not folder:
        return None
    try:
        code = [Path(importlib.util.find_spec("frictionless").origin), Path(__file__)]
        stamp = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in code]
    except (AttributeError, TypeError, OSError, ValueError, ImportError):
        return None
    key = hashlib.sha256(repr(stamp).encode() + b"\0" + text.encode("utf-8", "surrogatepass")).hexdigest()
    return Path(folder) / "spec-verdicts" / f"{key}.json"


def _cached_verdict(path: Path | None) -> list[str] | None:
    import json

    if path is None:
        return None
    try:
        verdict = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return verdict if isinstance(verdict, list) and all(isinstance(m, str) for m in verdict) else None


def _keep_verdict(path: Path | None, verdict: list[str]) -> None:
    """Write the verdict for the next run, whole or not at all; a cache that cannot be written is skipped."""
    import json
    import os
    import tempfile

    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(verdict, f)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass


def _warm_up() -> None:
    import json

    _in_process(json.dumps(_WARM_UP))


def _in_process(text: str) -> list[str]:
    import json

    import frictionless

    try:
        return [e.note or e.message for e in frictionless.Package.validate_descriptor(json.loads(text)).errors]
    except Exception as exc:  # noqa: BLE001 - frictionless raises many types for a bad descriptor
        return [str(exc).splitlines()[0] if str(exc) else type(exc).__name__]


def _stale(package, integrity: dict) -> list[Problem]:
    """datapackage.json records each file's bytes and sha256: a CSV edited since then makes it stale."""
    stale = [res.relpath for name, res in package.resources.items()
             if name in integrity and res.declared and any(integrity[name].get(k) != v for k, v in res.declared.items())]
    if not stale:
        return []
    return [Problem(PACKAGE_FILE, 0, message=f"{', '.join(stale)} changed after {PACKAGE_FILE} was generated "
                    "(its recorded bytes and sha256 no longer match)",
                    hint="when the data problems above are fixed, run isrd build and commit the new datapackage.json",
                    kind="stale-datapackage")]


def _key_fields(package) -> dict[str, set[str]]:
    """table -> the fields other rows point at (primary keys and foreign-key targets)."""
    out: dict[str, set[str]] = {}
    for name, res in package.resources.items():
        out.setdefault(name, set()).update(res.schema["primaryKey"])
        for fk in res.schema["foreignKeys"]:
            out.setdefault(fk["reference"]["resource"] or name, set()).update(fk["reference"]["fields"])
    return out


def check_package(root: Path, descriptor_check: bool = True):
    """Every problem in the package at root, with the typed tables of what could be read.

    Each file is read once and checked on its own first; then only its typed columns, line numbers and
    key text are kept, so memory stays close to the size of the text itself."""
    from .canonical import canonical_findings
    from .checks import FieldChecks, problems as to_problems
    from .citable import citable_findings
    from .geo import geo_findings
    from .evidence import evidence_findings
    from .keys import key_findings, recovered_keys
    from .read import read_table
    from .registry import registry_findings, registry_refused
    from .rules import citation_findings, duplicate_statement_findings, row_findings
    from .scope import scope_findings
    from .tolls import toll_findings

    package = open_package(root)
    problems = list(package.problems)
    if not package.descriptor:
        return problems, {}
    key_fields = _key_fields(package)

    def one_table(res):
        """Read one file and run its own checks; keep only what the rules across tables need."""
        text = read_table(res)
        found, typed, canonical = [], None, []
        integrity = sch.integrity_of(text.raw) if text.raw else None
        if text.table is not None:
            fc = FieldChecks(res, text.table, control=text.control).run()
            typed = fc.table()
            found = fc.findings + row_findings(res.name, res.schema, typed)
            if text.header_ok and not text.skipped and not text.problems and not fc.findings:
                canonical = canonical_findings(res, text, typed)
            text.keys = {f: text.table.column(f) for f in key_fields.get(res.name, ()) if f in text.table.column_names}
        text.settle()
        text.table = None
        return text, typed, found, canonical, integrity

    # two workers: Arrow's kernels release the GIL, so two files are read and checked at once (the
    # descriptor is with Frictionless, in its own process, meanwhile)
    from concurrent.futures import ThreadPoolExecutor

    largest_first = sorted(package.resources.values(), key=lambda r: -r.size)
    spec = _descriptor_problems(package) if descriptor_check else None
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = {res.name: result for res, result in zip(largest_first, pool.map(one_table, largest_first))}
    texts, typed, integrity, canonical, findings = {}, {}, {}, {}, []
    for name in package.resources:  # package order
        text, t, found, canon, digest = done[name]
        texts[name] = text
        problems += text.problems
        findings += found
        if t is not None:
            typed[name] = t
        if canon or (t is not None and text.header_ok):
            canonical[name] = canon
        if digest is not None:
            integrity[name] = digest
    schemas = {n: r.schema for n, r in package.resources.items()}
    recovered = {n: recovered_keys(texts[n], schemas[n]["primaryKey"][:1]) for n in typed if schemas[n]["primaryKey"]}
    with ThreadPoolExecutor(max_workers=1) as pool:  # the heaviest rules beside the others (Arrow joins release the GIL)
        aside = [pool.submit(registry_findings, root, typed, schemas, recovered), pool.submit(evidence_findings, typed)]
        findings += key_findings(package.resources, texts, typed)
        findings += citation_findings(typed, schemas, recovered) + toll_findings(typed) + scope_findings(typed)
        findings += duplicate_statement_findings(typed)
        citable, waiver_problems = citable_findings(root, typed)
        findings += citable + geo_findings(typed) + [f for job in aside for f in job.result()]
        problems += waiver_problems + registry_refused(root)
    by_table = {}
    for f in findings:
        by_table.setdefault(f.table, []).append(f)
    for name, fs in by_table.items():
        problems += to_problems(fs, texts[name].lines())
    troubled = {p.table for p in problems}
    for name, found in canonical.items():
        if name not in troubled:
            problems += found
    problems += _stale(package, integrity)
    problems += spec() if spec is not None else []
    return _ordered(problems), typed




def _ordered(problems: list[Problem]) -> list[Problem]:
    """Each problem once; data files in package order, the package's own problems last."""
    seen, out = set(), []
    for p in problems:
        key = (p.table, p.line, p.column, p.kind, p.value, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: (p.table == PACKAGE_FILE and p.kind == "stale-datapackage", p.table, p.line, p.column, p.kind))


def validate(path: str | Path | None = None) -> list[Problem]:
    """Every problem in the package at path (default: the installed data); empty when valid."""
    return check_package(sch.resolve_root(path))[0]


def report(problems: list[Problem]) -> str:
    if not problems:
        return "valid: no problems found"
    tables = sorted({p.table for p in problems})
    lines = [str(p) for p in problems]
    lines.append(f"\n{len(problems)} problem(s) in {', '.join(tables)}")
    return "\n".join(lines)
