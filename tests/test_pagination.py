"""Long listings are split into light pages that link to each other."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from datasite import cli
from datasite.pages import pagination
from tests.conftest import SAMPLE, WORDS, config_beside

PAGE_LIMIT = 100 * 1024


def test_chunk_by_size_keeps_order_and_budget() -> None:
    chunks = pagination.chunk_by_size([5, 5, 5, 9, 1, 20, 2], lambda n: n, 10)
    assert chunks == [[5, 5], [5], [9, 1], [20], [2]]
    assert pagination.chunk_by_size([], lambda n: n, 10) == [[]]


def test_chunk_by_count() -> None:
    assert pagination.chunk_by_count(list(range(5)), 2) == [[0, 1], [2, 3], [4]]
    assert pagination.chunk_by_count([], 3) == [[]]


def test_paginations_link_every_page_and_mark_the_current_one() -> None:
    pages = pagination.paginations(3, WORDS.counting)
    assert [p.label for p in pages] == ["（1/3ページ）", "（2/3ページ）", "（3/3ページ）"]
    assert [link.href for link in pages[1].links] == ["index.html", "page-2.html", "page-3.html"]
    assert [link.current for link in pages[1].links] == [False, True, False]
    assert pages[0].previous is None and pages[0].next == pages[0].links[1]
    assert pages[2].next is None and pages[2].previous == pages[2].links[1]
    assert pagination.paginations(1, WORDS.counting)[0].label == ""


def site_of_copies(root: Path, count: int, edit: Callable[[int, dict[str, Any]], None]) -> Path:
    """``count`` copies of the golden package, each descriptor changed by ``edit(index, descriptor)``, built."""
    data = root / "data"
    source = SAMPLE
    config_beside(data)
    for index in range(count):
        descriptor = json.loads((source / "datapackage.json").read_text(encoding="utf-8"))
        edit(index, descriptor)
        folder = data / descriptor["name"]  # a package's folder is named as the package
        shutil.copytree(source, folder)
        (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    out = root / "site"
    assert cli.main(["--data", str(data), "--out", str(out), "--no-cache"]) == 0
    return out


@pytest.fixture(scope="module")
def crowded_area(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Forty copies of the golden package in one policy area: far more than one light page holds."""

    def edit(index: int, descriptor: dict[str, Any]) -> None:
        descriptor.update(name=f"sample-{index:02d}", title=f"見本データ{index:02d}")

    return site_of_copies(tmp_path_factory.mktemp("crowded"), 40, edit)


def test_a_crowded_area_is_split_into_light_linked_pages(crowded_area: Path) -> None:
    folder = crowded_area / "areas" / "hikikomori"
    pages = sorted(folder.glob("*.html"), key=lambda p: (p.name != "index.html", len(p.name), p.name))
    assert len(pages) > 1
    seen: list[str] = []
    for number, page in enumerate(pages, start=1):
        html = page.read_text(encoding="utf-8")
        assert len(html.encode("utf-8")) <= PAGE_LIMIT, page.name
        assert f"（{number}/{len(pages)}ページ）" in html
        current = re.findall(r'<a href="([^"]+)" aria-current="page">', html)
        assert current == [page.name, page.name]  # the top and the bottom navigation
        for href in set(re.findall(r'<nav class="pagination"[^>]*>.*?</nav>', html, re.S)):
            for target in re.findall(r'href="([^"]+)"', href):
                assert (folder / target).is_file(), target
        seen += re.findall(r'<h2 id="p-(sample-\d\d)">', html)
    assert sorted(seen) == [f"sample-{i:02d}" for i in range(40)]  # every dataset exactly once, in order
    assert seen == sorted(seen)


def test_no_page_of_the_real_site_is_over_100_kb(real_site: Path) -> None:
    heavy = {
        page.relative_to(real_site).as_posix(): page.stat().st_size
        for page in real_site.rglob("*.html")
        if page.stat().st_size > PAGE_LIMIT
    }
    assert heavy == {}


def test_a_big_dataset_page_shows_fewer_preview_rows(real_site: Path) -> None:
    # datasets/policy holds nine long-text tables: its previews shrink so that the page stays light.
    html = (real_site / "datasets" / "policy" / "index.html").read_text(encoding="utf-8")
    shown = {int(n) for n in re.findall(r"先頭(\d+)行を表示しています", html)}
    assert shown and max(shown) < 20
    small = (real_site / "datasets" / "hikikomori-consultations" / "index.html").read_text(encoding="utf-8")
    assert all(int(n) == 20 for n in re.findall(r"先頭(\d+)行を表示しています", small))


@pytest.fixture(scope="module")
def big_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 chart-less copies of the golden package over the three policy areas: a catalogue of several pages."""

    def edit(index: int, descriptor: dict[str, Any]) -> None:
        descriptor.update(name=f"table-{index:03d}", title=f"表{index:03d}", policy_area=index % 3 + 1)
        for resource in descriptor["resources"]:
            resource.pop("charts", None)

    return site_of_copies(tmp_path_factory.mktemp("catalogue"), 300, edit)


def test_a_big_catalogue_is_split_and_indexed(big_catalogue: Path) -> None:
    folder = big_catalogue / "datasets"
    pages = sorted(folder.glob("*.html"), key=lambda p: (p.name != "index.html", len(p.name), p.name))
    assert len(pages) > 1
    listed: list[str] = []
    for number, page in enumerate(pages, start=1):
        html = page.read_text(encoding="utf-8")
        assert len(html.encode("utf-8")) <= PAGE_LIMIT and f"（{number}/{len(pages)}ページ）" in html
        listed += re.findall(r'<li data-area="[^"]+" data-topics="[^"]*"><a href="\.\./datasets/(table-\d+)/', html)
    assert sorted(listed) == [f"table-{i:03d}" for i in range(300)]
    index = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
    assert [item["name"] for item in index] == listed  # the same datasets, in the same order
    for item in index:
        assert all((folder / resource["csv"]).is_file() for resource in item["resources"])


def test_the_filter_of_a_split_catalogue_searches_every_page(big_catalogue: Path, browser: Browser) -> None:
    import functools
    import threading
    from http.server import ThreadingHTTPServer

    from tests.conftest import QuietHandler

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(big_catalogue)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/datasets/page-2.html")
        on_this_page = page.locator("#catalogue-page li[data-topics]").count()
        page.select_option("#filter-area", "hikikomori")
        expect(page.locator("#catalogue-results")).to_have_js_property("hidden", False)
        assert page.locator("#catalogue-results ul.catalogue > li").count() == 100  # every area-2 table
        assert "100件" in page.locator("#filter-count").inner_text()
        assert page.locator("#catalogue-page").is_hidden()
        href = page.locator("#catalogue-results ul.catalogue > li > a").first.get_attribute("href")
        assert href is not None and page.request.get(page.url.rsplit("/", 1)[0] + "/" + href).ok
        page.select_option("#filter-area", "")
        assert page.locator("#catalogue-page").is_visible()
        assert page.locator("#catalogue-page li[data-topics]").count() == on_this_page
        assert errors == []
        context.close()
    finally:
        server.shutdown()
        server.server_close()
