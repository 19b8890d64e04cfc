"""Issue 16's seven findings, each read on the built site against the published data, so that none returns.

(The general rules — every tag matches its row, every 「資料」 is a tagged statement — are in test_standing.py;
the chart captions in test_captions.py; the review's rules in test_review.py.)
"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

from tests.conftest import ROOT

PRINTED, RECONSTRUCTED, INFERRED = "資料の記載", "資料からの再構成", "このサイトによる整理"
OTHER_PUBLIC_DOCUMENT = "他の公的資料の記載"


def rows(site: Path, package: str, resource: str) -> list[dict[str, str]]:
    with (site / "datasets" / package / f"{resource}.csv").open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def tag(statement: str, standing: str) -> str:
    return f'data-standing="{standing}" data-statement="{html.escape(statement)}"'


# 1. 課題 as the sheet states them, 現状 as 現状, markers and reassignments kept


def test_1_issues_are_the_sheets_statements_and_situations_keep_markers(real_site: Path) -> None:
    model_page = page(real_site, "logic-model/index.html")
    issues = rows(real_site, "policy", "issues")
    situations = rows(real_site, "policy", "issue-situations")
    statements = re.findall(r'<div class="issue-statement"><p>(.*?)</p>', model_page)
    assert statements == [html.escape(i["text"]) for i in issues]
    assert all(i["text"].endswith("必要がある。") for i in issues)
    listed = re.findall(r'<span class="statement">(.*?)</span>', model_page)
    assert listed == [
        html.escape(s["text"]) for s in sorted(situations, key=lambda s: (s["issue_id"], int(s["order"])))
    ]
    assert not any(s["text"].endswith("必要がある。") for s in situations), "a 課題 filed among 現状"
    markers = re.findall(r'<span class="marker">(.*?)</span>', model_page)
    assert {"参考）", "※"} <= set(markers) and len(markers) == len(situations)
    for s in situations:
        statement = f"policy/issue-situations#{s['issue_id']}|{s['order']}"
        assert tag(statement, s["standing"]) in model_page, statement
    assert sum(s["standing"] == RECONSTRUCTED for s in situations) == 3


# 2. links between measures and indicators: the site's inference, each with its reasoning


def test_2_links_are_published_as_the_sites_inference(real_site: Path) -> None:
    links = rows(real_site, "policy", "measure-links")
    assert {link["standing"] for link in links} == {INFERRED}
    model_page = page(real_site, "logic-model/index.html")
    for link in links:
        marker = tag(f"policy/measure-links#{link['id']}", INFERRED)
        pages = [model_page, page(real_site, f"measures/{link['measure_id']}.html")]
        if link["indicator_id"]:
            pages.append(page(real_site, f"indicators/{link['indicator_id']}.html"))
        for markup in pages:
            assert marker in markup and html.escape(link["basis"]) in markup, link["id"]
    supporters = [link for link in links if link["indicator_id"] == "indicator-7"]
    assert [link["measure_id"] for link in supporters] == ["hikikomori-support"], "ひきこもりサポート事業 considered"
    assert "推定" in supporters[0]["basis"]
    for path in [*real_site.glob("indicators/*.html"), *real_site.glob("measures/*.html")]:
        assert "資料上" not in page(real_site, str(path.relative_to(real_site)))


# 3. the review judges by the checklist's own words


def test_3_review_page_names_no_invented_threshold_and_says_what_is_inferred(real_site: Path) -> None:
    review_page = page(real_site, "review/index.html")
    items = dict(re.findall(r'<li id="item-(\d+)" class="review-item status-([a-z-]+)">', review_page))
    assert items["11"] == "needs-judgement" and items["6"] == "needs-judgement"
    item11 = review_page.split('id="item-11"')[1]
    assert "上限" not in item11 and "基準がない" in item11
    for number in ("10", "11"):
        block = review_page.split(f'id="item-{number}"')[1].split('<li id="item-')[0]
        assert '<ul class="rests-on">' in block and f"（{INFERRED}）" in block
        assert "このサイトが推定した対応では" in block
    data = json.loads(page(real_site, "review.json"))
    assert data["format"] == 2 and all("rests_on" in item for item in data["items"])


# 4. budgets complete: a parent programme shows its components, with type, year and unit as printed


def _amount(budget: dict[str, str]) -> str:
    if budget["amount_thousand_yen"]:
        return f"{int(budget['amount_thousand_yen']):,}千円"
    return f"{budget['amount_oku_yen']}億円"


def test_4_parent_programmes_show_every_component_budget(real_site: Path) -> None:
    measures = {m["id"]: m for m in rows(real_site, "policy", "measures")}
    budgets = rows(real_site, "policy", "measure-budgets")

    def ancestors(measure_id: str) -> list[str]:
        out: list[str] = []
        parent = measures[measure_id]["parent_id"]
        while parent and parent not in out:
            out.append(parent)
            parent = measures[parent]["parent_id"]
        return out

    shown = 0
    for budget in budgets:
        for measure_id in [budget["measure_id"], *ancestors(budget["measure_id"])]:
            lines = [text_of(tr) for tr in re.findall(r"<tr>.*?</tr>", page(real_site, f"measures/{measure_id}.html"))]
            wanted = (_amount(budget), budget["budget_type"], budget["slide"])  # the year: its own style (issue 14)
            assert any(all(part in line for part in wanted) for line in lines), f"{measure_id}: {wanted}"
            shown += 1
    assert shown > len(budgets), "component lines shown on their parents too"
    indicator_1 = text_of(page(real_site, "indicators/indicator-1.html"))
    for budget in budgets:
        if "jusou" in [budget["measure_id"], *ancestors(budget["measure_id"])]:
            assert _amount(budget) in indicator_1, budget


# 5. targets honest: no borrowed target, no progress computed against it


def test_5_borrowed_kpi_is_labelled_and_not_a_target(real_site: Path) -> None:
    indicators = {i["id"]: i for i in rows(real_site, "policy", "indicators")}
    for indicator_id, indicator in indicators.items():
        markup = page(real_site, f"indicators/{indicator_id}.html")
        if not indicator["target_value"] and not indicator["target_as_printed"]:
            assert "<strong>資料に目標値なし</strong>" in markup
            assert "達成率" not in text_of(markup).replace("達成率ではありません", "")
            assert "<progress" not in markup
    for kpi in rows(real_site, "policy", "related-kpis"):
        markup = page(real_site, f"indicators/{kpi['indicator_id']}.html")
        for printed in (kpi["kpi_as_printed"], kpi["plan"], kpi["deadline_as_printed"], kpi["scope"], kpi["slide"]):
            assert html.escape(printed) in markup, printed
        assert "この指標の目標値ではありません" in markup and "この指標の目標に対する達成率ではありません" in markup
        key = f"{kpi['indicator_id']}|{kpi['kpi']}"
        assert tag(f"policy/related-kpis#{key}/pairing_basis", INFERRED) in markup


# 6. captions and prose: no more than the source says


def test_6_home_headline_carries_the_discrepancy_flag(real_site: Path) -> None:
    descriptor = json.loads(page(real_site, "datasets/hikikomori-consultations/datapackage.json"))
    trend = next(r for r in descriptor["resources"] if r["name"] == "cases-trend")
    note = next(d["note"] for d in trend["checks"][0]["discrepancies"] if d["where"] == {"fiscal_year": 2023})
    total = next(
        r
        for r in rows(real_site, "hikikomori-consultations", "cases-trend")
        if r["channel"] == "合計" and r["fiscal_year"] == "2023"
    )
    home = page(real_site, "index.html")
    figure = f"{int(total['cases']):,}件</data></a>"
    assert figure in home
    # the figure is followed by the flag, the declared note and its standing; the flag links to the same note
    # on the dataset page as the table row's flag
    flag = home.split(figure, 1)[1].split("（このサイトによる整理）］</span>", 1)[0]
    assert flag.startswith('<span class="value-flag" role="note" data-standing="このサイトによる整理"'), flag
    assert note in text_of(flag)
    anchor = flag.split('href="datasets/hikikomori-consultations/index.html#', 1)[1].split('"', 1)[0]
    dataset = page(real_site, "datasets/hikikomori-consultations/index.html")
    assert f'<li id="{anchor}">' in dataset
    assert note in text_of(dataset.split(f'<li id="{anchor}">', 1)[1].split("</li>", 1)[0])


def test_6_prose_corrections(real_site: Path) -> None:
    consultations = text_of(page(real_site, "programmes/hikikomori-consultations.html"))
    assert "比べられません" in consultations
    # pages write years in the site's style: 令和４年度 reads 2022（令和4）年度
    assert "2022（令和4）年度の値は、抽出したテキスト" not in consultations
    assert (
        "2022（令和4）年度の値は、各相談方法の数値の並び順から当てたもので、その和は印字された合計と一致しません"
        in consultations
    )
    overview_markup = page(real_site, "programmes/hikikomori-support-overview.html")
    overview = text_of(overview_markup)
    for row in rows(real_site, "hikikomori-support-programmes", "specialised-programmes-fy2024"):
        assert row["municipalities_as_printed"] in overview
        if row["municipalities_as_printed"] != f"{row['municipalities']}市区町村":
            assert f"{row['municipalities']}市区町村" not in overview, "a count shown otherwise than printed"
    assert "「※原則２年後に市町村事業に移行」" in overview and "一定期間の後に" not in overview
    assert "約10倍になった" in text_of(page(real_site, "programmes/multilayered-support-programme.html"))
    assert "約10倍になった" in text_of(page(real_site, "datasets/jusou-implementation/index.html"))


def test_6_expected_support_shares_name_their_base(real_site: Path) -> None:
    respondents = {
        r["group"]: r["respondents"] for r in rows(real_site, "jusou-municipal-survey-r5", "expected-support")
    }
    spec = json.loads(page(real_site, "charts/jusou-municipal-survey-r5/expected-support-expected.vl.json"))
    for count in respondents.values():
        assert f"{count}市町村" in spec["description"]
    assert "必要あり" in spec["description"] and "全回答市町村ではなく" in spec["description"]
    prose = text_of(page(real_site, "programmes/comprehensive-support-system.html"))
    assert "「必要あり」と答えた市町村に占める割合とみられます" in prose


def test_6_glossary_credits_only_what_the_source_defines() -> None:
    with (ROOT / "content" / "glossary.csv").open(encoding="utf-8") as stream:
        terms = {row["term"]: row for row in csv.DictReader(stream)}
    assert "住民への周知" not in terms["ひきこもり相談窓口"]["definition"]
    general = {
        "交付金",
        "補助率",
        "基準額",
        "当初予算",
        "概算要求",
        "補正予算",
        "負担割合",
        "アウトプット",
        "事前分析表",
    }
    assert all(terms[t]["standing"] == INFERRED for t in general)
    assert {row["standing"] for row in terms.values()} == {PRINTED, INFERRED, OTHER_PUBLIC_DOCUMENT}
    # a definition taken from another public document names it (a law, a guideline), never a slide of the sheet
    for row in terms.values():
        if row["standing"] == OTHER_PUBLIC_DOCUMENT:
            assert row["source"] and "「【概要】" not in row["source"] and not row["source"].startswith("p.")


def test_6_glossary_page_says_which_definitions_are_the_sites(real_site: Path) -> None:
    with (ROOT / "content" / "glossary.csv").open(encoding="utf-8") as stream:
        own = sum(row["standing"] == INFERRED for row in csv.DictReader(stream))
    glossary = page(real_site, "glossary/index.html")
    assert glossary.count("このサイトによる説明です。事前分析表にこの用語の定義はありません") == own


# 7. reconstruction shown wherever it is published


def test_7_reconstructed_measures_and_budgets_say_so(real_site: Path) -> None:
    for measure in rows(real_site, "policy", "measures"):
        markup = page(real_site, f"measures/{measure['id']}.html")
        assert tag(f"policy/measures#{measure['id']}", measure["standing"]) in markup
        if measure["standing"] == RECONSTRUCTED:
            assert html.escape(measure["standing_basis"]) in markup
    assert sum(m["standing"] == RECONSTRUCTED for m in rows(real_site, "policy", "measures")) >= 5
    budget = rows(real_site, "guardianship-promotion-programme", "budget")
    assert [b["reconstructed"] for b in budget] == ["true"]


def test_7_every_marked_row_has_its_legend(real_site: Path) -> None:
    """A table with rows marked 「＊」 explains the mark (and how the rows were rebuilt)."""
    for descriptor_path in sorted((real_site / "datasets").glob("*/datapackage.json")):
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        dataset_page = page(real_site, f"datasets/{descriptor['name']}/index.html")
        for resource in descriptor["resources"]:
            marked = [
                r
                for r in rows(real_site, descriptor["name"], resource["name"])
                if r.get("reconstructed") == "true" or r.get("standing") == RECONSTRUCTED
            ]
            if marked:
                assert resource.get("reconstruction"), f"{descriptor['name']}/{resource['name']}: no method"
                assert f"表の＊印の{len(marked)}行は" in dataset_page, descriptor["name"]
