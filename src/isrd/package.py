"""Open a data package safely: its descriptor, each resource's file and Table Schema, and nothing else.

Every path in datapackage.json is resolved inside the package folder before anything is opened: a URL,
an absolute path, a path that climbs out with `..`, or a symlink that leads outside is refused, and so
is every Table Schema form isrd does not read. Each refusal is one Problem in plain words; the rest of
the package is still opened, so that validate can report every problem at once.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem

PACKAGE_FILE = "datapackage.json"
TYPES = ("string", "integer", "number", "boolean", "date")
CONSTRAINTS = {"required", "unique", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength",
               "exclusiveMinimum", "exclusiveMaximum"}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^[A-Za-z][A-Za-z0-9+.-]*:")
MAX_DESCRIPTOR_BYTES = 10_000_000


@dataclass
class Resource:
    """One table of the package: its name, its CSV file inside the package and its Table Schema."""
    name: str
    path: Path
    relpath: str
    schema: dict
    declared: dict = field(default_factory=dict)  # bytes and hash recorded in datapackage.json

    @property
    def fields(self) -> list[dict]:
        return self.schema["fields"]

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.schema["fields"]]

    @property
    def size(self) -> int:
        """The file's size in bytes (0 when it cannot be read): larger files are read first."""
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


@dataclass
class Package:
    root: Path
    descriptor: dict
    resources: dict[str, Resource]
    problems: list[Problem]


def _package_problem(message: str, hint: str = "", kind: str = "package", where: str = PACKAGE_FILE) -> Problem:
    return Problem(where, 0, message=message, hint=hint, kind=kind)


def inside(root: Path, relpath, what: str) -> tuple[Path | None, str]:
    """The file a descriptor path names, or None and the reason it is refused."""
    if not isinstance(relpath, str) or not relpath:
        shown = "several files" if isinstance(relpath, list) else repr(relpath)
        return None, f"{what} must be one relative file path inside the package, not {shown}"
    if _URL.match(relpath) or relpath.startswith(("/", "\\")) or "\\" in relpath or "\x00" in relpath:
        return None, f"{what} {relpath!r} is a URL or an absolute path; isrd reads only files inside the package folder"
    if ".." in Path(relpath).parts:
        return None, f"{what} {relpath!r} climbs out of the package folder with '..'"
    base = root.resolve()
    target = base / relpath
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError):
        return None, f"{what} {relpath!r} cannot be resolved (a symlink loop?)"
    if base != resolved and base not in resolved.parents:
        return None, f"{what} {relpath!r} is a symlink that leads outside the package folder"
    return target, ""


