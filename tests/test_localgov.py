"""Local-government pages, nearest peers, this site's own peer groups, maps (reference tables, linked tables,
locators), the source's figures for each government, the self-assessment and the status drop-in."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import posixpath
import re
import shutil
import statistics
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from datasite import charts, cli, load, localgov, model, pipeline, validate
from datasite.cache import Cache
from datasite.errors import Problem
from datasite.localgov import maps
from datasite.localgov import pages as localgov_pages
from tests.conftest import FIXTURES, GOLDEN_DATA, REAL_CONFIG, ROOT, WORDS, run_cli, site_config, wait_for_images
from tests.test_browser import csp_violations, open_page
from tests.test_reference_data import CREDIT as BOUNDARY_CREDIT  # required beside every map

DATA = ROOT / "datapackages"
DROPIN = FIXTURES / "localgov-dropin" / "localgov-status-test"
CROSS_PACKAGE_CASE = FIXTURES / "invalid" / "cross-package-foreign-key"
GOVERNMENT_PAGE_LIMIT = 45 * 1024
HTML_LIMIT = 100 * 1024  # no page of the site may be larger
MAP_LISTING_PAGE_SIZE = 2  # in the drop-in build, so that its few listed governments take several pages
MAP_PAGE = "maps/localgov-status-test-status.html"  # the drop-in's map
REFERENCE_MAPS = ("population", "fiscal-strength", "type")
# The packages a drop-in build needs beside the drop-in itself.
DROPIN_COMPANIONS = (
    "ref-local-governments",
    "ref-population-2020",
    "ref-fiscal-strength-2021",
    "ref-peer-groups",
    "guardianship-core-agencies-plans",
    "hikikomori-municipal-status",
    "hikikomori-support-programmes",
    "jusou-implementation",
    "prefectural-backup-support",
    "prefectural-caravan",
)


def rows(package: str, resource: str, data: Path = DATA) -> list[dict[str, str]]:
    text = (data / package / "data" / f"{resource}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


GOVERNMENTS = rows("ref-local-governments", "local-governments")
MUNICIPALITIES = [g for g in GOVERNMENTS if g["type"] != "都道府県"]
PREFECTURES = [g for g in GOVERNMENTS if g["type"] == "都道府県"]
POPULATION = {r["code"]: r["population"] for r in rows("ref-population-2020", "population")}
FISCAL = {r["code"]: r["fiscal_strength_index"] for r in rows("ref-fiscal-strength-2021", "fiscal-strength")}
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
    """The site paths a page links to (fragments, queries and external links dropped)."""
    out = set()
    for href in re.findall(r'href="([^"#?]*)(?:[?#][^"]*)?"', text_of(site, path)):
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


def named_peers(page: str) -> list[str]:
    """The codes of the peers a government page names, in order."""
    section = page.split('<h2 id="peers">', 1)[1].split('<details class="lg-rule">', 1)[0]
    return re.findall(r'<p class="lg-card-name"><a href="\.\./local-governments/(\d{6})\.html">', section)


def locator(page: str) -> tuple[str, str]:
    """The locator sheet a government page shows and the fragment that highlights it."""
    match = re.search(r'<img class="js-map" src="\.\./(maps/locator/[0-9]{2}-[0-9]+\.svg)#(c\d{6})"', page)
    assert match, "no locator map"
    return match.group(1), match.group(2)


def reachable(site: Path, start: str, within: tuple[str, ...]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for target in links(site, todo.pop()):
            if target.endswith(".html") and target.startswith(within) and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def expected_peers(count: int = 5) -> dict[str, list[str]]:
    """The rule the pages state, computed here from the CSVs on its own: same type; log10(population) and 財政力指数
    each divided by its population standard deviation over the municipalities (prefectures: population alone);
    Euclidean distance; ties by code. A government without a population is compared on 財政力指数 alone."""

    def number(table: dict[str, str], code: str) -> float | None:
        value = table.get(code, "")
        return float(value) if value not in {"", "-"} else None

    level = {g["code"]: g["type"] == "都道府県" for g in GOVERNMENTS}
    axes: dict[str, dict[str, float]] = {"population": {}, "fiscal": {}}
    for g in GOVERNMENTS:
        population, fiscal = number(POPULATION, g["code"]), number(FISCAL, g["code"])
        if population is not None and population > 0:
            axes["population"][g["code"]] = math.log10(population)
        if fiscal is not None:
            axes["fiscal"][g["code"]] = fiscal
    spread = {
        (axis, prefecture): statistics.pstdev([v for c, v in values.items() if level[c] == prefecture])
        for axis, values in axes.items()
        for prefecture in (False, True)
        if len([v for c, v in values.items() if level[c] == prefecture]) > 1
    }

    def point(code: str) -> dict[str, float]:
        return {
            axis: values[code] / spread[(axis, level[code])]
            for axis, values in axes.items()
            if code in values and spread.get((axis, level[code]))
        }

    points = {g["code"]: point(g["code"]) for g in GOVERNMENTS}
    out = {}
    for g in GOVERNMENTS:
        own = points[g["code"]]
        candidates = [o for o in GOVERNMENTS if o["type"] == g["type"] and o["code"] != g["code"]]
        scored = sorted(
            (math.sqrt(sum((own[a] - points[o["code"]][a]) ** 2 for a in own)), o["code"])
            for o in candidates
            if all(a in points[o["code"]] for a in own)
        )
        out[g["code"]] = [code for _, code in scored[:count]]
    return out


# --- the real site: government pages ----------------------------------------------------------------------------------


def test_every_government_has_a_page(real_site: Path) -> None:
    assert len(GOVERNMENTS) == 1788
    missing = [g["code"] for g in GOVERNMENTS if not (real_site / "local-governments" / f"{g['code']}.html").is_file()]
    assert missing == []
    for g in GOVERNMENTS[::97]:
        page = text_of(real_site, f"local-governments/{g['code']}.html")
        assert f"<h1>{g['name']}</h1>" in page and g["name_kana"] in page and g["type"] in page


def test_every_municipal_page_names_at_least_three_linked_peers_by_the_stated_rule(real_site: Path) -> None:
    expected = expected_peers()
    type_of = {g["code"]: g["type"] for g in GOVERNMENTS}
    for g in GOVERNMENTS:
        page = text_of(real_site, f"local-governments/{g['code']}.html")
        peers = named_peers(page)
        assert len(peers) >= 3, g["code"]
        assert peers == expected[g["code"]], g["name"]
        assert all(type_of[p] == g["type"] for p in peers)
        assert all((real_site / "local-governments" / f"{p}.html").is_file() for p in peers)
        assert "「近い」の決め方" in page
    # 船橋市 and ニセコ町, as a new user would open them: each peer's figures side by side with its own
    funabashi = text_of(real_site, "local-governments/122041.html")
    kawaguchi = funabashi.split('href="../local-governments/112038.html">川口市</a>', 1)[1].split("</li>", 1)[0]
    assert "594,461人" in kawaguchi and "0.95" in kawaguchi
    gyokuto = next(g["code"] for g in MUNICIPALITIES if g["name"] == "玉東町")  # 熊本県: 5,047人, 0.31
    assert named_peers(text_of(real_site, "local-governments/013951.html"))[0] == gyokuto


def test_the_government_without_a_population_is_compared_on_fiscal_strength_alone(real_site: Path) -> None:
    (futaba,) = [g for g in MUNICIPALITIES if POPULATION.get(g["code"], "") in {"", "-"}]
    page = text_of(real_site, f"local-governments/{futaba['code']}.html")
    assert "人口の値がないため、財政力指数だけで選んでいます" in page
    assert len(named_peers(page)) == 5


def test_every_count_that_differs_from_its_group_is_explained(real_site: Path) -> None:
    (futaba,) = [g for g in MUNICIPALITIES if POPULATION.get(g["code"], "") in {"", "-"}]
    towns_in_fukushima = [g for g in MUNICIPALITIES if g["pref_code"] == "07" and g["type"] == "町"]
    neighbour = next(g for g in towns_in_fukushima if g["code"] != futaba["code"])
    page = text_of(real_site, f"local-governments/{neighbour['code']}.html")
    population = page.split('<h2 id="peer-groups">', 1)[1].split("</ul>", 1)[0]
    fukushima = sum(1 for g in MUNICIPALITIES if g["pref_code"] == "07")
    towns = sum(1 for g in MUNICIPALITIES if g["type"] == "町")
    for members in (fukushima, towns):
        assert f"{members - 1}団体中" in population
        assert f"グループは{members}団体。値のない1団体（福島県双葉町）を除いて比べています。" in population
    # the group pages say it too, and the groups index accounts for the band totals
    town_group = text_of(real_site, "local-governments/groups/type-town.html")
    assert "値がない1団体（福島県双葉町）" in town_group
    groups_index = text_of(real_site, "local-governments/groups/index.html")
    assert "どの区分にも入らない団体（値がない）：福島県双葉町" in groups_index


def test_every_government_page_shows_a_locator_map_that_highlights_it(real_site: Path) -> None:
    sheets: dict[str, str] = {}
    for g in MUNICIPALITIES:
        page = text_of(real_site, f"local-governments/{g['code']}.html")
        sheet, fragment = locator(page)
        assert fragment == f"c{g['code']}"
        if sheet not in sheets:
            sheets[sheet] = text_of(real_site, sheet)
        assert f'<g id="c{g["code"]}"' in sheets[sheet], g["name"]
        assert f'src="../maps/locator/japan.svg#c{g["pref_code"]}' in page
        assert BOUNDARY_CREDIT in page
    ids = [i for text in sheets.values() for i in re.findall(r'<g id="c(\d{6})"', text)]
    assert sorted(ids) == sorted(g["code"] for g in MUNICIPALITIES)  # each municipality on exactly one sheet
    for text in sheets.values():
        assert "g:target path" in text and BOUNDARY_CREDIT in text
    overview = text_of(real_site, "maps/locator/japan.svg")
    for pref in PREFECTURES:
        assert f'id="c{pref["code"]}"' in overview
        page = text_of(real_site, f"local-governments/{pref['code']}.html")
        assert f'src="../maps/locator/japan.svg#c{pref["code"]}"' in page
        assert re.search(rf'<img class="js-map" src="\.\./maps/locator/{pref["pref_code"]}-1\.svg"', page)


def test_far_islands_get_sheets_of_their_own(real_site: Path) -> None:
    tokyo = text_of(real_site, "local-governments/130001.html")
    sheets = re.findall(r'src="\.\./maps/locator/13-(\d+)\.svg"', tokyo)
    assert len(sheets) >= 3  # the mainland, and the 伊豆諸島 and 小笠原 apart
    chiyoda, _ = locator(text_of(real_site, "local-governments/131016.html"))
    ogasawara, _ = locator(text_of(real_site, "local-governments/134210.html"))
    assert chiyoda == "maps/locator/13-1.svg" and ogasawara != chiyoda


def test_a_small_town_sees_its_band_figures_beside_the_national_ones(real_site: Path) -> None:
    towns = [g for g in MUNICIPALITIES if g["type"] == "町" and POPULATION.get(g["code"], "").isdigit()]
    small = next(g for g in towns if int(POPULATION[g["code"]]) < 10000)
    large = next(g for g in towns if int(POPULATION[g["code"]]) >= 10000)
    assert SMALL == {"中核機関の整備": "55.0", "市町村計画の策定": "61.6"}
    assert NATIONAL == {"中核機関の整備": "68.2", "市町村計画の策定": "78.0"}
    page = text_of(real_site, f"local-governments/{small['code']}.html")
    section = page.split('<h2 id="source">', 1)[1].split("</ol>", 1)[0]
    figures = section.split("</ul>", 1)[0]
    for indicator in SMALL:
        assert f'<p class="lg-figure-value">{NATIONAL[indicator]}%' in figures
        assert f'<p class="lg-figure-value">{SMALL[indicator]}%' in figures
    assert "人口1万人未満の自治体のうち中核機関を整備済みの割合" in figures
    # each figure's date and standing, and the source it comes from as a numbered note
    core = figures.split("55.0%", 1)[1].split("</li>", 1)[0]
    note = re.search(r'2024（令和6）年4月1日時点・資料に記載<a href="#figure-source-(\d+)">［出典\d+］</a>', core)
    assert note, core
    source = section.split(f'<li id="figure-source-{note.group(1)}">', 1)[1].split("</li>", 1)[0]
    assert "課題３「成年後見制度の利用促進、権利擁護支援の推進」" in source
    assert 'href="../datasets/guardianship-core-agencies-plans/index.html#' in source
    other = text_of(real_site, f"local-governments/{large['code']}.html").split('<h2 id="source">', 1)[1]
    other = other.split("</ul>", 1)[0]
    assert f'<p class="lg-figure-value">{NATIONAL["中核機関の整備"]}%' in other
    assert f"{SMALL['中核機関の整備']}%" not in other
    for page in (figures, other):
        assert "85.4%" in page and "75.8%" in page and "346市町村" in page


def test_every_declared_source_figure_is_read_from_its_row(
    real_validation: tuple[list[validate.ValidPackage], list[Problem]],
) -> None:
    valid, problems = real_validation
    assert problems == []
    data = localgov.gather(model.build_site(valid, site_config()), WORDS)
    assert data is not None
    assert data.problems == []
    declared = rows("ref-peer-groups", "source-figures")
    assert [f.id for f in data.figures] == [r["figure"] for r in declared]
    by_id = {f.id: f for f in data.figures}
    assert (by_id["core-agency"].value, by_id["core-agency"].count) == ("68.2%", "1,187市町村")
    assert (by_id["core-agency-small"].value, by_id["core-agency-small"].group) == ("55.0%", "population-lt-10k")
    assert by_id["backup"].value == "45都道府県" and by_id["backup"].applies_to == "都道府県"
    assert localgov_pages.self_check_items(data) == list(dict.fromkeys(r["item"] for r in declared if r["item"]))


def test_a_declaration_that_matches_no_row_is_reported(
    real_validation: tuple[list[validate.ValidPackage], list[Problem]],
) -> None:
    loaded = load.load(DATA, [])
    peers = next(p for p in loaded.packages if p.folder == "ref-peer-groups")
    index = next(i for i, r in enumerate(peers.descriptor["resources"]) if r["name"] == "source-figures")
    raw = peers.resources[index]
    broken = raw.data.replace("status=整備済;".encode(), b"status=nothing;", 1).replace(
        "indicator=中核機関の整備;status=整備済,".encode(), "indicator=中核機関の整備;status=該当なし,".encode(), 1
    )
    peers.resources[index].__dict__["data"] = broken  # frozen dataclass: the test swaps the bytes it was given
    # Only the edited package is validated again; the others are the session's validated real packages.
    (edited,), problems = validate.validate([peers])
    assert problems == []
    valid = [edited if p.folder == edited.folder else p for p in real_validation[0]]
    data = localgov.gather(model.build_site(valid, site_config()), WORDS)
    assert data is not None
    assert [str(problem) for problem in data.problems] == [
        "ref-peer-groups/source-figures row 2 (core-agency): the match must name existing fields and select exactly "
        "one row (0)"
    ]
    # The build reports it as one of its problem lines, at the row's line of the CSV and the column at fault.
    tables = {(p.folder, r.descriptor["name"]): (r.display_path, r.row_numbers) for p in valid for r in p.resources}
    assert [str(problem) for problem in pipeline.localgov_problems(data, tables)] == [
        f'{DATA.relative_to(ROOT)}/ref-peer-groups/data/source-figures.csv:2: field "match": source figure '
        "core-agency: the match must name existing fields and select exactly one row (0)"
    ]


def test_prefecture_pages_show_the_prefecture_level_facts(real_site: Path) -> None:
    nara = text_of(real_site, "local-governments/290009.html")
    assert "事業実施の例として資料に記載" in nara
    assert "第２回「地域共生社会の在り方検討会議」でのヒアリング対象" in nara
    assert "派遣先（令和5年度）" in nara
    for value in ("45都道府県", "22府県", "35都道府県", "67都道府県市"):
        assert value in nara
    chiba = text_of(real_site, "local-governments/120006.html")
    assert "資料の例示なし" in chiba and "派遣なし（令和5年度）" in chiba
    # a municipality sees its prefecture's facts
    nara_city = text_of(real_site, "local-governments/292010.html")
    facts = nara_city.split('<h3 id="prefecture-facts">', 1)[1].split("</ul>", 1)[0]
    assert "奈良県について資料が示すこと" in facts and "第２回「地域共生社会の在り方検討会議」" in facts


def test_caravan_prefecture_pages(real_site: Path) -> None:
    for pref in PREFECTURES:
        page = text_of(real_site, f"local-governments/{pref['code']}.html")
        expected = "派遣先（2023（令和5）年度）" if pref["pref_code"] in VISITED else "派遣なし（2023（令和5）年度）"
        assert f"<strong>{expected}</strong>" in page, pref["name"]


def test_every_page_is_reachable_from_the_index_and_prefecture_pages(real_site: Path) -> None:
    found = reachable(real_site, "local-governments/index.html", ("local-governments/", "maps/"))
    expected = {f"local-governments/{g['code']}.html" for g in GOVERNMENTS}
    expected |= {f"maps/groups-{name}.html" for name in REFERENCE_MAPS}
    expected |= {"local-governments/self-check.html", "maps/index.html"}
    assert expected <= found
    every = {
        p.relative_to(real_site).as_posix()
        for d in ("local-governments", "maps")
        for p in (real_site / d).rglob("*.html")
    }
    assert every - {"local-governments/fragment.html"} <= found
    # without JavaScript: the index links every prefecture, each prefecture page every one of its municipalities
    index_links = links(real_site, "local-governments/index.html")
    assert {f"local-governments/{p['code']}.html" for p in PREFECTURES} <= index_links
    for pref in PREFECTURES:
        listed = links(real_site, f"local-governments/{pref['code']}.html")
        own = {f"local-governments/{g['code']}.html" for g in GOVERNMENTS if g["pref_code"] == pref["pref_code"]}
        assert own - {f"local-governments/{pref['code']}.html"} <= listed, pref["name"]


def test_no_fragment_page_is_published(real_site: Path) -> None:
    assert not (real_site / "local-governments" / "fragment.html").exists()


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
    for name in ("search.js", "maps.js", "selfcheck.js"):
        script = text_of(real_site, f"assets/{name}")
        assert "eval(" not in script and "innerHTML" not in script and "new Function" not in script, name


def test_government_pages_are_small(real_site: Path) -> None:
    sizes = {p.name: p.stat().st_size for p in (real_site / "local-governments").glob("*.html")}
    assert len(sizes) == 1790  # 1,788 governments, the index and the self-assessment
    too_big = {name: size for name, size in sizes.items() if size > GOVERNMENT_PAGE_LIMIT}
    assert too_big == {}


def test_no_local_government_or_map_page_exceeds_100_kb(real_site: Path) -> None:
    pages = [*real_site.glob("local-governments/**/*.html"), *real_site.glob("maps/**/*.html")]
    assert len(pages) > 1800
    too_big = {p.relative_to(real_site).as_posix(): p.stat().st_size for p in pages if p.stat().st_size > HTML_LIMIT}
    assert too_big == {}


def test_population_is_labelled_preliminary_and_groups_as_this_sites_own(real_site: Path) -> None:
    for g in GOVERNMENTS:
        page = text_of(real_site, f"local-governments/{g['code']}.html")
        # The term names the census and says 速報値 (site.toml's population title); the source line gives the date.
        assert "<dt>人口（令和2年国勢調査 速報値）</dt>" in page, g["code"]
        assert "2020（令和2）年10月1日現在（速報値）</a>" in page, g["code"]
        if g["type"] != "都道府県":
            assert "このサイト独自の比較グループ" in page and "類似団体」区分ではありません" in page, g["code"]
    for path in (real_site / "local-governments" / "groups").glob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert "このサイト独自の比較グループ" in page
        assert "類似団体区分ではありません" in page or "類似団体」区分ではありません" in page, path.name


# --- the real site: maps ----------------------------------------------------------------------------------------------


def test_a_municipal_choropleth_for_each_reference_table(real_site: Path) -> None:
    bands = {
        "population": (POPULATION, rows("ref-peer-groups", "population-bands")),
        "fiscal-strength": (FISCAL, rows("ref-peer-groups", "fiscal-strength-bands")),
    }
    for name in REFERENCE_MAPS:
        page = text_of(real_site, f"maps/groups-{name}.html")
        svg = text_of(real_site, f"maps/groups-{name}.svg")
        assert f'<img class="js-map" src="../maps/groups-{name}.svg" alt="' in page
        assert BOUNDARY_CREDIT in page and BOUNDARY_CREDIT in svg
        coded = re.findall(r'<path d="M[^"]*" fill="(#[0-9a-fA-F]{6})" data-c="(\d{6})"', svg)
        assert sorted(code for _, code in coded) == sorted(g["code"] for g in MUNICIPALITIES)
        fill_of = dict((code, fill) for fill, code in coded)
        legend = re.findall(
            r'<span class="lg-swatch" style="background:(#[0-9a-fA-F]{6})"></span>(?:<a [^>]*>)?([^<]+)', page
        )
        colour = {label: fill for fill, label in legend}
        if name in bands:
            values, table = bands[name]
            for g in MUNICIPALITIES:
                value = values.get(g["code"], "")
                if value in {"", "-"}:
                    assert fill_of[g["code"]] == maps.NO_DATA_COLOUR
                    continue
                band = next(
                    b
                    for b in table
                    if (b["lower"] == "" or float(value) >= float(b["lower"]))
                    and (b["upper"] == "" or float(value) < float(b["upper"]))
                )
                assert fill_of[g["code"]] == colour[band["label"]], (name, g["name"])
        else:
            for g in MUNICIPALITIES:
                assert fill_of[g["code"]] == colour[g["type"]]
    population = text_of(real_site, "maps/groups-population.html")
    assert "値がない団体（灰色）" in population and "双葉町" in population


def test_caravan_map_marks_exactly_the_22(real_site: Path) -> None:
    assert len(VISITED) == 22
    svg = text_of(real_site, "maps/prefectural-caravan-destinations-fy2023.svg")
    fills = re.findall(r'<path d="M[^"]*" fill="(#[0-9A-Fa-f]{6})" data-c="\d{6}"', svg)
    assert len(fills) == 47
    assert fills.count(charts.PALETTE[0]) == 22
    assert fills.count(maps.NO_DATA_COLOUR) == 25
    assert BOUNDARY_CREDIT in svg
    page = text_of(real_site, "maps/prefectural-caravan-destinations-fy2023.html")
    assert (
        BOUNDARY_CREDIT in page
        and '<img class="js-map" src="../maps/prefectural-caravan-destinations-fy2023.svg"' in page
    )
    table = dict(
        re.findall(r'<a href="\.\./local-governments/(\d{2})\d{4}\.html">[^<]+</a></th><td>([^<]+)</td>', page)
    )
    assert len(table) == 47
    assert {code for code, value in table.items() if value == "派遣先（令和5年度）"} == VISITED
    assert {value for code, value in table.items() if code not in VISITED} == {"派遣なし（令和5年度）"}


def test_maps_link_every_prefecture(real_site: Path) -> None:
    assert "maps/prefectural-caravan-destinations-fy2023.html" in links(real_site, "maps/index.html")
    found = reachable(real_site, "maps/index.html", ("maps/", "local-governments/"))
    map_links = links(real_site, "maps/prefectural-caravan-destinations-fy2023.html")
    for pref in PREFECTURES:
        assert f"local-governments/{pref['code']}.html" in map_links
    assert {f"local-governments/{g['code']}.html" for g in GOVERNMENTS} <= found


def test_the_maps_are_images_and_no_page_inlines_the_boundaries(real_site: Path) -> None:
    for path in real_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert '"arcs":[' not in html and '"Topology"' not in html, path
    for path in real_site.glob("maps/**/*.svg"):
        assert '"arcs"' not in path.read_text(encoding="utf-8")


def test_outlines_are_rounded_and_shared_arcs_drawn_once_per_frame() -> None:
    assert maps._number(3) == "1.5" and maps._number(-1) == "-.5" and maps._number(21) == "10.5"
    assert maps._number(20) == "10" and maps._number(-21) == "-10.5"
    topologies = load.load_topologies(load.TOPOJSON_DIR)
    atlas = maps.Atlas(topologies)
    frame, outside = atlas.country("municipality")
    assert outside == ["13421"]  # 小笠原村: 南鳥島 lies outside the frame of the country
    assert frame.width <= maps.CHOROPLETH_SIZE and frame.height <= maps.CHOROPLETH_SIZE
    feature = atlas.topologies["municipality"].by_key["01100"]  # 札幌市
    outline = frame.outline(feature)
    assert outline.startswith("M") and outline.endswith("z")
    numbers = [float(n) for n in re.findall(r"-?\d*\.?\d+", outline)]
    assert all((2 * n).is_integer() for n in numbers)  # half pixels


def test_the_boundaries_credit_comes_from_their_descriptor_and_is_drawn_a_line_per_part() -> None:
    loaded = load.load(Path("no-such-data-folder"), [])
    credits, problems = maps.boundary_credits(*loaded.boundaries)
    assert problems == []
    assert {level: "出典：" + text for level, text in credits.items()} == dict.fromkeys(
        maps.BOUNDARIES, BOUNDARY_CREDIT
    )
    map_files = maps.MapFiles(Cache(None), None, loaded.topologies, credits, WORDS)
    processed = WORDS("localgov.map_processed")
    assert map_files.credit("prefecture", "municipality") == BOUNDARY_CREDIT + processed
    assert maps.credit_lines(credits["municipality"], processed) == (
        "国土数値情報（行政区域データ）（国土交通省）",
        "（https://nlftp.mlit.go.jp/ksj/gml/datalist/KsjTmplt-N03-v3_0.html）",
        "をスマートニュース メディア研究所が加工したもの（smartnews-smri/japan-topography）を利用",
        processed,
    )
    assert maps.credit_lines("Source: X (https://x.example/a) by Y", "P") == (
        "Source: X ",
        "(https://x.example/a)",
        " by Y",
        "P",
    )


def test_a_map_without_its_boundaries_credit_is_a_problem_line() -> None:
    path = "reference/topojson/datapackage.json"
    only_prefectures = {"resources": [{"path": maps.BOUNDARIES["prefecture"].path, "credit": "都道府県の出典"}]}
    credits, problems = maps.boundary_credits(path, json.dumps(only_prefectures, ensure_ascii=False))
    assert credits == {"prefecture": "都道府県の出典"}
    assert [str(p) for p in problems] == [
        f'{path}: field "credit": required: the credit the licence of the map boundaries '
        f"{maps.BOUNDARIES['municipality'].path} requires on every map"
    ]
    assert [str(p) for p in maps.boundary_credits(path, None)[1]] == [
        f"{path}: missing: the map boundaries' descriptor, with the credit they require"
    ]


def test_a_site_with_maps_is_not_built_when_its_boundaries_name_no_credit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    boundaries = tmp_path / "topojson"
    shutil.copytree(load.TOPOJSON_DIR, boundaries)
    descriptor = json.loads((boundaries / "datapackage.json").read_text(encoding="utf-8"))
    del descriptor["credit"]
    (boundaries / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    monkeypatch.setattr(load, "TOPOJSON_DIR", boundaries)
    code, _, err = run_cli(["--data", str(GOLDEN_DATA), "--out", str(tmp_path / "site"), "--check"], capsys)
    shown = load.display(boundaries / "datapackage.json")
    assert code != 0
    for level in ("prefecture", "municipality"):
        assert f'{shown}: field "credit": required: the credit the licence of the map boundaries ' in err
        assert f"{maps.BOUNDARIES[level].path} requires on every map" in err


# --- the real site: the self-assessment ------------------------------------------------------------------------------


def test_self_check_page_works_without_javascript(real_site: Path) -> None:
    page = text_of(real_site, "local-governments/self-check.html")
    assert '<div id="sc-app" hidden' in page
    assert '<a href="self-check/template/data/status.csv" download>' in page
    assert '<a href="self-check/template/datapackage.json" download>' in page
    template = json.loads(text_of(real_site, "local-governments/self-check/template/datapackage.json"))
    fields = template["resources"][0]["schema"]["fields"]
    # The form's items are the items of the source's figures, in the order of their table; the drop-in refers to
    # the site's list of governments (site.toml [roles]), whatever its package is called.
    declared = rows("ref-peer-groups", "source-figures")
    items = next(f for f in fields if f["name"] == "programme")["constraints"]["enum"]
    assert items == list(dict.fromkeys(r["item"] for r in declared if r["item"]))
    references = template["resources"][0]["schema"]["externalForeignKeys"]
    assert {r["reference"]["package"] for r in references} == {"ref-local-governments"}
    header = ",".join(f["name"] for f in fields)
    assert text_of(real_site, "local-governments/self-check/template/data/status.csv") == header + "\n"
    for field in fields:
        assert f"<code>{field['name']}</code>" in page
        for value in field.get("constraints", {}).get("enum", []):
            assert f"「{value}」" in page
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts == ['<script defer src="../assets/selfcheck.js">']
    data = json.loads(text_of(real_site, "local-governments/self-check/data.json"))
    assert data["fields"] == [f["name"] for f in fields]
    assert data["governments"]["013951"][6] == named_peers(text_of(real_site, "local-governments/013951.html"))


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


def test_real_caravan_key_resolves_and_a_missing_package_is_reported(
    real_validation: tuple[list[validate.ValidPackage], list[Problem]],
) -> None:
    valid, problems = real_validation
    assert problems == []
    caravan = [p for p in valid if p.folder == "prefectural-caravan"]
    found = validate.check_foreign_keys(caravan)
    assert [p.message for p in found] == [
        'resources[0] "destinations-fy2023": foreign key to ref-local-governments/prefectures: '
        'there is no package "ref-local-governments"'
    ]
    assert validate.check_foreign_keys(caravan, ["ref-local-governments"]) == []  # loaded but invalid: not repeated


# --- peer groups and long lists ---------------------------------------------------------------------------------------


def test_peer_group_pages_and_bands(real_site: Path) -> None:
    bands = rows("ref-peer-groups", "population-bands")
    assert bands[0]["upper"] == "10000" and bands[0]["document_label"] == "人口1万人未満"
    for table in ("population-bands", "fiscal-strength-bands"):
        entries = rows("ref-peer-groups", table)
        assert entries[0]["lower"] == "" and entries[-1]["upper"] == ""
        assert all(a["upper"] == b["lower"] for a, b in itertools.pairwise(entries)), table
    small = text_of(real_site, "local-governments/groups/population-lt-10k.html")
    expected = [g for g in MUNICIPALITIES if POPULATION.get(g["code"], "").isdigit()]
    expected = [g for g in expected if int(POPULATION[g["code"]]) < 10000]
    assert f"該当する団体は{len(expected)}団体です" in small
    pages = listing_pages(real_site, "local-governments/groups/population-lt-10k.html")
    listed = [code for path in pages for code in government_links(real_site, path, "members")]
    assert listed == [g["code"] for g in expected]
    assert "55.0%" in small and "68.2%" in small
    town = text_of(real_site, f"local-governments/{expected[0]['code']}.html")
    assert 'href="../local-governments/groups/population-lt-10k.html"' in town


def test_listing_pages_split_a_list_in_order() -> None:
    pages = localgov_pages.listing_pages("local-governments/groups/g.html", list(range(5)), 2, WORDS.counting)
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
    (single,) = localgov_pages.listing_pages("maps/m.html", nothing, 2, WORDS.counting)
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
    villages = text_of(real_site, "local-governments/groups/type-village.html")
    assert "<h1>種別：村</h1>" in villages and 'class="pagination"' not in villages
    assert not (real_site / "local-governments/groups/type-village-page-2.html").exists()


# --- the drop-in ------------------------------------------------------------------------------------------------------


def build_dropin(data_root: Path, package: Path, out: Path, *extra: str) -> int:
    """The drop-in ``package`` beside the real companions it needs, built into ``out``."""
    data = data_root / "data"
    for name in DROPIN_COMPANIONS:
        shutil.copytree(DATA / name, data / name)
    shutil.copytree(package, data / package.name)
    companion_config(data.parent / "site.toml")
    return cli.main(["--data", str(data), "--out", str(out), "--strict", "--no-cache", *extra])


def companion_config(target: Path) -> None:
    """The real site's configuration without what the companions lack: the logic model and the Markdown pages."""
    text = REAL_CONFIG.read_text(encoding="utf-8")
    for line in ('logic_model = "policy"\n', "fiscal_year = 2025\n", '{ page = "about" }, { page = "methodology" }, '):
        assert line in text, line
        text = text.replace(line, "")
    target.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def dropin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The drop-in beside its companions, published at an address (for sitemap.xml), with the governments a
    map lists in pages of MAP_LISTING_PAGE_SIZE."""
    root = tmp_path_factory.mktemp("dropin")
    out = root / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(localgov_pages, "MAP_LISTING_PAGE_SIZE", MAP_LISTING_PAGE_SIZE)
        assert build_dropin(root, DROPIN, out, "--base-url", "https://example.org/opendata/") == 0
    return out


def dropin_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((DROPIN / "data" / "status.csv").read_text(encoding="utf-8"))))


def test_dropin_is_labelled_as_invented_test_data() -> None:
    descriptor = json.loads((DROPIN / "datapackage.json").read_text(encoding="utf-8"))
    assert "テスト用の架空データ" in descriptor["title"] and "テスト用の架空データ" in descriptor["description"]
    assert all("テスト用の架空データ" in row for row in (DROPIN / "data" / "status.csv").read_text().splitlines()[1:])
    assert not any("テスト用の架空データ" in p.read_text(encoding="utf-8") for p in DATA.rglob("*.*") if p.is_file())


def test_dropin_follows_the_published_template(real_site: Path) -> None:
    template = json.loads(text_of(real_site, "local-governments/self-check/template/datapackage.json"))
    fixture = json.loads((DROPIN / "datapackage.json").read_text(encoding="utf-8"))
    assert fixture["resources"][0]["schema"] == template["resources"][0]["schema"]
    assert fixture["resources"][0]["checks"] == template["resources"][0]["checks"]
    header = (DROPIN / "data" / "status.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "code,fiscal_year,programme,status,source"
    doc = (ROOT / "docs" / "local-governments.md").read_text(encoding="utf-8")
    assert header in doc and "templates/localgov_selfcheck_datapackage.json" in doc
    assert len({row["code"] for row in dropin_rows()}) >= 5  # several governments


@pytest.mark.slow
def test_the_template_builds_once_it_holds_a_row(
    real_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The published template as it is downloaded: refused while its CSV holds only the header (one line saying
    so), built as soon as one answer is in."""
    package = tmp_path / "localgov-self-check"
    (package / "data").mkdir(parents=True)
    shutil.copy(real_site / "local-governments/self-check/template/datapackage.json", package / "datapackage.json")
    header = "code,fiscal_year,programme,status,source\n"
    (package / "data" / "status.csv").write_text(header, encoding="utf-8")
    assert build_dropin(tmp_path / "a", package, tmp_path / "a" / "site") == 1
    assert "localgov-self-check/data/status.csv: the table has no data rows" in capsys.readouterr().err
    (package / "data" / "status.csv").write_text(
        header + "013951,2025,中核機関の整備,済,ニセコ町の回答\n", encoding="utf-8"
    )
    assert build_dropin(tmp_path / "b", package, tmp_path / "b" / "site") == 0


