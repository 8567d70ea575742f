#!/usr/bin/env python3
"""Generate docs/codebook.md from the Table Schemas in schemas/ (never edit the codebook by hand)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from generated import write_or_check

ROOT = Path(__file__).resolve().parents[1]
DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "date": "datetime64[ns]"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(root: Path = ROOT) -> str:
    meta = json.loads((root / "schemas" / "package.json").read_text(encoding="utf-8"))
    out = [f"# {meta['title']}: codebook", "",
           "Generated from `schemas/*.schema.json` by `scripts/build_codebook.py`; edit the schemas, not this file.",
           "", "Conventions for every table:", "",
           "- Only an empty cell is missing. Text such as `NA`, `None` or `null` is text.",
           "- Identifiers are opaque and prefixed, never reused. A record that is withdrawn stays, with "
           "`status` = `retracted` and a `status_reason`.",
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
            dtype = "category" if "enum" in c else DTYPES[f["type"]]
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
    return "\n".join(out)


def main() -> int:
    return write_or_check(ROOT / "docs" / "codebook.md", render(), "python scripts/build_codebook.py")


if __name__ == "__main__":
    sys.exit(main())
