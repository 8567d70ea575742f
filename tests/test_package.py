"""The package as published: generated metadata is current, the Frictionless CLI agrees, the wheel
carries the data and loads offline in a fresh virtual environment."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
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


SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


def test_versions_agree(root):
    """One SemVer version in schemas/package.json, datapackage.json, the installed package,
    CITATION.cff, .zenodo.json and the newest CHANGELOG section."""
    from importlib.metadata import version

    source = json.loads((root / "schemas" / "package.json").read_text())["version"]
    assert SEMVER.fullmatch(source), source
    package = json.loads((root / "datapackage.json").read_text())["version"]
    citation = re.search(r'^version: "([^"]+)"', (root / "CITATION.cff").read_text(), re.M).group(1)
    zenodo = json.loads((root / ".zenodo.json").read_text())["version"]
    changelog = re.search(r"^## \[?(\d+\.\d+\.\d+)", (root / "CHANGELOG.md").read_text(), re.M).group(1)
    assert source == package == citation == zenodo == changelog == version("isrd")
    from isrd.cite import cite

    assert cite("apa", root) in (root / "README.md").read_text(), "README's citation is not the current one"


def test_pyproject_takes_its_version_from_the_package_metadata(root):
    text = (root / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in text and 'path = "schemas/package.json"' in text
    assert not re.search(r"^version\s*=", text, re.M)


def test_citation_files_are_generated(root):
    r = subprocess.run([sys.executable, str(root / "scripts" / "build_citation.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout


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
assert isrd.__version__ == isrd.cite("cff").split('version: "')[1].split('"')[0]
assert isrd.__version__ in isrd.cite("bibtex") and isrd.__version__ in isrd.cite()
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
    for name, words in (("codebook", "incident_id"), ("scope", "Inclusion criteria"), ("coverage", "Known gaps"),
                        ("changelog", "## 0.2.0"), ("license", "Creative Commons Attribution 4.0")):
        r = subprocess.run([str(venv / "bin" / "isrd"), "docs", name], cwd=elsewhere, capture_output=True, text=True)
        assert r.returncode == 0 and words in r.stdout, (name, r.stderr)
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), names


@pytest.mark.slow
def test_citation_cff_is_valid_under_cffconvert(root, tmp_path):
    """cffconvert pins jsonschema<4, which frictionless cannot use: it gets a venv of its own."""
    venv = tmp_path / "cff"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "cffconvert>=2,<3"],
                   check=True, capture_output=True)
    r = subprocess.run([str(venv / "bin" / "cffconvert"), "--validate", "--infile", str(root / "CITATION.cff")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([str(venv / "bin" / "cffconvert"), "--format", "bibtex", "--infile", str(root / "CITATION.cff")],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "ISRD" in r.stdout, r.stderr


def test_ci_workflow_runs_the_ci_command_and_posts_the_diff(root):
    text = (root / ".github" / "workflows" / "ci.yml").read_text()
    assert "bash .ci/run" in text
    assert "isrd diff" in text and "--format markdown" in text and "GITHUB_STEP_SUMMARY" in text
    assert (root / ".github" / "pull_request_template.md").is_file()
    assert "body:" in (root / ".github" / "ISSUE_TEMPLATE" / "data-error.yml").read_text()


def test_contributing_commands_exist(root):
    text = (root / "CONTRIBUTING.md").read_text()
    for script in re.findall(r"scripts/[\w.]+", text):
        assert (root / script).is_file(), script


def test_frictionless_checks_the_descriptor_against_the_spec(pkg, monkeypatch):
    """Frictionless's verdict on the descriptor reaches the report, from its own process or, where no
    second process can be started, from this one."""
    from isrd.validate import validate

    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["licenses"] = "CC-BY-4.0"  # the spec wants a list of licence objects
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    expected = "the descriptor breaks the Data Package spec: 'CC-BY-4.0' is not of type 'array' at property 'licenses'"
    assert [p.message for p in validate(pkg) if p.kind == "package"] == [expected]

    def no_process(*args, **kwargs):
        raise OSError("no second process")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    assert [p.message for p in validate(pkg) if p.kind == "package"] == [expected]
    monkeypatch.undo()

    from isrd.validate import _started, start_descriptor_check

    start_descriptor_check()  # as the command does: a child started before the package is read
    assert len(_started) == 1
    assert [p.message for p in validate(pkg) if p.kind == "package"] == [expected]
    assert _started == []  # handed its descriptor, and not used twice


def test_frictionless_verdict_is_kept_for_the_same_descriptor(pkg, tmp_path, monkeypatch):
    """A second run on the same descriptor takes Frictionless's verdict from the cache, without a process;
    editing the descriptor, or a cache file that is damaged or cannot be written, asks Frictionless again."""
    import importlib

    v = importlib.import_module("isrd.validate")  # the module (isrd.validate is also the function's name)
    cache = tmp_path / "cache"
    monkeypatch.setenv("ISRD_CACHE_DIR", str(cache))
    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["licenses"] = "CC-BY-4.0"
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    expected = ["the descriptor breaks the Data Package spec: 'CC-BY-4.0' is not of type 'array' at property 'licenses'"]
    assert [p.message for p in v.validate(pkg) if p.kind == "package"] == expected
    kept = list((cache / "spec-verdicts").glob("*.json"))
    assert len(kept) == 1 and not list((cache / "spec-verdicts").glob("*.tmp"))

    def never(*args, **kwargs):
        raise AssertionError("Frictionless was asked again")

    monkeypatch.setattr(v, "_spawn", never)
    monkeypatch.setattr(v, "_in_process", never)
    assert [p.message for p in v.validate(pkg) if p.kind == "package"] == expected  # from the cache
    v._started.append(subprocess.Popen([sys.executable, "-c", "input()"], stdin=subprocess.PIPE))
    child = v._started[0]
    assert [p.message for p in v.validate(pkg) if p.kind == "package"] == expected
    assert v._started == [] and child.wait(timeout=10) != 0  # a child started early is stopped, not left waiting
    monkeypatch.undo()
    monkeypatch.setenv("ISRD_CACHE_DIR", str(cache))

    descriptor["licenses"] = [{"name": "CC-BY-4.0"}]  # a different descriptor: a different verdict
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    assert [p.message for p in v.validate(pkg) if p.kind == "package"] == []
    assert len(list((cache / "spec-verdicts").glob("*.json"))) == 2

    kept[0].write_text('{"not": "a verdict"', encoding="utf-8")  # damaged: ignored, and written again
    descriptor["licenses"] = "CC-BY-4.0"
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    assert [p.message for p in v.validate(pkg) if p.kind == "package"] == expected
    assert json.loads(kept[0].read_text(encoding="utf-8")) == [expected[0].split(": ", 1)[1]]

    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("ISRD_CACHE_DIR", str(blocked))  # a file where the folder should be: nothing kept, no error
    assert [p.message for p in v.validate(pkg) if p.kind == "package"] == expected


@pytest.mark.parametrize("where", ["package", "resource"])
def test_a_profile_at_an_address_is_refused_and_never_fetched(pkg, where):
    """Frictionless downloads a profile given as a URL: isrd refuses it before Frictionless sees it."""
    import socket
    import threading

    from isrd.validate import validate

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(3)
    hits = []

    def listen():
        try:
            conn, _ = server.accept()
            hits.append(conn.recv(100))
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=listen)
    thread.start()
    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    target = descriptor if where == "package" else descriptor["resources"][0]
    target["profile"] = f"http://127.0.0.1:{server.getsockname()[1]}/profile.json"
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    problems = [p for p in validate(pkg) if p.kind == "package"]
    thread.join()
    server.close()
    assert hits == []
    assert len(problems) == 1 and "names the profile" in problems[0].message and "fetches nothing" in problems[0].message
