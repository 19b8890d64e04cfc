"""The policy logic model (goals → issues → targets → indicators → measures) as typed data.

Built for each goal of the site configuration that names its logic-model package (``logic_model`` in
site.toml), a package that holds the logic-model resources (``LOGIC_RESOURCES``). Pure: derived only from the
site model, for the logic-model, indicator, measure and review pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import standing, urls
from ..config import Goal
from ..model import Package, Resource, Site
from ..strings import Strings
from . import review
from .review import ItemResult

LOGIC_RESOURCES = {"goals", "issues", "targets", "indicators", "measures", "measure-links"}
STANDING_CLASSES = {standing.PRINTED: "printed", standing.RECONSTRUCTED: "reconstructed", standing.INFERRED: "inferred"}


@dataclass(frozen=True)
class Standing:
    """How a statement relates to the source (see standing.py), and where a page's reader can check it."""

    label: str  # 資料の記載, 資料からの再構成 or このサイトによる整理
    basis: str  # the method or the reasoning, for the reader ('' when printed and self-evident)
    statement: str  # the row it comes from: <package>/<resource>#<key> (data-statement)
    where: str = ""  # where the source prints it, in the reader's words (a slide)

    @property
    def kind(self) -> str:
        return STANDING_CLASSES.get(self.label, "inferred")

    @property
    def printed(self) -> bool:
        return self.label == standing.PRINTED


@dataclass(frozen=True)
class Budget:
    fiscal_year: int | None
    era_label: str
    budget_type: str
    amount: str  # as printed, with its unit
    standing: Standing

    @property
    def reconstructed(self) -> bool:
        return self.standing.label == standing.RECONSTRUCTED


@dataclass(frozen=True)
class Link:
    """A measure tied to a target (and an indicator): the site's reading of the sheet, with its reasoning."""

    measure_id: str
    target_id: str
    indicator_id: str
    standing: Standing


@dataclass(frozen=True)
class RelatedKpi:
    """A KPI printed elsewhere in the document that counts what an indicator counts (not its target)."""

    plan: str
    kpi: str
    deadline: str
    value: float | None
    as_printed: str
    scope: str
    status_date: str
    status_value: float | None
    status_percent: float | None
    status_as_printed: str
    slide: str
    standing: Standing  # of the figures (printed)
    pairing: Standing  # of setting the KPI beside the indicator (the site's reading)


@dataclass(frozen=True)
class Situation:
    marker: str
    text: str
    standing: Standing


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
    links: tuple[Link, ...]
    standing: Standing


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
    links: tuple[Link, ...]
    related_kpis: tuple[RelatedKpi, ...]
    standing: Standing
    label: str  # as the sheet numbers it: 測定指標1, 参考指標2 (the catalogue's indicator_label)

    @property
    def progress(self) -> float | None:
        """The baseline as a share of the target, both printed for this indicator (the site's arithmetic)."""
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
    links: tuple[Link, ...]
    standing: Standing


@dataclass(frozen=True)
class Issue:
    id: str
    number: str
    area: int
    title: str
    heading: str
    text: str  # the issue as the sheet states it (「…必要がある。」)
    situations: tuple[Situation, ...]
    targets: tuple[Target, ...]
    standing: Standing


@dataclass(frozen=True)
class LogicModel:
    package: Package
    goals: tuple[dict[str, Any], ...]
    issues: tuple[Issue, ...]
    indicators: tuple[Indicator, ...]
    measures: tuple[Measure, ...]
    review: tuple[review.ItemResult, ...]
    goal_standings: dict[str, Standing] = field(default_factory=dict)
    goal: Goal | None = None  # the policy goal of the site configuration it is the model of

    @property
    def acknowledged(self) -> dict[int, str]:
        """Findings the package's maintainers have reviewed (``review.acknowledged`` in its descriptor): item →
        their reason."""
        entries = self.package.descriptor.get("review", {}).get("acknowledged", [])
        return {int(e["item"]): str(e.get("reason", "")) for e in entries if isinstance(e, dict) and "item" in e}

    @property
    def checklist_rows(self) -> set[int]:
        """The checklist items the package prints (their text on the review page is then the package's)."""
        table = next((r for r in self.package.resources if r.name == "checklist"), None)
        return {int(row["number"]) for row in (table.rows if table else ()) if isinstance(row.get("number"), int)}

    def unacknowledged_findings(self) -> list[ItemResult]:
        """The mechanical findings of the review that the package has not acknowledged: the build's warnings
        (fatal with --strict)."""
        acknowledged = self.acknowledged
        return [
            item
            for item in self.review
            if item.status == "finding" and item.mechanical and item.number not in acknowledged
        ]

    @property
    def progress_folder(self) -> str:
        """Where the indicators' progress charts are, under charts/ (one folder per goal on a site of several)."""
        return urls.progress_folder(self.goal.slug if self.goal is not None and self.goal.path else "")

    def measure(self, measure_id: str) -> Measure:
        return next(m for m in self.measures if m.id == measure_id)

    def children(self, measure_id: str) -> list[Measure]:
        return [m for m in self.measures if m.parent_id == measure_id]

    def component_budgets(self, measure_id: str, seen: frozenset[str] = frozenset()) -> list[tuple[Measure, Budget]]:
        """The budget lines printed for a programme's components (内訳), at any depth, in table order."""
        out: list[tuple[Measure, Budget]] = []
        for child in self.children(measure_id):
            if child.id in seen or child.id == measure_id:
                continue  # a loop of parent_id: each programme once
            out += [(child, budget) for budget in child.budgets]
            out += self.component_budgets(child.id, seen | {measure_id, child.id})
        return out

    def issues_in(self, area: int) -> list[Issue]:
        return [i for i in self.issues if i.area == area]


