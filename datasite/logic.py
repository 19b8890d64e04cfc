"""The policy logic model (goals → issues → targets → indicators → measures) as typed data.

Built from a package that holds the logic-model resources (``LOGIC_RESOURCES``), such as
``datapackages/policy``. Pure: derived only from the site model, for the logic-model, indicator,
measure and review pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import review
from .model import Package, Resource, Site

LOGIC_RESOURCES = {"goals", "issues", "targets", "indicators", "measures", "measure-links"}


@dataclass(frozen=True)
class Budget:
    fiscal_year: int | None
    era_label: str
    budget_type: str
    amount: str  # as printed, with its unit
    reconstructed: bool


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    parent_id: str
    area: str
    kind: str
    description: str
    implementing_body: str
    cost_sharing: str
    slide: str
    budgets: tuple[Budget, ...]
    indicator_ids: tuple[str, ...]
    target_ids: tuple[str, ...]
    bases: tuple[str, ...]


@dataclass(frozen=True)
class Indicator:
    id: str
    number: str
    name: str
    kind: str
    is_main: str
    unit: str
    target_id: str
    baseline_value: float | None
    baseline_date: str
    baseline_as_printed: str
    target_value: float | None
    target_fiscal_year: int | None
    target_as_printed: str
    data_resources: tuple[Resource, ...]
    notes: str
    measure_ids: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{'参考指標' if self.kind == '参考' else '測定指標'}{self.number}"

    @property
    def progress(self) -> float | None:
        """Share of the target reached by the baseline (the only actual the sheet pairs with a target)."""
        if self.baseline_value is None or not self.target_value:
            return None
        return self.baseline_value / self.target_value * 100


@dataclass(frozen=True)
class Target:
    id: str
    number: str
    text: str
    issue_id: str
    indicators: tuple[Indicator, ...]
    measure_ids: tuple[str, ...]


@dataclass(frozen=True)
class Issue:
    id: str
    number: str
    area: int
    title: str
    situations: tuple[str, ...]
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class LogicModel:
    package: Package
    goals: tuple[dict[str, Any], ...]
    issues: tuple[Issue, ...]
    indicators: tuple[Indicator, ...]
    measures: tuple[Measure, ...]
    review: tuple[review.ItemResult, ...]

    def measure(self, measure_id: str) -> Measure:
        return next(m for m in self.measures if m.id == measure_id)

    def issues_in(self, area: int) -> list[Issue]:
        return [i for i in self.issues if i.area == area]


def find_logic_package(site: Site) -> Package | None:
    for package in site.packages:
        if {r.name for r in package.resources} >= LOGIC_RESOURCES:
            return package
    return None


def build_logic_model(site: Site, options: review.ReviewOptions = review.DEFAULT_OPTIONS) -> LogicModel | None:
    package = find_logic_package(site)
    if package is None:
        return None
    tables = {r.name: list(r.rows) for r in package.resources}
    links = tables.get("measure-links", [])
    resources = {f"{r.package}/{r.name}": r for r in site.resources}

    def measure_ids(**where: str) -> tuple[str, ...]:
        found = [_s(link["measure_id"]) for link in links if all(_s(link.get(k)) == v for k, v in where.items())]
        return tuple(dict.fromkeys(found))

    indicators = tuple(
        Indicator(
            id=_s(row["id"]),
            number=_s(row.get("number_as_printed")),
            name=_s(row.get("name")),
            kind=_s(row.get("kind")),
            is_main=_s(row.get("is_main")),
            unit=_s(row.get("unit")),
            target_id=_s(row.get("target_id")),
            baseline_value=_number(row.get("baseline_value")),
            baseline_date=_s(row.get("baseline_date")),
            baseline_as_printed=_s(row.get("baseline_as_printed")),
            target_value=_number(row.get("target_value")),
            target_fiscal_year=_int(row.get("target_fiscal_year")),
            target_as_printed=_s(row.get("target_as_printed")),
            data_resources=tuple(
                resources[name.strip()] for name in _s(row.get("data_resource")).split(";") if name.strip() in resources
            ),
            notes=_s(row.get("notes")),
            measure_ids=measure_ids(indicator_id=_s(row["id"])),
        )
        for row in tables["indicators"]
    )
    budgets = tables.get("measure-budgets", [])
    measures = tuple(
        Measure(
            id=_s(row["id"]),
            name=_s(row.get("name")),
            parent_id=_s(row.get("parent_id")),
            area=_s(row.get("policy_area")),
            kind=_s(row.get("kind")),
            description=_s(row.get("description")),
            implementing_body=_s(row.get("implementing_body")),
            cost_sharing=_s(row.get("cost_sharing")),
            slide=_s(row.get("slide")),
            budgets=tuple(_budget(b) for b in budgets if _s(b.get("measure_id")) == _s(row["id"])),
            indicator_ids=tuple(
                dict.fromkeys(
                    _s(link["indicator_id"])
                    for link in links
                    if _s(link["measure_id"]) == _s(row["id"]) and link.get("indicator_id")
                )
            ),
            target_ids=tuple(
                dict.fromkeys(
                    _s(link["target_id"])
                    for link in links
                    if _s(link["measure_id"]) == _s(row["id"]) and link.get("target_id")
                )
            ),
            bases=tuple(_s(link.get("basis")) for link in links if _s(link["measure_id"]) == _s(row["id"])),
        )
        for row in tables["measures"]
    )
    targets = [
        Target(
            id=_s(row["id"]),
            number=_s(row.get("number_as_printed")),
            text=_s(row.get("text")),
            issue_id=_s(row.get("issue_id")),
            indicators=tuple(i for i in indicators if i.target_id == _s(row["id"])),
            measure_ids=measure_ids(target_id=_s(row["id"])),
        )
        for row in tables["targets"]
    ]
    situations = tables.get("issue-situations", [])
    issues = tuple(
        Issue(
            id=_s(row["id"]),
            number=_s(row.get("number_as_printed")),
            area=_int(row.get("policy_area")) or 0,
            title=_s(row.get("title")),
            situations=tuple(
                _s(s.get("text"))
                for s in sorted(situations, key=lambda s: _int(s.get("order")) or 0)
                if _s(s.get("issue_id")) == _s(row["id"])
            ),
            targets=tuple(t for t in targets if t.issue_id == _s(row["id"])),
        )
        for row in tables["issues"]
    )
    results = review.review(tables, options)
    return LogicModel(package, tuple(tables["goals"]), issues, indicators, measures, tuple(results))


def _budget(row: dict[str, Any]) -> Budget:
    if row.get("amount_thousand_yen") is not None:
        amount = f"{row['amount_thousand_yen']:,}千円"
    elif row.get("amount_oku_yen") is not None:
        amount = f"{row['amount_oku_yen']:,}億円"
    else:
        amount = _s(row.get("amount_as_printed"))
    return Budget(
        _int(row.get("fiscal_year")),
        _s(row.get("era_label")),
        _s(row.get("budget_type")),
        amount,
        row.get("reconstructed") is True,
    )


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
