"""Issue 15: every figure linkable and embeddable, every download that stands on its own, addresses that never
break. Checked on the golden site built with a published address, on the real site, and in Chromium."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import shutil
import struct
import threading
import zipfile
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from datasite import addresses, cli
from tests.conftest import (
    GOLDEN_DATA,
    ONE_CHART_WORKER,
    ROOT,
    WAIT_MS,
    QuietHandler,
    config_beside,
    made_once,
    run_cli,
)

BASE = "https://example.org/site/"
SITE_NAME = "施策目標Ⅶ-1-3 オープンデータ"  # the real site's name (site.toml)
GOLDEN_NAME = "テスト用サイト"  # the golden fixture's (tests/fixtures/golden/site.toml)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, golden_build: tuple[Path, Path]) -> Path:
    """The golden site as published at BASE (built once per session, however many processes run the tests). It
    starts from a copy of the golden build's cache: the packages are validated and their charts' specs built
    already; only what the address changes (pages, image credits) is made again."""

    def build(folder: Path) -> None:
        cache = shutil.copytree(golden_build[1], folder / "cache")
        args = ["--data", str(GOLDEN_DATA), "--out", str(folder / "site"), "--strict", "--cache", str(cache)]
        assert cli.main([*args, "--base-url", BASE]) == 0

    return made_once(tmp_path_factory, "published", build) / "site"


def declared_charts(site: Path) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(package, resource, chart) for every chart the published datapackage.json files declare."""
    found = []
    for path in sorted(site.glob("datasets/*/datapackage.json")):
        package = json.loads(path.read_text(encoding="utf-8"))
        for resource in package["resources"]:
            found += [(package, resource, chart) for chart in resource.get("charts", [])]
    return found


def chart_stem(package: dict[str, Any], resource: dict[str, Any], chart: dict[str, Any]) -> str:
    return f"charts/{package['name']}/{resource['name']}-{chart['name']}"


# --- 1, 2: a page and an embeddable view per chart -------------------------------------------------------------------


def test_every_chart_has_a_page_and_an_embed_at_its_published_address(published: Path) -> None:
    charts = declared_charts(published)
    assert len(charts) == 2
    for package, resource, chart in charts:
        stem = chart_stem(package, resource, chart)
        name = stem.rsplit("/", 1)[1]
        page = (published / f"{stem}.html").read_text(encoding="utf-8")
        embed = (published / f"{stem}.embed.html").read_text(encoding="utf-8")
        # The page: the chart (image and spec for the interactive view), its table, notes, source, licence and
        # reference date, and the links back to its dataset and its area.
        assert f'<img src="../../{stem}.svg"' in page and f'data-spec-url="../../{stem}.vl.json"' in page
        assert f"<caption>{resource['title']}" in page
        reference_date = resource["sources"][0].get("reference_date")
        assert reference_date is None or f"<dt>時点</dt><dd>{reference_date}</dd>" in page
        assert 'rel="license"' in page and "CC BY 4.0" in page
        assert f'href="../../datasets/{package["name"]}/index.html"' in page
        assert 'href="../../areas/hikikomori/index.html"' in page
        # 「リンク」 shows the absolute address as text; 「埋め込み」 the iframe code with the embed's absolute address.
        assert f">{BASE}{stem}.html</a>" in page
        assert f"&lt;iframe src=&#34;{BASE}{stem}.embed.html&#34;" in page
        # The embed: the image, one line of source and licence, a link back; no script; the page's own policy.
        assert f'<img src="{name}.svg"' in embed and f'srcset="{name}.narrow.svg"' in embed
        assert "ライセンス" in embed and "テスト用資料" in embed and f'href="{name}.html" target="_blank"' in embed
        assert "<script" not in embed
        assert f'<link rel="canonical" href="{BASE}{stem}.html">' in embed


