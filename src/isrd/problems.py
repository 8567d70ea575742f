"""One reported problem in a data file, worded for a contributor who is not a programmer."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    table: str
    line: int  # line in the CSV file as an editor shows it (the header is line 1); 0 for the whole file
    column: str = ""
    value: str | None = None
    message: str = ""
    hint: str = ""
    kind: str = ""  # what sort of rule failed (type, required, enum, ...): used to merge duplicate reports

    def __str__(self) -> str:
        where = self.table if "." in self.table else f"data/{self.table}.csv"
        if self.line:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (value: {self.value!r})"
        if self.hint:
            text += f"\n    -> {self.hint}"
        return text


class DataError(ValueError):
    """Raised by the loader when a table cannot be read into typed columns without losing data."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s):\n{shown}{more}")


class TableNotFound(DataError, KeyError):
    """isrd.load was asked for a table the package does not have (a KeyError too, as a lookup by name)."""

    def __init__(self, name: str, known: list[str]):
        super().__init__([Problem("datapackage.json", 0, message=f"no table {name!r}; tables are: {', '.join(known)}",
                                  kind="unknown-table")])

    def __str__(self) -> str:
        return ValueError.__str__(self)
