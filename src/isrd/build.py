"""Regenerate everything derived from the data and the Table Schemas: ``isrd build [--check]``.

In order: the incidents' killed_* and injured_* ranges (from casualty_reports, by the rule in isrd.tolls),
docs/codebook.md (from schemas/), datapackage.json (from schemas/ and the bytes of each CSV, last but one
because the tolls change data/incidents.csv), and CITATION.cff and .zenodo.json (from
schemas/package.json). With check=True nothing is written; each stale file is named.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import schema as sch
from .package import inside


def codebook(root: Path) -> str:
    """docs/codebook.md, from the Table Schemas (dtypes as isrd.load gives them)."""
    meta = json.loads((root / "schemas" / "package.json").read_text(encoding="utf-8"))
    out = [f"# {meta['title']}: codebook", "",
           "Generated from `schemas/*.schema.json` by `isrd build`; edit the schemas, not this file.",
           "", "Conventions for every table:", "",
           "- Only an empty cell is missing. Text such as `NA`, `None` or `null` is text.",
           "- Identifiers are opaque and prefixed, never reused. A record that is withdrawn stays, with "
           "`status` = `retracted` and a `status_reason`; `isrd.load()` leaves it out unless "
           "`include_retracted=True`.",
           "- Victim counts (`killed_*`, `injured_*`) exclude perpetrators, who are counted in "
           "`perpetrators_killed`. A claimant's figures sit in `claims` and never feed the incident's counts.",
           "- `pandas dtype` is what `isrd.load()` returns; an enumerated field is a Categorical with exactly the "
           "listed categories.", ""]
    for name in meta["resources"]:
        schema = json.loads((root / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
        out += [f"## {name}", "", schema["description"], "",
                f"Primary key: `{', '.join(schema['primaryKey'])}`."]
        for fk in schema.get("foreignKeys", []):
            ref = fk["reference"]
            out.append(f"Foreign key: `{fk['fields'][0]}` -> `{ref['resource'] or name}.{ref['fields'][0]}`.")
        out += ["", "| field | type | pandas dtype | required | allowed values / form | description |",
                "|---|---|---|---|---|---|"]
        for f in schema["fields"]:
            c = f.get("constraints", {})
            dtype = "category" if "enum" in c else str(sch.pandas_dtype(f))
            form = []
            if "enum" in c:
                form.append(", ".join(f"`{v}`" for v in c["enum"]))
            if "pattern" in c:
                form.append(f"like `{f.get('example', c['pattern'])}`")
            if "minimum" in c or "maximum" in c:
                form.append(f"{c.get('minimum', '')}..{c.get('maximum', '')}")
            if f.get("isrd:codelist"):
                form.append(f["isrd:codelist"])
            out.append(f"| `{f['name']}` | {f['type']} | {dtype} | {'yes' if c.get('required') else ''} | "
                       f"{_cell('; '.join(form))} | {_cell(f['description'])} |")
        out.append("")
    from .events import VIEWS, view_schema

    for name in VIEWS:
        view = view_schema(name, root)
        out += [f"## {name} (derived when loaded: `isrd.load(\"{name}\")`)", "", view["description"], "",
                "| field | type | pandas dtype | from | description |", "|---|---|---|---|---|"]
        for f in view["fields"]:
            dtype = "category" if sch.enum(f) else str(sch.pandas_dtype(f))
            out.append(f"| `{f['name']}` | {f['type']} | {dtype} | {f.get('isrd:from', 'derived')} | "
                       f"{_cell(f.get('description', ''))} |")
        out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def datapackage(root: Path) -> str:
    """datapackage.json, from schemas/package.json, the Table Schemas and each CSV's bytes and sha256."""
    meta = json.loads((root / "schemas" / "package.json").read_text(encoding="utf-8"))
    resources = []
    for name in meta.pop("resources"):
        schema = json.loads((root / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
        resources.append({
            "name": name, "type": "table", "title": schema["title"], "description": schema["description"],
            "path": f"data/{name}.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": f"schemas/{name}.schema.json", **sch.integrity(root / "data" / f"{name}.csv"),
        })
    body = {"$schema": "https://datapackage.org/profiles/2.0/datapackage.json", **meta, "resources": resources}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _citation(root: Path) -> dict[str, str]:
    from .cite import cite, zenodo

    meta = json.loads(datapackage(root))  # the metadata as the new datapackage.json will carry it
    return {"CITATION.cff": cite("cff", meta=_meta(meta)),
            ".zenodo.json": json.dumps(zenodo(_meta(meta)), indent=2, ensure_ascii=False) + "\n"}


def _meta(pkg: dict) -> dict:
    from .cite import metadata_of

    return metadata_of(pkg)


def build(root: str | Path, check: bool = False) -> list[str]:
    """Regenerate every derived file under root; return one line per file that was (or, with check, is) stale."""
    from .tolls import fill

    root = Path(root)
    out = []
    tolls = fill(root, write=not check)
    if tolls:
        out.append(f"data/incidents.csv: {len(tolls)} killed/injured value(s) do not follow the casualty reports"
                   + ("" if check else " (rewritten)"))
    targets = {"docs/codebook.md": codebook(root), "datapackage.json": datapackage(root), **_citation(root)}
    for name, text in targets.items():
        path, refused = inside(root, name, name)
        if path is None:  # never written through a symlink that leads out of the package
            out.append(f"{refused}: not written")
            continue
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        out.append(f"{name} is out of date" + ("" if check else " (rewritten)"))
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)  # a copy of the package may have no docs/ yet
            path.write_text(text, encoding="utf-8")
    return out
