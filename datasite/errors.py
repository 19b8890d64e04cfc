"""Problems are data: every stage collects them, and only the CLI prints them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field  # Problem has a field named "field"
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can.

    ``row`` is the physical row number in the CSV (the header is row 1); ``None`` when the
    problem concerns a whole file or descriptor. ``code`` names the kind of problem, stable across versions and
    languages (frictionless' error types for what frictionless finds: ``type-error``, ``constraint-error``,
    ``foreign-key`` …; the generator's own otherwise, see CODES): ``build.py --problem-codes`` prints it after
    the line, for a program that sorts or counts problems.
    """

    path: str
    row: int | None
    field: str | None
    message: str
    severity: Severity = "error"
    code: str = dataclass_field(default="", compare=False)

    def __str__(self) -> str:
        place = self.path if self.row is None else f"{self.path}:{self.row}"
        prefix = "warning: " if self.severity == "warning" else ""
        if self.field is not None:
            return f'{place}: {prefix}field "{self.field}": {self.message}'
        return f"{place}: {prefix}{self.message}"

    def with_code(self) -> str:
        """The line followed by its code: ``datapackages/x/data/y.csv:14: field "year": … [type-error]``."""
        return f"{self} [{self.code}]" if self.code else str(self)


# The generator's own codes, by the stage or rule that finds the problem (frictionless' types are kept as they are).
CODES = {
    "input": "a file or folder of the input cannot be read as it is (missing, not UTF-8, a link outside, too large)",
    "descriptor": "a datapackage.json breaks a rule of the Data Package standard or of the project's conventions",
    "table": "a table cannot be read (a control character, a cell too long, no data rows, an undeclared dialect)",
    "chart": "a declared chart names what its table lacks or cannot be drawn",
    "integrity-check": "a table's declared check (a sum, a share) does not hold",
    "standing": "a statement's standing (printed, reconstructed, the site's reading) is declared wrongly",
    "content": "a Markdown page or the glossary has a problem (a front-matter field, a data directive)",
    "site-config": "the site configuration (site.toml) has a problem, or names what the data lacks",
    "strings": "the catalogue of words (templates/strings.toml) lacks a word or cannot fill one in",
    "output": "two inputs would publish the same file, or a page is over its size",
    "address": "an address the site has published would be lost, or a redirect cannot be followed",
    "source-figure": "a row of the peer groups' source-figures table cannot be read",
    "review-finding": "the review of the logic model has a mechanical finding the package has not acknowledged",
    "build": "the build itself failed (a chart or map could not be drawn)",
}


def coded(problems: list[Problem], code: str) -> list[Problem]:
    """``problems`` with ``code`` where they have none yet."""
    return [problem if problem.code else replace(problem, code=code) for problem in problems]


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