def read_json_file(path: Path, label: str) -> tuple[object, str]:
    """Parsed JSON, or None and why it cannot be read (never an exception)."""
    try:
        if path.stat().st_size > MAX_DESCRIPTOR_BYTES:
            return None, f"{label} is larger than {MAX_DESCRIPTOR_BYTES // 1_000_000} MB"
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None, f"{label} does not exist"
    except UnicodeDecodeError:
        return None, f"{label} is not UTF-8 text"
    except OSError as exc:
        return None, f"{label} cannot be read ({exc.strerror or exc})"
    try:
        return json.loads(text, parse_constant=lambda c: float(c)), ""
    except RecursionError:
        return None, f"{label} is nested too deeply to be a data package descriptor"
    except ValueError as exc:
        return None, f"{label} is not valid JSON ({exc})"


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def schema_problems(schema, label: str) -> list[str]:
    """Why a Table Schema cannot be used, in sentences; empty when isrd can check every rule it declares."""
    if not isinstance(schema, dict):
        return [f"{label} must be a JSON object"]
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [f"{label} needs a non-empty list of fields"]
    out, names = [], []
    for i, f in enumerate(fields, 1):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f.get("name"):
            out.append(f"{label}: field {i} needs a name")
            continue
        name = f["name"]
        if name in names:
            out.append(f"{label}: the field name {name!r} is used twice")
        names.append(name)
        kind = f.get("type", "string")
        if kind not in TYPES:
            out.append(f"{label}: field {name!r} has type {kind!r}, which isrd does not read; "
                       f"ISRD tables use {', '.join(TYPES)}")
        if f.get("format", "default") != "default":
            out.append(f"{label}: field {name!r} declares format {f['format']!r}; isrd reads only the default format "
                       "(dates as YYYY-MM-DD)")
        for key in ("bareNumber", "groupChar", "decimalChar", "missingValues"):
            if key in f and not (key == "bareNumber" and f[key] is True) and not (key == "missingValues" and f[key] == [""]):
                out.append(f"{label}: field {name!r} sets {key}, which isrd does not support (only an empty cell is missing, "
                           "numbers are plain)")
        for key in ("trueValues", "falseValues"):
            if key in f and (not isinstance(f[key], list) or not f[key] or not all(isinstance(v, str) and v for v in f[key])):
                out.append(f"{label}: field {name!r}: {key} must be a list of non-empty strings")
        c = f.get("constraints", {})
        if not isinstance(c, dict):
            out.append(f"{label}: field {name!r}: constraints must be a JSON object")
            continue
        for key, value in c.items():
            if key not in CONSTRAINTS:
                out.append(f"{label}: field {name!r}: unknown constraint {key!r}")
            elif key in ("required", "unique") and not isinstance(value, bool):
                out.append(f"{label}: field {name!r}: constraint {key} must be true or false")
            elif key == "enum" and (not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value)):
                out.append(f"{label}: field {name!r}: enum must be a non-empty list of strings")
            elif key == "pattern":
                why = pattern_error(value)
                if why:
                    out.append(f"{label}: field {name!r}: the pattern {value!r} {why}")
            elif key in ("minLength", "maxLength") and not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
                out.append(f"{label}: field {name!r}: {key} must be a whole number of at least 0")
            elif key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                if kind == "date":
                    if not (isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)):
                        out.append(f"{label}: field {name!r}: {key} of a date must be written YYYY-MM-DD")
                elif not _number(value):
                    out.append(f"{label}: field {name!r}: {key} must be a finite number, not {value!r}")
    out += _key_problems(schema, names, label)
    return out


def _key_problems(schema: dict, names: list[str], label: str) -> list[str]:
    out = []
    pk = schema.get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else pk
    if not isinstance(pk, list) or not all(isinstance(k, str) for k in pk):
        out.append(f"{label}: primaryKey must be a field name or a list of them")
    else:
        out += [f"{label}: the primary key names {k!r}, which is not a field" for k in pk if k not in names]
    fks = schema.get("foreignKeys", [])
    if not isinstance(fks, list):
        return out + [f"{label}: foreignKeys must be a list"]
    for fk in fks:
        fields = fk.get("fields") if isinstance(fk, dict) else None
        ref = fk.get("reference") if isinstance(fk, dict) else None
        fields = [fields] if isinstance(fields, str) else fields
        rfields = ref.get("fields") if isinstance(ref, dict) else None
        rfields = [rfields] if isinstance(rfields, str) else rfields
        if (not isinstance(fields, list) or not isinstance(rfields, list) or not fields
                or len(fields) != len(rfields) or not isinstance(ref.get("resource", ""), str)):
            out.append(f"{label}: a foreign key needs fields and a reference with a resource and as many fields")
            continue
        out += [f"{label}: a foreign key names {k!r}, which is not a field" for k in fields if k not in names]
    return out


def pattern_error(pattern) -> str:
    """Why a pattern cannot be used, or ''. Patterns run on RE2, where \\d means the ASCII digits only."""
    if not isinstance(pattern, str):
        return "must be a string"
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""]), f"^(?:{pattern})$")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        return f"is not a regular expression isrd can run ({str(exc).splitlines()[0]})"
    return ""


def normalised_schema(schema: dict) -> dict:
    """The schema with defaults filled in (type string, primaryKey and foreign keys as lists)."""
    schema = dict(schema)
    schema["fields"] = [dict(f, type=f.get("type", "string")) for f in schema["fields"]]
    pk = schema.get("primaryKey", [])
    schema["primaryKey"] = [pk] if isinstance(pk, str) else list(pk)
    fks = []
    for fk in schema.get("foreignKeys", []):
        fields = [fk["fields"]] if isinstance(fk["fields"], str) else list(fk["fields"])
        ref = fk["reference"]
        rfields = [ref["fields"]] if isinstance(ref["fields"], str) else list(ref["fields"])
        fks.append({"fields": fields, "reference": {"resource": ref.get("resource", ""), "fields": rfields}})
    schema["foreignKeys"] = fks
    return schema


