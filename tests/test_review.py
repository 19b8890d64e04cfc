"""The automatic review of the policy logic model against its 11-item checklist (datasite/policy/review.py).

Each fixture under fixtures/review is a small hand-written set of tables that breaks one rule, with the
status every item must get; the last tests run the review on the real policy package.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from frictionless import Package
from frictionless.resources import TableResource

from datasite.policy.review import ITEMS, STATUSES, Evidence, ItemResult, ReviewOptions, review, to_json
from tests.conftest import FIXTURES, ROOT, WORDS

CASES = sorted((FIXTURES / "review").glob("*.json"))
POLICY = ROOT / "datapackages" / "policy" / "datapackage.json"
MECHANICAL = {2, 4, 5, 7, 9, 10}
JUDGEMENT = {1, 3, 8}
# 6: an indicator whose main status the site could not read; 11: no threshold in the checklist's words
SOMETIMES_JUDGEMENT = {6, 11}
# The sheet's year and the package the review's links name, as the real site's configuration gives them.
OPTIONS: dict[str, Any] = {"current_fiscal_year": 2025, "package": "policy"}
DEFAULT = ReviewOptions(**OPTIONS)
# The checklist as the sheet prints it, from the catalogue: the texts of a review whose package has no checklist.
PRINTED_TEXTS = {number: WORDS(f"checklist.item_{number}") for number in ITEMS}


def _case(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / "review" / f"{name}.json").read_text(encoding="utf-8"))
    return doc


def _item(results: list[ItemResult], number: int) -> ItemResult:
    return next(r for r in results if r.number == number)


def _evidence(result: ItemResult, link: str) -> Evidence:
    return next(e for e in result.evidence if e.link == link)


def _real_tables() -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {}
    for resource in Package(str(POLICY)).resources:
        assert isinstance(resource, TableResource), resource.name
        tables[resource.name] = [row.to_dict() for row in resource.read_rows()]
    return tables


def _check_shape(results: list[ItemResult]) -> None:
    assert [r.number for r in results] == list(range(1, 12))
    for r in results:
        assert r.status in STATUSES
        assert r.text
        # one Japanese sentence: a single full stop, at the end
        assert r.summary.endswith("。") and r.summary.count("。") == 1, r.summary
        if r.number in MECHANICAL:
            assert r.mechanical
        if r.status == "needs-judgement":
            assert r.number in JUDGEMENT | SOMETIMES_JUDGEMENT and not r.mechanical
        else:
            assert r.number not in JUDGEMENT or r.status == "finding"
            assert r.mechanical
        if r.status == "finding":
            assert r.mechanical, "a finding is always decided by the machine"
        assert r.evidence, f"item {r.number} gives no evidence"
        assert all(e.label and e.detail for e in r.evidence)


# --------------------------------------------------------------------------- fixtures


def test_fixtures_cover_each_rule() -> None:
    names = {p.stem for p in CASES}
    assert {"all-pass", "no-outcome", "indicator-without-measure", "issue-without-target", "too-many-measures"} <= names
    assert "all-main-indicators" in names
    found = {
        n for p in CASES for n, s in json.loads(p.read_text(encoding="utf-8"))["expected"].items() if s == "finding"
    }
    assert found == {str(n) for n in range(1, 12) if n != 8}, "every mechanical rule has a fixture that breaks it"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture_statuses(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(doc["expected"], key=int) == [str(n) for n in range(1, 12)]
    results = review(doc["tables"], ReviewOptions(**{**OPTIONS, **doc.get("options", {})}), WORDS)
    _check_shape(results)
    assert {str(r.number): r.status for r in results} == doc["expected"]
    assert [r.text for r in results] == [PRINTED_TEXTS[n] for n in range(1, 12)], "no checklist table: printed texts"


def test_all_pass_links_and_judgement_evidence() -> None:
    results = review(_case("all-pass")["tables"], DEFAULT, WORDS)
    assert all(r.status != "finding" for r in results)
    item8 = _item(results, 8)
    detail = _evidence(item8, "indicator:indicator-1").detail
    assert "基準値800（2024-04-01）" in detail and "目標値1,000（2025年度・令和7年度）" in detail
    assert "example-package/windows" in {e.link for e in item8.evidence}
    item1 = _item(results, 1)
    quoted = [(e.detail, e.standing) for e in item1.evidence if e.link == "issue:issue-2"]
    assert quoted == [
        ("・ 支援に携わる職員が不足している。", "資料の記載"),
        ("※ 研修の受講者は増加傾向。", "資料からの再構成"),
    ]
    assert [(b.standing, b.what) for b in item1.rests_on] == [
        ("資料からの再構成", "現状（背景）の記述1件：課題への割り当て")
    ]
    assert [e.link for e in _item(results, 3).evidence] == ["target:target-1", "target:target-2"]
    assert _evidence(_item(results, 10), "indicator:indicator-2").detail == "1件：相談窓口運営補助"
    assert "内訳とした事業を親事業にまとめると1件" in _evidence(_item(results, 11), "target:target-1").detail


def test_no_outcome_reports_item5() -> None:
    item = _item(review(_case("no-outcome")["tables"], DEFAULT, WORDS), 5)
    assert item.status == "finding" and "アウトカムの指標がない" in item.summary
    assert next(e for e in item.evidence if e.label == "アウトカム").detail.startswith("0件")


def test_target_without_outcome_lists_the_target() -> None:
    item = _item(review(_case("target-without-outcome")["tables"], DEFAULT, WORDS), 5)
    assert item.status == "finding" and "（達成目標２）" in item.summary
    assert "アウトカムの指標がない" in _evidence(item, "target:target-2").detail


def test_indicator_without_measure_names_it() -> None:
    item = _item(review(_case("indicator-without-measure")["tables"], DEFAULT, WORDS), 10)
    assert "測定指標４" in item.summary
    assert _evidence(item, "indicator:indicator-4").detail.startswith("関連する達成手段が0件")


def test_reference_indicator_without_measure_is_not_a_finding() -> None:
    tables = _case("all-pass")["tables"]
    assert not any(link["indicator_id"] == "indicator-5" for link in tables["measure-links"])
    item = _item(review(tables, DEFAULT, WORDS), 10)
    assert item.status == "pass" and "参考指標のため項目10の対象外" in _evidence(item, "indicator:indicator-5").detail


def test_issue_without_target_names_it() -> None:
    results = review(_case("issue-without-target")["tables"], DEFAULT, WORDS)
    assert "課題３「広報の充実」" in _item(results, 2).summary
    assert _evidence(_item(results, 2), "issue:issue-3").detail == "対応する達成目標がない。"


def test_many_measures_need_judgement_without_a_threshold() -> None:
    """The checklist says 「多数」 without a number: the counts are shown and judged by a person."""
    tables = _case("too-many-measures")["tables"]
    item = _item(review(tables, DEFAULT, WORDS), 11)
    assert item.status == "needs-judgement" and not item.mechanical
    assert "達成目標１に9件" in item.summary and "基準がない" in item.summary
    assert _evidence(item, "target:target-1").detail.startswith("9件：")


def test_a_threshold_is_named_as_the_sites_own() -> None:
    tables = _case("too-many-measures")["tables"]
    item = _item(review(tables, ReviewOptions(**{**OPTIONS, "max_measures_per_target": 8}), WORDS), 11)
    assert item.status == "finding" and "このサイトの目安（8件）を超える" in item.summary
    assert "このサイトが設けた目安" in next(e.detail for e in item.evidence if e.label == "判断の基準")
    assert _item(review(tables, ReviewOptions(**{**OPTIONS, "max_measures_per_target": 9}), WORDS), 11).status == "pass"


def test_current_fiscal_year_option() -> None:
    tables = _case("all-pass")["tables"]
    assert _item(review(tables, ReviewOptions(2025, "policy"), WORDS), 7).status == "pass"
    item = _item(review(tables, ReviewOptions(2026, "policy"), WORDS), 7)
    assert item.status == "finding" and "当該年度（2026年度）" in item.summary
    assert "目標値1,000（2025年度・令和7年度）は当該年度（2026年度）の目標値ではない。" in {
        e.detail for e in item.evidence
    }


def test_main_indicator_unknown_is_not_a_finding_against_the_sheet() -> None:
    item = _item(review(_case("main-indicator-unknown")["tables"], DEFAULT, WORDS), 6)
    assert item.status == "needs-judgement" and not item.mechanical
    assert "太字・下線" in item.summary and "読み取れていない" in item.summary and "原本で確認" in item.summary


def test_all_main_indicators_is_a_finding() -> None:
    item = _item(review(_case("all-main-indicators")["tables"], DEFAULT, WORDS), 6)
    assert item.status == "finding" and "区分されていない" in item.summary


def test_empty_tables_still_give_eleven_items() -> None:
    results = review({}, DEFAULT, WORDS)
    assert [r.number for r in results] == list(range(1, 12))
    assert [r.text for r in results] == [PRINTED_TEXTS[n] for n in range(1, 12)]
    assert {r.number for r in results if r.status == "finding"} == set(range(1, 11)) - {8}
    assert _item(results, 8).status == "needs-judgement" and _item(results, 11).status == "needs-judgement"


def test_review_is_pure() -> None:
    tables = _case("too-many-measures")["tables"]
    before = copy.deepcopy(tables)
    first = review(tables, DEFAULT, WORDS)
    assert tables == before
    assert review(tables, DEFAULT, WORDS) == first


def test_to_json_is_stable_and_complete() -> None:
    results = review(_case("no-current-year-target")["tables"], DEFAULT, WORDS)
    data = to_json(results)
    dumped = json.dumps(data, sort_keys=True, ensure_ascii=False)
    assert dumped == json.dumps(to_json(list(reversed(results))), sort_keys=True, ensure_ascii=False)
    assert json.loads(dumped) == data
    assert data["counts"] == {"pass": 6, "finding": 1, "needs-judgement": 4}
    item = data["items"][6]
    assert sorted(item) == ["evidence", "mechanical", "number", "rests_on", "status", "summary", "text"]
    assert (item["number"], item["status"], item["mechanical"]) == (7, "finding", True)
    assert sorted(item["evidence"][0]) == ["basis", "detail", "label", "link", "standing"]


# --------------------------------------------------------------------------- the real policy package


def test_real_policy_package(capsys: pytest.CaptureFixture[str]) -> None:
    tables = _real_tables()
    results = review(tables, DEFAULT, WORDS)
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")
    _check_shape(results)
    checklist = {row["number"]: row["text"] for row in tables["checklist"]}
    assert {r.number: r.text for r in results} == checklist
    notes = {
        r.number: [e.label for e in r.evidence if e.link == "policy/checklist" and e.label.startswith("（注")]
        for r in results
    }
    assert (
        notes[1] == ["（注１）"] and notes[3] == ["（注２）"] and notes[5] == ["（注３）"] and notes[11] == ["（注２）"]
    )
    json.dumps(to_json(results), sort_keys=True, ensure_ascii=False)


def test_real_review_judges_only_by_the_checklists_words() -> None:
    """Issue 16, point 3: no invented threshold; results resting on the site's links say so."""
    results = review(_real_tables(), DEFAULT, WORDS)
    statuses = {r.number: r.status for r in results}
    assert statuses[11] == "needs-judgement" and "上限" not in _item(results, 11).summary
    assert statuses[6] == "needs-judgement", "an unread main-indicator flag is the site's limit, not a finding"
    for number in (10, 11):
        item = _item(results, number)
        assert item.summary.startswith("このサイトが推定した対応では、"), item.summary
        assert (
            "このサイトによる整理",
            "達成手段と達成目標・測定指標の対応32件：どの事業がどの目標・指標に関わるか",
        ) in {(b.standing, b.what) for b in item.rests_on}
    dumped = json.dumps(to_json(results), ensure_ascii=False)
    assert "資料のとおり" not in dumped and "資料上" not in dumped and "抽出" not in dumped


def test_printed_checklist_texts_match_the_package() -> None:
    checklist = {row["number"]: row["text"] for row in _real_tables()["checklist"]}
    assert checklist == PRINTED_TEXTS