def build_logic_model(
    site: Site, goal: Goal, words: Strings, max_measures_per_target: int | None = None
) -> LogicModel | None:
    """The logic model of ``goal``, from the package it names; None when it names none (or one that does not
    hold a logic model, or no fiscal year to review it by: the configuration's check says so). ``words`` is the
    catalogue the labels, amounts and the review's findings are written in."""
    package = next((p for p in site.packages if p.name == goal.logic_model), None)
    if package is None or goal.fiscal_year is None or not {r.name for r in package.resources} >= LOGIC_RESOURCES:
        return None
    options = review.ReviewOptions(goal.fiscal_year, package.name, max_measures_per_target)
    by_name = {r.name: r for r in package.resources}
    tables = {r.name: list(r.rows) for r in package.resources}
    resources = {f"{r.package}/{r.name}": r for r in site.resources}

    def standing_of(resource: str, row: dict[str, Any], where: str = "") -> Standing:
        table = by_name[resource]
        return Standing(
            standing.of_row(row),
            standing.basis_of(row),
            standing.statement_id(package.name, resource, standing.row_key(table, row)),
            where,
        )

    links = tuple(
        Link(
            _s(row.get("measure_id")),
            _s(row.get("target_id")),
            _s(row.get("indicator_id")),
            standing_of("measure-links", row),
        )
        for row in tables.get("measure-links", [])
    )

    def links_where(**where: str) -> tuple[Link, ...]:
        return tuple(link for link in links if all(getattr(link, k) == v for k, v in where.items()))

    def distinct(values: Any) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for v in values if v))

    overview = ""  # the goals, issues, targets and indicators are all on the overview slide: each basis says so
    kpis = tables.get("related-kpis", [])
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
            measure_ids=distinct(link.measure_id for link in links_where(indicator_id=_s(row["id"]))),
            links=links_where(indicator_id=_s(row["id"])),
            related_kpis=tuple(
                _kpi(k, standing_of("related-kpis", k, _s(k.get("slide"))), by_name["related-kpis"], package.name)
                for k in kpis
                if _s(k.get("indicator_id")) == _s(row["id"])
            ),
            standing=standing_of("indicators", row, overview),
            label=words(
                "reference_indicator_label" if _s(row.get("kind")) == review.REFERENCE else "indicator_label",
                number=_s(row.get("number_as_printed")),
            ),
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
            budgets=tuple(
                _budget(b, standing_of("measure-budgets", b, _s(b.get("slide"))), words)
                for b in budgets
                if _s(b.get("measure_id")) == _s(row["id"])
            ),
            indicator_ids=distinct(link.indicator_id for link in links_where(measure_id=_s(row["id"]))),
            target_ids=distinct(link.target_id for link in links_where(measure_id=_s(row["id"]))),
            links=links_where(measure_id=_s(row["id"])),
            standing=standing_of("measures", row, _s(row.get("slide"))),
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
            measure_ids=distinct(link.measure_id for link in links_where(target_id=_s(row["id"]))),
            links=links_where(target_id=_s(row["id"])),
            standing=standing_of("targets", row, overview),
        )
        for row in tables["targets"]
    ]
    situations = sorted(tables.get("issue-situations", []), key=lambda s: _int(s.get("order")) or 0)
    issues = tuple(
        Issue(
            id=_s(row["id"]),
            number=_s(row.get("number_as_printed")),
            area=_int(row.get("policy_area")) or 0,
            title=_s(row.get("title")),
            heading=_s(row.get("heading_as_printed")),
            text=_s(row.get("text")),
            situations=tuple(
                Situation(_s(s.get("marker")), _s(s.get("text")), standing_of("issue-situations", s, overview))
                for s in situations
                if _s(s.get("issue_id")) == _s(row["id"])
            ),
            targets=tuple(t for t in targets if t.issue_id == _s(row["id"])),
            standing=standing_of("issues", row, overview),
        )
        for row in tables["issues"]
    )
    results = review.review(tables, options, words)
    goals = {_s(g["id"]): standing_of("goals", g) for g in tables["goals"]}
    return LogicModel(package, tuple(tables["goals"]), issues, indicators, measures, tuple(results), goals, goal)


def _kpi(row: dict[str, Any], kpi_standing: Standing, table: Resource, package: str) -> RelatedKpi:
    pairing = Standing(
        standing.INFERRED,
        _s(row.get("pairing_basis")),
        standing.statement_id(package, table.name, standing.row_key(table, row), "pairing_basis"),
    )
    return RelatedKpi(
        plan=_s(row.get("plan")),
        kpi=_s(row.get("kpi")),
        deadline=_s(row.get("deadline_as_printed")),
        value=_number(row.get("kpi_value")),
        as_printed=_s(row.get("kpi_as_printed")),
        scope=_s(row.get("scope")),
        status_date=_s(row.get("status_date")),
        status_value=_number(row.get("status_value")),
        status_percent=_number(row.get("status_percent")),
        status_as_printed=_s(row.get("status_as_printed")),
        slide=_s(row.get("slide")),
        standing=kpi_standing,
        pairing=pairing,
    )


def _budget(row: dict[str, Any], budget_standing: Standing, words: Strings) -> Budget:
    if row.get("amount_thousand_yen") is not None:
        amount = words("amount_thousand_yen", amount=f"{row['amount_thousand_yen']:,}")
    elif row.get("amount_oku_yen") is not None:
        amount = words("amount_oku_yen", amount=f"{row['amount_oku_yen']:,}")
    else:
        amount = _s(row.get("amount_as_printed"))
    return Budget(
        _int(row.get("fiscal_year")),
        _s(row.get("era_label")),
        _s(row.get("budget_type")),
        amount,
        budget_standing,
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