def _resource(root: Path, res, index: int, problems: list[Problem]) -> Resource | None:
    if not isinstance(res, dict) or not isinstance(res.get("name"), str) or not res.get("name"):
        problems.append(_package_problem(f"resource {index} needs a name", "each resource has a name and a path"))
        return None
    name = res["name"]
    label = f"resource {name!r}"
    if "data" in res and "path" not in res:
        problems.append(_package_problem(f"{label} has inline data; isrd reads tables from CSV files only"))
        return None
    refused = []
    for key, expected in (("format", "csv"), ("mediatype", "text/csv")):
        if key in res and str(res[key]).lower() != expected:
            refused.append(f"{label} declares {key} {res[key]!r}; ISRD tables are CSV files")
    if "encoding" in res and str(res["encoding"]).lower().replace("_", "-") not in ("utf-8", "utf8"):
        refused.append(f"{label} declares encoding {res['encoding']!r}; ISRD tables are UTF-8 and are read as UTF-8 only")
    if res.get("dialect") not in (None, {}):
        refused.append(f"{label} declares a CSV dialect; ISRD tables are plain CSV (comma, double quote, header line) "
                       "and isrd reads no other dialect")
    if "compression" in res:
        refused.append(f"{label} declares compression; ISRD tables are plain CSV files")
    path, why = inside(root, res.get("path"), f"the path of {label}")
    if why:
        refused.append(why)
    schema = res.get("schema")
    if isinstance(schema, str):
        schema_path, why = inside(root, schema, f"the schema of {label}")
        if why:
            refused.append(why)
            schema = None
        else:
            schema, why = read_json_file(schema_path, f"the schema file {schema} of {label}")
            if why:
                refused.append(why)
    elif schema is None:
        refused.append(f"{label} has no Table Schema")
    if schema is not None and not refused:
        refused += schema_problems(schema, f"the schema of {label}")
    problems.extend(_package_problem(text, "", "package") for text in refused)
    if refused:
        return None
    declared = {k: res[k] for k in ("bytes", "hash") if k in res}
    return Resource(name, path, res["path"], normalised_schema(schema), declared)


def open_package(root: str | Path) -> Package:
    """The package at root: every usable resource, and a Problem for every part that cannot be used."""
    root = Path(root)
    problems: list[Problem] = []
    descriptor, why = read_json_file(root / PACKAGE_FILE, f"{PACKAGE_FILE} in {root}")
    if why:
        hint = ("run isrd in the dataset's folder, or pass that folder" if "does not exist" in why
                else "regenerate it with isrd build, or restore it from git")
        return Package(root, {}, {}, [_package_problem(why, hint)])
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return Package(root, {}, {}, [_package_problem(f"{PACKAGE_FILE} must be a JSON object with a list of resources",
                                                       "regenerate it with isrd build")])
    resources: dict[str, Resource] = {}
    for i, res in enumerate(descriptor["resources"], 1):
        r = _resource(root, res, i, problems)
        if r is None:
            continue
        if r.name in resources:
            problems.append(_package_problem(f"two resources are named {r.name!r}"))
            continue
        resources[r.name] = r
    for r in resources.values():
        for fk in r.schema["foreignKeys"]:
            parent = fk["reference"]["resource"] or r.name
            if parent not in resources and parent not in _refused_names(descriptor):
                problems.append(_package_problem(f"a foreign key of {r.name!r} refers to {parent!r}, which is not a resource"))
            elif parent in resources:
                missing = [k for k in fk["reference"]["fields"] if k not in resources[parent].field_names]
                problems += [_package_problem(f"a foreign key of {r.name!r} refers to {parent}.{k}, which is not a field")
                             for k in missing]
    return Package(root, descriptor, resources, problems)


def _refused_names(descriptor: dict) -> set[str]:
    return {r.get("name") for r in descriptor.get("resources", []) if isinstance(r, dict)}
