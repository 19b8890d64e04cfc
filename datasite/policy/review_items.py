"""The 11 checks of the logic-model review (see review.py), one function per checklist item.

Their words are the catalogue's ([ja.checklist] of templates/strings.toml), asked for with ``ReviewModel.say``:
one text per sentence, with the counts and names as placeholders.
"""

from __future__ import annotations

from dataclasses import replace

from .. import standing
from .review_model import ReviewModel, as_int, cell_text, number_text
from .review_types import OUTCOME, OUTPUT, REFERENCE, Evidence, Row, Status

# The goals table's level of the goal itself (the table also holds the levels above it): a value of the data.
GOAL_LEVEL = "施策目標"

Outcome = tuple[Status, bool, str, list[Evidence]]


# --------------------------------------------------------------------------- 背景・課題


def _item1(m: ReviewModel) -> Outcome:
    evidence: list[Evidence] = []
    for goal in m.goals:
        if cell_text(goal.get("level")) == GOAL_LEVEL:
            label = m.say("goal", number=cell_text(goal.get("number_as_printed")))
            evidence.append(m.quote(label, cell_text(goal.get("text")), m.res("goals"), "goals", goal, "id"))
    undescribed: list[str] = []
    for issue in m.issues:
        issue_id = cell_text(issue.get("id"))
        link = f"issue:{issue_id}"
        text = cell_text(issue.get("text"))
        bullets = [s for s in m.situations if cell_text(s.get("issue_id")) == issue_id]
        if text:
            evidence.append(m.quote(m.say("issue_text", issue=m.issue_label(issue)), text, link, "issues", issue, "id"))
        if not text and not bullets:
            undescribed.append(m.issue_label(issue))
            evidence.append(Evidence(m.issue_label(issue), m.say("issue_undescribed"), link))
        for position, bullet in enumerate(bullets, start=1):
            detail = f"{cell_text(bullet.get('marker'))} {cell_text(bullet.get('text'))}".strip()
            label = m.say("issue_situation", issue=m.issue_label(issue), position=position)
            evidence.append(m.quote(label, detail, link, "issue-situations", bullet, "issue_id", "order"))
    if not m.issues:
        return "finding", True, m.say("item1_no_issues"), evidence
    if undescribed:
        return "finding", True, m.say("item1_undescribed", issues=m.listed(undescribed)), evidence
    summary = m.say("item1_judgement", issues=len(m.issues), situations=len(m.situations))
    return "needs-judgement", False, summary, evidence


# --------------------------------------------------------------------------- 達成目標


def _item2(m: ReviewModel) -> Outcome:
    evidence: list[Evidence] = []
    missing: list[str] = []
    for issue in m.issues:
        targets = m.targets_of(cell_text(issue.get("id")))
        if targets:
            detail = m.say("item2_targets", targets=m.listed(m.target_label(t) for t in targets))
        else:
            missing.append(m.issue_label(issue))
            detail = m.say("item2_no_target")
        evidence.append(Evidence(m.issue_label(issue), detail, f"issue:{cell_text(issue.get('id'))}"))
    orphans = [t for t in m.targets if cell_text(t.get("issue_id")) not in m.issue_ids]
    for target in orphans:
        detail = m.say("item2_unknown_issue", issue=cell_text(target.get("issue_id")))
        evidence.append(Evidence(m.target_label(target), detail, f"target:{cell_text(target.get('id'))}"))
    if not m.issues:
        return "finding", True, m.say("item2_no_issues"), evidence
    if missing or orphans:
        parts = []
        if missing:
            parts.append(m.say("item2_missing_clause", issues=m.listed(missing)))
        if orphans:
            parts.append(m.say("item2_orphans_clause", targets=m.listed(m.target_label(t) for t in orphans)))
        return "finding", True, m.clauses(parts), evidence
    return "pass", True, m.say("item2_pass", count=len(m.issues)), evidence


