"""The logic model on the site: every indicator and measure has a page, linked both ways; the review."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, config_beside, run_cli

POLICY = ROOT / "datapackages" / "policy"


def ids(resource: str) -> list[str]:
    with (POLICY / "data" / f"{resource}.csv").open(encoding="utf-8") as stream:
        return [row["id"] for row in csv.DictReader(stream)]


def links_in(page: Path) -> set[str]:
    return set(re.findall(r'href="([^"#]+)', page.read_text(encoding="utf-8")))


def test_every_indicator_and_measure_has_a_page_linked_both_ways(real_site: Path) -> None:
    with (POLICY / "data" / "measure-links.csv").open(encoding="utf-8") as stream:
        pairs = {(row["indicator_id"], row["measure_id"]) for row in csv.DictReader(stream) if row["indicator_id"]}
    for indicator in ids("indicators"):
        assert (real_site / "indicators" / f"{indicator}.html").exists()
    for measure in ids("measures"):
        assert (real_site / "measures" / f"{measure}.html").exists()
    for indicator, measure in pairs:
        assert f"../measures/{measure}.html" in links_in(real_site / "indicators" / f"{indicator}.html")
        assert f"../indicators/{indicator}.html" in links_in(real_site / "measures" / f"{measure}.html")
    model_page = links_in(real_site / "logic-model" / "index.html")
    assert {f"../indicators/{i}.html" for i in ids("indicators") if i != "indicator-12"} <= model_page


def test_review_page_and_json_list_all_eleven_items(real_site: Path) -> None:
    html = (real_site / "review" / "index.html").read_text(encoding="utf-8")
    assert all(f'id="item-{n}"' in html for n in range(1, 12))
    data = json.loads((real_site / "review.json").read_text(encoding="utf-8"))
    items = data["items"] if isinstance(data, dict) and "items" in data else data
    assert len(items) == 11


def test_indicator_without_figures_says_so(real_site: Path) -> None:
    html = (real_site / "indicators" / "indicator-2.html").read_text(encoding="utf-8")
    assert "<strong>資料に実績値なし</strong>" in html and 'data-absent="data_resource"' in html


def test_unacknowledged_mechanical_findings_fail_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    shutil.copytree(POLICY, data / "policy")
    config_beside(data, logic_model="policy")
    descriptor = json.loads((data / "policy" / "datapackage.json").read_text(encoding="utf-8"))
    descriptor.pop("review")
    (data / "policy" / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    code, _, err = run_cli(["--data", str(data), "--check", "--strict", "--no-cache"], capsys)
    assert code == 1 and "review item 7:" in err
    code, out, _ = run_cli(["--data", str(data), "--check", "--no-cache"], capsys)
    assert code == 0 and "review     5 pass, 1 finding, 5 needs judgement" in out
