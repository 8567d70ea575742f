"""The loader: typed columns from the Table Schemas, nothing lost, byte-identical round trip."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import isrd
from isrd.load import format_cell, parse_cell

from conftest import append_row, set_cell


def test_tables_are_the_package_resources(root):
    assert isrd.tables() == ["incidents", "casualty_reports", "actors", "actor_aliases", "incident_actors", "claims", "attributions",
                             "sources", "citations"]


@pytest.mark.parametrize("name", isrd.tables())
def test_dtypes_follow_the_table_schema(name):
    df = isrd.load(name)
    schema = isrd.table_schema(name)
    assert list(df.columns) == [f["name"] for f in schema["fields"]]
    assert len(df) > 0
    for f in schema["fields"]:
        dtype = df[f["name"]].dtype
        assert dtype != object, f["name"]
        enum = f.get("constraints", {}).get("enum")
        if enum:
            assert isinstance(dtype, pd.CategoricalDtype) and list(dtype.categories) == enum
        else:
            expected = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean",
                        "date": "datetime64[ms]"}[f["type"]]
            assert str(dtype) == expected, (f["name"], dtype)


@pytest.mark.parametrize("name", isrd.tables())
def test_round_trip_is_byte_identical(name, root, tmp_path):
    df = isrd.load(name, root, include_retracted=True)
    out = tmp_path / f"{name}.csv"
    isrd.write(df, name, out, root)
    assert out.read_bytes() == (root / "data" / f"{name}.csv").read_bytes()


def test_load_all_gives_every_table():
    frames = isrd.load_all()
    assert list(frames) == isrd.tables()
    assert all(isinstance(df, pd.DataFrame) for df in frames.values())


def test_only_empty_cells_are_missing(pkg):
    set_cell(pkg, "incidents", 1, "admin1", "NA")
    set_cell(pkg, "incidents", 1, "locality", "None")
    set_cell(pkg, "incidents", 1, "notes", "null")
    df = isrd.load("incidents", pkg)
    assert df.loc[0, ["admin1", "locality", "notes"]].tolist() == ["NA", "None", "null"]
    assert df["incident_id"].notna().all()


def test_unknown_category_is_an_error_not_nan(pkg):
    line = set_cell(pkg, "incidents", 1, "incident_type", "bombing")
    with pytest.raises(isrd.DataError) as exc:
        isrd.load("incidents", pkg)
    p = exc.value.problems[0]
    assert (p.table, p.line, p.column, p.value) == ("incidents", line, "incident_type", "bombing")


def test_a_line_break_in_an_earlier_cell_moves_the_line_named(pkg):
    """The loader lets the file's bytes go once parsed: lines come from the cells, breaks inside them counted."""
    set_cell(pkg, "incidents", 1, "notes", "first line\nsecond line")
    line = set_cell(pkg, "incidents", 3, "incident_type", "bombing") + 1
    with pytest.raises(isrd.DataError) as exc:
        isrd.load("incidents", pkg)
    assert (exc.value.problems[0].line, exc.value.problems[0].column) == (line, "incident_type")


def test_bad_date_is_an_error_naming_its_line(pkg):
    line = set_cell(pkg, "claims", 1, "claim_date", "2024-02-30")
    with pytest.raises(isrd.DataError, match=f"data/claims.csv, line {line}, column claim_date"):
        isrd.load("claims", pkg)


def test_loader_types_without_judging_form(pkg):
    """The loader checks what typing needs (types, categories); a malformed id is for isrd validate."""
    set_cell(pkg, "actors", 1, "actor_id", "ACT-x")
    assert "ACT-x" in isrd.load("actors", pkg)["actor_id"].tolist()
    assert any(p.column == "actor_id" and p.kind == "pattern" for p in isrd.validate(pkg))


def test_short_row_is_an_error_not_a_dropped_row(pkg):
    line = append_row(pkg, "actors", {})
    path = pkg / "data" / "actors.csv"
    path.write_text(path.read_text().rstrip("\n").rstrip(",") + "\n")
    with pytest.raises(isrd.DataError, match=f"line {line}"):
        isrd.load("actors", pkg)


def test_unknown_table():
    with pytest.raises(KeyError, match="incidents"):
        isrd.load("incident")
    with pytest.raises(isrd.DataError):  # the loader's one exception type covers it too
        isrd.load("incident")


@pytest.mark.parametrize("field,text", [
    ({"type": "integer"}, "0"), ({"type": "integer"}, "145"), ({"type": "number"}, "55.826"),
    ({"type": "number"}, "-0.5"), ({"type": "number"}, "37"), ({"type": "date"}, "2024-03-22"),
    ({"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}, "false"),
    ({"type": "string"}, "NA"),
])
def test_cell_round_trip(field, text):
    assert format_cell(field, parse_cell(field, text)) == text


def test_import_is_light():
    code = ("import sys, isrd; heavy = [m for m in ('pandas', 'frictionless', 'pandera', 'pycountry') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_version_is_the_datapackage_version(root):
    import json

    assert isrd.__version__ == json.loads((root / "datapackage.json").read_text())["version"]


@pytest.mark.parametrize("name", isrd.tables())
def test_loaded_frames_meet_their_pandera_schema(name):
    from isrd.pandera_schema import frame_schema

    frame_schema(name).validate(isrd.load(name), lazy=True)


def test_pandera_schema_catches_a_frame_that_breaks_the_contract():
    import pandera.pandas as pa

    from isrd.pandera_schema import frame_schema

    df = isrd.load("incidents")
    df.loc[0, "incident_id"] = "INC-١٢٣٤"  # Arabic-Indic digits: not an ASCII id
    with pytest.raises(pa.errors.SchemaErrors):
        frame_schema("incidents").validate(df, lazy=True)


def test_retracted_records_are_left_out_unless_asked_for(root):
    every = isrd.load("claims", root, include_retracted=True)
    retracted = int((every["status"] == "retracted").sum())
    assert retracted > 0, "the data has retracted claims since the second reading"
    active = isrd.load("claims", root)
    assert len(active) == len(every) - retracted and (active["status"] == "active").all()
    assert list(active.index) == list(range(len(active)))