def _item3(m: ReviewModel) -> Outcome:
    evidence: list[Evidence] = []
    for target in m.targets:
        target_id = cell_text(target.get("id"))
        text = cell_text(target.get("text"))
        n_indicators = len([i for i in m.indicators_of(target_id) if cell_text(i.get("kind")) != REFERENCE])
        n_measures = len(m.measures_of_target(target_id))
        detail = m.say(
            "item3_target",
            text=text or m.say("item3_no_text"),
            characters=len(text),
            indicators=n_indicators,
            measures=n_measures,
        )
        evidence.append(Evidence(m.target_label(target), detail, f"target:{target_id}"))
    empty = [m.target_label(t) for t in m.targets if not cell_text(t.get("text"))]
    without = [m.issue_label(i) for i in m.issues if not m.targets_of(cell_text(i.get("id")))]
    if not m.targets:
        return "finding", True, m.say("item3_no_targets"), evidence
    if empty or without:
        parts = []
        if empty:
            parts.append(m.say("item3_empty_clause", targets=m.listed(empty)))
        if without:
            parts.append(m.say("item3_without_clause", issues=m.listed(without)))
        return "finding", True, m.clauses(parts), evidence
    return "needs-judgement", False, m.say("item3_judgement", count=len(m.targets)), evidence


# --------------------------------------------------------------------------- 測定指標・参考指標


def _item4(m: ReviewModel) -> Outcome:
    evidence: list[Evidence] = []
    bare: list[str] = []
    for target in m.targets:
        target_id = cell_text(target.get("id"))
        own = m.indicators_of(target_id)
        measuring = [i for i in own if cell_text(i.get("kind")) != REFERENCE]
        if not measuring:
            bare.append(m.target_label(target))
        names = [m.say("item4_indicator", indicator=m.indicator_label(i), name=cell_text(i.get("name"))) for i in own]
        detail = m.listed(names) if names else m.say("item4_no_indicators")
        evidence.append(Evidence(m.target_label(target), detail, f"target:{target_id}"))
    unlinked = [i for i in m.indicators if cell_text(i.get("target_id")) not in m.target_ids]
    for indicator in unlinked:
        target_id = cell_text(indicator.get("target_id"))
        detail = m.say("item4_unknown_target", target=target_id) if target_id else m.say("item4_no_target")
        evidence.append(Evidence(m.indicator_short(indicator), detail, f"indicator:{cell_text(indicator.get('id'))}"))
    crossed: list[str] = []
    for link in m.links:
        linked = m.indicator_by_id.get(cell_text(link.get("indicator_id")))
        if linked is not None and cell_text(linked.get("target_id")) != cell_text(link.get("target_id")):
            crossed.append(m.say("item4_row", row=cell_text(link.get("id"))))
            detail = m.say(
                "item4_crossed",
                measure=m.measure_name(cell_text(link.get("measure_id"))),
                indicator=m.indicator_label(linked),
                link_target=cell_text(link.get("target_id")),
                indicator_target=cell_text(linked.get("target_id")),
            )
            label = m.say("item4_link", row=cell_text(link.get("id")))
            evidence.append(Evidence(label, detail, m.res("measure-links")))
    for indicator in m.indicators:
        if standing.of_row(indicator) == standing.PRINTED:
            continue
        detail = m.say("item4_assignment", name=cell_text(indicator.get("name")))
        label = m.say("item4_assignment_label", indicator=m.indicator_label(indicator))
        anchor = f"indicator:{cell_text(indicator.get('id'))}"
        evidence.append(m.quote(label, detail, anchor, "indicators", indicator, "id"))
    if not m.targets:
        return "finding", True, m.say("item4_no_targets"), evidence
    if bare or unlinked or crossed:
        parts = []
        if bare:
            parts.append(m.say("item4_bare_clause", targets=m.listed(bare)))
        if unlinked:
            parts.append(m.say("item4_unlinked_clause", indicators=m.listed(m.indicator_label(i) for i in unlinked)))
        if crossed:
            parts.append(m.say("item4_crossed_clause", rows=m.listed(crossed)))
        return "finding", True, m.clauses(parts), evidence
    return "pass", True, m.say("item4_pass", targets=len(m.targets), indicators=len(m.indicators)), evidence