def test_dropin_produces_maps_peer_comparisons_and_status_columns(dropin_site: Path) -> None:
    status = dropin_rows()
    page = text_of(dropin_site, MAP_PAGE)
    programmes = sorted({r["programme"] for r in status})
    for index in range(1, len(programmes) + 1):
        svg = text_of(dropin_site, f"maps/localgov-status-test-status-{index}.svg")
        assert BOUNDARY_CREDIT in svg
        assert f'<img class="js-map" src="../maps/localgov-status-test-status-{index}.svg"' in page
    listed = {
        code for path in listing_pages(dropin_site, MAP_PAGE) for code in government_links(dropin_site, path, "listed")
    }
    assert listed >= {row["code"] for row in status}
    for row in status:
        gov = text_of(dropin_site, f"local-governments/{row['code']}.html")
        assert f"<strong>{row['status']}</strong>：" in gov, row
        assert f"（項目：{row['programme']}）" in gov
        assert "出典：テスト用の架空データ" in gov
    unlisted = text_of(dropin_site, "local-governments/052027.html")  # 能代市: not in the fixture
    assert "この団体：<strong>データなし</strong>" in unlisted
    akita = text_of(dropin_site, "local-governments/053279.html")
    peers = akita.split("（項目：中核機関の整備）</h3>", 1)[1].split("</ul>", 1)[0]
    assert "済 1・予定あり 1・未 2・データなし 21（25団体）" in peers
    # the peers' statuses side by side on the cards
    funabashi = text_of(dropin_site, "local-governments/122041.html")
    cards = funabashi.split('<h2 id="peers">', 1)[1].split('<details class="lg-rule">', 1)[0]
    own_card = cards.split("</dl>", 1)[0]  # 船橋市's own card: every item it answered, one line each
    assert "<dt>【テスト用の架空データ】市区町村の取組状況（自己点検）</dt>" in own_card
    assert "<li>項目：中核機関の整備：<strong>済</strong></li>" in own_card
    assert "<li>項目：重層的支援体制整備事業の実施：<strong>済</strong></li>" in own_card
    assert "<dd>データなし</dd>" in cards  # a peer without answers: one line
    group = text_of(dropin_site, "local-governments/groups/population-lt-10k.html")
    assert "【テスト用の架空データ】市区町村の取組状況（自己点検）（項目：中核機関の整備）</th>" in group
    views = sorted({r["programme"] for r in status})
    svg = text_of(dropin_site, f"maps/localgov-status-test-status-{views.index('中核機関の整備') + 1}.svg")
    assert re.search(r'data-c="122041" data-n="船橋市（千葉県）" data-v="(済|予定あり|未)"', svg)
    sizes = [p.stat().st_size for p in (dropin_site / "local-governments").glob("*.html")]
    assert max(sizes) <= HTML_LIMIT  # nine items, each compared in four groups and shown on six cards


