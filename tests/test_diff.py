"""isrd diff: row-level changes between package folders or git refs."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from isrd.cli import main
from isrd.diff import DiffError, diff, render

from conftest import append_row, read, set_cell, write


@pytest.fixture
def two(pkg, tmp_path):
    """An untouched copy (old) and the pkg fixture (new) for a test to edit."""
    old = tmp_path / "old"
    shutil.copytree(pkg, old)
    return old, pkg


def table(d, name):
    return next(t for t in d.tables if t.table == name)


def test_identical_packages_have_no_changes(two):
    old, new = two
    assert all(t.empty() for t in diff(old, new).tables)


def test_changed_cell_is_reported_with_old_and_new_value(two):
    old, new = two
    before = read(new, "actors")[1][1]
    set_cell(new, "actors", 1, "name", "Islamic State (IS)")
    d = diff(old, new)
    assert table(d, "actors").changed == [{"id": "ACT-0001", "field": "name", "old": before, "new": "Islamic State (IS)"}]
    assert all(t.empty() for t in d.tables if t.table != "actors")


def test_added_retracted_and_removed_records(two):
    old, new = two
    append_row(new, "actors", {"actor_id": "ACT-9999", "name": "New group", "actor_type": "armed_group", "status": "active"})
    set_cell(new, "claims", 1, "status", "retracted")
    set_cell(new, "claims", 1, "status_reason", "Duplicate of another claim.")
    rows = read(new, "sources")
    gone = rows.pop()[0]
    write(new, "sources", rows)
    d = diff(old, new)
    assert [r["id"] for r in table(d, "actors").added] == ["ACT-9999"]
    retracted = table(d, "claims").retracted
    assert [(r["id"], r["reason"]) for r in retracted] == [("CLM-0001", "Duplicate of another claim.")]
    assert [r["id"] for r in table(d, "sources").removed] == [gone]


def test_composite_keys_and_new_columns(two):
    old, new = two
    rows = read(new, "incident_actors")
    rows.append(["INC-0001", "ACT-0003", "suspected_perpetrator"])
    write(new, "incident_actors", rows)
    rows = read(new, "actor_aliases")
    for i, r in enumerate(rows):
        r.append("note" if i == 0 else "")
    write(new, "actor_aliases", rows)
    d = diff(old, new)
    assert [r["id"] for r in table(d, "incident_actors").added] == ["INC-0001 / ACT-0003 / suspected_perpetrator"]
    assert table(d, "actor_aliases").columns_added == ["note"]


def test_formats(two, capsys):
    old, new = two
    set_cell(new, "actors", 1, "name", "Islamic State (IS)")
    d = diff(old, new)
    assert "~ ACT-0001  name: 'Islamic State' -> 'Islamic State (IS)'" in render(d, "text")
    md = render(d, "markdown")
    assert "| actors |" in md and "| `ACT-0001` | name | Islamic State | Islamic State (IS) |" in md
    body = json.loads(render(d, "json"))
    assert body["tables"]["actors"]["changed"][0]["new"] == "Islamic State (IS)"
    with pytest.raises(ValueError):
        render(d, "xml")
    assert main(["diff", str(old), str(new), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["tables"]["actors"]["changed"]


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(repo), "PATH": "/usr/bin:/bin"})


def test_git_refs(pkg, monkeypatch):
    git(pkg, "init", "-q")
    git(pkg, "add", "-A")
    git(pkg, "commit", "-qm", "one")
    git(pkg, "tag", "v1")
    set_cell(pkg, "actors", 1, "name", "Islamic State (IS)")
    git(pkg, "commit", "-qam", "two")
    d = diff("v1", "HEAD", repo=pkg)
    assert [c["id"] for c in table(d, "actors").changed] == ["ACT-0001"]
    monkeypatch.chdir(pkg)
    assert [c["id"] for c in table(diff("HEAD~1", ".", repo=pkg), "actors").changed] == ["ACT-0001"]


def test_unknown_ref_is_a_plain_error(pkg, capsys, monkeypatch):
    with pytest.raises(DiffError):
        diff("no-such-ref", pkg, repo=pkg)
    monkeypatch.chdir(pkg)
    assert main(["diff", "no-such-ref", "."]) == 2  # unreadable input
    assert "neither a folder" in capsys.readouterr().err


def _changelog_tables(text: str) -> dict[str, dict[str, list[int]]]:
    """Each CHANGELOG section's table: section heading -> table -> its numbers."""
    out, section = {}, None
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].split(" - ")[0].split(" (")[0]
            out[section] = {}
        elif section and re.match(r"^\| [a-z_]+ \|( -?\d+ \|)+$", line):
            cells = [c.strip() for c in line.strip("|").split("|")]
            out[section][cells[0]] = [int(c) for c in cells[1:]]
    return {k: v for k, v in out.items() if v}


def test_each_changelog_table_is_what_isrd_diff_says(root):
    """Every release section's counts (and the unreleased one's) equal isrd diff between the versions."""
    sections = _changelog_tables((root / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert {"0.2.0", "Unreleased"} <= set(sections), sections.keys()
    pairs = {"0.2.0": ("0.1.0", "0.2.0"), "Unreleased": ("0.2.0", str(root))}
    for section, (old, new) in pairs.items():
        got = {d.table: d for d in diff(old, new, repo=root).tables}
        for table, numbers in sections[section].items():
            d = got[table]
            counted = [d.rows_old, d.rows_new, len(d.added), len(d.retracted), len(d.removed),
                       len({c["id"] for c in d.changed})][:len(numbers)]
            assert numbers == counted, (section, table, numbers, counted)


def test_released_versions_resolve_without_tags(root):
    from isrd.diff import releases

    versions = [r["version"] for r in releases(root)]
    assert versions[:2] == ["0.1.0", "0.2.0"]
    assert main(["diff", "--releases"]) == 0
    d = diff("0.1.0", "0.2.0", repo=root)
    assert (d.old_version, d.new_version) == ("0.1.0", "0.2.0")
