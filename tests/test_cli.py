"""The isrd command: exit codes, plain-words output, never a traceback."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import set_cell


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "isrd.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})


def test_validate_clean_package_exits_0(root):
    r = run("validate", str(root))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "valid" in r.stdout


def test_validate_defaults_to_current_folder(pkg):
    set_cell(pkg, "incidents", 1, "killed_best", "many")
    r = run("validate", cwd=pkg)
    assert r.returncode == 1
    assert "data/incidents.csv, line 2, column killed_best" in r.stdout


def test_summary_prints_counts(root):
    r = run("summary", str(root))
    assert r.returncode == 0, r.stdout + r.stderr
    for heading in ("Rows per table:", "Incidents by year:", "Incidents by country:", "Incidents by type:",
                    "Actors with most claims:"):
        assert heading in r.stdout


def test_summary_of_invalid_package_lists_problems(pkg):
    set_cell(pkg, "claims", 1, "incident_id", "INC-9999")
    r = run("summary", str(pkg))
    assert r.returncode == 1 and "data/claims.csv, line 2, column incident_id" in r.stdout


def garbage(pkg, kind):
    if kind == "no folder":
        return pkg / "nowhere"
    if kind == "empty folder":
        (pkg / "empty").mkdir()
        return pkg / "empty"
    if kind == "bad json":
        (pkg / "datapackage.json").write_text("{not json")
    if kind == "no resources":
        (pkg / "datapackage.json").write_text("{}")
    if kind == "schema missing":
        (pkg / "schemas" / "claims.schema.json").unlink()
    if kind == "csv missing":
        (pkg / "data" / "claims.csv").unlink()
    if kind == "binary csv":
        (pkg / "data" / "claims.csv").write_bytes(bytes(range(256)) * 4)
    if kind == "empty csv":
        (pkg / "data" / "claims.csv").write_bytes(b"")
    if kind == "unbalanced quote":
        path = pkg / "data" / "sources.csv"
        path.write_text(path.read_text() + '"SRC-9999,open quote\n')
    return pkg


@pytest.mark.parametrize("kind", ["no folder", "empty folder", "bad json", "no resources", "schema missing",
                                  "csv missing", "binary csv", "empty csv", "unbalanced quote"])
def test_bad_input_is_reported_without_traceback(pkg, kind):
    r = run("validate", str(garbage(pkg, kind)))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert "problem(s)" in r.stdout


def test_export_command_writes_a_database_and_refuses_to_overwrite(tmp_path, root, capsys):
    import sqlite3

    from isrd.cli import main

    dest = tmp_path / "isrd.sqlite"
    assert main(["export", "--format", "sqlite", str(dest), str(root)]) == 0
    with sqlite3.connect(dest) as con:
        assert con.execute("select count(*) from incidents").fetchone()[0] > 100
    assert main(["export", "--format", "sqlite", str(dest), str(root)]) == 2  # the destination exists: a usage error
    assert "--overwrite" in capsys.readouterr().err
    assert main(["export", "--format", "sqlite", "--overwrite", str(dest), str(root)]) == 0


def test_cite_command_prints_the_installed_version(root, capsys):
    import isrd
    from isrd.cli import main

    assert main(["cite", "--format", "bibtex", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("@misc{isrd_") and isrd.cite("bibtex", root) in out


@pytest.mark.parametrize("name", ["codebook", "scope", "coverage", "changelog", "license"])
def test_docs_command_prints_each_document(name, capsys):
    from isrd.cli import main

    assert main(["docs", name]) == 0
    assert len(capsys.readouterr().out) > 500


def test_build_on_a_table_that_cannot_be_typed_names_the_cell(pkg):
    """isrd build fills the tolls from typed tables: a bad category is a located problem, not a crash."""
    line = set_cell(pkg, "sources", 3, "source_type", "other")
    r = run("build", str(pkg))
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"data/sources.csv, line {line}, column source_type" in r.stderr
    assert "bug in isrd" not in r.stderr and "Traceback" not in r.stderr


def test_build_writes_a_copy_without_docs_and_never_through_a_symlink_out(pkg, tmp_path):
    """A contributor's copy of the package may have no docs/ folder: build makes it. A docs/ that is a
    symlink leading out of the package is not written through."""
    r = run("build", str(pkg))
    assert r.returncode == 0 and (pkg / "docs" / "codebook.md").is_file(), r.stdout + r.stderr
    shutil.rmtree(pkg / "docs")
    outside = tmp_path / "outside"
    outside.mkdir()
    (pkg / "docs").symlink_to(outside, target_is_directory=True)
    r = run("build", str(pkg))
    assert "outside the package" in r.stdout + r.stderr and list(outside.iterdir()) == [], r.stdout + r.stderr
    assert "Traceback" not in r.stderr


def test_python_m_isrd_is_the_command(root):
    r = subprocess.run([sys.executable, "-m", "isrd", "validate", str(root)], capture_output=True, text=True)
    assert r.returncode == 0 and "valid" in r.stdout, r.stdout + r.stderr


def test_validating_leaves_pandas_unimported_and_loading_still_works(root):
    """isrd validate keeps pyarrow from importing pandas (a third of a second it never needs); a load in
    the same process afterwards still gives typed DataFrames, and pyarrow still knows a pandas Series."""
    code = ("import sys; from isrd.cli import _arrow_without_pandas; _arrow_without_pandas()\n"
            "from isrd.validate import validate; assert validate(sys.argv[1]) == []\n"
            "assert 'pandas' not in sys.modules, 'validate imported pandas'\n"
            "import isrd, pandas as pd, pyarrow as pa\n"
            "df = isrd.load('incidents', sys.argv[1]); assert str(df['killed_best'].dtype) == 'Int64'\n"
            "assert pa.array(pd.Series([1, None], dtype='Int64')).type == pa.int64()\n")
    r = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_the_command_asks_arrow_for_jemalloc_on_linux_unless_told_otherwise():
    code = "from isrd.cli import _arrow_memory; _arrow_memory(); import pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    mine = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout.strip()
    told = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**env, "ARROW_DEFAULT_MEMORY_POOL": "system"}).stdout.strip()
    assert told == "system"  # the user's own choice stands
    if sys.platform.startswith("linux"):
        assert mine == "jemalloc"
