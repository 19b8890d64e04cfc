"""Integrity rules that a resource declares under ``checks`` (see docs/datapackage-conventions.md).

Each rule re-derives a printed total or share from the table itself. A violation is an error
unless the resource declares it as a source discrepancy; declared discrepancies become findings
the site shows beside the table. The source is never corrected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .errors import Problem

Row = dict[str, Any]
RULES = ("sum", "share", "sum_to_100", "ratio", "check_digit")


@dataclass(frozen=True)
class Finding:
    """A declared source discrepancy that the check confirmed."""

    rule: str
    where: tuple[tuple[str, str], ...]
    note: str
    row: int | None


@dataclass
class _Context:
    path: str
    index: int
    rule: dict[str, Any]
    rows: list[Row]
    numbers: list[int]
    problems: list[Problem]
    findings: list[Finding]
    used: set[int]

    @property
    def label(self) -> str:
        return f'check "{self.rule.get("type")}" (checks[{self.index}])'

    def fail(self, row: int | None, field: str | None, keys: Row, message: str) -> None:
        declared = self._declared(keys)
        if declared is None:
            hint = '; if the source prints it so, declare it under "discrepancies"'
            self.problems.append(Problem(self.path, row, field, f"{self.label}: {message}{hint}"))
            return
        position, note = declared
        self.used.add(position)
        where = tuple(sorted((k, str(v)) for k, v in keys.items()))
        self.findings.append(Finding(str(self.rule["type"]), where, note, row))

    def _declared(self, keys: Row) -> tuple[int, str] | None:
        for position, item in enumerate(self.rule.get("discrepancies", [])):
            where = item.get("where", {}) if isinstance(item, dict) else {}
            if all(k in keys and str(keys[k]) == str(v) for k, v in where.items()):
                return position, str(item.get("note", ""))
        return None


def check(
    descriptor: dict[str, Any], path: str, rows: list[Row], numbers: list[int]
) -> tuple[list[Finding], list[Problem]]:
    problems: list[Problem] = []
    findings: list[Finding] = []
    rules = descriptor.get("checks", [])
    if not isinstance(rules, list):
        return [], [Problem(path, None, "checks", "must be a list of rules")]
    fields = {f["name"] for f in descriptor["schema"]["fields"]}
    for index, rule in enumerate(rules):
        context = _Context(
            path, index, rule if isinstance(rule, dict) else {}, rows, numbers, problems, findings, set()
        )
        shape = _shape_problem(context.rule, fields)
        if shape:
            problems.append(Problem(path, None, "checks", f"{context.label}: {shape}"))
            continue
        CHECKERS[context.rule["type"]](context)
        for position, item in enumerate(context.rule.get("discrepancies", [])):
            if position not in context.used:
                problems.append(
                    Problem(
                        path,
                        None,
                        "checks",
                        f"{context.label}: declared discrepancy {item.get('where')} does not occur in the data",
                        "warning",
                    )
                )
    return findings, problems


def _shape_problem(rule: dict[str, Any], fields: set[str]) -> str | None:
    kind = rule.get("type")
    if kind not in RULES:
        return f'unknown rule type "{kind}"; use one of {", ".join(RULES)}'
    required = {
        "sum": ("value", "category", "total"),
        "share": ("value", "share", "category", "total"),
        "sum_to_100": ("share",),
        "ratio": ("numerator", "denominator", "share"),
        "check_digit": ("field",),
    }[kind]
    for key in required:
        if key not in rule:
            return f'needs "{key}"'
    named = [rule[k] for k in ("value", "category", "share", "numerator", "field") if k in rule]
    if isinstance(rule.get("denominator"), str):
        named.append(rule["denominator"])
    by = rule.get("by", [])
    if not isinstance(by, list):
        return '"by" must be a list of field names'
    for name in [*named, *by]:
        if name not in fields:
            return f'"{name}" is not a field of the table'
    if not isinstance(rule.get("discrepancies", []), list):
        return '"discrepancies" must be a list'
    return None


def _groups(context: _Context) -> Iterable[tuple[Row, list[tuple[Row, int]]]]:
    by: list[str] = context.rule.get("by", [])
    groups: dict[tuple[str, ...], list[tuple[Row, int]]] = {}
    keys: dict[tuple[str, ...], Row] = {}
    for row, number in zip(context.rows, context.numbers, strict=True):
        key = tuple(str(row[b]) for b in by)
        groups.setdefault(key, []).append((row, number))
        keys.setdefault(key, {b: row[b] for b in by})
    for key in sorted(groups):
        yield keys[key], groups[key]


def _tolerance(rule: dict[str, Any]) -> float:
    decimals = int(rule.get("decimals", 1))
    return 0.5 * 10.0**-decimals + 1e-9


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def _check_sum(context: _Context) -> None:
    rule = context.rule
    value, category, total = rule["value"], rule["category"], rule["total"]
    parts_allowed = set(map(str, rule["parts"])) if isinstance(rule.get("parts"), list) else None
    found_total = False
    for keys, members in _groups(context):
        totals = [(row, number) for row, number in members if str(row[category]) == str(total)]
        if not totals:
            continue
        found_total = True
        total_row, number = totals[0]
        if total_row[value] is None:
            continue
        parts = [
            row[value]
            for row, _ in members
            if str(row[category]) != str(total)
            and (parts_allowed is None or str(row[category]) in parts_allowed)
            and row[value] is not None
        ]
        added = sum(parts)
        if abs(added - total_row[value]) > 1e-6:
            context.fail(
                number,
                value,
                keys,
                f"{total} is {_fmt(total_row[value])} but the parts add up to {_fmt(added)} "
                f"(difference {_fmt(total_row[value] - added)})",
            )
    if not found_total:
        context.problems.append(
            Problem(context.path, None, category, f'{context.label}: no row has {category} = "{total}"')
        )


def _check_share(context: _Context) -> None:
    rule = context.rule
    value, share, category, total = rule["value"], rule["share"], rule["category"], rule["total"]
    for _, members in _groups(context):
        totals = [row for row, _ in members if str(row[category]) == str(total)]
        if not totals or not totals[0][value]:
            continue
        base = totals[0][value]
        for row, number in members:
            if str(row[category]) == str(total) or row[value] is None or row[share] is None:
                continue
            exact = row[value] / base * 100
            if abs(exact - row[share]) > _tolerance(rule):
                context.fail(
                    number,
                    share,
                    row,
                    f"{row[share]}% is printed but {_fmt(row[value])} / {_fmt(base)} = {exact:.3f}%",
                )


def _check_sum_to_100(context: _Context) -> None:
    rule = context.rule
    share = rule["share"]
    category, total = rule.get("category"), rule.get("total")
    for keys, members in _groups(context):
        values = [
            row[share]
            for row, _ in members
            if row[share] is not None and not (category and str(row[category]) == str(total))
        ]
        if not values:
            continue
        added = sum(values)
        if abs(added - 100) > len(values) * _tolerance(rule):
            context.fail(members[0][1], share, keys, f"the shares add up to {added:.4g}%, not 100% within rounding")


def _check_ratio(context: _Context) -> None:
    rule = context.rule
    numerator, denominator, share = rule["numerator"], rule["denominator"], rule["share"]
    for row, number in zip(context.rows, context.numbers, strict=True):
        base = row[denominator] if isinstance(denominator, str) else denominator
        if row[numerator] is None or row[share] is None or not base:
            continue
        exact = row[numerator] / base * 100
        if abs(exact - row[share]) > _tolerance(rule):
            context.fail(
                number,
                share,
                row,
                f"{row[share]}% is printed but {_fmt(row[numerator])} / {_fmt(base)} = {exact:.3f}%",
            )


def local_government_check_digit(first_five: str) -> int:
    """Check digit of a 全国地方公共団体コード (JIS X 0402 style): weights 6..2, modulus 11."""
    total = sum(int(digit) * weight for digit, weight in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def _check_check_digit(context: _Context) -> None:
    field = context.rule["field"]
    for row, number in zip(context.rows, context.numbers, strict=True):
        code = row[field]
        if code is None:
            continue
        text = str(code)
        if len(text) != 6 or not text.isdigit():
            context.fail(number, field, row, f'"{text}" is not a 6-digit local government code')
        elif int(text[5]) != local_government_check_digit(text[:5]):
            expected = local_government_check_digit(text[:5])
            context.fail(number, field, row, f'"{text}" has check digit {text[5]}, expected {expected}')


CHECKERS: dict[str, Callable[[_Context], None]] = {
    "sum": _check_sum,
    "share": _check_share,
    "sum_to_100": _check_sum_to_100,
    "ratio": _check_ratio,
    "check_digit": _check_check_digit,
}