def _item5(m: ReviewModel) -> Outcome:
    evidence: list[Evidence] = []
    outputs = [i for i in m.measuring if cell_text(i.get("kind")) == OUTPUT]
    outcomes = [i for i in m.measuring if cell_text(i.get("kind")) == OUTCOME]
    for kind, members in (("output", outputs), ("outcome", outcomes)):
        names = m.listed(m.indicator_label(i) for i in members) or m.say("none")
        evidence.append(Evidence(m.say(kind), m.say("counted", count=len(members), names=names), m.res("indicators")))
    lacking: list[str] = []
    for target in m.targets:
        kinds = [cell_text(i.get("kind")) for i in m.indicators_of(cell_text(target.get("id")))]
        n_out, n_outcome = kinds.count(OUTPUT), kinds.count(OUTCOME)
        if not n_outcome:
            lacking.append(m.target_label(target))
        key = "item5_target" if n_outcome else "item5_target_without_outcome"
        detail = m.say(key, outputs=n_out, outcomes=n_outcome)
        evidence.append(Evidence(m.target_label(target), detail, f"target:{cell_text(target.get('id'))}"))
    for indicator in m.measuring:
        if cell_text(indicator.get("kind")) not in (OUTPUT, OUTCOME):
            detail = m.say("item5_other_kind", kind=cell_text(indicator.get("kind")))
            evidence.append(
                Evidence(m.indicator_short(indicator), detail, f"indicator:{cell_text(indicator.get('id'))}")
            )
    if not outcomes and not outputs:
        return "finding", True, m.say("item5_none"), evidence
    if not outcomes:
        return "finding", True, m.say("item5_only_outputs", count=len(m.measuring)), evidence
    if not outputs:
        return "finding", True, m.say("item5_only_outcomes", count=len(m.measuring)), evidence
    if lacking:
        return "finding", True, m.say("item5_target_lacking", targets=m.listed(lacking)), evidence
    return "pass", True, m.say("item5_pass", outputs=len(outputs), outcomes=len(outcomes)), evidence


def _item6(m: ReviewModel) -> Outcome:
    values: dict[str, list[str]] = {"yes": [], "no": [], "unknown": []}
    other: list[str] = []
    for indicator in m.measuring:
        value = cell_text(indicator.get("is_main"))
        values.get(value, other).append(m.indicator_label(indicator))
    labels = {"yes": "item6_main", "no": "item6_not_main", "unknown": "item6_unread"}
    evidence = [
        Evidence(
            m.say(labels[key]),
            m.say("counted", count=len(names), names=m.listed(names) or m.say("none")),
            m.res("indicators"),
        )
        for key, names in values.items()
    ]
    if other:
        detail = m.say("counted", count=len(other), names=m.listed(other))
        evidence.append(Evidence(m.say("item6_other"), detail, m.res("indicators")))
    total = len(m.measuring)
    if not total:
        return "finding", True, m.say("item6_no_indicators"), evidence
    if len(values["unknown"]) == total:
        return "needs-judgement", False, m.say("item6_all_unread", count=total), evidence
    if values["unknown"] or other:
        summary = m.say("item6_some_unread", indicators=m.listed(values["unknown"] + other))
        return "needs-judgement", False, summary, evidence
    if not values["yes"]:
        return "finding", True, m.say("item6_no_main", count=total), evidence
    if not values["no"]:
        return "finding", True, m.say("item6_all_main", count=total), evidence
    summary = m.say("item6_pass", count=total, main=len(values["yes"]), other=len(values["no"]))
    return "pass", True, summary, evidence


def _has_target(indicator: Row) -> bool:
    return indicator.get("target_value") is not None or bool(cell_text(indicator.get("target_as_printed")))


def _target_text(m: ReviewModel, indicator: Row) -> str:
    value = number_text(indicator.get("target_value")) or cell_text(indicator.get("target_as_printed"))
    year = cell_text(indicator.get("target_fiscal_year"))
    era = cell_text(indicator.get("target_era_label"))
    if year:
        when = m.say("fiscal_year_and_era", year=year, era=era) if era else m.say("fiscal_year", year=year)
    else:
        when = era or m.say("no_fiscal_year")
    return m.say("target_value", value=value, when=when)


