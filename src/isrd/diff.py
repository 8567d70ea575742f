"""What changed in the data between two versions: ``isrd diff OLD NEW``.

OLD and NEW are package folders or git refs of the repository in the current folder. Rows are matched
by each table's primary key (from its Table Schema); csv-diff does the row comparison, this module adds
what it lacks: git refs, composite keys, retractions told apart from other edits, readable labels and the
three output formats (text, markdown for a pull request or the changelog, json for tools).
"""
from __future__ import annotations

import contextlib
import io
import json
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


FORMATS = ("text", "markdown", "json")
LABELS = {"incidents": "name", "actors": "name", "sources": "title", "claims": "summary", "attributions": "summary"}
PACKAGE_PARTS = ("datapackage.json", "schemas", "data")


@dataclass
class TableDiff:
    table: str
    added: list[dict] = field(default_factory=list)  # {"id", "label"}
    removed: list[dict] = field(default_factory=list)  # {"id", "label"}
    retracted: list[dict] = field(default_factory=list)  # {"id", "label", "reason"}
    changed: list[dict] = field(default_factory=list)  # {"id", "field", "old", "new"}
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    rows_old: int = 0
    rows_new: int = 0

    def empty(self) -> bool:
        return not (self.added or self.removed or self.retracted or self.changed
                    or self.columns_added or self.columns_removed)


@dataclass
class PackageDiff:
    old: str
    new: str
    old_version: str
    new_version: str
    tables: list[TableDiff]


class DiffError(ValueError):
    """OLD or NEW is neither a package folder nor a git ref."""


RELEASES = Path("releases") / "releases.csv"


def releases(root: Path) -> list[dict]:
    """Every release recorded in releases/releases.csv (version, date, commit), oldest first."""
    import csv

    path = Path(root) / RELEASES
    if not path.is_file():
        from .schema import default_root

        path = default_root() / RELEASES
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _release(spec: str, root: Path) -> dict | None:
    """The release named by spec (0.2.0 or v0.2.0). A row written by scripts/release.py has no commit yet:
    its commit is the one that added the row."""
    version = spec[1:] if spec.startswith("v") else spec
    release = next((dict(r) for r in releases(root) if r["version"] == version), None)
    if release is not None and not release.get("commit"):
        r = subprocess.run(["git", "-C", str(root), "log", "--format=%H", f"-S{version},{release['date']},",
                            "--", RELEASES.as_posix()], capture_output=True, text=True)
        found = r.stdout.split()
        release["commit"] = found[-1] if r.returncode == 0 and found else ""
    return release


def _is_commit(top: str, ref: str) -> bool:
    r = subprocess.run(["git", "-C", top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], capture_output=True)
    return r.returncode == 0


