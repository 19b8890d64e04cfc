"""Quality bars for the public site, checked on the real site: valid HTML (Nu checker), WCAG 2.2 AA (axe-core),
no broken internal link or anchor, readable at 360 px, keyboard access, print styles, and no request off the origin.

The Nu checker and axe-core come from npm (package.json, installed by `make test` with `npm ci`); the browser is
Debian's Chromium, as in test_browser.py.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.conftest import ROOT, wait_for_at_least

NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW = 360
# Elements whose URL attribute the browser fetches by itself: these must never point off the site (no CDN).
FETCHED = {
    "script": "src",
    "img": "src",
    "link": "href",
    "source": "src",
    "iframe": "src",
    "video": "src",
    "audio": "src",
    "track": "src",
    "embed": "src",
    "object": "data",
    "input": "src",
}


def npm_tool(path: Path) -> Path:
    if not path.exists():
        pytest.fail(
            f"{path.relative_to(ROOT)} is missing: run `npm ci` (make test does it when package-lock.json changes)"
        )
    return path


def html_pages(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))


@pytest.fixture(scope="module")
def page_types(real_site: Path) -> list[str]:
    """One page of every type: home, every area page (continued pages too), the datasets catalogue, one
    dataset page, one chart's page, the second page of a long list of local governments and the 404 page."""
    areas = sorted(path.relative_to(real_site).as_posix() for path in real_site.glob("areas/*/*.html"))
    datasets = sorted(path.relative_to(real_site).as_posix() for path in real_site.glob("datasets/*/index.html"))
    continued = sorted(path.relative_to(real_site).as_posix() for path in real_site.glob("areas/*/page-*.html"))
    listing = "local-governments/groups/type-city-page-2.html"
    assert areas and datasets and continued and (real_site / listing).is_file()
    preferred = "datasets/jusou-implementation/index.html"
    dataset = preferred if preferred in datasets else datasets[0]
    chart = "charts/hikikomori-consultations/cases-trend-trend.html"
    assert (real_site / chart).is_file()
    return ["index.html", *areas, "datasets/index.html", dataset, chart, listing, "404.html"]


def new_page(browser: Browser, *, width: int = 1024, height: int = 800, bypass_csp: bool = False) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=bypass_csp)
    return context.new_page()


def wait_for_charts(page: Page) -> None:
    """Wait until every chart has been replaced by its interactive rendering."""
    count = page.locator(".chart-view").count()
    if count:
        wait_for_at_least(page.locator(".chart-view.is-interactive svg"), count)


# --- valid HTML: the Nu checker runs in the background while the browser checks run ---------------------------------


@dataclass
class NuRun:
    """The Nu checker on the whole site, one invocation; it writes its JSON report to stderr."""

    process: subprocess.Popen[bytes] | None
    stdout: Path
    stderr: Path
    problem: str = ""


@pytest.fixture(scope="module", autouse=True)
def nu_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NuRun]:
    """Started with the first test of this module (when the Nu test is selected), so that it runs alongside the rest."""
    folder = tmp_path_factory.mktemp("nu")
    run = NuRun(None, folder / "stdout", folder / "stderr")
    if not any(item.name == test_nu_html_checker_finds_no_errors.__name__ for item in request.session.items):
        run.problem = "not started: its test is not selected"
    elif not VNU_JAR.exists():
        run.problem = f"{VNU_JAR.relative_to(ROOT)} is missing: run `npm ci` (make test does it)"
    elif shutil.which("java") is None:
        run.problem = "java is missing: the Nu checker needs Java 11 or later (Debian: default-jre-headless)"
    else:
        site: Path = request.getfixturevalue("real_site")
        command = nu_command([site])
        with run.stdout.open("wb") as stdout, run.stderr.open("wb") as stderr:
            run.process = subprocess.Popen(command, stdout=stdout, stderr=stderr)
    yield run
    if run.process is not None and run.process.poll() is None:
        run.process.kill()
        run.process.wait()


# --- WCAG 2.2 AA ----------------------------------------------------------------------------------------------------

AXE_RUN = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then(result => result.violations.map(v =>
    `${v.id} (${v.impact}): ${v.help}\\n` +
    v.nodes.map(n => `      ${n.target.join(" ")}: ${n.failureSummary.replace(/\\s+/g, " ")}`).join("\\n")))"""


EMBED = "charts/hikikomori-consultations/cases-trend-trend.embed.html"  # a chart's embeddable view: no skip link


def axe_violations(browser: Browser, base_url: str, paths: list[str]) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on each page, one line each (with the elements it names)."""
    axe = npm_tool(AXE_JS)
    found: list[str] = []
    for path in paths:
        # axe is injected as a script of its own: the site's CSP (script-src 'self') is bypassed for this test only.
        page = new_page(browser, bypass_csp=True)
        page.goto(base_url + path, wait_until="load")
        wait_for_charts(page)
        page.add_script_tag(path=str(axe))
        violations: list[str] = page.evaluate(AXE_RUN, WCAG_TAGS)
        found += [f"{path}: {violation}" for violation in violations]
        page.context.close()
    return found


