"""Hostile and broken input: every case gives a clear problem with its place, never a traceback, never a
read outside the package. Cases from the outside harness that found 0.2.0 unsafe, crashing or silent."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import isrd
from isrd.validate import report, validate

from conftest import ROOT, append_row, cell, read, refresh, set_cell, write
from test_validate import only

SECRET = "TOP-SECRET-LINE-OUTSIDE-THE-PACKAGE"


def descriptor(pkg):
    return json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))


def save(pkg, desc):
    (pkg / "datapackage.json").write_text(json.dumps(desc, indent=2), encoding="utf-8")


def edit_resource(pkg, name, **changes):
    desc = descriptor(pkg)
    res = next(r for r in desc["resources"] if r["name"] == name)
    res.update(changes)
    save(pkg, desc)


def edit_field(pkg, table, field, **changes):
    """Change one field of a table's schema file."""
    path = pkg / "schemas" / f"{table}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    f = next(f for f in schema["fields"] if f["name"] == field)
    for key, value in changes.items():
        if value is None:
            f.pop(key, None)
        else:
            f[key] = value
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def package_messages(problems):
    return [p.message for p in problems if p.table == "datapackage.json"]


@pytest.fixture
def outside(tmp_path):
    secret = tmp_path / "outside.csv"
    secret.write_text(SECRET + "\n1,2\n", encoding="utf-8")
    return secret


@pytest.mark.parametrize("path", ["../outside.csv", "ABSOLUTE", "https://example.org/actors.csv", "data/../../outside.csv"])
def test_paths_outside_the_package_are_refused_and_never_read(pkg, outside, path):
    path = str(outside) if path == "ABSOLUTE" else path
    edit_resource(pkg, "actors", path=path)
    problems = validate(pkg)
    text = report(problems)
    assert SECRET not in text
    assert any("actors" in m and ("outside" in m or "URL" in m or "absolute" in m) for m in package_messages(problems)), text
    with pytest.raises(isrd.DataError):
        isrd.load("actors", pkg)


def test_a_symlink_out_of_the_package_is_refused(pkg, outside):
    link = pkg / "data" / "linked.csv"
    link.symlink_to(outside)
    edit_resource(pkg, "actors", path="data/linked.csv")
    problems = validate(pkg)
    assert SECRET not in report(problems)
    assert any("symlink" in m for m in package_messages(problems))


def test_a_schema_path_outside_the_package_is_refused(pkg, outside):
    edit_resource(pkg, "claims", schema="../outside.csv")
    problems = validate(pkg)
    assert SECRET not in report(problems)
    assert any("schema of resource 'claims'" in m for m in package_messages(problems))


@pytest.mark.parametrize("changes,words", [
    ({"dialect": {"commentChar": "#"}}, "dialect"),
    ({"encoding": "latin-1"}, "encoding"),
    ({"path": ["data/actors.csv", "data/actors.csv"]}, "several files"),
    ({"format": "xlsx"}, "format"),
])
def test_descriptor_forms_isrd_does_not_read_are_refused_in_one_sentence(pkg, changes, words):
    edit_resource(pkg, "actors", **changes)
    messages = package_messages(validate(pkg))
    assert any(words in m for m in messages), messages


def test_a_refused_dialect_does_not_switch_key_checks_off(pkg):
    rows = read(pkg, "actors")
    rows.append(list(rows[1]))  # a repeated key
    write(pkg, "actors", rows)
    edit_resource(pkg, "actors", dialect={"commentChar": "#"})
    problems = validate(pkg)
    assert problems, "a dialect must not make a broken package pass"


@pytest.mark.parametrize("changes,words", [
    ({"type": "geopoint"}, "does not read"),
    ({"format": "email"}, "format"),
    ({"constraints": {"maximum": float("inf")}}, "finite"),
    ({"constraints": {"pattern": "[unclosed"}}, "regular expression"),
    ({"constraints": {"pattern": "(?=lookahead)x"}}, "regular expression"),
    ({"constraints": {"enum": "not-a-list"}}, "enum"),
])
def test_schema_forms_are_supported_or_refused_in_one_sentence(pkg, changes, words):
    edit_field(pkg, "incidents", "killed_best" if "maximum" in str(changes) else "name", **changes)
    messages = package_messages(validate(pkg))
    assert any(words in m for m in messages), messages