@contextlib.contextmanager
def package_at(spec: str | Path, repo: str | Path = "."):
    """A folder holding the package: spec itself if it is one, else the package files at git ref spec."""
    path = Path(spec)
    if (path / "datapackage.json").is_file():
        yield path
        return
    try:
        top = subprocess.run(["git", "-C", str(repo), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        release = _release(str(spec), Path(repo))
        where = f"release {spec} is commit {release['commit'][:12]} of the ISRD repository; " if release else ""
        raise DiffError(f"{where}{spec} is neither a folder holding datapackage.json nor, here, a git ref "
                        "(run isrd diff in a clone of the repository)") from None
    if not _is_commit(top, str(spec)):
        release = _release(str(spec), Path(top))
        if release is None or not _is_commit(top, release["commit"]):
            known = ", ".join(r["version"] for r in releases(Path(top))) or "none recorded"
            raise DiffError(f"{spec} is neither a folder holding datapackage.json, a git ref of this repository, "
                            f"nor a released version (released: {known})")
        spec = release["commit"]
    archive = subprocess.run(["git", "-C", top, "archive", "--format=tar", str(spec), *PACKAGE_PARTS],
                             capture_output=True)
    if archive.returncode != 0:
        raise DiffError(f"git ref {spec} holds no data package: {archive.stderr.decode(errors='replace').strip()}")
    with tempfile.TemporaryDirectory(prefix="isrd-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(tmp, filter="data")
            else:  # Python < 3.11.4; the archive comes from this repository's own git
                tar.extractall(tmp)
        yield Path(tmp)


def _rows(root: Path, table: str, resources: dict) -> tuple[dict[str, dict], list[str]]:
    """Rows keyed by primary key (parts joined with ' / '), as text exactly as in the file. Read with
    isrd's own reader (paths stay inside the package); a file that cannot be read in full, or that
    repeats a key, is a DiffError, since comparing it would drop rows."""
    from .read import read_table

    res = resources.get(table)
    if res is None:
        return {}, []
    text = read_table(res)
    where = f"{root / res.relpath}"
    if text.parsed is None and text.table is None:
        reasons = "; ".join(str(p) for p in text.problems[:3]) or "it has no rows"
        raise DiffError(f"{where} cannot be read: {reasons}")
    blocking = [p for p in text.problems if p.kind not in ("bom", "line-ends", "final-newline", "header")]
    if blocking or len(set(text.header)) != len(text.header) or "" in text.header:
        first = blocking[0] if blocking else "the header repeats or leaves out a column name"
        raise DiffError(f"{where} cannot be read in full, so rows would be lost: {first} "
                        f"(run isrd validate on that version for every problem)")
    columns = [text.parsed.column(i).to_pylist() for i in range(len(text.header))]
    rows = [dict(zip(text.header, cells)) for cells in zip(*columns)]
    key = res.schema["primaryKey"] or [res.field_names[0]]
    missing = [k for k in key if k not in text.header]
    if missing:
        raise DiffError(f"{where} has no {', '.join(missing)} column, which identifies its rows")
    keyed: dict[str, dict] = {}
    lines = text.lines()
    for i, row in enumerate(rows):
        k = " / ".join(row[c] for c in key)
        if k in keyed:
            raise DiffError(f"{where} has the key {k!r} twice (the second on line {int(lines[i])}); "
                            "a diff would drop one of them: fix it first (isrd validate names both)")
        keyed[k] = row
    return keyed, list(text.header)


def _label(table: str, row: dict) -> str:
    text = row.get(LABELS.get(table, ""), "") or ""
    return text if len(text) <= 80 else text[:77] + "..."


def _compare(previous: dict, current: dict) -> dict:
    from csv_diff import compare

    if previous and current:
        return compare(previous, current)
    return {"added": list(current.values()), "removed": list(previous.values()), "changed": [],
            "columns_added": [], "columns_removed": []}


def _resources(root: Path) -> dict:
    from .package import open_package

    package = open_package(root)
    if not package.descriptor or package.problems:
        first = package.problems[0] if package.problems else "no datapackage.json"
        raise DiffError(f"the package in {root} cannot be opened safely: {first}")
    return package.resources


def diff_tables(old_root: Path, new_root: Path) -> list[TableDiff]:
    old_res, new_res = _resources(old_root), _resources(new_root)
    out = []
    for table in list(new_res) + [t for t in old_res if t not in new_res]:
        old_rows, old_cols = _rows(old_root, table, old_res)
        new_rows, new_cols = _rows(new_root, table, new_res)
        res = new_res.get(table) or old_res[table]
        key = res.schema["primaryKey"] or [res.field_names[0]]

        def key_of(row):
            return " / ".join(row.get(k, "") for k in key)

        result = _compare(old_rows, new_rows)
        d = TableDiff(table, rows_old=len(old_rows), rows_new=len(new_rows),
                      columns_added=[c for c in new_cols if c not in old_cols],
                      columns_removed=[c for c in old_cols if c not in new_cols])
        d.added = [{"id": key_of(r), "label": _label(table, r)} for r in result["added"]]
        d.removed = [{"id": key_of(r), "label": _label(table, r)} for r in result["removed"]]
        for change in result["changed"]:
            rid = change["key"]
            fields = change["changes"]
            status = fields.get("status")
            if status and status[1] == "retracted":
                d.retracted.append({"id": rid, "label": _label(table, new_rows[rid]),
                                    "reason": new_rows[rid].get("status_reason", "")})
            for name in [c for c in new_cols if c in fields]:
                d.changed.append({"id": rid, "field": name, "old": fields[name][0], "new": fields[name][1]})
        out.append(d)
    return out


def diff(old: str | Path, new: str | Path, repo: str | Path = ".") -> PackageDiff:
    """Row-level differences between two package folders or git refs."""
    with package_at(old, repo) as old_root, package_at(new, repo) as new_root:
        tables = diff_tables(old_root, new_root)
        return PackageDiff(str(old), str(new), _version(old_root), _version(new_root), tables)


def _version(root: Path) -> str:
    from .package import open_package

    return str(open_package(root).descriptor.get("version", "?"))


def _counts(d: TableDiff) -> str:
    return (f"{d.rows_old} -> {d.rows_new} rows: {len(d.added)} added, {len(d.retracted)} retracted, "
            f"{len(d.removed)} removed, {len({c['id'] for c in d.changed})} changed")


def to_text(p: PackageDiff) -> str:
    out = [f"ISRD diff {p.old} ({p.old_version}) -> {p.new} ({p.new_version})"]
    for d in p.tables:
        out.append(f"\n{d.table}: {_counts(d)}")
        out += [f"  column added: {c}" for c in d.columns_added]
        out += [f"  column removed: {c}" for c in d.columns_removed]
        out += [f"  + {r['id']}  {r['label']}".rstrip() for r in d.added]
        out += [f"  x {r['id']}  retracted: {r['reason']}" for r in d.retracted]
        out += [f"  - {r['id']}  {r['label']} (removed: a released record must be retracted instead)" for r in d.removed]
        out += [f"  ~ {c['id']}  {c['field']}: {c['old']!r} -> {c['new']!r}" for c in d.changed]
    return "\n".join(out) + "\n"


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(p: PackageDiff, limit: int = 200) -> str:
    out = [f"### ISRD data changes: {p.old_version} -> {p.new_version}", "",
           f"`{p.old}` -> `{p.new}`", "",
           "| table | rows before | rows after | added | retracted | removed | records changed |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for d in p.tables:
        out.append(f"| {d.table} | {d.rows_old} | {d.rows_new} | {len(d.added)} | {len(d.retracted)} | "
                   f"{len(d.removed)} | {len({c['id'] for c in d.changed})} |")
    for d in p.tables:
        if d.empty():
            continue
        out += ["", f"#### {d.table}"]
        out += [f"- column added: `{c}`" for c in d.columns_added]
        out += [f"- column removed: `{c}`" for c in d.columns_removed]
        if d.removed:
            out.append(f"- **removed** (a released record must be retracted, not deleted): "
                       + ", ".join(f"`{r['id']}`" for r in d.removed))
        out += [f"- retracted `{r['id']}`: {_md(r['reason'])}" for r in d.retracted]
        if d.added:
            out += ["", f"<details><summary>{len(d.added)} added</summary>", ""]
            out += [f"- `{r['id']}` {_md(r['label'])}".rstrip() for r in d.added[:limit]]
            if len(d.added) > limit:
                out.append(f"- ... and {len(d.added) - limit} more")
            out += ["", "</details>"]
        if d.changed:
            out += ["", "| id | field | old | new |", "|---|---|---|---|"]
            out += [f"| `{c['id']}` | {c['field']} | {_md(c['old'])} | {_md(c['new'])} |" for c in d.changed[:limit]]
            if len(d.changed) > limit:
                out.append(f"\n... and {len(d.changed) - limit} more changed fields")
    return "\n".join(out) + "\n"


def to_json(p: PackageDiff) -> str:
    body = {"old": {"ref": p.old, "version": p.old_version}, "new": {"ref": p.new, "version": p.new_version},
            "tables": {d.table: {k: v for k, v in d.__dict__.items() if k != "table"} for d in p.tables}}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def render(p: PackageDiff, format: str = "text") -> str:
    if format not in FORMATS:
        raise ValueError(f"unknown diff format {format!r}; use one of: {', '.join(FORMATS)}")
    return {"text": to_text, "markdown": to_markdown, "json": to_json}[format](p)
