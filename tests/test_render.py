"""Untrusted text stays text: titles, descriptions, cells and links from packages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from datasite import formatting, render
from datasite.model import Field, era_label, fiscal_year_label
from tests.conftest import SAMPLE, WORDS, config_beside, run_cli

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def hostile_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data / SAMPLE.name)
    config_beside(data)
    descriptor_path = data / "sample-consultations" / "datapackage.json"
    d = json.loads(descriptor_path.read_text(encoding="utf-8"))
    d["title"] = HOSTILE
    d["description"] = f"{HOSTILE} <img src=x onerror=alert(1)> {{{{ 7*7 }}}} {{% if true %}}T{{% endif %}}"
    d["sources"] = [{"title": "悪いリンク", "path": "javascript:alert(1)"}]
    d["resources"][0]["title"] = HOSTILE
    d["resources"][0]["notes"] = [HOSTILE]
    d["resources"][0]["schema"]["fields"][2]["title"] = HOSTILE
    descriptor_path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    csv = data / "sample-consultations" / "data" / "consultations.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",電話,", ',"<b>電話</b>",'), encoding="utf-8")
    assert run_cli(["--data", str(data), "--out", str(tmp_path / "site")], capsys)[0] == 0
    return tmp_path / "site"


def test_hostile_text_is_escaped_everywhere(hostile_site: Path) -> None:
    pages = [p.read_text(encoding="utf-8") for p in hostile_site.rglob("*.html")]
    joined = "\n".join(pages)
    assert "<script>alert" not in joined
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in joined
    assert "<img src=x" not in joined and "<b>電話</b>" not in joined
    assert "{{ 7*7 }}" in joined and "49" not in joined.split("7*7")[0][-5:]
    assert 'href="javascript:' not in joined
    dataset = (hostile_site / "datasets" / "sample-consultations" / "index.html").read_text(encoding="utf-8")
    assert "悪いリンク" in dataset


def test_json_in_script_cannot_close_the_element() -> None:
    assert "</script>" not in str(render.json_script({"a": "</script><script>x()</script>"}))


@pytest.mark.parametrize(
    ("url", "safe"),
    [("https://example.jp/", True), ("http://x", True), ("javascript:alert(1)", False), (" data:x", False), (3, False)],
)
def test_only_http_links(url: object, safe: bool) -> None:
    assert render.is_safe_url(url) is safe


def test_cells_are_formatted_for_japanese_readers() -> None:
    count = Field("count", "integer", "件数", "件", "", {}, False)
    year = Field("fiscal_year", "integer", "年度", None, "", {}, True)
    assert formatting.format_cell(1234567, count, words=WORDS) == "1,234,567"
    assert formatting.format_cell(2023, year, words=WORDS) == '<span class="nw">2023（令和5）年度</span>'  # one line
    assert "欠測" in str(formatting.format_cell(None, count, words=WORDS))


def test_era_labels() -> None:
    assert era_label(2019, WORDS) == "令和元年度"
    assert era_label(2023, WORDS) == "令和5年度"
    assert era_label(2018, WORDS) == "平成30年度"
    assert fiscal_year_label(2023, WORDS) == "2023（令和5）年度"


def test_every_page_has_lang_csp_and_relative_links(golden_site: Path) -> None:
    for page in golden_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert '<html lang="ja">' in html
        assert "Content-Security-Policy" in html and "unsafe-eval" not in html
        assert 'href="/' not in html and 'src="/' not in html and "//cdn" not in html
