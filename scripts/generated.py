"""Shared by the generator scripts: write a generated file, or with --check say whether it is current."""
from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(target: Path, text: str, command: str) -> int:
    name = target.relative_to(target.parents[1]) if target.parent.name == "docs" else target.name
    if "--check" in sys.argv[1:]:
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            print(f"{name} is out of date: run {command}")
            return 1
        print(f"{name} is up to date")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {name}")
    return 0
