"""Sites other than the real one, built by the same generator from their own configuration: the example in
examples/library-access (a made-up goal, labelled as such on every page), the golden fixture, and a site of two
goals (tests/fixtures/two-goals). Each has 0 broken links, 0 Nu errors and 0 axe violations, and every page is
reached from its home page."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from datasite import cli
from tests.conftest import FIXTURES, ROOT, served
from tests.test_quality import axe_violations, html_pages, link_problems, nu_command, nu_errors, unreachable_pages

# Each test here builds whole sites: make test runs them, make unit (the edit-test loop) leaves them.
pytestmark = pytest.mark.slow

EXAMPLE = ROOT / "examples" / "library-access"
TWO_GOALS = FIXTURES / "two-goals"


def build(data: Path, out: Path) -> Path:
    assert cli.main(["--data", str(data), "--out", str(out), "--strict", "--no-cache"]) == 0
    return out


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site, built as its site.toml says (its configuration and content beside its data)."""
    return build(EXAMPLE / "datapackages", tmp_path_factory.mktemp("example") / "site")


@pytest.fixture(scope="session")
def two_goal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(TWO_GOALS / "datapackages", tmp_path_factory.mktemp("two-goals") / "site")


@pytest.fixture(scope="session")
def sites(example_site: Path, golden_site: Path, two_goal_site: Path) -> dict[str, Path]:
    return {"example": example_site, "golden": golden_site, "two goals": two_goal_site}


# --- the example ----------------------------------------------------------------------------------------------------


def test_the_example_says_on_every_page_that_it_is_made_up(example_site: Path) -> None:
    notice = "これは生成器の使い方を示す架空の例です。"
    pages = html_pages(example_site)
    assert len(pages) >= 15
    assert [path for path in pages if notice not in (example_site / path).read_text(encoding="utf-8")] == []


def test_the_example_has_charts_a_logic_model_and_a_markdown_page_and_no_local_governments(example_site: Path) -> None:
    assert sorted(p.name for p in (example_site / "charts" / "example-library-visits").glob("*.svg")) == [
        "services-bars.narrow.svg",
        "services-bars.svg",
        "visits-trend.narrow.svg",
        "visits-trend.svg",
    ]
    assert (example_site / "logic-model" / "index.html").is_file() and (example_site / "review.json").is_file()
    about = (example_site / "about.html").read_text(encoding="utf-8")
    assert "<h1>この見本について</h1>" in about
    assert not (example_site / "local-governments").exists() and not (example_site / "maps").exists()
    home = (example_site / "index.html").read_text(encoding="utf-8")
    # Only the sections that exist are linked: no programmes, no glossary, no local governments.
    for absent in ("programmes/", "glossary/", "local-governments/", "maps/"):
        assert absent not in home, absent


def test_the_example_is_the_generators_only_without_a_word_of_the_real_site(example_site: Path) -> None:
    real = ("施策目標Ⅶ-1-3", "厚生労働省", "ひきこもり", "成年後見")
    found = [
        (path, word)
        for path in html_pages(example_site)
        for word in real
        if word in (example_site / path).read_text(encoding="utf-8")
    ]
    assert found == []


# --- several goals --------------------------------------------------------------------------------------------------


