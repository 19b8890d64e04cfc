"""An edition in another language needs no change of code: the site's language (site.toml) and a catalogue of
words for it (strings.toml in a --templates folder) are enough for every word Python puts on a page, in a chart or
in a download. Here the "edition" is the golden site with each text of the catalogue marked (EN[…]), so that the
test can tell the catalogue's words from the templates' (which an edition replaces by its own templates)."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from datasite import cli
from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow  # a whole build


def marked(table: dict[str, Any], prefix: str = "") -> list[str]:
    """TOML lines of ``table`` with each text wrapped in EN[…] (its placeholders kept), sub-tables after texts."""
    lines = [
        f"{key} = {json.dumps('EN[' + value + ']', ensure_ascii=False)}"
        for key, value in table.items()
        if isinstance(value, str)
    ]
    for key, value in table.items():
        if isinstance(value, dict):
            lines += ["", f"[{prefix}{key}]", *marked(value, f"{prefix}{key}.")]
    return lines


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("edition")
    shutil.copytree(FIXTURES / "golden", root / "project", ignore=shutil.ignore_patterns("expected"))
    config = root / "project" / "site.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[site]\n", '[site]\nlanguage = "en"\n', 1), encoding="utf-8")
    catalogue = tomllib.loads((ROOT / "templates" / "strings.toml").read_text(encoding="utf-8"))["ja"]
    words = root / "templates" / "strings.toml"
    words.parent.mkdir()
    words.write_text("\n".join(["[en]", *marked(catalogue, "en.")]) + "\n", encoding="utf-8")
    out = root / "site"
    data = str(root / "project" / "datapackages")
    assert cli.main(["--data", data, "--out", str(out), "--templates", str(words.parent), "--no-cache"]) == 0
    return out


def test_every_page_and_feed_is_in_the_sites_language(edition: Path) -> None:
    pages = sorted(edition.rglob("*.html"))
    assert len(pages) > 20
    assert [p.name for p in pages if '<html lang="en">' not in p.read_text(encoding="utf-8")] == []
    assert 'xml:lang="en"' in (edition / "feed.xml").read_text(encoding="utf-8")
    assert '"dct:language": "en"' in (edition / "catalog.jsonld").read_text(encoding="utf-8")


def test_the_words_python_writes_come_from_the_editions_catalogue(edition: Path) -> None:
    not_found = (edition / "404.html").read_text(encoding="utf-8")
    assert "<title>EN[ページが見つかりません]" in not_found
    review = (edition / "review" / "index.html").read_text(encoding="utf-8")
    assert (
        "EN[" in review and "EN[施策目標の実現に向けて、どのような課題があるかを過不足なく記載できているか。]" in review
    )
    svg = next((edition / "charts").rglob("*.svg")).read_text(encoding="utf-8")
    assert "EN[出典：" in svg  # the credit line drawn into each chart image
    government = (edition / "local-governments" / "312011.html").read_text(encoding="utf-8")
    assert "EN[このサイト独自の比較グループ]" in government
