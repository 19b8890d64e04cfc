"""The 11 checks of the logic-model review (see review.py), one function per checklist item."""

from __future__ import annotations

from dataclasses import replace

from .. import standing
from .review_model import ReviewModel, as_int, cell_text, jp_list, number_text
from .review_types import OUTCOME, OUTPUT, REFERENCE, Evidence, Row, Status

Outcome = tuple[Status, bool, str, list[Evidence]]


# --------------------------------------------------------------------------- 背景・課題


def _item1(m: ReviewModel) -> Outcome:
    evidence: list[Evidence] = []
    for goal in m.goals:
        if cell_text(goal.get("level")) == "施策目標":
            label = f"施策目標{cell_text(goal.get('number_as_printed'))}"
            evidence.append(m.quote(label, cell_text(goal.get("text")), m.res("goals"), "goals", goal, "id"))
    undescribed: list[str] = []
    for issue in m.issues:
        issue_id = cell_text(issue.get("id"))
        link = f"issue:{issue_id}"
        text = cell_text(issue.get("text"))
        bullets = [s for s in m.situations if cell_text(s.get("issue_id")) == issue_id]
        if text:
            evidence.append(m.quote(f"{m.issue_label(issue)}の本文", text, link, "issues", issue, "id"))
        if not text and not bullets:
            undescribed.append(m.issue_label(issue))
            evidence.append(Evidence(m.issue_label(issue), "課題の本文も現状（背景）の記述もない。", link))
        for position, bullet in enumerate(bullets, start=1):
            detail = f"{cell_text(bullet.get('marker'))} {cell_text(bullet.get('text'))}".strip()
            label = f"{m.issue_label(issue)}の現状（背景）{position}"
            evidence.append(m.quote(label, detail, link, "issue-situations", bullet, "issue_id", "order"))
    if not m.issues:
        return "finding", True, "課題が1件も記載されていない。", evidence
    if undescribed:
        summary = f"本文も現状（背景）の記述もない課題がある（{jp_list(undescribed)}）。"
        return "finding", True, summary, evidence
    summary = (
        f"課題{len(m.issues)}件と現状（背景）{len(m.situations)}項目が施策目標の課題を過不足なく捉えているかは、"
        "機械では判定できないため確認者の判断が必要である。"
    )
    return "needs-judgement", False, summary, evidence


# --------------------------------------------------------------------------- 達成目標


def _item2(m: ReviewModel) -> Outcome:
    evidence: list[Evidence] = []
    missing: list[str] = []
    for issue in m.issues:
        targets = m.targets_of(cell_text(issue.get("id")))
        if targets:
            detail = f"{jp_list(m.target_label(t) for t in targets)}が対応する。"
        else:
            missing.append(m.issue_label(issue))
            detail = "対応する達成目標がない。"
        evidence.append(Evidence(m.issue_label(issue), detail, f"issue:{cell_text(issue.get('id'))}"))
    orphans = [t for t in m.targets if cell_text(t.get("issue_id")) not in m.issue_ids]
    for target in orphans:
        detail = f"課題「{cell_text(target.get('issue_id'))}」は課題の表にない。"
        evidence.append(Evidence(m.target_label(target), detail, f"target:{cell_text(target.get('id'))}"))
    if not m.issues:
        return "finding", True, "課題が1件もないため、課題に対応した達成目標を確認できない。", evidence
    if missing or orphans:
        parts = []
        if missing:
            parts.append(f"達成目標のない課題がある（{jp_list(missing)}）")
        if orphans:
            parts.append(f"課題に対応しない達成目標がある（{jp_list(m.target_label(t) for t in orphans)}）")
        return "finding", True, "、".join(parts) + "。", evidence
    return "pass", True, f"すべての課題（{len(m.issues)}件）に対応する達成目標が設定されている。", evidence