def test_a_maps_listed_governments_are_split_into_pages(dropin_site: Path) -> None:
    order = [g["code"] for g in GOVERNMENTS]
    expected = sorted({row["code"] for row in dropin_rows()}, key=order.index)
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
    data = localgov.gather(model.build_site(valid, site_config()), WORDS)
    assert data is not None
    link = next(x for x in data.linked if x.package.name == DROPIN.name)
    assert (link.level, link.kind, link.measure, link.exhaustive) == ("municipality", "category", "status", False)
    assert [v.label for v in link.views][:2] == ["項目：ひきこもり相談窓口の明確化", "項目：中核機関の整備"]
    core = next(v for v in link.views if v.label == "項目：中核機関の整備")
    assert sum(n for name, n, _ in core.counts if name != link.no_data) == 6
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
    assert result.get_attribute("href") == "../local-governments/053279.html"  # the page's data-page, filled in
    assert problems == [] and csp_violations(page) == []
    page.context.close()


@pytest.mark.browser
def test_without_javascript_the_index_lists_prefectures_and_maps_show(browser: Browser, base_url: str) -> None:
    page, problems = open_page(browser, base_url + "local-governments/index.html", javascript=False)
    assert not page.locator("#lg-query").is_visible()
    assert page.locator("#prefectures + p + ul a").count() == 47
    page.context.close()
    for path in ("maps/prefectural-caravan-destinations-fy2023.html", "local-governments/122041.html"):
        page, problems = open_page(browser, base_url + path, javascript=False)
        wait_for_images(page)
        widths = page.locator("img").evaluate_all("images => images.map(i => i.naturalWidth)")
        assert widths and all(width > 0 for width in widths), path
        assert problems == [], path
        page.context.close()


