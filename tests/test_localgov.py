"""Local-government pages, this site's own peer groups, maps of linked tables, and the status drop-in."""

from __future__ import annotations

import csv
import io
import itertools
import json
import posixpath
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from datasite import charts, cli, load, localgov, localgov_model, localgov_pages, maps, model, validate
from tests.conftest import FIXTURES, ROOT, wait_for_images
from tests.test_browser import csp_violations, open_page

DATA = ROOT / "datapackages"
DROPIN = FIXTURES / "localgov-dropin" / "localgov-status-test"
CROSS_PACKAGE_CASE = FIXTURES / "invalid" / "cross-package-foreign-key"
PAGE_LIMIT = 30 * 1024
HTML_LIMIT = 100 * 1024  # no page of the site may be larger
MAP_LISTING_PAGE_SIZE = 2  # in the drop-in build, so that its few listed governments take several pages
MAP_PAGE = "maps/localgov-status-test-status.html"  # the drop-in's map
# The packages a drop-in build needs beside the drop-in itself.
DROPIN_COMPANIONS = (
    "ref-local-governments",
    "ref-population-2020",
    "ref-fiscal-strength-2021",
    "ref-peer-groups",
    "guardianship-core-agencies-plans",
    "prefectural-caravan",
)


def rows(package: str, resource: str) -> list[dict[str, str]]:
    text = (DATA / package / "data" / f"{resource}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


GOVERNMENTS = rows("ref-local-governments", "local-governments")
POPULATION = {r["code"]: r["population"] for r in rows("ref-population-2020", "population")}
VISITED = {r["pref_code"] for r in rows("prefectural-caravan", "destinations-fy2023")}
SMALL = {r["indicator"]: r["percent"] for r in rows("guardianship-core-agencies-plans", "small-municipalities-2024")}
NATIONAL = {
    r["indicator"]: r["percent"]
    for r in rows("guardianship-core-agencies-plans", "status-2024")
    if r["status"] in {"整備済", "策定済"}
}


def text_of(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def links(site: Path, path: str) -> set[str]:
    """The site paths a page links to (fragments and external links dropped)."""
    out = set()
    for href in re.findall(r'href="([^"#]*)(?:#[^"]*)?"', text_of(site, path)):
        if not href or re.match(r"^[a-z]+:", href):
            continue
        out.add(posixpath.normpath(posixpath.join(posixpath.dirname(path), href)))
    return out


def listing_pages(site: Path, first: str) -> list[str]:
    """The pages of a paginated list, as its first page's page navigation links them (just ``first`` when it
    has none)."""
    match = re.search(r'<nav class="pagination" aria-label="ページ">(.*?)</nav>', text_of(site, first), re.S)
    if match is None:
        return [first]
    hrefs = re.findall(r'<li><a href="([^"]+)"(?: aria-current="page")?>\d+<', match.group(1))
    return [posixpath.normpath(posixpath.join(posixpath.dirname(first), href)) for href in hrefs]


def government_links(site: Path, path: str, section: str) -> list[str]:
    """The government codes of the rows of the table under a page's ``<h2 id="{section}">``, in order."""
    table = text_of(site, path).split(f'<h2 id="{section}">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr><th scope="row"><a href="[./]*local-governments/(\d{6})\.html">', table)


def reachable(site: Path, start: str, within: tuple[str, ...]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for target in links(site, todo.pop()):
            if target.endswith(".html") and target.startswith(within) and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


# --- the real site --------------------------------------------------------------------------------------------------


def test_every_government_has_a_page(real_site: Path) -> None:
    assert len(GOVERNMENTS) == 1788
    missing = [g["code"] for g in GOVERNMENTS if not (real_site / "local-governments" / f"{g['code']}.html").is_file()]
    assert missing == []
    for g in GOVERNMENTS[::97]:
        page = text_of(real_site, f"local-governments/{g['code']}.html")
        assert f"<h1>{g['name']}</h1>" in page and g["name_kana"] in page and g["type"] in page


def test_every_page_is_reachable_from_the_index_and_prefecture_pages(real_site: Path) -> None:
    found = reachable(real_site, "local-governments/index.html", ("local-governments/",))
    expected = {f"local-governments/{g['code']}.html" for g in GOVERNMENTS}
    assert expected <= found
    # without JavaScript: the index links every prefecture, each prefecture page every one of its municipalities
    index_links = links(real_site, "local-governments/index.html")
    prefectures = [g for g in GOVERNMENTS if g["type"] == "都道府県"]
    assert {f"local-governments/{p['code']}.html" for p in prefectures} <= index_links
    for pref in prefectures:
        listed = links(real_site, f"local-governments/{pref['code']}.html")
        own = {f"local-governments/{g['code']}.html" for g in GOVERNMENTS if g["pref_code"] == pref["pref_code"]}
        assert own - {f"local-governments/{pref['code']}.html"} <= listed, pref["name"]


def test_maps_link_every_prefecture(real_site: Path) -> None:
    assert "maps/prefectural-caravan-destinations-fy2023.html" in links(real_site, "maps/index.html")
    found = reachable(real_site, "maps/index.html", ("maps/", "local-governments/"))
    map_links = links(real_site, "maps/prefectural-caravan-destinations-fy2023.html")
    for pref in (g for g in GOVERNMENTS if g["type"] == "都道府県"):
        assert f"local-governments/{pref['code']}.html" in map_links
    assert {f"local-governments/{g['code']}.html" for g in GOVERNMENTS} <= found


def test_search_index_has_kanji_and_kana_for_each(real_site: Path) -> None:
    index = json.loads(text_of(real_site, "local-governments/index.json"))
    assert index["fields"] == ["code", "name", "kana", "pref", "type"]
    by_code = {row[0]: row for row in index["rows"]}
    assert len(by_code) == len(GOVERNMENTS)
    for g in GOVERNMENTS:
        assert by_code[g["code"]][1:] == [g["name"], g["name_kana"], g["pref_name"], g["type"]]


def test_index_uses_only_an_external_script(real_site: Path) -> None:
    page = text_of(real_site, "local-governments/index.html")
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts == ['<script defer src="../assets/search.js">']
    assert re.search(r'<div id="lg-search" hidden>', page), "without JavaScript the search box stays hidden"
    script = text_of(real_site, "assets/search.js")
    assert "eval(" not in script and "innerHTML" not in script and "new Function" not in script


def test_caravan_map_marks_exactly_the_22(real_site: Path) -> None:
    assert len(VISITED) == 22
    svg = text_of(real_site, "maps/prefectural-caravan-destinations-fy2023.svg")
    fills = re.findall(r'<path d="M[^"]*" fill="(#[0-9A-Fa-f]{6})"', svg)
    assert len(fills) == 47
    assert fills.count(charts.PALETTE[0]) == 22
    assert fills.count(maps.NO_DATA_COLOUR) == 25
    assert maps.CREDIT in svg
    page = text_of(real_site, "maps/prefectural-caravan-destinations-fy2023.html")
    assert maps.CREDIT in page and '<img src="../maps/prefectural-caravan-destinations-fy2023.svg"' in page
    table = dict(
        re.findall(r'<a href="\.\./local-governments/(\d{2})\d{4}\.html">[^<]+</a></th><td>([^<]+)</td>', page)
    )
    assert len(table) == 47
    assert {code for code, value in table.items() if value == "派遣先（令和5年度）"} == VISITED
    assert {value for code, value in table.items() if code not in VISITED} == {"派遣なし（令和5年度）"}
    # the prefecture pages say the same
    for pref in (g for g in GOVERNMENTS if g["type"] == "都道府県"):
        page = text_of(real_site, f"local-governments/{pref['code']}.html")
        expected = "派遣先（令和5年度）" if pref["pref_code"] in VISITED else "派遣なし（令和5年度）"
        assert f"この団体：<strong>{expected}</strong>" in page, pref["name"]


def test_the_map_is_an_image_and_no_page_inlines_the_boundaries(real_site: Path) -> None:
    for path in real_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert '"arcs":[' not in html and '"Topology"' not in html, path


def benchmark_row(page: str, indicator: str) -> list[str]:
    match = re.search(rf"<tr><th scope=\"row\">{indicator}（[^<]*）</th>(.*?)</tr>", page)
    assert match, indicator
    return re.findall(r"<td class=\"num\">([^<]*)</td>", match.group(1))


def test_a_small_town_shows_the_band_figure_beside_the_national_one(real_site: Path) -> None:
    towns = [g for g in GOVERNMENTS if g["type"] == "町" and POPULATION.get(g["code"])]
    small = next(g for g in towns if int(POPULATION[g["code"]]) < 10000)
    large = next(g for g in towns if int(POPULATION[g["code"]]) >= 10000)
    page = text_of(real_site, f"local-governments/{small['code']}.html")
    assert SMALL == {"中核機関の整備": "55.0", "市町村計画の策定": "61.6"}
    assert NATIONAL == {"中核機関の整備": "68.2", "市町村計画の策定": "78.0"}
    for indicator in SMALL:
        assert benchmark_row(page, indicator) == [f"{NATIONAL[indicator]}%", f"{SMALL[indicator]}%"]
    assert "人口1万人未満の自治体</th>" in page
    other = text_of(real_site, f"local-governments/{large['code']}.html")
    for indicator in SMALL:
        assert benchmark_row(other, indicator) == [f"{NATIONAL[indicator]}%"]
    assert "55.0%" not in other
    assert "全国の数値のみを公表" in page and "全国の数値のみを公表" in other


def test_population_is_labelled_preliminary_and_groups_as_this_sites_own(real_site: Path) -> None:
    for g in GOVERNMENTS:
        page = text_of(real_site, f"local-governments/{g['code']}.html")
        assert "<strong>速報値</strong>" in page, g["code"]
        if g["type"] != "都道府県":
            assert "このサイト独自の比較グループ" in page and "類似団体」区分ではありません" in page, g["code"]
    for path in (real_site / "local-governments" / "groups").glob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert "このサイト独自の比較グループ" in page
        assert "類似団体区分ではありません" in page or "類似団体」区分ではありません" in page, path.name


def test_peer_group_pages_and_bands(real_site: Path) -> None:
    bands = rows("ref-peer-groups", "population-bands")
    assert bands[0]["upper"] == "10000" and bands[0]["document_label"] == "人口1万人未満"
    for table in ("population-bands", "fiscal-strength-bands"):
        entries = rows("ref-peer-groups", table)
        assert entries[0]["lower"] == "" and entries[-1]["upper"] == ""
        assert all(a["upper"] == b["lower"] for a, b in itertools.pairwise(entries)), table
    small = text_of(real_site, "local-governments/groups/population-lt-10k.html")
    expected = [g for g in GOVERNMENTS if POPULATION.get(g["code"]) and int(POPULATION[g["code"]]) < 10000]
    expected = [g for g in expected if g["type"] != "都道府県"]
    assert f"該当する団体は{len(expected)}団体です" in small
    pages = listing_pages(real_site, "local-governments/groups/population-lt-10k.html")
    listed = [code for path in pages for code in government_links(real_site, path, "members")]
    assert listed == [g["code"] for g in expected]
    assert "55.0%" in small and "68.2%" in small
    town = text_of(real_site, f"local-governments/{expected[0]['code']}.html")
    assert 'href="../local-governments/groups/population-lt-10k.html"' in town


def test_government_pages_are_small(real_site: Path) -> None:
    sizes = {p.name: p.stat().st_size for p in (real_site / "local-governments").glob("*.html")}
    assert len(sizes) == 1789
    too_big = {name: size for name, size in sizes.items() if size > PAGE_LIMIT}
    assert too_big == {}


def test_listing_pages_split_a_list_in_order() -> None:
    pages = localgov_pages.listing_pages("local-governments/groups/g.html", list(range(5)), 2)
    assert [p.path for p in pages] == [
        "local-governments/groups/g.html",
        "local-governments/groups/g-page-2.html",
        "local-governments/groups/g-page-3.html",
    ]
    assert [list(p.items) for p in pages] == [[0, 1], [2, 3], [4]]
    assert [(p.start, p.end, p.total) for p in pages] == [(1, 2, 5), (3, 4, 5), (5, 5, 5)]
    assert [p.label for p in pages] == ["（1/3ページ）", "（2/3ページ）", "（3/3ページ）"]
    assert [(link.href, link.current) for link in pages[1].links] == [
        ("g.html", False),
        ("g-page-2.html", True),
        ("g-page-3.html", False),
    ]
    assert pages[0].previous is None and pages[0].next == pages[0].links[1]
    assert pages[2].next is None and pages[2].previous == pages[2].links[1]
    nothing: list[int] = []
    (single,) = localgov_pages.listing_pages("maps/m.html", nothing, 2)
    assert (single.path, single.label, list(single.items), single.count) == ("maps/m.html", "", [], 1)


def test_a_long_peer_group_is_split_into_light_pages(real_site: Path) -> None:
    cities = [g["code"] for g in GOVERNMENTS if g["type"] == "市"]
    assert len(cities) > 3 * localgov_pages.GROUP_PAGE_SIZE
    first = "local-governments/groups/type-city.html"
    pages = listing_pages(real_site, first)
    count = -(-len(cities) // localgov_pages.GROUP_PAGE_SIZE)
    assert pages == [first] + [f"local-governments/groups/type-city-page-{n}.html" for n in range(2, count + 1)]
    listed = [code for path in pages for code in government_links(real_site, path, "members")]
    assert listed == cities  # each city exactly once, in the list's order
    assert all((real_site / path).is_file() for path in pages)
    for number, path in enumerate(pages, start=1):
        page = text_of(real_site, path)
        assert (real_site / path).stat().st_size <= HTML_LIMIT, path
        assert f"<h1>種別：市（{number}/{count}ページ）</h1>" in page
        assert f"（{number}/{count}ページ） | " in page.split("</title>", 1)[0]
        assert listing_pages(real_site, path) == pages, "every page links every page"
        nav = page.split('<nav class="pagination" aria-label="ページ">', 1)[1].split("</nav>", 1)[0]
        current = re.findall(r'<a href="([^"]+)" aria-current="page">', nav)
        assert current == [posixpath.basename(path)]
        assert all(not re.match(r"^[a-z]+:|/", href) for href in re.findall(r'href="([^"]*)"', nav))
        assert ('rel="prev"' in nav) == (number > 1) and ('rel="next"' in nav) == (number < count)
        summary = f"該当する団体は{len(cities)}団体です" in page
        assert summary == (number == 1), path
    assert "（201〜400番目）" in text_of(real_site, pages[1])
    # a short group keeps a single page with neither page numbers nor page navigation
    villages = text_of(real_site, "local-governments/groups/type-village.html")
    assert "<h1>種別：村</h1>" in villages and 'class="pagination"' not in villages
    assert not (real_site / "local-governments/groups/type-village-page-2.html").exists()


def test_no_local_government_or_map_page_exceeds_100_kb(real_site: Path) -> None:
    pages = [*real_site.glob("local-governments/**/*.html"), *real_site.glob("maps/**/*.html")]
    assert len(pages) > 1800
    too_big = {p.relative_to(real_site).as_posix(): p.stat().st_size for p in pages if p.stat().st_size > HTML_LIMIT}
    assert too_big == {}


# --- validation of keys into another package -----------------------------------------------------------------------


def test_cross_package_keys_are_checked_by_our_code() -> None:
    loaded = load.load(CROSS_PACKAGE_CASE / "datapackages", [])
    _, problems = validate.validate(loaded.packages)
    shown = [str(p).removeprefix(str(CROSS_PACKAGE_CASE) + "/") for p in problems]
    assert [line.split("datapackages/", 1)[1] for line in shown] == [
        'sample-visits/data/visits.csv:3: field "pref_code": "48" is not in '
        "ref-local-governments/prefectures.pref_code (dangling foreign key)",
        'sample-visits/data/visits.csv:5: field "pref_code": "3" is not in '
        "ref-local-governments/prefectures.pref_code (dangling foreign key)",
    ]


@pytest.mark.parametrize(
    ("hint", "message"),
    [
        ({"measure": "nope"}, '"measure": "nope" is not a field of this table'),
        ({"presence": {"listed": ""}}, '"presence" must be {"listed": "…", "unlisted": "…"} with non-empty labels'),
    ],
)
def test_display_hints_on_a_key_are_checked(hint: dict[str, Any], message: str) -> None:
    loaded = load.load(CROSS_PACKAGE_CASE / "datapackages", [])
    visits = next(p for p in loaded.packages if p.folder == "sample-visits")
    visits.descriptor["resources"][0]["schema"]["externalForeignKeys"][0].update(hint)
    _, problems = validate.validate(loaded.packages)
    assert [p.message for p in problems] == [
        f'resources[0] "visits": foreign key to ref-local-governments/prefectures: {message}'
    ]


def test_local_schema_hides_only_keys_into_other_packages() -> None:
    schema: dict[str, Any] = {
        "fields": [{"name": "a"}, {"name": "b"}],
        "foreignKeys": [
            {"fields": ["a"], "reference": {"package": "other", "resource": "r", "fields": ["x"]}},
            {"fields": ["b"], "reference": {"package": "self", "resource": "t", "fields": ["y"]}},
            {"fields": ["b"], "reference": {"resource": "t", "fields": ["y"]}},
        ],
    }
    assert validate.local_schema(schema, "self")["foreignKeys"] == [
        {"fields": ["b"], "reference": {"resource": "t", "fields": ["y"]}},
        {"fields": ["b"], "reference": {"resource": "t", "fields": ["y"]}},
    ]
    assert "foreignKeys" not in validate.local_schema({"fields": [], "foreignKeys": schema["foreignKeys"][:1]}, "x")


def test_real_caravan_key_resolves_and_a_missing_package_is_reported() -> None:
    loaded = load.load(DATA, [])
    valid, problems = validate.validate(loaded.packages)
    assert problems == []
    caravan = [p for p in valid if p.folder == "prefectural-caravan"]
    found = validate.check_foreign_keys(caravan)
    assert [p.message for p in found] == [
        'resources[0] "destinations-fy2023": foreign key to ref-local-governments/prefectures: '
        'there is no package "ref-local-governments"'
    ]
    assert validate.check_foreign_keys(caravan, ["ref-local-governments"]) == []  # loaded but invalid: not repeated


# --- the drop-in ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dropin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The drop-in beside its companions, published at an address (for sitemap.xml), with the governments a
    map lists in pages of MAP_LISTING_PAGE_SIZE."""
    root = tmp_path_factory.mktemp("dropin")
    data = root / "data"
    for name in DROPIN_COMPANIONS:
        shutil.copytree(DATA / name, data / name)
    shutil.copytree(DROPIN, data / DROPIN.name)
    out = root / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(localgov_pages, "MAP_LISTING_PAGE_SIZE", MAP_LISTING_PAGE_SIZE)
        assert run_dropin(data, out, "--base-url", "https://example.org/opendata/") == 0
    return out


def run_dropin(data: Path, out: Path, *extra: str) -> int:
    return cli.main(["--data", str(data), "--out", str(out), "--strict", "--no-cache", *extra])


def test_dropin_is_labelled_as_invented_test_data() -> None:
    descriptor = json.loads((DROPIN / "datapackage.json").read_text(encoding="utf-8"))
    assert "テスト用の架空データ" in descriptor["title"] and "テスト用の架空データ" in descriptor["description"]
    assert all("テスト用の架空データ" in row for row in (DROPIN / "data" / "status.csv").read_text().splitlines()[1:])
    assert not any("テスト用の架空データ" in p.read_text(encoding="utf-8") for p in DATA.rglob("*.*") if p.is_file())


def test_dropin_follows_the_documented_template() -> None:
    doc = (ROOT / "docs" / "local-governments.md").read_text(encoding="utf-8")
    block = doc.split("<!-- template: datapackage.json -->", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    template = json.loads(block)
    fixture = json.loads((DROPIN / "datapackage.json").read_text(encoding="utf-8"))
    assert fixture["resources"][0]["schema"] == template["resources"][0]["schema"]
    assert fixture["resources"][0]["checks"] == template["resources"][0]["checks"]
    header = (DROPIN / "data" / "status.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "code,fiscal_year,programme,status,source"
    assert header in doc


def test_dropin_produces_maps_peer_comparison_and_status_column(dropin_site: Path) -> None:
    status = list(csv.DictReader(io.StringIO((DROPIN / "data" / "status.csv").read_text(encoding="utf-8"))))
    page = text_of(dropin_site, MAP_PAGE)
    programmes = sorted({r["programme"] for r in status})
    for index in range(1, len(programmes) + 1):
        svg = text_of(dropin_site, f"maps/localgov-status-test-status-{index}.svg")
        assert maps.CREDIT in svg
        assert f'<img src="../maps/localgov-status-test-status-{index}.svg"' in page
    listed = {
        code for path in listing_pages(dropin_site, MAP_PAGE) for code in government_links(dropin_site, path, "listed")
    }
    assert listed >= {row["code"] for row in status}
    # each government's page: its status (the column), against its peers
    for row in status:
        gov = text_of(dropin_site, f"local-governments/{row['code']}.html")
        assert f"（事業・取組：{row['programme']}）</th><td>{row['status']}</td>" in gov, row
        assert f"この団体：<strong>{row['status']}</strong>" in gov
        assert "出典：テスト用の架空データ" in gov
    unlisted = text_of(dropin_site, "local-governments/052027.html")  # 能代市: not in the fixture
    assert "この団体：<strong>データなし</strong>" in unlisted
    akita = text_of(dropin_site, "local-governments/053279.html")
    peers = akita.split("（事業・取組：中核機関の整備）</h3>", 1)[1].split("</table>", 1)[0]
    assert (
        '秋田県の市区町村</a></th><td class="num">25</td><td>実施 1・実施予定 1・未実施 2・データなし 21</td>' in peers
    )
    # the peer-group pages get a status column
    group = text_of(dropin_site, "local-governments/groups/population-lt-10k.html")
    assert "【テスト用の架空データ】市区町村別の取組状況（令和6年度）（事業・取組：中核機関の整備）</th>" in group
    sizes = [p.stat().st_size for p in (dropin_site / "local-governments").glob("*.html")]
    assert max(sizes) <= PAGE_LIMIT


def test_a_maps_listed_governments_are_split_into_pages(dropin_site: Path) -> None:
    status = list(csv.DictReader(io.StringIO((DROPIN / "data" / "status.csv").read_text(encoding="utf-8"))))
    order = [g["code"] for g in GOVERNMENTS]
    expected = sorted({row["code"] for row in status}, key=order.index)
    count = -(-len(expected) // MAP_LISTING_PAGE_SIZE)
    assert count >= 2
    pages = listing_pages(dropin_site, MAP_PAGE)
    assert pages == [MAP_PAGE] + [f"maps/localgov-status-test-status-page-{n}.html" for n in range(2, count + 1)]
    assert [code for path in pages for code in government_links(dropin_site, path, "listed")] == expected
    for number, path in enumerate(pages, start=1):
        page = text_of(dropin_site, path)
        assert f"（地図）（{number}/{count}ページ）</h1>" in page
        assert re.findall(r'<a href="([^"]+)" aria-current="page">', page) == [posixpath.basename(path)]
        assert ("<img " in page) == (number == 1) and ('id="by-prefecture"' in page) == (number == 1), path
        if number > 1:
            assert '<a href="localgov-status-test-status.html">1ページ目</a>' in page
            assert '<span aria-current="page">' + f"{number}/{count}ページ</span>" in page  # the breadcrumb


def test_the_sitemap_lists_every_page_of_a_split_list(dropin_site: Path) -> None:
    sitemap = text_of(dropin_site, "sitemap.xml")
    later = [
        p.relative_to(dropin_site).as_posix()
        for folder in ("local-governments/groups", "maps")
        for p in (dropin_site / folder).glob("*-page-*.html")
    ]
    assert any(path.startswith("maps/") for path in later) and "local-governments/groups/type-city-page-4.html" in later
    for path in later:
        assert f"<loc>https://example.org/opendata/{path}</loc>" in sitemap, path


def test_dropin_model_counts() -> None:
    companions = [p for p in load.load(DATA, []).packages if p.folder in DROPIN_COMPANIONS]
    valid, problems = validate.validate(companions + load.load(DROPIN.parent, []).packages)
    assert problems == []
    data = localgov.gather(model.build_site(valid))
    assert data is not None
    link = next(x for x in data.linked if x.package.name == DROPIN.name)
    assert (link.level, link.kind, link.measure, link.exhaustive) == ("municipality", "category", "status", False)
    assert [v.label for v in link.views] == ["事業・取組：中核機関の整備", "事業・取組：市町村計画の策定"]
    assert sum(n for name, n, _ in link.views[0].counts if name != localgov_model.NO_DATA) == 4
    caravan = next(x for x in data.linked if x.package.name == "prefectural-caravan")
    assert (caravan.level, caravan.kind, caravan.exhaustive) == ("prefecture", "presence", True)


# --- in the browser ---------------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("query", ["上小阿仁", "かみこあに", "カミコアニ", "ｶﾐｺｱﾆ", "053279"])
def test_search_finds_by_kanji_or_kana_under_the_csp(browser: Browser, base_url: str, query: str) -> None:
    page, problems = open_page(browser, base_url + "local-governments/index.html")
    page.fill("#lg-query", query)
    result = page.locator("#lg-results a", has_text="上小阿仁村")
    result.wait_for()
    assert result.get_attribute("href") == "053279.html"
    assert problems == [] and csp_violations(page) == []
    page.context.close()


@pytest.mark.browser
def test_without_javascript_the_index_lists_prefectures(browser: Browser, base_url: str) -> None:
    page, problems = open_page(browser, base_url + "local-governments/index.html", javascript=False)
    assert not page.locator("#lg-query").is_visible()
    assert page.locator("#prefectures + p + ul a").count() == 47
    page.context.close()
    page, problems = open_page(browser, base_url + "maps/prefectural-caravan-destinations-fy2023.html")
    wait_for_images(page)
    assert all(width > 0 for width in page.locator("img").evaluate_all("images => images.map(i => i.naturalWidth)"))
    assert problems == [] and csp_violations(page) == []
    page.context.close()