def _item3(m: ReviewModel) -> Outcome:
    evidence: list[Evidence] = []
    for target in m.targets:
        target_id = cell_text(target.get("id"))
        text = cell_text(target.get("text"))
        n_indicators = len([i for i in m.indicators_of(target_id) if cell_text(i.get("kind")) != REFERENCE])
        n_measures = len(m.measures_of_target(target_id))
        context = f"［{len(text)}字、測定指標{n_indicators}件、達成手段{n_measures}件］"
        evidence.append(Evidence(m.target_label(target), f"{text or '（本文なし）'}{context}", f"target:{target_id}"))
    empty = [m.target_label(t) for t in m.targets if not cell_text(t.get("text"))]
    without = [m.issue_label(i) for i in m.issues if not m.targets_of(cell_text(i.get("id")))]
    if not m.targets:
        return "finding", True, "達成目標が1件も設定されておらず、施策目標がブレイクダウンされていない。", evidence
    if empty or without:
        parts = []
        if empty:
            parts.append(f"本文が空の達成目標がある（{jp_list(empty)}）")
        if without:
            parts.append(f"達成目標へのブレイクダウンがない課題がある（{jp_list(without)}）")
        return "finding", True, "、".join(parts) + "。", evidence
    summary = (
        f"すべての課題に本文のある達成目標（計{len(m.targets)}件）があるが、"
        "具体的か・内容が多すぎないか（注２）は確認者が本文を読んで判断する必要がある。"
    )
    return "needs-judgement", False, summary, evidence


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
        names = [f"{m.indicator_label(i)} {cell_text(i.get('name'))}" for i in own]
        detail = jp_list(names) if names else "指標がない。"
        evidence.append(Evidence(m.target_label(target), detail, f"target:{target_id}"))
    unlinked = [i for i in m.indicators if cell_text(i.get("target_id")) not in m.target_ids]
    for indicator in unlinked:
        target_id = cell_text(indicator.get("target_id"))
        detail = f"達成目標「{target_id}」は達成目標の表にない。" if target_id else "達成目標が指定されていない。"
        evidence.append(Evidence(m.indicator_short(indicator), detail, f"indicator:{cell_text(indicator.get('id'))}"))
    crossed: list[str] = []
    for link in m.links:
        linked = m.indicator_by_id.get(cell_text(link.get("indicator_id")))
        if linked is not None and cell_text(linked.get("target_id")) != cell_text(link.get("target_id")):
            crossed.append(f"行{cell_text(link.get('id'))}")
            detail = (
                f"達成手段「{m.measure_name(cell_text(link.get('measure_id')))}」の対応で{m.indicator_label(linked)}が"
                f"達成目標「{cell_text(link.get('target_id'))}」と組になっているが、"
                f"指標の達成目標は「{cell_text(linked.get('target_id'))}」。"
            )
            evidence.append(Evidence(f"達成手段との対応 {cell_text(link.get('id'))}", detail, m.res("measure-links")))
    for indicator in m.indicators:
        if standing.of_row(indicator) == standing.PRINTED:
            continue
        detail = f"{cell_text(indicator.get('name'))}の達成目標への割り当て"
        label = f"{m.indicator_label(indicator)}の割り当て"
        anchor = f"indicator:{cell_text(indicator.get('id'))}"
        evidence.append(m.quote(label, detail, anchor, "indicators", indicator, "id"))
    if not m.targets:
        return "finding", True, "達成目標がないため、達成目標と測定指標の関係を確認できない。", evidence
    if bare or unlinked or crossed:
        parts = []
        if bare:
            parts.append(f"測定指標のない達成目標がある（{jp_list(bare)}）")
        if unlinked:
            parts.append(f"達成目標に結びつかない指標がある（{jp_list(m.indicator_label(i) for i in unlinked)}）")
        if crossed:
            parts.append(f"達成手段との対応で指標と達成目標の組が食い違う行がある（{jp_list(crossed)}）")
        return "finding", True, "、".join(parts) + "。", evidence
    summary = (
        f"すべての達成目標（{len(m.targets)}件）に測定指標があり、すべての指標（{len(m.indicators)}件）が"
        "既存の達成目標に結びついている（指標の合理性そのものは確認者が判断する）。"
    )
    return "pass", True, summary, evidence


