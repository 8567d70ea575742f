"""A correction as a contributor makes it, and the stability of released ids."""
from __future__ import annotations

import subprocess
import sys

import isrd
from isrd.diff import diff
from isrd.registry import read as read_registry
from isrd.validate import validate

from conftest import ROOT, append_row, read, refresh, set_cell, write
from test_validate import only


def fill_tolls(pkg):
    """What scripts/fill_tolls.py does, on the scratch package, then regenerate its hashes."""
    from isrd.tolls import fill

    fill(pkg)
    refresh(pkg)


NEW_REPORT = {"report_id": "CAS-9001", "incident_id": "INC-0001", "reported_on": "2026-06-01", "killed": "151",
              "reporter": "Investigative Committee of Russia", "reporter_type": "official", "partial": "false", "includes_perpetrators": "false",
              "source_id": "SRC-0001", "status": "active"}
NEW_CITATION = {"citation_id": "CIT-90001", "record_table": "casualty_reports", "record_id": "CAS-9001",
                "source_id": "SRC-0001", "quote": "the toll rose to 151", "status": "active"}


def test_correction_with_its_citation_validates_and_diffs_to_exactly_that_change(pkg, tmp_path):
    import shutil
    old = tmp_path / "old"
    shutil.copytree(pkg, old)
    append_row(pkg, "casualty_reports", NEW_REPORT)
    append_row(pkg, "citations", NEW_CITATION)
    fill_tolls(pkg)
    assert validate(pkg) == []
    changed = {t.table: t for t in diff(old, pkg).tables if not t.empty()}
    assert set(changed) == {"casualty_reports", "citations", "incidents"}
    assert [r["id"] for r in changed["casualty_reports"].added] == ["CAS-9001"]
    assert [r["id"] for r in changed["citations"].added] == ["CIT-90001"]
    assert [(c["id"], c["field"], c["new"]) for c in changed["incidents"].changed] == [
        ("INC-0001", "killed_best", "151"), ("INC-0001", "killed_high", "151")]


def test_forgotten_citation_is_named(pkg):
    line = append_row(pkg, "casualty_reports", NEW_REPORT)
    fill_tolls(pkg)
    found = only(validate(pkg), "casualty_reports", line, "report_id")
    assert found[0].kind == "uncited" and "citations.csv" in found[0].hint


def test_forgotten_range_update_is_named(pkg):
    append_row(pkg, "casualty_reports", NEW_REPORT)
    append_row(pkg, "citations", NEW_CITATION)
    kinds = {(p.table, p.column, p.kind) for p in validate(pkg)}
    assert ("incidents", "killed_best", "toll-derivation") in kinds


def test_retraction_is_the_way_to_withdraw_a_record(pkg, tmp_path):
    import shutil
    old = tmp_path / "old"
    shutil.copytree(pkg, old)
    set_cell(pkg, "attributions", 1, "status", "retracted")
    set_cell(pkg, "attributions", 1, "status_reason", "The statement was misattributed; see CIT-00001.")
    assert validate(pkg) == []
    d = next(t for t in diff(old, pkg).tables if t.table == "attributions")
    assert [r["id"] for r in d.retracted] == ["ATR-0001"]


def read_released(pkg):
    import csv

    with (pkg / "releases" / "released_ids.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))[1:]


def test_deleting_a_released_record_fails_and_says_retract(pkg):
    rows = read(pkg, "claims")
    gone = rows.pop(1)[0]
    write(pkg, "claims", rows)
    # the claim's citations would be dangling; drop them too, as a careless contributor would
    cites = read(pkg, "citations")
    dropped = {r[0] for r in cites if r[2] == gone}
    write(pkg, "citations", [r for r in cites if r[2] != gone])
    found = [p for p in validate(pkg) if p.kind == "vanished-id"]
    released = {r[1] for r in read_released(pkg) if r[0] == "citations"}
    assert {(p.table, p.value) for p in found} == {("claims", gone)} | {("citations", c) for c in dropped & released}
    assert dropped & released and all("retracted" in p.hint for p in found)


def test_reusing_a_released_id_for_another_record_fails(pkg):
    rows = read(pkg, "incidents")
    header = rows[0]
    row = next(r for r in rows[1:] if r[0] == "INC-0002")
    line = rows.index(row) + 1
    row[header.index("country")] = "FRA"
    write(pkg, "incidents", rows)
    found = only(validate(pkg), "incidents", line, "incident_id")
    assert found[0].kind == "reused-id" and "RUS 2024" in found[0].message


def test_every_released_id_is_in_the_data(root):
    released = read_registry(root)
    assert released, "releases/released_ids.csv is missing"
    assert {r["first_release"] for r in released} >= {"0.1.0"}
    frames = isrd.load_all(root, include_retracted=True)
    for rec in released:
        pk = isrd.table_schema(rec["table"], root)["primaryKey"][0]
        assert rec["id"] in set(frames[rec["table"]][pk]), rec


def test_fill_tolls_script_agrees_with_the_data(root):
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "fill_tolls.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