def test_every_chart_wherever_it_appears_offers_link_and_embed(published: Path) -> None:
    shown = 0
    for path in sorted(published.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        for figure in re.findall(r'<figure class="chart" id="chart-.*?</figure>', html, re.DOTALL):
            shown += 1
            summaries = re.findall(r"<summary>(.*?)</summary>", figure)
            assert summaries == ["リンク", "埋め込み"], path
    assert shown >= 6  # the area page, the dataset page and each chart's own page


def test_no_page_asks_for_frame_ancestors_in_a_meta_policy(published: Path) -> None:
    """A <meta> Content-Security-Policy cannot govern framing (browsers ignore frame-ancestors there, with a
    console error): every page keeps the one policy, and framing is left to the host (docs/publishing.md)."""
    policies = set()
    for path in published.rglob("*.html"):
        found = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', path.read_text(encoding="utf-8"))
        assert len(found) == 1, path
        policies.add(found[0])
    assert len(policies) == 1 and "frame-ancestors" not in policies.pop()


def test_the_embed_height_estimate_fits_each_real_chart(real_site: Path) -> None:
    """The iframe code asks for a height estimated before the images are drawn: never less than the wide image and
    its line of credits, and at most a tenth more."""
    checked = 0
    for embed in sorted(real_site.glob("charts/*/*.embed.html")):
        stem = embed.name.removesuffix(".embed.html")
        svg = (embed.parent / f"{stem}.svg").read_text(encoding="utf-8")
        drawn = float(re.search(r'<svg[^>]*?\sheight="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
        page = (embed.parent / f"{stem}.html").read_text(encoding="utf-8")
        asked = int(re.search(r"height=&#34;(\d+)&#34;", page).group(1))  # type: ignore[union-attr]
        assert drawn + 30 <= asked <= (drawn + 56) * 1.1, (stem, drawn, asked)
        checked += 1
    assert checked >= 30


# --- 3: images that keep their attribution ---------------------------------------------------------------------------

TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.DOTALL)


def svg_text(path: Path) -> str:
    return "".join(re.sub(r"<[^>]+>", "", t) for t in TEXT.findall(path.read_text(encoding="utf-8")))


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def test_every_real_chart_image_carries_its_credits_as_text(real_site: Path) -> None:
    charts = declared_charts(real_site)
    assert len(charts) >= 30
    for package, resource, chart in charts:
        stem = chart_stem(package, resource, chart)
        sources = resource.get("sources") or package["sources"]
        licence = package["licenses"][0]["name"]
        unit = next(f.get("unit") for f in resource["schema"]["fields"] if f["name"] == chart["y"])
        discrepancies = [d for check in resource.get("checks", []) for d in check.get("discrepancies", [])]
        for layout in ("", ".narrow"):
            text = svg_text(real_site / f"{stem}{layout}.svg").replace(" ", "")
            assert "出典：" + sources[0]["title"].replace(" ", "")[:20] in text, stem
            assert f"ライセンス：{licence}" in text and SITE_NAME.replace(" ", "") in text, stem
            if sources[0].get("reference_date"):
                assert "時点：" in text, stem
            if unit:
                assert f"単位：{unit}" in text, stem
            if discrepancies:
                assert "資料内の不一致：" in text, stem
            if chart.get("breaks"):
                assert "破線：" in text, stem
        # The PNG, for print, is drawn at twice the SVG's size.
        svg = (real_site / f"{stem}.svg").read_text(encoding="utf-8")
        width, height = (float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', svg).groups())  # type: ignore[union-attr]
        assert png_size(real_site / f"{stem}.png") == (round(width * 2), round(height * 2))


def test_every_real_map_carries_its_title_and_credits_and_has_a_png_for_print(real_site: Path) -> None:
    maps = sorted(real_site.glob("maps/*.svg"))
    assert len(maps) >= 5
    for path in maps:
        svg = path.read_text(encoding="utf-8")
        text = svg_text(path)
        title = re.search(r"<title>(.*?)</title>", svg).group(1)  # type: ignore[union-attr]
        assert text.startswith(title), path.name  # drawn above the map
        assert "出典：" in text and "時点：" in text and "ライセンス：" in text and SITE_NAME in text, path.name
        assert "国土数値情報" in text  # the boundaries' own credit stays
        width, height = (float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', svg).groups())  # type: ignore[union-attr]
        assert png_size(path.with_suffix(".png")) == (round(width * 2), round(height * 2)), path.name
    assert not list(real_site.glob("maps/locator/*.png"))  # locator sheets are not figures: no credits, no PNG


def test_an_image_names_its_page_when_the_address_is_known(published: Path, golden_site: Path) -> None:
    stem = "charts/sample-consultations/consultations-trend"
    assert f"{BASE}{stem}.html" in svg_text(published / f"{stem}.svg")
    assert "https://" not in svg_text(golden_site / f"{stem}.svg")
    assert "資料内の不一致：2023（令和5）年度の計190は内訳の和185と一致しない" in svg_text(golden_site / f"{stem}.svg")


# --- 4: downloads for people ------------------------------------------------------------------------------------------


def csv_records(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_every_real_excel_csv_has_a_bom_japanese_titles_and_the_rows_of_its_utf8_csv(real_site: Path) -> None:
    resources = 0
    for path in sorted(real_site.glob("datasets/*/datapackage.json")):
        package = json.loads(path.read_text(encoding="utf-8"))
        for resource in package["resources"]:
            resources += 1
            excel_bytes = (path.parent / f"{resource['name']}.excel.csv").read_bytes()
            assert excel_bytes.startswith("\ufeff".encode()), resource["name"]
            program, excel = (path.parent / f"{resource['name']}.csv").read_bytes(), csv_records(excel_bytes)
            fields = resource["schema"]["fields"]
            titles = [f"{f['title']}（{f['unit']}）" if f.get("unit") else f["title"] for f in fields]
            assert excel[0][: len(titles)] == titles, resource["name"]
            assert excel[0][len(titles) :] in ([], ["合計の行"])
            assert len(excel) == len(csv_records(program)), resource["name"]
            assert program.startswith(",".join(f["name"] for f in fields).encode()), resource["name"]
            for index, field in enumerate(fields):
                if field["type"] == "boolean":
                    assert {row[index] for row in excel[1:]} <= {"○", ""}, (resource["name"], field["name"])
    assert resources >= 60


def test_total_rows_are_marked_so_that_a_column_sum_leaves_them_out(golden_site: Path) -> None:
    excel = csv_records((golden_site / "datasets/sample-consultations/consultations.excel.csv").read_bytes())
    assert excel[0] == ["年度", "年度（和暦）", "経路", "相談件数（件）", "再構成", "合計の行"]
    marked = [row for row in excel[1:] if row[-1] == "○"]
    assert [row[2] for row in marked] == ["計", "計"]
    parts_2022 = sum(int(row[3] or 0) for row in excel[1:] if row[0] == "2022" and row[-1] != "○")
    assert parts_2022 == 150 == int(marked[0][3])  # the 計 row of 2022, not counted twice
    assert [row[4] for row in excel[1:]] == ["", "", "", "", "○", "○", "○", "○"]  # false → blank, true → ○


def test_every_dataset_zip_and_all_data_zip_stand_on_their_own(real_site: Path) -> None:
    whole = zipfile.ZipFile(real_site / "downloads/all-data.zip")
    everything = {info.filename: info for info in whole.infolist()}
    assert {"LICENSE.txt", "README.txt"} <= set(everything)
    for path in sorted(real_site.glob("datasets/*/datapackage.json")):
        package = json.loads(path.read_text(encoding="utf-8"))
        name, date = package["name"], tuple(int(p) for p in package["updated"].split("-"))
        tables = [f"{r['name']}{suffix}" for r in package["resources"] for suffix in (".csv", ".excel.csv")]
        expected = {"README.txt", "datapackage.json", *tables}
        own = zipfile.ZipFile(path.parent / f"{name}.zip")
        assert {info.filename for info in own.infolist()} == {f"{name}/{file}" for file in expected}
        assert {info.date_time[:3] for info in own.infolist()} == {date}
        for file in expected:
            entry = everything[f"datasets/{name}/{file}"]
            assert entry.date_time[:3] == date and entry.date_time[0] > 1980
            assert whole.read(entry) == (path.parent / file).read_bytes()
        readme = own.read(f"{name}/README.txt").decode("utf-8")
        assert package["sources"][0]["title"] in readme and package["licenses"][0]["name"] in readme
    licence = whole.read("LICENSE.txt").decode("utf-8")
    assert "https://creativecommons.org/licenses/by/4.0/legalcode.ja" in licence


def test_a_readme_says_what_a_reader_needs(golden_site: Path) -> None:
    readme = (golden_site / "datasets/sample-consultations/README.txt").read_bytes().decode("utf-8")
    assert "\r\n" in readme  # lines in every editor
    for expected in (
        "テスト用資料（p.1 相談）",  # source and slide
        "原資料：テスト調査",
        "時点：各年度末",  # reference date
        "CC BY 4.0（CC-BY-4.0）",  # licence
        "https://creativecommons.org/licenses/by/4.0/",
        "count：相談件数（単位：件）。整数",  # each column
        "SNS は令和5年度から集計。",  # the notes
        "令和5年度の計190は内訳の和185と一致しない（資料のまま）。",  # declared discrepancies
        "令和5年度の値は合計との一致で配置を確認した。",  # how values were reconstructed
        "4行（reconstructed 列が true",
        "内訳の合計の行（計）",
    ):
        assert expected in readme, expected


# slow: a build of its own with every chart drawn (about 2 s of CPU); `make test` runs it, `make unit` does not.
@pytest.mark.slow
def test_a_declared_dialect_is_published_as_comma_separated_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from frictionless import validate

    data = tmp_path / "datapackages"
    shutil.copytree(GOLDEN_DATA / "sample-consultations", data / "sample-consultations")
    config_beside(data)
    folder = data / "sample-consultations"
    original = (folder / "data/consultations.csv").read_text(encoding="utf-8")
    (folder / "data/consultations.csv").write_text(original.replace(",", ";"), encoding="utf-8")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["dialect"] = {"delimiter": ";"}
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    site = tmp_path / "site"
    assert run_cli(["--data", str(data), "--out", str(site), "--no-cache", *ONE_CHART_WORKER], capsys)[0] == 0
    published = site / "datasets/sample-consultations"
    assert (published / "consultations.csv").read_text(encoding="utf-8") == original
    assert "dialect" not in json.loads((published / "datapackage.json").read_text(encoding="utf-8"))["resources"][0]
    assert csv_records((published / "consultations.excel.csv").read_bytes())[1][:3] == ["2022", "令和4年度", "電話"]
    report = validate(str(published / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


# --- 5: citations that resolve --------------------------------------------------------------------------------------


def test_citations_give_the_address_when_it_is_known_and_say_how_to_form_it_otherwise(
    published: Path, golden_site: Path
) -> None:
    address = f"{BASE}datasets/sample-consultations/index.html"
    csl = json.loads((published / "datasets/sample-consultations/citation.json").read_text(encoding="utf-8"))
    assert csl == [
        {
            "id": "sample-consultations",
            "type": "dataset",
            "title": "相談件数（テスト用）",
            "publisher": GOLDEN_NAME,
            "version": "1.0.0",
            "language": "ja",
            "issued": {"date-parts": [[2026, 1, 1]]},
            "URL": address,
            "original-title": "テスト用資料",  # the source names no address: none is given
            "license": "https://creativecommons.org/licenses/by/4.0/",
        }
    ]
    bib = (published / "datasets/sample-consultations/citation.bib").read_text(encoding="utf-8")
    assert f"url = {{{address}}}" in bib and "version = {1.0.0}" in bib
    page = (published / "datasets/sample-consultations/index.html").read_text(encoding="utf-8")
    assert (
        f'版 1.0.0、2026（令和8）年1月1日 更新）。<span class="citation-address" data-page-address>{address}</span>'
        in page
    )
    assert 'data-copy-target="citation-dataset"' in page and "citation.json" in page
    local = json.loads((golden_site / "datasets/sample-consultations/citation.json").read_text(encoding="utf-8"))
    assert "URL" not in local[0]
    without = (golden_site / "datasets/sample-consultations/index.html").read_text(encoding="utf-8")
    assert "このサイトの公開アドレスに続けて <code>datasets/sample-consultations/index.html</code>" in without


def test_a_source_address_is_cited_only_where_the_package_gives_one(real_site: Path) -> None:
    for path in sorted(real_site.glob("datasets/*/citation.json")):
        package = json.loads((path.parent / "datapackage.json").read_text(encoding="utf-8"))
        given = [s["path"] for s in package["sources"] if s.get("path")]
        item = json.loads(path.read_text(encoding="utf-8"))[0]
        assert item.get("source", "") == " ".join(given), path


# --- 6: addresses that never break ----------------------------------------------------------------------------------


def golden_copy(tmp_path: Path) -> Path:
    data = tmp_path / "datapackages"
    shutil.copytree(GOLDEN_DATA / "sample-consultations", data / "sample-consultations")
    config_beside(data)
    return data


def edit_charts(data: Path, edit: Any) -> None:
    path = data / "sample-consultations" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    edit(descriptor["resources"])
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")


def test_a_chart_removed_without_a_redirect_fails_the_build_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, site = golden_copy(tmp_path), tmp_path / "site"
    code, out, _ = run_cli(["--data", str(data), "--out", str(site), "--record-addresses"], capsys)
    assert code == 0 and "all recorded in" in out
    recorded = (data / "addresses.txt").read_text(encoding="utf-8")
    assert addresses.read_list(recorded, "")[0].keys() == addresses.counted(
        p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()
    )
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}

    edit_charts(data, lambda resources: resources[1].pop("charts"))
    code, _, err = run_cli(["--data", str(data), "--out", str(site)], capsys)
    line = recorded.splitlines().index("charts/sample-consultations/shares-bars.html") + 1
    assert code == 1
    assert err.splitlines() == [
        f"{data / 'addresses.txt'}:{line}: charts/sample-consultations/shares-bars.html (and "
        "charts/sample-consultations/shares-bars.embed.html, .narrow.svg, .narrow.vl.json, .png, .svg, .vl.json) "
        "was published and this build no longer publishes it: publish it again, or declare where it went in "
        f"{data / 'redirects.csv'} (address,to)",
        f"build failed: 1 problem(s); {site} was left as it was",
    ]
    assert {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before

    # With a redirect declared, the old addresses lead on: a page to the new page, each file is the new file.
    (data / "redirects.csv").write_text(
        "address,to,note\ncharts/sample-consultations/shares-bars.html,"
        "charts/sample-consultations/consultations-trend.html,グラフを一つにまとめた\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(["--data", str(data), "--out", str(site)], capsys)
    assert (code, err) == (0, "")
    old = site / "charts/sample-consultations"
    page = (old / "shares-bars.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=consultations-trend.html">' in page
    assert 'href="consultations-trend.embed.html"' in (old / "shares-bars.embed.html").read_text(encoding="utf-8")
    assert (old / "shares-bars.png").read_bytes() == (old / "consultations-trend.png").read_bytes()
    assert (data / "addresses.txt").read_text(encoding="utf-8") == recorded  # only --record-addresses writes it


def test_new_addresses_never_block_a_build_and_are_recorded_in_one_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, site = golden_copy(tmp_path), tmp_path / "site"
    assert run_cli(["--data", str(data), "--out", str(site), "--record-addresses"], capsys)[0] == 0
    recorded = set((data / "addresses.txt").read_text(encoding="utf-8").splitlines())
    second = {"name": "bars2", "type": "bar", "x": "answer", "y": "percent", "title": "割合", "description": "割合。"}
    edit_charts(data, lambda resources: resources[1]["charts"].append(second))
    code, out, _ = run_cli(["--data", str(data), "--out", str(site), "--strict"], capsys)
    # This data folder is not the repository's: the command to record its addresses names it.
    assert code == 0 and "7 not yet in" in out and f"`build.py --data {data} --record-addresses`" in out
    assert set((data / "addresses.txt").read_text(encoding="utf-8").splitlines()) == recorded
    assert run_cli(["--data", str(data), "--out", str(site), "--record-addresses"], capsys)[0] == 0
    now = set((data / "addresses.txt").read_text(encoding="utf-8").splitlines())
    assert recorded < now and "charts/sample-consultations/shares-bars2.embed.html" in now


def test_redirects_that_cannot_be_followed_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, site = golden_copy(tmp_path), tmp_path / "site"
    (data / "addresses.txt").write_text("gone.html\nold/list.csv\n", encoding="utf-8")
    (data / "redirects.csv").write_text(
        "address,to\nindex.html,404.html\nnever.html,index.html\ngone.html,nowhere.html\ngone.html,index.html\n"
        "old/list.csv,index.html\n",
        encoding="utf-8",
    )
    code, _, err = run_cli(["--data", str(data), "--out", str(site)], capsys)
    shown = data / "redirects.csv"
    assert code == 1
    assert err.splitlines() == [
        f"{data / 'addresses.txt'}:2: old/list.csv was published and this build no longer publishes it: publish it "
        f"again, or declare where it went in {shown} (address,to)",
        f'{shown}:2: field "address": index.html is still published: a redirect would replace it; remove this row',
        f'{shown}:3: field "address": never.html was never published (it is not in {data / "addresses.txt"})',
        f'{shown}:4: field "to": nowhere.html is not published by this build: a redirect must lead to a published '
        "address",
        f'{shown}:6: field "to": old/list.csv is a file, not a page: it can lead only to a file of its kind (.csv), '
        "whose bytes are published in its place",
        f"build failed: 5 problem(s); {site} was left as it was",
    ]
    assert not site.exists()


def test_the_real_site_publishes_every_address_in_its_list(real_site: Path) -> None:
    listed = ROOT / "datapackages" / "addresses.txt"
    recorded = addresses.read_list(listed.read_text(encoding="utf-8"), str(listed))[0]
    published = addresses.counted(p.relative_to(real_site).as_posix() for p in real_site.rglob("*") if p.is_file())
    assert len(recorded) > 2000
    assert set(recorded) <= published


# --- in Chromium: framed by another site, and the copy controls ----------------------------------------------------


class DocumentedHeaders(QuietHandler):
    """A server that sets the headers docs/publishing.md advises where headers can be set: no framing by other
    sites, except the embeddable views."""

    def end_headers(self) -> None:
        if not self.path.split("?")[0].endswith(".embed.html"):
            self.send_header("Content-Security-Policy", "frame-ancestors 'self'")
        super().end_headers()


@pytest.fixture(scope="module")
def strict_host(real_site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(DocumentedHeaders, directory=str(real_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """Another origin (``localhost``, another port) where a newspaper's page embeds the chart."""
    folder = tmp_path_factory.mktemp("newspaper")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://localhost:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


CHART = "charts/hikikomori-consultations/cases-trend-trend"


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_embed_code_shows_the_chart_inside_another_sites_page(
    browser: Browser, base_url: str, other_site: tuple[Path, str], javascript: bool
) -> None:
    # The code as a journalist copies it (share.js completes the address the build did not know).
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}{CHART}.html")
    code = page.locator("figure.chart textarea.share-text").first
    expect(code).to_have_value(re.compile(re.escape(f'src="{base_url}{CHART}.embed.html"')), timeout=WAIT_MS)
    snippet = code.input_value()
    context.close()
    folder, origin = other_site
    (folder / "article.html").write_text(
        f'<!DOCTYPE html><html lang="ja"><title>記事</title><p>本文</p>{snippet}</html>', encoding="utf-8"
    )
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(origin + "article.html")
    frame = page.frame_locator("iframe")
    image = frame.locator("img")
    expect(image).to_have_js_property("complete", True, timeout=WAIT_MS)
    assert image.evaluate("img => img.naturalWidth") > 300
    expect(frame.locator("figcaption")).to_contain_text("ライセンス")
    expect(frame.locator("figcaption a", has_text="このグラフのページ")).to_have_attribute("target", "_blank")
    # The frame the code asks for holds the chart and its line of source and licence, at their full size.
    box = page.locator("iframe").bounding_box()
    caption = frame.locator("figcaption").bounding_box()
    assert box is not None and caption is not None and caption["y"] + caption["height"] <= box["y"] + box["height"] + 1
    assert image.evaluate("img => img.getBoundingClientRect().width") == 720  # the wide image, drawn 1:1
    context.close()


@pytest.mark.browser
def test_a_host_that_sets_headers_frames_only_the_embed(
    browser: Browser, strict_host: str, other_site: tuple[Path, str]
) -> None:
    folder, origin = other_site
    (folder / "two.html").write_text(
        f'<!DOCTYPE html><html lang="ja"><title>記事</title><iframe id="embed" src="{strict_host}{CHART}.embed.html">'
        f'</iframe><iframe id="page" src="{strict_host}{CHART}.html"></iframe></html>',
        encoding="utf-8",
    )
    context = browser.new_context()
    page = context.new_page()
    page.goto(origin + "two.html")
    expect(page.frame_locator("#embed").locator("figcaption")).to_contain_text("ライセンス", timeout=WAIT_MS)
    page.wait_for_load_state("load")
    # The chart page itself is not shown inside another site: its frame holds the browser's error page.
    assert f"{strict_host}{CHART}.embed.html" in [frame.url for frame in page.frames]
    assert f"{strict_host}{CHART}.html" not in [frame.url for frame in page.frames]
    context.close()


@pytest.mark.browser
def test_link_and_embed_copy_the_address_and_the_code(browser: Browser, base_url: str) -> None:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{base_url}datasets/hikikomori-consultations/index.html")
    figure = page.locator("#chart-hikikomori-consultations-cases-trend-trend")
    figure.locator("summary", has_text="リンク").click()
    expect(figure.locator(".share-status").first).to_have_text(re.compile("コピーしました"), timeout=WAIT_MS)
    assert page.evaluate("navigator.clipboard.readText()") == f"{base_url}{CHART}.html"
    expect(figure.locator("a.share-text")).to_have_text(f"{base_url}{CHART}.html")
    figure.locator("summary", has_text="埋め込み").click()
    expect(figure.locator(".share-status").nth(1)).to_have_text(re.compile("コピーしました"), timeout=WAIT_MS)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f'<iframe src="{base_url}{CHART}.embed.html" title="相談件数の推移（相談方法別）')
    # The citation's button copies the citation, its address completed from where the page was opened.
    page.get_by_role("button", name="引用文をコピー").click()
    expect(page.locator("#citation-dataset-status")).to_have_text(re.compile("コピーしました"), timeout=WAIT_MS)
    assert f"{base_url}datasets/hikikomori-consultations/index.html" in page.evaluate("navigator.clipboard.readText()")
    context.close()


@pytest.mark.browser
def test_without_javascript_the_address_and_the_code_are_text(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{base_url}{CHART}.html")
    figure = page.locator("figure.chart").first
    figure.locator("summary", has_text="リンク").click()
    expect(figure.locator("a.share-text")).to_have_text(f"{CHART}.html")
    expect(figure.locator(".share-hint").first).to_be_visible()
    figure.locator("summary", has_text="埋め込み").click()
    expect(figure.locator("textarea")).to_have_value(re.compile(f'^<iframe src="{CHART}.embed.html"'))
    expect(page.get_by_role("button", name="引用文をコピー")).to_be_hidden()  # a button only where it works
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
