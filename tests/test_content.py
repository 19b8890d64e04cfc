"""Prose pages: figures come from the data, Japanese typography, glossary links on first use."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from datasite.content import JapaneseMarkdown, Term
from tests.conftest import FIXTURES, ONE_CHART_WORKER, ROOT, SAMPLE, config_beside, run_cli

PAGE = """---
title: 相談の解説
area: 2
summary: テスト
---

令和5年度の電話相談は{{value sample-consultations/consultations count fiscal_year=2023 channel=電話}}でした。
相談は増えています。

{{chart sample-consultations/consultations trend}}

詳しくは{{table sample-consultations/consultations}}を参照。
"""


def build_with_content(tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture[str], page: str = PAGE) -> Path:
    data = tmp_path / "datapackages"
    if not data.exists():
        shutil.copytree(SAMPLE, data / SAMPLE.name)
        config_beside(data)
    programmes = tmp_path / "content" / "programmes"
    programmes.mkdir(parents=True, exist_ok=True)
    (programmes / "consultations.md").write_text(page, encoding="utf-8")
    (tmp_path / "content" / "glossary.csv").write_text(
        "term,reading,definition,programme,source\n電話相談,でんわそうだん,電話で受ける相談。,consultations,p.1\n",
        encoding="utf-8",
    )
    args = ["--data", str(data), "--out", str(tmp_path / "site"), "--cache", str(cache), *ONE_CHART_WORKER]
    code, _, err = run_cli(args, capsys)
    assert code == 0, err
    return tmp_path / "site"


def test_value_directive_shows_the_csv_value_with_unit_and_link(
    tmp_path: Path, build_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = (build_with_content(tmp_path, build_cache, capsys) / "programmes" / "consultations.html").read_text(
        encoding="utf-8"
    )
    assert '<data value="120">120件</data>' in html
    assert 'href="../datasets/sample-consultations/index.html#sample-consultations-consultations"' in html
    assert 'class="chart"' in html and "consultations-trend.svg" in html
    assert "{{" not in html


@pytest.mark.slow
def test_changing_the_csv_changes_the_prose(
    tmp_path: Path, build_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_with_content(tmp_path, build_cache, capsys)
    csv = tmp_path / "datapackages" / "sample-consultations" / "data" / "consultations.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("電話,120", "電話,121").replace("計,190", "計,191"), "utf-8")
    html = (build_with_content(tmp_path, build_cache, capsys) / "programmes" / "consultations.html").read_text(
        encoding="utf-8"
    )
    assert '<data value="121">121件</data>' in html


def test_glossary_page_and_first_use_links(
    tmp_path: Path, build_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = PAGE.replace("相談は増えています。", "電話相談は増え、電話相談の窓口も増えています。")
    site = build_with_content(tmp_path, build_cache, capsys, page)
    html = (site / "programmes" / "consultations.html").read_text(encoding="utf-8")
    assert html.count('class="term"') == 1
    glossary = (site / "glossary" / "index.html").read_text(encoding="utf-8")
    assert 'id="term-1"' in glossary and "../programmes/consultations.html" in glossary


def test_bad_directives_fail_with_file_and_line() -> None:
    expected = (FIXTURES / "invalid" / "content-bad-directive" / "expected.txt").read_text(encoding="utf-8")
    assert "content/programmes/sample.md:7:" in expected and "content/programmes/sample.md:11:" in expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("これは**「東京都」**の例。", "これは<strong>「東京都」</strong>の例。"),
        ("*「強調」*です", "<em>「強調」</em>です"),
        ("日本語の\n改行", "日本語の改行"),
        ("English\nline", "English\nline"),
        ("値は2\n件", "値は2\n件"),
        ("<b>生のHTML</b>", "&lt;b&gt;生のHTML&lt;/b&gt;"),
        ("[リンク](page.md)", '<a href="page.html">リンク</a>'),
        ("[危険](javascript:alert(1))", "[危険](javascript:alert(1))"),
    ],
)
def test_japanese_typography(source: str, expected: str) -> None:
    assert expected in JapaneseMarkdown().render(source)


def test_glossary_links_skip_existing_links_and_repeat_uses() -> None:
    terms = (Term("中核機関", "ちゅうかくきかん", "定義", "", "", "term-1"),)
    html = JapaneseMarkdown(terms).render("[中核機関](x.html)と中核機関と中核機関", lambda t: "#" + t.anchor, set())
    assert html.count('href="#term-1"') == 1 and '<a href="x.html">中核機関</a>' in html


def test_real_content_builds_and_every_page_is_reachable(real_site: Path) -> None:
    listing = (real_site / "programmes" / "index.html").read_text(encoding="utf-8")
    for page in sorted((ROOT / "content" / "programmes").glob("*.md")):
        assert f'href="../programmes/{page.stem}.html"' in listing
        assert (real_site / "programmes" / f"{page.stem}.html").exists()
    assert (real_site / "glossary" / "index.html").exists()