@pytest.mark.browser
def test_a_locator_sheet_highlights_the_government_it_is_opened_for(browser: Browser, base_url: str) -> None:
    """What <img src="sheet.svg#c122041"> relies on: the SVG's own CSS fills the :target."""
    page, _ = open_page(browser, base_url + "maps/locator/12-1.svg#c122041", javascript=False)
    fill = page.locator("#c122041 path").evaluate("p => getComputedStyle(p).fill")
    other = page.locator("#c122033 path").evaluate("p => getComputedStyle(p).fill")
    assert fill == "rgb(213, 94, 0)" and other == "rgb(220, 220, 220)"
    page.context.close()


@pytest.mark.browser
def test_maps_become_explorable_with_javascript(browser: Browser, base_url: str) -> None:
    page, problems = open_page(browser, base_url + "local-governments/122041.html")
    sheet = page.locator("svg.lg-live-sheet")
    expect(sheet).to_have_count(1, timeout=30_000)
    expect(page.locator("svg.lg-live-sheet g.on")).to_have_attribute("id", "c122041")
    page.locator("svg.lg-live-sheet #c122033 path").hover()  # 市川市
    expect(page.locator(".lg-tip")).to_have_text("市川市")
    page.locator("svg.lg-live-sheet #c122033 path").click()
    expect(page).to_have_url(re.compile(r"local-governments/122033\.html$"))
    assert problems == [] and csp_violations(page) == []
    page.context.close()
    page, problems = open_page(browser, base_url + "maps/groups-population.html")
    expect(page.locator("svg.lg-live")).to_have_count(1, timeout=30_000)
    page.locator('svg.lg-live path[data-c="011002"]').hover()
    expect(page.locator(".lg-tip")).to_have_text("札幌市（北海道）：人口規模：30万人以上")
    assert problems == [] and csp_violations(page) == []
    page.context.close()


