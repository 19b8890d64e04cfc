"""The logic model's pages: the whole model and each policy area's part of it, a page per indicator
and per measure, and the review against the pre-analysis sheet's checklist (review.html, review.json).
"""

from __future__ import annotations

from collections.abc import Callable

from . import discovery, review
from .charts import RenderedChart
from .logic import STANDING_CLASSES, LogicModel
from .model import AREAS, Package, Site

Outputs = dict[str, bytes]


STATUS_LABELS = {"pass": "適合", "finding": "指摘", "needs-judgement": "要判断"}


def logic_pages(
    logic: LogicModel,
    site: Site,
    page: Callable[..., bytes],
    by_resource: dict[tuple[str, str], list[RenderedChart]],
) -> Outputs:
    out: Outputs = {}
    home = ("トップ", "index.html")
    whole = ("論理構造（ロジックモデル）", "logic-model/index.html")
    areas = [a for a in AREAS if logic.issues_in(a.number)]
    out["logic-model/index.html"] = page(
        "logic_model.html",
        "logic-model/index.html",
        "論理構造（ロジックモデル）",
        "施策目標Ⅶ-1-3の課題・達成目標・測定指標・達成手段のつながり。",
        [home, (whole[0], None)],
        logic=logic,
        issues=logic.issues,
        area=None,
        areas=areas,
        goal_standings=logic.goal_standings,
    )
    for area in areas:
        path = f"logic-model/{area.slug}.html"
        out[path] = page(
            "logic_model.html",
            path,
            f"論理構造：{area.title}",
            f"{area.title}の課題から達成手段までのつながり。",
            [home, whole, (area.title, None)],
            logic=logic,
            issues=logic.issues_in(area.number),
            area=area,
            areas=areas,
            goal_standings=logic.goal_standings,
        )
    targets = {t.id: t for issue in logic.issues for t in issue.targets}
    packages = {p.name: p for p in site.packages}
    for indicator in logic.indicators:
        path = f"indicators/{indicator.id}.html"
        out[path] = page(
            "indicator.html",
            path,
            f"{indicator.label} {indicator.name}",
            f"{indicator.name}の定義・目標・実績。",
            [home, whole, (indicator.label, None)],
            logic=logic,
            indicator=indicator,
            target=targets.get(indicator.target_id),
            packages=packages,
            charts_by_resource=by_resource,
            has_charts=any(r.charts for r in indicator.data_resources),
        )
    target_labels = {t.id: f"達成目標{t.number}" for t in targets.values()}
    indicator_labels = {i.id: f"{i.label} {i.name}" for i in logic.indicators}
    for measure in logic.measures:
        path = f"measures/{measure.id}.html"
        out[path] = page(
            "measure.html",
            path,
            measure.name,
            f"達成手段「{measure.name}」の概要・予算・対応する指標。",
            [home, whole, (measure.name, None)],
            logic=logic,
            measure=measure,
            parent=next((m for m in logic.measures if m.id == measure.parent_id), None),
            children=logic.children(measure.id),
            components=logic.component_budgets(measure.id),
            target_labels=target_labels,
            indicator_labels=indicator_labels,
        )
    counts = {status: sum(1 for r in logic.review if r.status == status) for status in review.STATUSES}
    out["review/index.html"] = page(
        "review.html",
        "review/index.html",
        "チェックリストによる点検",
        "事前分析表の確認事項11項目の自動点検結果。",
        [home, ("チェックリストによる点検", None)],
        logic=logic,
        counts=counts,
        status_labels=STATUS_LABELS,
        acknowledged=acknowledged_findings(logic.package),
        checklist_rows=checklist_numbers(logic.package),
        standing_classes=STANDING_CLASSES,
    )
    out["review.json"] = discovery.json_bytes(review.to_json(list(logic.review)))
    return out


def checklist_numbers(package: Package) -> set[int]:
    """The checklist items the package prints (their text on the review page is then the package's)."""
    table = next((r for r in package.resources if r.name == "checklist"), None)
    return {int(row["number"]) for row in (table.rows if table else ()) if isinstance(row.get("number"), int)}


def acknowledged_findings(package: Package) -> dict[int, str]:
    """Findings the package's maintainers have reviewed (``review.acknowledged`` in its descriptor)."""
    entries = package.descriptor.get("review", {}).get("acknowledged", [])
    return {int(e["item"]): str(e.get("reason", "")) for e in entries if isinstance(e, dict) and "item" in e}


def evidence_href(link: str | None, root: str) -> str | None:
    """Where a review evidence link points on the site."""
    if not link:
        return None
    kind, _, key = link.partition(":")
    if key and kind == "indicator":
        return f"{root}indicators/{key}.html"
    if key and kind == "measure":
        return f"{root}measures/{key}.html"
    if key and kind in {"issue", "target"}:
        return f"{root}logic-model/index.html#{key}"
    package, _, resource = link.partition("/")
    if package and resource:
        return f"{root}datasets/{package}/index.html#{package}-{resource}"
    return None