def _item7(m: ReviewModel) -> Outcome:
    year = m.options.current_fiscal_year
    evidence: list[Evidence] = []
    without: list[str] = []
    for indicator in m.measuring:
        link = f"indicator:{cell_text(indicator.get('id'))}"
        if not _has_target(indicator):
            without.append(m.indicator_label(indicator))
            evidence.append(Evidence(m.indicator_short(indicator), m.say("item7_no_target"), link))
        elif as_int(indicator.get("target_fiscal_year")) != year:
            without.append(m.indicator_label(indicator))
            detail = m.say("item7_other_year", target=_target_text(m, indicator), year=year)
            evidence.append(Evidence(m.indicator_short(indicator), detail, link))
        else:
            detail = m.say("item7_target", target=_target_text(m, indicator))
            evidence.append(Evidence(m.indicator_short(indicator), detail, link))
    if not m.measuring:
        return "finding", True, m.say("item7_no_indicators"), evidence
    evidence.append(Evidence(m.say("item7_year_label"), m.say("item7_year", year=year), m.res("checklist")))
    if without:
        summary = m.say(
            "item7_finding", count=len(m.measuring), without=len(without), year=year, indicators=m.listed(without)
        )
        return "finding", True, summary, evidence
    return "pass", True, m.say("item7_pass", count=len(m.measuring), year=year), evidence


def _resources(indicator: Row) -> list[str]:
    return [part.strip() for part in cell_text(indicator.get("data_resource")).split(";") if part.strip()]


def _item8(m: ReviewModel) -> Outcome:
    year = m.options.current_fiscal_year
    evidence: list[Evidence] = []
    with_target = [i for i in m.measuring if _has_target(i)]
    for indicator in with_target:
        label = m.indicator_short(indicator)
        link = f"indicator:{cell_text(indicator.get('id'))}"
        if indicator.get("baseline_value") is not None or cell_text(indicator.get("baseline_as_printed")):
            when = cell_text(indicator.get("baseline_date")) or m.say("item8_no_date")
            value = number_text(indicator.get("baseline_value")) or m.say("item8_no_baseline_value")
            baseline = m.say("item8_baseline", value=value, when=when)
            if printed := cell_text(indicator.get("baseline_as_printed")):
                baseline = m.say("as_printed", value=baseline, printed=printed)
        else:
            baseline = m.say("item8_no_baseline")
        target = _target_text(m, indicator)
        if printed := cell_text(indicator.get("target_as_printed")):
            target = m.say("as_printed", value=target, printed=printed)
        name = cell_text(indicator.get("name"))
        target_year = as_int(indicator.get("target_fiscal_year"))
        if target_year and target_year < year:
            detail = m.say("item8_indicator_past", name=name, baseline=baseline, target=target, year=year)
        else:
            detail = m.say("item8_indicator", name=name, baseline=baseline, target=target)
        evidence.append(Evidence(label, detail, link))
        resources = _resources(indicator)
        for resource in resources:
            table_label = m.say("item8_table_label", indicator=m.indicator_label(indicator))
            evidence.append(Evidence(table_label, m.say("item8_table"), resource))
        if not resources:
            no_table = m.say("item8_no_table_label", indicator=m.indicator_label(indicator))
            evidence.append(Evidence(no_table, m.say("item8_no_table"), link))
    for indicator in m.measuring:
        if _has_target(indicator) or not _resources(indicator):
            continue
        detail = m.say("item8_tables_without_target", count=len(_resources(indicator)))
        evidence.append(Evidence(m.indicator_short(indicator), detail, f"indicator:{cell_text(indicator.get('id'))}"))
    if not with_target:
        return "needs-judgement", False, m.say("item8_no_targets"), evidence
    summary = m.say("item8_judgement", count=len(with_target))
    return "needs-judgement", False, summary, evidence


