"""Every problem a build reports has a stable code (frictionless' error type, or one of the generator's own in
errors.CODES), which ``--problem-codes`` prints after the line; the lines themselves stay as they were."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import frictionless.errors
import pytest

from datasite.errors import CODES, Problem
from tests.conftest import config_beside, copy_case, run_cli
from tests.test_invalid_cases import INVALID

FRICTIONLESS_TYPES = {
    kind_type
    for _, kind in inspect.getmembers(frictionless.errors, inspect.isclass)
    if isinstance(kind_type := getattr(kind, "type", None), str)
}
CODED = re.compile(r"^(?P<line>.*) \[(?P<code>[a-z]+(?:-[a-z]+)*)\]$")


@pytest.mark.slow  # a second build of every invalid case: make test runs it, make unit leaves it
@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_each_problem_line_ends_with_a_known_code(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    work = copy_case(case, tmp_path / case.name)
    if not (case / "site.toml").exists():
        config_beside(work / "datapackages")
    args_file = work / "args.txt"
    extra = args_file.read_text().split() if args_file.exists() else []
    monkeypatch.chdir(work)
    code, _, err = run_cli(["--out", "site", "--problem-codes", *extra], capsys)
    assert code == 1
    *lines, last = err.splitlines()
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    found = [CODED.match(line) for line in lines]
    assert [line for line, match in zip(lines, found, strict=True) if match is None] == []
    assert [m.group("line") for m in found if m] == expected[:-1]  # the texts are the same, codes aside
    assert last == expected[-1]
    unknown = {m.group("code") for m in found if m} - set(CODES) - FRICTIONLESS_TYPES
    assert unknown == set()


def test_a_problem_without_a_code_prints_as_before() -> None:
    problem = Problem("datapackages/x/data/y.csv", 14, "year", "not a year")
    assert problem.with_code() == str(problem) == 'datapackages/x/data/y.csv:14: field "year": not a year'
    coded = Problem("datapackages/x/data/y.csv", 14, "year", "not a year", code="type-error")
    assert coded.with_code() == 'datapackages/x/data/y.csv:14: field "year": not a year [type-error]'
    assert coded == problem  # the code names the kind; it is not part of what the problem is


def test_the_codes_are_documented() -> None:
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    assert [code for code in CODES if f"`{code}`" not in doc] == []