def _item5(m: ReviewModel) -> Outcome:
    evidence: list[Evidence] = []
    outputs = [i for i in m.measuring if cell_text(i.get("kind")) == OUTPUT]
    outcomes = [i for i in m.measuring if cell_text(i.get("kind")) == OUTCOME]
    for kind, members in ((OUTPUT, outputs), (OUTCOME, outcomes)):
        names = jp_list(m.indicator_label(i) for i in members) or "なし"
        evidence.append(Evidence(kind, f"{len(members)}件：{names}", m.res("indicators")))
    lacking: list[str] = []
    for target in m.targets:
        kinds = [cell_text(i.get("kind")) for i in m.indicators_of(cell_text(target.get("id")))]
        n_out, n_outcome = kinds.count(OUTPUT), kinds.count(OUTCOME)
        if not n_outcome:
            lacking.append(m.target_label(target))
        detail = f"アウトプット{n_out}件、アウトカム{n_outcome}件"
        if not n_outcome:
            detail += "（アウトカムの指標がない）"
        evidence.append(Evidence(m.target_label(target), detail, f"target:{cell_text(target.get('id'))}"))
    for indicator in m.measuring:
        if cell_text(indicator.get("kind")) not in (OUTPUT, OUTCOME):
            detail = f"区分「{cell_text(indicator.get('kind'))}」はアウトプット・アウトカムのいずれでもない。"
            evidence.append(
                Evidence(m.indicator_short(indicator), detail, f"indicator:{cell_text(indicator.get('id'))}")
            )
    if not outcomes and not outputs:
        return "finding", True, "アウトプット・アウトカムのいずれの測定指標も設定されていない。", evidence
    if not outcomes:
        summary = f"測定指標{len(m.measuring)}件はすべてアウトプットで、アウトカムの指標がない。"
        return "finding", True, summary, evidence
    if not outputs:
        summary = f"測定指標{len(m.measuring)}件はすべてアウトカムで、アウトプットの指標がない。"
        return "finding", True, summary, evidence
    if lacking:
        summary = (
            "全体ではアウトプットとアウトカムの双方があるが、"
            f"アウトカムの指標がない達成目標がある（{jp_list(lacking)}）。"
        )
        return "finding", True, summary, evidence
    summary = (
        f"アウトプット{len(outputs)}件・アウトカム{len(outcomes)}件の測定指標があり、"
        "すべての達成目標にアウトカムの指標がある。"
    )
    return "pass", True, summary, evidence


def _item6(m: ReviewModel) -> Outcome:
    values: dict[str, list[str]] = {"yes": [], "no": [], "unknown": []}
    other: list[str] = []
    for indicator in m.measuring:
        value = cell_text(indicator.get("is_main"))
        values.get(value, other).append(m.indicator_label(indicator))
    words = {"yes": "主要な指標", "no": "主要な指標ではない", "unknown": "読み取れていない"}
    evidence = [
        Evidence(f"主要な指標の区分：{words[key]}", f"{len(names)}件：{jp_list(names) or 'なし'}", m.res("indicators"))
        for key, names in values.items()
    ]
    if other:
        detail = f"{len(other)}件：{jp_list(other)}"
        evidence.append(Evidence("主要な指標：記載なし・不正な値", detail, m.res("indicators")))
    total = len(m.measuring)
    if not total:
        return "finding", True, "測定指標がないため、主要な指標の区分を確認できない。", evidence
    if len(values["unknown"]) == total:
        summary = (
            f"測定指標{total}件のどれが「主要な指標」かをこのサイトは読み取れていない（主要な指標は太字・下線で"
            "示されるが、このサイトが使った文字情報には書式が残っていない）ため、区分の有無は原本で確認する必要がある。"
        )
        return "needs-judgement", False, summary, evidence
    if values["unknown"] or other:
        unread = jp_list(values["unknown"] + other)
        summary = (
            f"「主要な指標」か否かをこのサイトが読み取れていない測定指標があり（{unread}）、"
            "区分は原本で確認する必要がある。"
        )
        return "needs-judgement", False, summary, evidence
    if not values["yes"]:
        return "finding", True, f"測定指標{total}件のうち「主要な指標」とされたものがない。", evidence
    if not values["no"]:
        summary = f"測定指標{total}件がすべて「主要な指標」とされ、それ以外の指標と区分されていない。"
        return "finding", True, summary, evidence
    summary = (
        f"測定指標{total}件が「主要な指標」{len(values['yes'])}件とそれ以外{len(values['no'])}件に区分されている"
        "（主要とする理由の適否は確認者が判断する）。"
    )
    return "pass", True, summary, evidence


def _has_target(indicator: Row) -> bool:
    return indicator.get("target_value") is not None or bool(cell_text(indicator.get("target_as_printed")))


