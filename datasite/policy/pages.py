"""The logic model's pages: the whole model and each policy area's part of it, a page per indicator
and per measure, and the review against the pre-analysis sheet's checklist (review.html, review.json).
"""

from __future__ import annotations

from .. import urls
from ..charts import RenderedChart
from ..model import Site
from ..pages import discovery
from ..pages.record import PageRecord, Renderer
from ..strings import Strings
from . import review
from .logic import STANDING_CLASSES, LogicModel

Outputs = dict[str, bytes]


def logic_pages(
    logic: LogicModel,
    site: Site,
    page: Renderer,
    by_resource: dict[tuple[str, str], list[RenderedChart]],
    words: Strings,
) -> Outputs:
    """The pages of one goal's logic model, under the goal's own folder (none on a site of one goal)."""
    out: Outputs = {}
    goal = logic.goal
    prefix = goal.path if goal is not None else ""
    goal_title = goal.title if goal is not None else ""
    home = (words("home"), "index.html")
    # On a site of several goals the pages of each goal say whose they are, and lead back to the goal.
    trail = [home, (goal_title, f"{prefix}index.html")] if prefix else [home]

    def titled(title: str) -> str:
        return words("in_goal", title=title, goal=goal_title) if prefix else title

    whole = (words("logic_model"), f"{prefix}logic-model/index.html")
    areas = [a for a in (goal.areas if goal is not None else ()) if logic.issues_in(a.number)]
    common = {"goal_path": prefix, "goal": goal}
    out[whole[1]] = page(
        PageRecord(
            whole[1],
            "logic_model.html",
            titled(whole[0]),
            words("logic_model_description", goal=goal_title),
            [*trail, (whole[0], None)],
            {
                "logic": logic,
                "issues": logic.issues,
                "area": None,
                "areas": areas,
                "goal_standings": logic.goal_standings,
                **common,
            },
        )
    )
    for area in areas:
        path = f"{prefix}logic-model/{area.slug}.html"
        out[path] = page(
            PageRecord(
                path,
                "logic_model.html",
                words("logic_model_area", area=area.title),
                words("logic_model_area_description", area=area.title),
                [*trail, whole, (area.title, None)],
                {
                    "logic": logic,
                    "issues": logic.issues_in(area.number),
                    "area": area,
                    "areas": areas,
                    "goal_standings": logic.goal_standings,
                    **common,
                },
            )
        )
    targets = {t.id: t for issue in logic.issues for t in issue.targets}
    packages = {p.name: p for p in site.packages}
    for indicator in logic.indicators:
        path = urls.indicator(prefix, indicator.id)
        out[path] = page(
            PageRecord(
                path,
                "indicator.html",
                f"{indicator.label} {indicator.name}",
                words("indicator_description", name=indicator.name),
                [*trail, whole, (indicator.label, None)],
                {
                    "logic": logic,
                    "indicator": indicator,
                    "target": targets.get(indicator.target_id),
                    "packages": packages,
                    "charts_by_resource": by_resource,
                    "has_charts": any(r.charts for r in indicator.data_resources),
                    **common,
                },
            )
        )
    target_labels = {t.id: words("target_label", number=t.number) for t in targets.values()}
    indicator_labels = {i.id: f"{i.label} {i.name}" for i in logic.indicators}
    for measure in logic.measures:
        path = urls.measure(prefix, measure.id)
        out[path] = page(
            PageRecord(
                path,
                "measure.html",
                measure.name,
                words("measure_description", name=measure.name),
                [*trail, whole, (measure.name, None)],
                {
                    "logic": logic,
                    "measure": measure,
                    "parent": next((m for m in logic.measures if m.id == measure.parent_id), None),
                    "children": logic.children(measure.id),
                    "components": logic.component_budgets(measure.id),
                    "target_labels": target_labels,
                    "indicator_labels": indicator_labels,
                    **common,
                },
            )
        )
    counts = {status: sum(1 for r in logic.review if r.status == status) for status in review.STATUSES}
    path = f"{prefix}review/index.html"
    out[path] = page(
        PageRecord(
            path,
            "review.html",
            titled(words("review")),
            words("review_description"),
            [*trail, (words("review"), None)],
            {
                "logic": logic,
                "counts": counts,
                "status_labels": {status: words("status_" + status.replace("-", "_")) for status in review.STATUSES},
                "acknowledged": logic.acknowledged,
                "checklist_rows": logic.checklist_rows,
                "standing_classes": STANDING_CLASSES,
                **common,
            },
        )
    )
    out[f"{prefix}review.json"] = discovery.json_bytes(review.to_json(list(logic.review)))
    return out


def evidence_href(link: str | None, root: str, goal_path: str = "") -> str | None:
    """Where a review evidence link points on the site (``goal_path``: the folder of the goal's pages)."""
    if not link:
        return None
    kind, _, key = link.partition(":")
    if key and kind == "indicator":
        return root + urls.indicator(goal_path, key)
    if key and kind == "measure":
        return root + urls.measure(goal_path, key)
    if key and kind in {"issue", "target"}:
        return f"{root}{urls.logic_model(goal_path)}#{key}"
    package, _, resource = link.partition("/")
    if package and resource:
        return root + urls.table(package, resource)
    return None
