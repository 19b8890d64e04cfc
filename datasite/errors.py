"""Problems are data: every stage collects them, and only the CLI prints them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can.

    ``row`` is the physical row number in the CSV (the header is row 1); ``None`` when the
    problem concerns a whole file or descriptor.
    """

    path: str
    row: int | None
    field: str | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        place = self.path if self.row is None else f"{self.path}:{self.row}"
        prefix = "warning: " if self.severity == "warning" else ""
        if self.field is not None:
            return f'{place}: {prefix}field "{self.field}": {self.message}'
        return f"{place}: {prefix}{self.message}"


class BuildError(Exception):
    """Raised by the library when the input cannot be published; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems, key=sort_key)


class OutputError(Exception):
    """Raised by ``write`` when the output folder cannot be written or is locked."""


class UnsafeOutputError(OutputError):
    """Raised by ``write`` when the output folder is not the build's to replace (a usage error):
    it holds files the build did not write, or is, contains or lies inside a folder it must keep."""


def sort_key(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.path, problem.row or 0, problem.field or "", problem.message)


def errors_of(problems: list[Problem], *, strict: bool) -> list[Problem]:
    """The problems that stop the build: errors, and warnings too in strict mode."""
    return [p for p in problems if p.severity == "error" or strict]