def _target_text(indicator: Row) -> str:
    value = number_text(indicator.get("target_value")) or cell_text(indicator.get("target_as_printed"))
    year = cell_text(indicator.get("target_fiscal_year"))
    era = cell_text(indicator.get("target_era_label"))
    when = (f"{year}年度" + (f"・{era}" if era else "")) if year else (era or "年度の記載なし")
    return f"目標値{value}（{when}）"


def _item7(m: ReviewModel) -> Outcome:
    year = m.options.current_fiscal_year
    evidence: list[Evidence] = []
    without: list[str] = []
    for indicator in m.measuring:
        link = f"indicator:{cell_text(indicator.get('id'))}"
        if not _has_target(indicator):
            without.append(m.indicator_label(indicator))
            evidence.append(Evidence(m.indicator_short(indicator), "目標値の記載がない。", link))
        elif as_int(indicator.get("target_fiscal_year")) != year:
            without.append(m.indicator_label(indicator))
            detail = f"{_target_text(indicator)}は当該年度（{year}年度）の目標値ではない。"
            evidence.append(Evidence(m.indicator_short(indicator), detail, link))
        else:
            evidence.append(Evidence(m.indicator_short(indicator), f"{_target_text(indicator)}。", link))
    if not m.measuring:
        return "finding", True, "測定指標がないため、当該年度の目標値を確認できない。", evidence
    evidence.append(
        Evidence("当該年度", f"{year}年度（このサイトの設定。事前分析表の年度による）。", m.res("checklist"))
    )
    if without:
        summary = (
            f"測定指標{len(m.measuring)}件のうち{len(without)}件に当該年度（{year}年度）の目標値がない"
            f"（{jp_list(without)}）。"
        )
        return "finding", True, summary, evidence
    return "pass", True, f"すべての測定指標（{len(m.measuring)}件）に当該年度（{year}年度）の目標値がある。", evidence


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
            when = cell_text(indicator.get("baseline_date")) or "時点の記載なし"
            printed = cell_text(indicator.get("baseline_as_printed"))
            baseline = f"基準値{number_text(indicator.get('baseline_value')) or '―'}（{when}）" + (
                f"［資料の表記：{printed}］" if printed else ""
            )
        else:
            baseline = "基準値の記載なし"
        detail = f"{cell_text(indicator.get('name'))}：{baseline} → {_target_text(indicator)}"
        if cell_text(indicator.get("target_as_printed")):
            detail += f"［資料の表記：{cell_text(indicator.get('target_as_printed'))}］"
        target_year = as_int(indicator.get("target_fiscal_year"))
        if target_year and target_year < year:
            detail += f"。目標年度は当該年度（{year}年度）より前であり、達成状況と次の目標値を確認する必要がある"
        evidence.append(Evidence(label, detail + "。", link))
        resources = _resources(indicator)
        for resource in resources:
            detail = (
                "この表の過年度実績を基準値・目標値と並べ、目標までの伸びが"
                "過去の推移や最終目標年度の目標値に照らして妥当かを確認する。"
            )
            evidence.append(Evidence(f"{m.indicator_label(indicator)}の実績の表", detail, resource))
        if not resources:
            detail = "値を収めたリソースがなく、過年度実績と照合できない。"
            evidence.append(Evidence(f"{m.indicator_label(indicator)}の実績", detail, link))
    for indicator in m.measuring:
        if _has_target(indicator) or not _resources(indicator):
            continue
        detail = (
            f"目標値はないが、実績の表が{len(_resources(indicator))}件ある"
            "（目標値を設定する際の過年度実績として参照できる）。"
        )
        evidence.append(Evidence(m.indicator_short(indicator), detail, f"indicator:{cell_text(indicator.get('id'))}"))
    if not with_target:
        summary = "目標値が記載された測定指標がないため、目標値の水準を過年度実績と比べて評価できない（項目７を参照）。"
        return "needs-judgement", False, summary, evidence
    summary = (
        f"目標値のある測定指標{len(with_target)}件について、基準値・目標値・目標年度と値を収めたリソースを示したので、"
        "過年度実績の推移と比べた水準の適否は確認者が判断する必要がある。"
    )
    return "needs-judgement", False, summary, evidence