def test_a_field_with_no_type_is_read_as_text(pkg):
    edit_field(pkg, "incidents", "notes", type=None)
    assert validate(pkg) == []


def test_a_primary_key_naming_a_missing_field_is_refused(pkg):
    path = pkg / "schemas" / "actors.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["primaryKey"] = ["no_such_field"]
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert any("no_such_field" in m for m in package_messages(validate(pkg)))


@pytest.mark.parametrize("text", ["{" * 5000 + "}" * 5000, "not json", "[]", '{"resources": 3}', ""])
def test_an_unreadable_descriptor_is_one_clear_problem(pkg, text):
    (pkg / "datapackage.json").write_text(text, encoding="utf-8")
    problems = validate(pkg)
    assert len(problems) == 1 and problems[0].table == "datapackage.json", report(problems)
    with pytest.raises(isrd.DataError):
        isrd.load("actors", pkg)


@pytest.mark.parametrize("table,column,value,kind", [
    ("incidents", "date_start", "2924-03-22", "not_future"),
    ("incidents", "date_start", "0000-01-01", "type"),
    ("incidents", "killed_best", "99999999999999999999999", "type"),
    ("incidents", "killed_best", "007", "type"),
    ("incidents", "killed_best", "１２", "type"),
    ("incidents", "incident_id", "INC-١٢٣٤", "pattern"),
    ("incidents", "latitude", "1e999", "type"),
    ("incidents", "name", " ", "required"),
    ("incidents", "summary", "\t=SUM(A1)", "no_formula"),
    ("incidents", "summary", "  @cmd", "no_formula"),
    ("incidents", "notes", "a\u200bb", "invisible-character"),
    ("incidents", "notes", "evil \u202e text", "invisible-character"),
    ("incidents", "notes", "Cafe\u0301", "nfc"),
    ("incidents", "notes", "bell\x07", "control-character"),
    ("incidents", "date_start", "22/03/2024", "type"),
])
def test_hostile_cells_are_named(pkg, table, column, value, kind):
    line = set_cell(pkg, table, 1, column, value)
    found = only(validate(pkg), table, line, column)
    assert kind in {p.kind for p in found}, found


def test_a_persian_zero_width_non_joiner_is_allowed(pkg):
    set_cell(pkg, "incidents", 1, "notes", "می\u200cخواهم")
    assert validate(pkg) == []


def test_a_bad_date_reports_once_with_no_knock_on(pkg):
    line = set_cell(pkg, "incidents", 1, "date_start", "22/03/2024")
    problems = validate(pkg)
    assert [(p.line, p.column) for p in problems] == [(line, "date_start")], report(problems)
    assert "spreadsheet" in problems[0].message


def test_keys_that_differ_by_an_invisible_character_are_caught(pkg):
    rows = read(pkg, "actors")
    copy = list(rows[1])
    copy[0] = copy[0] + "\u200b"
    rows.append(copy)
    write(pkg, "actors", rows)
    found = only(validate(pkg), "actors", len(rows), "actor_id")
    assert "invisible-character" in {p.kind for p in found}


def test_a_nul_byte_is_named(pkg):
    path = pkg / "data" / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"Islamic State", b"Islamic\x00State", 1))
    refresh(pkg)
    assert any(p.kind == "nul" and p.line == 2 for p in validate(pkg))


@pytest.mark.parametrize("parent", ["self", "cycle"])
def test_actor_parent_cycles_are_errors(pkg, parent):
    rows = read(pkg, "actors")
    head = rows[0]
    a, b = rows[1], rows[2]
    if parent == "self":
        a[head.index("parent_actor_id")] = a[0]
    else:
        a[head.index("parent_actor_id")] = b[0]
        b[head.index("parent_actor_id")] = a[0]
    write(pkg, "actors", rows)
    found = only(validate(pkg), "actors", 2, "parent_actor_id")
    assert found[0].kind == "parent-cycle"


