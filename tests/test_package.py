"""The package as published: generated metadata is current, the Frictionless CLI agrees, the wheel
carries the data and loads offline in a fresh virtual environment."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def test_datapackage_json_is_generated_from_schemas(root):
    r = subprocess.run([sys.executable, str(root / "scripts" / "build_datapackage.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout


def test_codebook_is_generated_from_schemas(root):
    r = subprocess.run([sys.executable, str(root / "scripts" / "build_codebook.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout


def test_frictionless_cli_validates_the_package(root):
    exe = shutil.which("frictionless", path=str(BIN)) or shutil.which("frictionless")
    r = subprocess.run([exe, "validate", "datapackage.json"], cwd=root, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:]


def test_versions_agree(root):
    package = json.loads((root / "datapackage.json").read_text())["version"]
    pyproject = re.search(r'^version = "([^"]+)"', (root / "pyproject.toml").read_text(), re.M).group(1)
    citation = re.search(r"^version: ?\"?([^\"\n]+)\"?", (root / "CITATION.cff").read_text(), re.M).group(1)
    assert package == pyproject == citation


def test_founding_article_quotes_are_verbatim(root):
    tool = root.parent / "shared" / "tools" / "check_quotes.py"
    if not tool.is_file():
        pytest.skip("shared/tools/check_quotes.py is not beside this checkout")
    r = subprocess.run([sys.executable, str(tool)], cwd=root, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    assert "founding articles cited: 5/5" in r.stdout


OFFLINE_LOAD = """
import socket, sys
def refuse(*a, **k): raise OSError("network used")
socket.socket.connect = refuse
socket.create_connection = refuse
import isrd
frames = isrd.load_all()
assert isrd.__file__.startswith(sys.prefix), isrd.__file__
print({name: len(df) for name, df in frames.items()})
"""


@pytest.mark.slow
def test_wheel_installs_and_loads_offline_in_fresh_venv(root, tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(root)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("isrd-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = subprocess.run([str(py), "-c", OFFLINE_LOAD], cwd=elsewhere, capture_output=True, text=True,
                       env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert r.returncode == 0, r.stderr
    counts = eval(r.stdout)
    assert counts["incidents"] > 0 and set(counts) >= {"incidents", "actors", "claims", "sources", "citations"}
    r = subprocess.run([str(venv / "bin" / "isrd"), "validate"], cwd=elsewhere, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