def _item9(m: ReviewModel) -> Outcome:
    evidence = [
        Evidence(
            m.indicator_short(i),
            f"{cell_text(i.get('name'))}（値を収めた表：{len(_resources(i))}件）",
            f"indicator:{cell_text(i.get('id'))}",
        )
        for i in m.reference
    ]
    detail = f"指標{len(m.indicators)}件のうち、測定指標{len(m.measuring)}件、参考指標{len(m.reference)}件。"
    evidence.append(Evidence("指標の区分", detail, m.res("indicators")))
    if not m.reference:
        return "finding", True, "参考指標（区分「参考」の指標）が1件も設定されていない。", evidence
    return "pass", True, f"参考指標が{len(m.reference)}件設定されている。", evidence


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
            detail = "関連する達成手段が0件。" + ("（参考指標のため項目10の対象外）" if is_reference else "")
        else:
            detail = f"{len(names)}件：{jp_list(names)}"
        evidence.append(Evidence(m.indicator_short(indicator), detail, f"indicator:{cell_text(indicator.get('id'))}"))
    for link in m.inferred_links:
        if not cell_text(link.get("indicator_id")):
            continue
        linked = m.indicator_by_id.get(cell_text(link.get("indicator_id")))
        label = f"{m.measure_name(cell_text(link.get('measure_id')))} → {m.indicator_label(linked or {})}"
        quoted = m.quote(
            label,
            cell_text(link.get("basis")) or "理由の記載なし。",
            m.res("measure-links"),
            "measure-links",
            link,
            "id",
        )
        evidence.append(replace(quoted, basis=""))  # the reason is the detail itself
    prefix = "このサイトが推定した対応では、" if m.links_inferred else ""
    if not m.measuring:
        return "finding", True, "測定指標がないため、関連する達成手段の数を確認できない。", evidence
    if zero:
        summary = f"{prefix}関連する達成手段が0件の測定指標がある（{jp_list(zero)}）。"
        return "finding", True, summary, evidence
    summary = f"{prefix}すべての測定指標（{len(m.measuring)}件）に関連する達成手段が1件以上ある。"
    return "pass", True, summary, evidence


def _item11(m: ReviewModel) -> Outcome:
    limit = m.options.max_measures_per_target
    evidence: list[Evidence] = []
    over: list[str] = []
    counts: list[str] = []
    for target in m.targets:
        measures = m.measures_of_target(cell_text(target.get("id")))
        roots = list(dict.fromkeys(m.measure_root(x) for x in measures))
        detail = f"{len(measures)}件：{jp_list(m.measure_name(x) for x in measures) or 'なし'}"
        if len(roots) != len(measures):
            detail += f"。このサイトが内訳とした事業を親事業にまとめると{len(roots)}件"
        counts.append(f"{m.target_label(target)}に{len(measures)}件")
        if limit is not None and len(measures) > limit:
            over.append(f"{m.target_label(target)}に{len(measures)}件")
        evidence.append(Evidence(m.target_label(target), detail, f"target:{cell_text(target.get('id'))}"))
    prefix = "このサイトが推定した対応では、" if m.links_inferred else ""
    if limit is None:
        evidence.append(
            Evidence(
                "判断の基準",
                "確認事項は「多数」「複雑な構造」の件数を示していないため、このサイトは基準を設けていない。",
                m.res("checklist"),
            )
        )
        summary = (
            f"{prefix}関連する達成手段は{jp_list(counts) or '0件'}で、"
            "これが「多数」か・関係が複雑かは確認事項に基準がないため、確認者の判断が必要である。"
        )
        return "needs-judgement", False, summary, evidence
    evidence.append(
        Evidence(
            "判断の基準", f"このサイトが設けた目安：達成目標あたり{limit}件（確認事項には件数の基準がない）。", None
        )
    )
    if over:
        summary = f"{prefix}関連する達成手段がこのサイトの目安（{limit}件）を超える達成目標がある（{jp_list(over)}）。"
        return "finding", True, summary, evidence
    return (
        "pass",
        True,
        f"{prefix}どの達成目標にも関連する達成手段はこのサイトの目安（{limit}件）以内である。",
        evidence,
    )


CHECKS = (_item1, _item2, _item3, _item4, _item5, _item6, _item7, _item8, _item9, _item10, _item11)