def test_a_header_mismatch_still_checks_the_rows(pkg):
    rows = read(pkg, "claims")
    i = rows[0].index("summary")
    rows = [r[:i] + r[i + 1:] for r in rows]
    rows[3][rows[0].index("channel")] = "carrier-pigeon"
    write(pkg, "claims", rows)
    problems = validate(pkg)
    only(problems, "claims", 1, "")
    only(problems, "claims", 4, "channel")


def test_a_bad_line_does_not_stop_the_rest_of_the_file(pkg):
    rows = read(pkg, "sources")
    rows[2] = rows[2] + ["extra"]
    rows[40][rows[0].index("language")] = "English"
    write(pkg, "sources", rows)
    problems = validate(pkg)
    only(problems, "sources", 3, "")
    only(problems, "sources", 41, "language")
    # the set-aside row's id still exists for the citations that point at it: no dangling references
    assert not [p for p in problems if p.table == "citations"], report(problems)


def test_a_huge_cell_is_read_not_called_a_quoting_error(pkg):
    line = set_cell(pkg, "incidents", 1, "notes", "word " * 40_000)
    assert all(p.kind != "csv" for p in validate(pkg))
    assert isrd.load("incidents", pkg).loc[line - 2, "notes"].startswith("word word")


def test_a_semicolon_file_is_named_as_such(pkg):
    path = pkg / "data" / "actors.csv"
    rows = read(pkg, "actors")
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    refresh(pkg)
    found = [p for p in validate(pkg) if p.table == "actors"]
    assert [p.kind for p in found] == ["separator"], report(found)
    assert "semicolons" in found[0].message


def test_every_dangling_foreign_key_is_reported_without_a_cap(pkg):
    rows = read(pkg, "citations")
    col = rows[0].index("source_id")
    for r in rows[1:1201]:
        r[col] = "SRC-9999"
    write(pkg, "citations", rows)
    dangling = [p for p in validate(pkg) if p.kind == "foreign-key" and p.column == "source_id"]
    assert len(dangling) == 1200


@pytest.mark.parametrize("case", ["missing file", "outside path", "bad json", "bad cell"])
def test_load_raises_data_error_and_nothing_else(pkg, outside, case):
    if case == "missing file":
        (pkg / "data" / "actors.csv").unlink()
    elif case == "outside path":
        edit_resource(pkg, "actors", path="../outside.csv")
    elif case == "bad json":
        (pkg / "datapackage.json").write_text("{", encoding="utf-8")
    else:
        set_cell(pkg, "actors", 1, "actor_type", "wizard")
    with pytest.raises(isrd.DataError) as exc:
        isrd.load("actors", pkg)
    assert SECRET not in str(exc.value)