@pytest.mark.browser
def test_the_comparison_reads_on_a_360_px_screen(browser: Browser, base_url: str) -> None:
    for javascript in (True, False):
        context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=javascript)
        page = context.new_page()
        page.goto(base_url + "local-governments/122041.html", wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        cards = page.locator("#peers + p + ul.lg-cards > li")
        assert cards.count() == 6
        boxes = [cards.nth(i).bounding_box() for i in range(cards.count())]
        assert all(box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360 for box in boxes)
        assert len({round(box["x"]) for box in boxes if box}) == 1, "the cards stack in one column"
        for strip in page.locator(".lg-strip svg").all():
            box = strip.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 360
        context.close()


@pytest.mark.browser
def test_the_self_assessment_downloads_a_csv_that_builds_into_the_site(
    browser: Browser, base_url: str, tmp_path: Path
) -> None:
    """An official fills the form in Chromium, saves the CSV, and that CSV, dropped in with the template the
    site publishes, builds a site where the answers appear on the government's page, its map and its groups."""
    page, problems = open_page(browser, base_url + "local-governments/self-check.html")
    expect(page.locator("#sc-app")).to_be_visible(timeout=30_000)
    page.select_option("#sc-pref", "01")
    page.select_option("#sc-gov", "013951")  # ニセコ町
    expect(page.locator("#sc-summary")).to_have_text("ニセコ町（北海道・町）")
    expect(page.locator("#sc-peers > li")).to_have_count(6)
    band = page.locator('li[data-group="population-lt-10k"]').first
    expect(band).to_be_visible()  # ニセコ町 has fewer than 10,000 people: the band's 55.0% shows
    page.fill("#sc-year", "2025")
    page.fill("#sc-source", 'ニセコ町保健福祉課, 2026年1月 "点検"')
    page.locator('fieldset[data-item="中核機関の整備"] input[value="済"]').check()
    page.locator('fieldset[data-item="市町村計画の策定"] input[value="予定あり"]').check()
    page.locator('fieldset[data-item="市町村プラットフォームの設置"] input[value="未"]').check()
    with page.expect_download() as download_info:
        page.click("#sc-download")
    download = download_info.value
    assert download.suggested_filename == "self-check-013951-2025.csv"
    saved = tmp_path / "answers.csv"
    download.save_as(saved)
    assert problems == [] and csp_violations(page) == []
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.click("#sc-download")
    assert all(url.startswith(base_url) or url.startswith("blob:") for url in requests)  # nothing leaves
    page.context.close()

    text = saved.read_text(encoding="utf-8")
    assert text.splitlines() == [
        "code,fiscal_year,programme,status,source",
        '013951,2025,中核機関の整備,済,"ニセコ町保健福祉課, 2026年1月 ""点検"""',
        '013951,2025,市町村計画の策定,予定あり,"ニセコ町保健福祉課, 2026年1月 ""点検"""',
        '013951,2025,市町村プラットフォームの設置,未,"ニセコ町保健福祉課, 2026年1月 ""点検"""',
    ]
    # a prefecture collects it with the published template and builds
    package = tmp_path / "self-check-collected"
    (package / "data").mkdir(parents=True)
    with urllib.request.urlopen(base_url + "local-governments/self-check/template/datapackage.json") as response:
        descriptor = json.loads(response.read().decode("utf-8"))  # the template as the site publishes it
    descriptor["name"] = package.name
    (package / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    shutil.copy(saved, package / "data" / "status.csv")
    out = tmp_path / "site"
    assert build_dropin(tmp_path, package, out) == 0
    niseko = text_of(out, "local-governments/013951.html")
    assert "<strong>済</strong>：" in niseko and "（項目：中核機関の整備）" in niseko
    assert "この団体：<strong>済</strong>" in niseko
    assert re.search(r"北海道の市区町村</a></p>\n<p class=\"lg-compare-figures\">済 1・データなし \d+", niseko)
    maps_page = text_of(out, "maps/self-check-collected-status.html")
    assert '<img class="js-map" src="../maps/self-check-collected-status-1.svg"' in maps_page
    svg = text_of(out, "maps/self-check-collected-status-1.svg")
    assert 'data-c="013951" data-n="ニセコ町（北海道）" data-v="済"' in svg
    peer = named_peers(niseko)[0]
    assert "<dd>データなし</dd>" in text_of(out, f"local-governments/{peer}.html").split('<h2 id="peers">', 1)[1]


LOCAL_GOVERNMENT_PAGE_TYPES = (
    "local-governments/122041.html",  # a city
    "local-governments/013951.html",  # a small town
    "local-governments/290009.html",  # a prefecture, with its sheets
    "local-governments/self-check.html?code=013951",
    "local-governments/groups/index.html",
    "maps/index.html",
    "maps/groups-population.html",
    "maps/prefectural-caravan-destinations-fy2023.html",
)


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False])
def test_axe_finds_no_wcag22_aa_violations_on_local_government_and_map_pages(
    browser: Browser, base_url: str, javascript: bool
) -> None:
    from tests.test_quality import AXE_JS, AXE_RUN, WCAG_TAGS, npm_tool

    axe = npm_tool(AXE_JS)
    found: list[str] = []
    for path in LOCAL_GOVERNMENT_PAGE_TYPES:
        # axe is injected as a script of its own: the site's CSP (script-src 'self') is bypassed for this test only.
        context = browser.new_context(viewport={"width": 1024, "height": 800}, bypass_csp=True)
        page = context.new_page()
        if not javascript:  # the site's own scripts never run: what a reader without JavaScript gets (axe still can)
            page.route("**/assets/*.js", lambda route: route.abort())
        page.goto(base_url + path, wait_until="load")
        if javascript and (path.startswith("maps/groups") or path.endswith("122041.html")):
            expect(page.locator("svg.lg-live").first).to_be_attached(timeout=30_000)
        if javascript and path.startswith("local-governments/self-check"):
            expect(page.locator("#sc-about")).to_be_visible(timeout=30_000)
        page.add_script_tag(path=str(axe))
        violations: list[str] = page.evaluate(AXE_RUN, WCAG_TAGS)
        found += [f"{path}: {violation}" for violation in violations]
        context.close()
    assert found == []


