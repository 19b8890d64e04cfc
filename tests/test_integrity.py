from __future__ import annotations

from typing import Any

import pytest

from datasite import integrity

FIELDS = {"schema": {"fields": [{"name": n} for n in ("year", "kind", "count", "percent", "base")]}}


def run(rule: dict[str, Any], rows: list[dict[str, Any]]) -> tuple[list[integrity.Finding], list[str]]:
    descriptor = {**FIELDS, "checks": [rule]}
    findings, problems = integrity.check(descriptor, "t.csv", rows, list(range(2, len(rows) + 2)))
    return findings, [str(p) for p in problems]


ROWS = [
    {"year": 2022, "kind": "a", "count": 1, "percent": 25.0, "base": 4},
    {"year": 2022, "kind": "b", "count": 3, "percent": 75.0, "base": 4},
    {"year": 2022, "kind": "計", "count": 4, "percent": None, "base": 4},
]
SUM = {"type": "sum", "value": "count", "category": "kind", "total": "計", "by": ["year"]}


def test_sum_passes_when_parts_add_up() -> None:
    assert run(SUM, ROWS) == ([], [])


def test_sum_violation_names_rule_row_and_both_numbers() -> None:
    rows = [*ROWS[:2], {**ROWS[2], "count": 5}]
    _, problems = run(SUM, rows)
    assert problems == [
        't.csv:4: field "count": check "sum" (checks[0]): 計 is 5 but the parts add up to 4 (difference 1); '
        'if the source prints it so, declare it under "discrepancies"'
    ]


def test_declared_discrepancy_becomes_a_finding() -> None:
    rule = {**SUM, "discrepancies": [{"where": {"year": 2022}, "note": "資料のまま"}]}
    findings, problems = run(rule, [*ROWS[:2], {**ROWS[2], "count": 5}])
    assert problems == []
    assert [(f.rule, f.note, f.row) for f in findings] == [("sum", "資料のまま", 4)]


def test_declared_discrepancy_that_does_not_occur_is_a_warning() -> None:
    rule = {**SUM, "discrepancies": [{"where": {"year": 2022}, "note": "x"}]}
    _, problems = run(rule, ROWS)
    assert len(problems) == 1 and "warning: " in problems[0] and "does not occur" in problems[0]


def test_missing_parts_are_skipped() -> None:
    extra: dict[str, Any] = {"year": 2022, "kind": "c", "count": None, "percent": None, "base": 4}
    rows = [*ROWS[:2], extra, ROWS[2]]
    assert run(SUM, rows)[1] == []


def test_share_within_rounding() -> None:
    rule = {"type": "share", "value": "count", "share": "percent", "category": "kind", "total": "計", "by": ["year"]}
    assert run(rule, ROWS)[1] == []
    rows = [{**ROWS[0], "percent": 26.0}, *ROWS[1:]]
    assert "26.0% is printed but 1 / 4 = 25.000%" in run(rule, rows)[1][0]


@pytest.mark.parametrize(("shares", "ok"), [((33.3, 33.3, 33.3), True), ((50.0, 40.0, 1.0), False)])
def test_sum_to_100(shares: tuple[float, ...], ok: bool) -> None:
    rows = [{"year": 1, "kind": str(i), "count": 0, "percent": s, "base": 0} for i, s in enumerate(shares)]
    assert (run({"type": "sum_to_100", "share": "percent"}, rows)[1] == []) is ok


def test_ratio_against_a_constant_and_a_field() -> None:
    rows = [{"year": 2023, "kind": "x", "count": 1187, "percent": 68.2, "base": 1741}]
    assert run({"type": "ratio", "numerator": "count", "denominator": 1741, "share": "percent"}, rows)[1] == []
    assert run({"type": "ratio", "numerator": "count", "denominator": "base", "share": "percent"}, rows)[1] == []
    bad = [{**rows[0], "percent": 68.5}]
    assert (
        "68.5% is printed but 1,187 / 1,741 = 68.179%"
        in run({"type": "ratio", "numerator": "count", "denominator": 1741, "share": "percent"}, bad)[1][0]
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"type": "average"}, 'unknown rule type "average"'),
        ({"type": "sum", "value": "count", "category": "kind"}, 'needs "total"'),
        ({"type": "sum", "value": "nope", "category": "kind", "total": "計"}, '"nope" is not a field'),
    ],
)
def test_malformed_rules_are_reported(rule: dict[str, Any], message: str) -> None:
    assert message in run(rule, ROWS)[1][0]


@pytest.mark.parametrize(("code", "ok"), [("131016", True), ("011002", True), ("472158", True), ("131017", False)])
def test_local_government_check_digit(code: str, ok: bool) -> None:
    descriptor = {"schema": {"fields": [{"name": "code"}]}, "checks": [{"type": "check_digit", "field": "code"}]}
    _, problems = integrity.check(descriptor, "t.csv", [{"code": code}], [2])
    assert (problems == []) is ok