def _item9(m: ReviewModel) -> Outcome:
    evidence = [
        Evidence(
            m.indicator_short(i),
            m.say("item9_reference", name=cell_text(i.get("name")), tables=len(_resources(i))),
            f"indicator:{cell_text(i.get('id'))}",
        )
        for i in m.reference
    ]
    detail = m.say("item9_kinds", indicators=len(m.indicators), measuring=len(m.measuring), reference=len(m.reference))
    evidence.append(Evidence(m.say("item9_kinds_label"), detail, m.res("indicators")))
    if not m.reference:
        return "finding", True, m.say("item9_none"), evidence
    return "pass", True, m.say("item9_pass", count=len(m.reference)), evidence


# --------------------------------------------------------------------------- 達成手段


def _item10(m: ReviewModel) -> Outcome:
    evidence: list[Evidence] = []
    zero: list[str] = []
    for indicator in m.indicators:
        links = m.links_of_indicator(cell_text(indicator.get("id")))
        names = list(dict.fromkeys(m.measure_name(cell_text(link.get("measure_id"))) for link in links))
        is_reference = cell_text(indicator.get("kind")) == REFERENCE
        if not names:
            if not is_reference:
                zero.append(m.indicator_label(indicator))
            detail = m.say("item10_zero_reference" if is_reference else "item10_zero")
        else:
            detail = m.say("counted", count=len(names), names=m.listed(names))
        evidence.append(Evidence(m.indicator_short(indicator), detail, f"indicator:{cell_text(indicator.get('id'))}"))
    for link in m.inferred_links:
        if not cell_text(link.get("indicator_id")):
            continue
        linked = m.indicator_by_id.get(cell_text(link.get("indicator_id")))
        measure = m.measure_name(cell_text(link.get("measure_id")))
        label = m.say("item10_link", measure=measure, indicator=m.indicator_label(linked or {}))
        quoted = m.quote(
            label,
            cell_text(link.get("basis")) or m.say("item10_no_reason"),
            m.res("measure-links"),
            "measure-links",
            link,
            "id",
        )
        evidence.append(replace(quoted, basis=""))  # the reason is the detail itself
    if not m.measuring:
        return "finding", True, m.say("item10_no_indicators"), evidence
    if zero:
        return "finding", True, m.on_links(m.say("item10_finding", indicators=m.listed(zero))), evidence
    return "pass", True, m.on_links(m.say("item10_pass", count=len(m.measuring))), evidence


def _item11(m: ReviewModel) -> Outcome:
    limit = m.options.max_measures_per_target
    evidence: list[Evidence] = []
    over: list[str] = []
    counts: list[str] = []
    for target in m.targets:
        measures = m.measures_of_target(cell_text(target.get("id")))
        roots = list(dict.fromkeys(m.measure_root(x) for x in measures))
        names = m.listed(m.measure_name(x) for x in measures) or m.say("none")
        if len(roots) != len(measures):
            detail = m.say("item11_roots", count=len(measures), names=names, roots=len(roots))
        else:
            detail = m.say("counted", count=len(measures), names=names)
        count = m.say("item11_count", target=m.target_label(target), count=len(measures))
        counts.append(count)
        if limit is not None and len(measures) > limit:
            over.append(count)
        evidence.append(Evidence(m.target_label(target), detail, f"target:{cell_text(target.get('id'))}"))
    criterion = m.say("item11_criterion_label")
    if limit is None:
        evidence.append(Evidence(criterion, m.say("item11_no_criterion"), m.res("checklist")))
        summary = m.say("item11_judgement", counts=m.listed(counts) or m.say("item11_no_counts"))
        return "needs-judgement", False, m.on_links(summary), evidence
    evidence.append(Evidence(criterion, m.say("item11_criterion", limit=limit), None))
    if over:
        return "finding", True, m.on_links(m.say("item11_finding", limit=limit, targets=m.listed(over))), evidence
    return "pass", True, m.on_links(m.say("item11_pass", limit=limit)), evidence


CHECKS = (_item1, _item2, _item3, _item4, _item5, _item6, _item7, _item8, _item9, _item10, _item11)