def test_the_link_check_follows_fragments_into_svg(tmp_path: Path) -> None:
    from tests.test_quality import link_problems

    (tmp_path / "m.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><g id="c1"></g></svg>', encoding="utf-8")
    (tmp_path / "index.html").write_text('<img src="m.svg#c1" alt=""><img src="m.svg#c2" alt="">', encoding="utf-8")
    _, _, problems = link_problems(tmp_path)
    assert problems == ["index.html:1: <img> 'm.svg#c2': no element with id 'c2' in m.svg"]


def _unquoted_text(html: str) -> str:
    """A page's visible text with every 「…」/『…』 quotation (titles quoted as printed) taken out."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)))
    depth, kept = 0, []
    for char in text:
        if char in "「『":
            depth += 1
        elif char in "」』" and depth:
            depth -= 1
        elif not depth:
            kept.append(char)
    return "".join(kept)


@pytest.mark.parametrize("page", ["122041.html", "012033.html", "120006.html", "index.html", "self-check.html"])
def test_local_government_pages_write_years_in_the_sites_style(real_site: Path, page: str) -> None:
    """2021（令和3）年度, 2024（令和6）年4月1日 as everywhere else; an era alone only in a quotation, in the name of
    the census (令和2年国勢調査) or where a form explains how to write a year (2025＝令和7年度)."""
    path = real_site / "local-governments" / page
    text = _unquoted_text(path.read_text(encoding="utf-8")).replace("令和2年国勢調査", "")
    era_alone = re.findall(r"(?<!\d（)(?<!＝)(?:令和|平成)(?:元|\d{1,2})年(?:度|\d{1,2}月\d{1,2}日)?", text)
    assert era_alone == [], era_alone