@pytest.mark.parametrize("case", ["outside path", "bad json", "binary"])
def test_the_command_line_never_shows_a_traceback(pkg, outside, case):
    if case == "outside path":
        edit_resource(pkg, "actors", path=str(outside))
    elif case == "bad json":
        (pkg / "datapackage.json").write_text("{\"resources\": [", encoding="utf-8")
    else:
        (pkg / "data" / "claims.csv").write_bytes(bytes(range(256)) * 10)
    r = subprocess.run([sys.executable, "-m", "isrd.cli", "validate", str(pkg)], capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stdout + r.stderr and SECRET not in r.stdout + r.stderr


def test_the_id_patterns_grow_without_breaking_old_ids(pkg):
    line = append_row(pkg, "actors", {"actor_id": "ACT-10000", "name": "A later actor", "actor_type": "armed_group",
                                      "status": "active"})
    problems = [p for p in validate(pkg) if p.line == line and p.table == "actors"]
    assert [p.kind for p in problems] == ["uncited"], report(problems)
    assert cell(pkg, "actors", 1, "actor_id") == "ACT-0001"


def test_a_package_ten_times_larger_is_read_in_blocks_and_lines_stay_right(tmp_path):
    """At 10x the files are parsed in several blocks; a planted error deep in the largest file must still
    be found at its line, and the loader must give every row."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_packages import make

    big = make(tmp_path, 10)
    path = big / "data" / "citations.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    target = len(lines) - 100
    cells = lines[target - 1].split(",")
    cells[4] = "SRC-99999999"
    lines[target - 1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    refresh(big)
    problems = validate(big)
    assert [(p.table, p.line, p.column) for p in problems] == [("citations", target, "source_id")], report(problems)
    assert len(isrd.load("citations", big, include_retracted=True)) == len(lines) - 2


@pytest.mark.parametrize("case,words", [
    ("short row", "cannot be read in full"),
    ("not utf-8", "UTF-8"),
    ("missing file", "missing"),
    ("repeated key", "twice"),
])
def test_diff_never_drops_a_row_and_says_why(pkg, tmp_path, case, words):
    from isrd.diff import DiffError, diff

    path = pkg / "data" / "actors.csv"
    if case == "short row":
        rows = read(pkg, "actors")
        rows[5] = rows[5][:3]
        write(pkg, "actors", rows)
    elif case == "not utf-8":
        path.write_bytes(path.read_bytes().replace("Islamic State".encode(), "Islamic Stat\xe9".encode("latin-1"), 1))
    elif case == "missing file":
        path.unlink()
    else:
        rows = read(pkg, "actors")
        rows.append(list(rows[2]))
        write(pkg, "actors", rows)
    with pytest.raises(DiffError, match=words):
        diff(ROOT, pkg)


def test_diff_of_a_renamed_column_reports_the_columns(pkg):
    from isrd.diff import diff

    rows = read(pkg, "actors")
    rows[0][rows[0].index("country")] = "country_code"
    write(pkg, "actors", rows)
    actors = next(t for t in diff(ROOT, pkg).tables if t.table == "actors")
    assert actors.columns_added == ["country_code"] and actors.columns_removed == ["country"]
    assert actors.rows_new == actors.rows_old


def test_export_validates_first(pkg, tmp_path):
    from isrd.export import ExportError, export

    set_cell(pkg, "actors", 2, "parent_actor_id", cell(pkg, "actors", 2, "actor_id"))  # a self-parent
    with pytest.raises(ExportError, match="problem"):
        export("csv", tmp_path / "out", pkg)
    assert not (tmp_path / "out").exists()


def test_export_to_an_unwritable_place_is_a_plain_error(tmp_path):
    from isrd.export import ExportError, export

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot write"):
        export("csv", blocker / "sub", ROOT)


def test_a_closed_pipe_is_quiet(monkeypatch, capsys):
    """isrd summary | head -1: the reader leaves, the next write fails; isrd stops quietly with 0."""
    from isrd import cli

    class ClosedPipe:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "_quiet_stdout", lambda: None)
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert cli.main(["summary", str(ROOT)]) == 0
    assert capsys.readouterr().err == ""


def test_one_extra_comma_is_one_message(pkg):
    """A spreadsheet habit: one comma too many in a row. The row is set aside and named; its id still
    counts for every record that points at it, so nothing else is reported."""
    rows = read(pkg, "incidents")
    rows[5].insert(3, "extra")
    write(pkg, "incidents", rows)
    problems = validate(pkg)
    assert [(p.table, p.line, p.kind) for p in problems] == [("incidents", 6, "row-length")], report(problems)


def test_a_spreadsheet_that_quotes_every_cell_gives_one_message(pkg):
    path = pkg / "data" / "claims.csv"
    rows = read(pkg, "claims")
    path.write_text("\n".join(",".join('"' + c.replace('"', '""') + '"' for c in r) for r in rows) + "\n", encoding="utf-8")
    refresh(pkg)
    found = [p for p in validate(pkg) if p.table == "claims"]
    assert len(found) == 1 and found[0].kind == "canonical", report(found)
    assert str(len(rows)) in found[0].message and found[0].line == 1