@pytest.mark.browser
def test_axe_finds_no_wcag22_aa_violations(browser: Browser, base_url: str, page_types: list[str]) -> None:
    found = axe_violations(browser, base_url, [*page_types, EMBED])
    assert found == [], f"{len(found)} axe-core violations:\n" + "\n".join(found)


# --- links ----------------------------------------------------------------------------------------------------------

# <link> relations that only name another document; every other <link> (stylesheet, icon, preload...) is fetched.
NAVIGATIONAL_RELS = {"alternate", "author", "bookmark", "canonical", "help", "license", "next", "prev", "search"}


class LinkParser(HTMLParser):
    """The ids of one page and every URL in it, with its line and whether the browser fetches it by itself."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str, int, bool]] = []  # (tag, url, line, fetched)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        rels = set(values.get("rel", "").lower().split())
        fetched = FETCHED.get(tag)
        if tag == "link" and rels and rels <= NAVIGATIONAL_RELS:
            fetched = None
        for name in ("href", "src", "data", "poster"):
            if name in values and (name != "data" or tag == "object"):
                self.urls.append((tag, values[name].strip(), line, name == fetched or name == "poster"))
        for part in values.get("srcset", "").split(","):
            if part.strip():
                self.urls.append((tag, part.split()[0], line, True))


def parse_page(file: Path) -> LinkParser:
    parser = LinkParser()
    parser.feed(file.read_text(encoding="utf-8"))
    parser.close()
    return parser


def link_problems(site: Path) -> tuple[int, int, list[str]]:
    """Pages parsed, internal URLs checked, and every broken one or resource from outside the site."""
    pages = html_pages(site)
    parsed = {path: parse_page(site / path) for path in pages}
    problems: list[str] = []
    checked = 0
    svg_ids: dict[str, set[str]] = {}  # an SVG's ids: <img src="map.svg#c122041"> highlights that element (:target)
    for path, parser in parsed.items():
        for tag, url, line, fetched in parser.urls:
            where = f"{path}:{line}: <{tag}> {url!r}"
            parts = urlsplit(url)
            if parts.scheme == "data":
                continue  # inline, fetched from nowhere
            if parts.scheme or parts.netloc:
                if fetched:
                    problems.append(f"{where}: a resource from outside the site (no CDN: ship it under assets/)")
                elif parts.scheme not in {"http", "https", "mailto"}:
                    problems.append(f"{where}: unexpected URL scheme")
                continue  # links to other sites are not followed
            checked += 1
            target = path
            if parts.path:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path)))
                if target == ".." or target.startswith(("../", "/")):
                    problems.append(f"{where}: points outside the site")
                    continue
                if (site / target).is_dir():
                    target = posixpath.join(target, "index.html")
                if not (site / target).is_file():
                    problems.append(f"{where}: {target} does not exist")
                    continue
            fragment = unquote(parts.fragment)
            if url.endswith("#"):
                problems.append(f"{where}: empty fragment")
            elif fragment:
                if target.endswith(".svg"):
                    if target not in svg_ids:
                        svg_ids[target] = set(
                            re.findall(r'\bid="([^"]+)"', (site / target).read_text(encoding="utf-8"))
                        )
                    if fragment not in svg_ids[target]:
                        problems.append(f"{where}: no element with id {fragment!r} in {target}")
                elif target not in parsed:
                    problems.append(f"{where}: fragment on {target}, which is not an HTML page")
                elif fragment not in parsed[target].ids:
                    problems.append(f"{where}: no element with id {fragment!r} in {target}")
    return len(pages), checked, problems


def test_no_broken_internal_link_or_anchor_and_no_external_resource(real_site: Path) -> None:
    pages, checked, problems = link_problems(real_site)
    assert pages > 5 and checked > pages
    assert problems == [], f"{len(problems)} broken links:\n" + "\n".join(problems)


def test_the_link_check_finds_what_it_should(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="x">x</h2><a name="old"></a>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="https://cdn.example/x.css"><link rel="license" href="https://example.org/l">'
        '<script src="//cdn.example/x.js"></script><img src="data:image/gif;base64,R0lGOD=" alt="">'
        '<a href="a/">ok</a><a href="a/index.html#x">ok</a><a href="a/#old">ok</a><a href="#top">top</a>'
        '<a href="https://example.org/">ok</a><a href="b.html">gone</a><a href="a/index.html#y">no id</a>'
        '<a href="../up.html">out</a><a href="javascript:void(0)">js</a><p id="top"></p>',
        encoding="utf-8",
    )
    pages, checked, problems = link_problems(tmp_path)
    assert (pages, checked) == (2, 7)
    assert [problem.split(": ", 1)[1].split("'")[1] for problem in problems] == [
        "https://cdn.example/x.css",
        "//cdn.example/x.js",
        "b.html",
        "a/index.html#y",
        "../up.html",
        "javascript:void(0)",
    ]


# --- every page reachable from the home page ------------------------------------------------------------------------


def unreachable_pages(site: Path, start: str = "index.html") -> list[str]:
    """Every HTML page a reader cannot reach by following links (<a href>) from ``start``; 404.html aside."""
    pages = set(html_pages(site))
    reached = {start}
    queue = [start]
    while queue:
        path = queue.pop()
        for tag, url, _, _ in parse_page(site / path).urls:
            parts = urlsplit(url)
            if tag != "a" or parts.scheme or parts.netloc or not parts.path:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path)))
            if (site / target).is_dir():
                target = posixpath.join(target, "index.html")
            if target in pages and target not in reached:
                reached.add(target)
                queue.append(target)
    return sorted(pages - reached - {"404.html"})


def test_every_page_of_the_real_site_is_reachable_from_the_home_page(real_site: Path) -> None:
    assert len(html_pages(real_site)) > 1000
    unreachable = unreachable_pages(real_site)
    assert unreachable == [], f"{len(unreachable)} pages no link leads to, e.g.:\n" + "\n".join(unreachable[:20])


def test_the_crawl_finds_what_it_should(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/">a</a><link rel="next" href="c.html">', encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text('<a href="../b.html#x">b</a><img src="../d.html">', encoding="utf-8")
    for name in ("b.html", "c.html", "d.html", "404.html"):
        (tmp_path / name).write_text("<p>page</p>", encoding="utf-8")
    assert unreachable_pages(tmp_path) == ["c.html", "d.html"]


# --- one visit per page type at 360 px: keyboard, width, requests --------------------------------------------------

OVERFLOWING = """width => Array.from(document.querySelectorAll("body *"))
  .filter(e => !e.closest(".table-wrap") && e.getBoundingClientRect().right > width + 0.5)
  .slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${e.className} right=` +
    Math.round(e.getBoundingClientRect().right))"""
FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])"
# Where Tab should go after the skip link: the first focusable element inside or after <main> (-1: there is none).
NEXT_AFTER_MAIN = """selector => { const main = document.getElementById("main");
  return Array.from(document.querySelectorAll(selector)).findIndex(e => e.getClientRects().length > 0 &&
    (main.contains(e) || (main.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING))); }"""
FOCUSED_INDEX = "selector => Array.from(document.querySelectorAll(selector)).indexOf(document.activeElement)"
FOCUS_OUTLINE = "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
MAIN_IN_VIEW = """() => Math.abs(document.getElementById("main").getBoundingClientRect().top) <= 1 ||
  window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1"""


@dataclass
class Visit:
    """One page type in a 360x740 viewport: what the keyboard checks found, its width, and every request it made."""

    keyboard: str | None
    scroll_width: int
    overflowing: list[str]
    requests: list[str]


def recorder(into: list[str]) -> Callable[[Request], None]:
    return lambda request: into.append(request.url)


def visible_outline(page: Page) -> bool:
    style: str
    width: str
    style, width = page.evaluate(FOCUS_OUTLINE)
    return style != "none" and width != "0px"


def keyboard_problem(page: Page) -> str | None:
    """Tab from the top of the page: the skip link comes first, shows, and moves focus to #main; focus is outlined."""
    skip = page.locator("a.skip-link")
    if skip.count() != 1:
        return "no single a.skip-link"
    box = skip.bounding_box()
    if box is not None and box["y"] + box["height"] > 0:
        return "the skip link shows before it has focus"
    page.keyboard.press("Tab")
    if not page.evaluate("document.activeElement.matches('a.skip-link')"):
        return "the first Tab did not focus the skip link"
    box = skip.bounding_box()
    if not skip.is_visible() or box is None or box["y"] < 0 or box["height"] == 0:
        return "the focused skip link is not visible"
    if not visible_outline(page):
        return "the focused skip link has no visible outline"
    page.keyboard.press("Enter")
    try:
        expect(page).to_have_url(re.compile("#main$"), timeout=5_000)
    except AssertionError:
        return "activating the skip link did not go to #main"
    if page.evaluate("document.activeElement.id") != "main":
        return "activating the skip link did not move focus to #main"
    if not page.evaluate(MAIN_IN_VIEW):
        return "activating the skip link did not scroll #main into view"
    expected: int = page.evaluate(NEXT_AFTER_MAIN, FOCUSABLE)
    if expected >= 0:  # a page whose main and footer hold no link has nothing more to reach
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_INDEX, FOCUSABLE) != expected:
            return "Tab after the skip link did not go on from #main"
        if not visible_outline(page):
            return "a link focused with Tab has no visible outline"
    return None


@pytest.fixture(scope="module")
def visits(browser: Browser, base_url: str, page_types: list[str]) -> dict[str, Visit]:
    found: dict[str, Visit] = {}
    for path in page_types:
        page = new_page(browser, width=NARROW, height=740)
        requests: list[str] = []
        page.context.on("request", recorder(requests))
        page.goto(base_url + path, wait_until="load")
        wait_for_charts(page)
        keyboard = keyboard_problem(page)
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")  # lazy images load too
        page.wait_for_load_state("networkidle")
        width: int = page.evaluate("document.documentElement.scrollWidth")
        overflowing: list[str] = page.evaluate(OVERFLOWING, NARROW) if width > NARROW else []
        found[path] = Visit(keyboard, width, overflowing, requests)
        page.context.close()
    return found


@pytest.mark.browser
def test_keyboard_skip_link_and_visible_focus(visits: dict[str, Visit]) -> None:
    problems = [f"{path}: {visit.keyboard}" for path, visit in visits.items() if visit.keyboard]
    assert problems == [], "keyboard problems:\n" + "\n".join(problems)


@pytest.mark.browser
def test_every_page_type_fits_a_360px_screen(visits: dict[str, Visit]) -> None:
    too_wide = [
        f"{path}: scrollWidth {visit.scroll_width}px; wider elements: {visit.overflowing}"
        for path, visit in visits.items()
        if visit.scroll_width > NARROW
    ]
    assert too_wide == [], "pages wider than 360px (tables may scroll inside .table-wrap):\n" + "\n".join(too_wide)


@pytest.mark.browser
def test_no_request_leaves_the_origin(visits: dict[str, Visit]) -> None:
    outside: list[str] = []
    for path, visit in visits.items():
        assert visit.requests, path
        outside += [
            f"{path}: {url}"
            for url in visit.requests
            if urlsplit(url).scheme not in {"data", "blob"} and urlsplit(url).hostname != "127.0.0.1"
        ]
    assert outside == [], "requests that leave the origin:\n" + "\n".join(outside)


# --- print ----------------------------------------------------------------------------------------------------------


def test_print_stylesheet_exists(real_site: Path) -> None:
    css = (real_site / "assets" / "site.css").read_text(encoding="utf-8")
    assert re.search(r"@media\s+(only\s+)?print\b[^{]*\{", css), "site.css has no @media print rule"


# --- valid HTML (last, so that the Nu checker has run alongside the browser checks) --------------------------------


def nu_command(sites: list[Path]) -> list[str]:
    """The Nu checker on every HTML page of ``sites``, errors only, as one JSON report (on stderr)."""
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR.relative_to(ROOT)} is missing: run `npm ci` (make test does it)")
    if shutil.which("java") is None:
        pytest.fail("java is missing: the Nu checker needs Java 11 or later (Debian: default-jre-headless)")
    return ["java", "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json", *map(str, sites)]


def nu_errors(output: str, code: int) -> list[str]:
    """The errors of a Nu report, one line each: the page's path, its line and the message."""
    try:
        report = json.loads(output)
    except json.JSONDecodeError:
        pytest.fail(f"the Nu checker gave no JSON report (exit {code}):\n{output}")
    return [
        f"{unquote(urlsplit(m.get('url', '')).path)}:{m.get('lastLine', '?')}: {m.get('message', '')}"
        for m in report.get("messages", [])
        if m.get("type") in {"error", "non-document-error"}
    ]


def test_nu_html_checker_finds_no_errors(real_site: Path, nu_run: NuRun) -> None:
    if run_problem := nu_run.problem:
        pytest.fail(run_problem)
    assert nu_run.process is not None
    code = nu_run.process.wait(timeout=300)
    output = nu_run.stderr.read_text(encoding="utf-8") or nu_run.stdout.read_text(encoding="utf-8")
    errors = [error.removeprefix(str(real_site) + "/") for error in nu_errors(output, code)]
    assert errors == [], f"{len(errors)} Nu HTML checker errors:\n" + "\n".join(errors)
    assert code == 0, output