def test_each_goal_has_its_own_pages_under_its_folder(two_goal_site: Path) -> None:
    for goal in ("first", "second"):
        folder = two_goal_site / "goals" / goal
        for page in ("index.html", "logic-model/index.html", "review/index.html", "indicators/indicator-1.html"):
            assert (folder / page).is_file(), f"{goal}/{page}"
        review = json.loads((folder / "review.json").read_text(encoding="utf-8"))
        assert len(review["items"]) == 11
        assert (two_goal_site / "charts" / "indicators" / goal / "indicator-1-progress.svg").is_file()
    # A site of several goals has no logic model at the top: each goal has its own.
    assert not (two_goal_site / "logic-model").exists() and not (two_goal_site / "review.json").exists()
    goals = (two_goal_site / "goals" / "index.html").read_text(encoding="utf-8")
    assert 'href="../goals/first/index.html"' in goals and 'href="../goals/second/index.html"' in goals
    first = (two_goal_site / "goals" / "first" / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://example.org/sheet-1.pdf">テスト省「テスト用資料（その１）」</a>' in first
    assert 'href="../../areas/first-desks/index.html"' in first and "second-records" not in first


def test_a_goals_pages_cite_its_own_document_and_lead_back_to_it(two_goal_site: Path) -> None:
    measure = (two_goal_site / "goals" / "second" / "measures" / "measure-1.html").read_text(encoding="utf-8")
    assert "テスト省「テスト用資料（その２）」をもとに作成" in measure
    assert '<a href="../../../goals/second/index.html">第二のテスト用施策目標</a>' in measure
    dataset = (two_goal_site / "datasets" / "first-consultations" / "index.html").read_text(encoding="utf-8")
    # A dataset's citation names the sources its package declares; the footer of a page outside any one goal
    # sends the reader to the goals' pages, each of which names its own document.
    assert "原典：テスト用資料。" in dataset and "出典：各施策目標のページに記した資料をもとに作成。" in dataset
    home = (two_goal_site / "index.html").read_text(encoding="utf-8")
    assert "<h2>施策目標</h2>" in home and "<h2>施策目標に属さないデータ</h2>" in home
    programmes = (two_goal_site / "programmes" / "index.html").read_text(encoding="utf-8")
    assert "<h2>第一のテスト用施策目標：相談体制の整備</h2>" in programmes
    assert "<h2>第二のテスト用施策目標：記録の整備</h2>" in programmes


# --- the same bars as the real site ---------------------------------------------------------------------------------


def test_no_broken_link_and_every_page_reached(sites: dict[str, Path]) -> None:
    found: list[str] = []
    for name, site in sites.items():
        pages, checked, problems = link_problems(site)
        assert pages > 10 and checked > pages, name
        found += [f"{name}: {problem}" for problem in problems]
        found += [f"{name}: no link leads to {path}" for path in unreachable_pages(site)]
    assert found == [], "\n".join(found)


@pytest.mark.slow
def test_nu_html_checker_finds_no_errors(sites: dict[str, Path]) -> None:
    done = subprocess.run(nu_command(list(sites.values())), capture_output=True, text=True, check=False, timeout=300)
    errors = nu_errors(done.stderr or done.stdout, done.returncode)
    assert errors == [], f"{len(errors)} Nu HTML checker errors:\n" + "\n".join(errors)
    assert done.returncode == 0


# Folders whose pages other than index.html all come from one template.
ONE_TEMPLATE = {"areas", "datasets", "indicators", "measures", "logic-model", "programmes"}


def kind_of(path: str) -> str:
    """The kind of a page, from its place: areas/*/index.html, indicators/*.html, goals/*/review/index.html …
    A page named by a number (a government) is one of many; a page named by a word (self-check.html, about.html)
    is a kind of its own, except in the folders whose pages share one template."""
    parts = path.split("/")
    if len(parts) == 1:
        return path
    middle = ["*" if parts[0] != "goals" or index % 2 else part for index, part in enumerate(parts[1:-1], start=1)]
    shared = parts[-2] in ONE_TEMPLATE or any(c.isdigit() for c in parts[-1])
    last = "*.html" if shared and parts[-1] != "index.html" else parts[-1]
    return "/".join([parts[0], *middle, last])


def pages_to_check(sites: dict[str, Path]) -> dict[str, list[str]]:
    """A page of each kind, from the first site that has that kind (the sites share their templates)."""
    covered: set[str] = set()
    chosen: dict[str, list[str]] = {}
    for name, site in sites.items():
        chosen[name] = []
        for path in html_pages(site):
            kind = f"{name}:{path}" if path == "index.html" else kind_of(path)  # each site's home is its own
            if kind not in covered:
                covered.add(kind)
                chosen[name].append(path)
    return chosen


@pytest.fixture(scope="module")
def served_sites(sites: dict[str, Path]) -> Iterator[dict[str, str]]:
    with served(sites["example"]) as example, served(sites["golden"]) as golden, served(sites["two goals"]) as two:
        yield {"example": example, "golden": golden, "two goals": two}


@pytest.mark.browser
def test_axe_finds_no_wcag22_aa_violations(
    browser: Browser, sites: dict[str, Path], served_sites: dict[str, str]
) -> None:
    found: list[str] = []
    for name, paths in pages_to_check(sites).items():
        found += [f"{name}: {line}" for line in axe_violations(browser, served_sites[name], paths)]
    assert found == [], f"{len(found)} axe-core violations:\n" + "\n".join(found)
