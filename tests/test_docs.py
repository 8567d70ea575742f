"""The docs run: every shell and Python example in README.md and CONTRIBUTING.md, as written, in a fresh
clone of the repository (so no tag, no build output and no .venv of this checkout are there)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, set_cell

DOCS = ["README.md", "CONTRIBUTING.md"]
BIN = Path(sys.executable).parent
# the README's test command is the very command that runs this file: running it here would recurse
RUN_ELSEWHERE = {"bash scripts/test.sh": ".ci/run runs it on a clean clone"}
SLOW = {"bash scripts/summary.sh"}  # installs a virtual environment of its own


def blocks(doc: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", (ROOT / doc).read_text(encoding="utf-8"), re.S)


def commands(doc: str) -> list[str]:
    out = []
    for block in blocks(doc, "sh"):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command:
                out.append(command)
    return out


ALL = [(doc, c) for doc in DOCS for c in commands(doc)]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("docs") / "isrd"
    if (ROOT / ".git").exists():
        subprocess.run(["git", "clone", "--quiet", "--no-tags", str(ROOT), str(dest)], check=True)
        subprocess.run(["git", "-C", str(dest), "branch", "--quiet", "-f", "main", "HEAD"], capture_output=True)
    else:  # an sdist: the files as shipped
        shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(".venv", "__pycache__"))
    return dest


def as_written(command: str) -> str:
    """The command with `isrd` and `.venv/bin/` pointing at this test run's installed package."""
    command = command.replace(".venv/bin/", f"{BIN}/")
    return re.sub(r"^isrd ", f"{BIN}/isrd ", command)


def test_the_docs_have_examples():
    assert any("isrd diff 0.1.0" in c for _, c in ALL) and blocks("README.md", "python")


@pytest.mark.parametrize("doc,command", [a for a in ALL if a[1] not in SLOW], ids=lambda v: v if "/" not in v else "")
def test_each_shell_example_runs(doc, command, clone):
    if command in RUN_ELSEWHERE:
        pytest.skip(RUN_ELSEWHERE[command])
    r = subprocess.run(as_written(command), shell=True, cwd=clone, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"{doc}: {command}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    assert "Traceback" not in r.stderr


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(SLOW))
def test_each_set_up_command_runs(command, clone):
    r = subprocess.run(command, shell=True, cwd=clone, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "valid" in r.stdout


@pytest.mark.parametrize("doc", DOCS)
def test_each_python_example_runs(doc, clone):
    for block in blocks(doc, "python"):
        r = subprocess.run([sys.executable, "-c", block], cwd=clone, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"{doc}:\n{block}\n{r.stderr[-2000:]}"


def test_the_readme_example_message_is_what_validate_says(pkg):
    """The README shows the message for a bad count on line 4; it must be the real one, word for word."""
    from isrd.validate import validate

    shown = next(b for b in blocks("README.md", "text") if "killed_best" in b)
    shown = [line.strip() for line in shown.strip().splitlines()]
    line = set_cell(pkg, "incidents", 3, "killed_best", "12x")
    assert line == 4
    problem = next(p for p in validate(pkg) if p.line == 4 and p.column == "killed_best")
    assert [x.strip() for x in str(problem).splitlines()] == shown
