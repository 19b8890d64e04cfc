"""The real site in Debian's Chromium (never a downloaded browser), served on 127.0.0.1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.conftest import wait_for_at_least, wait_for_images

pytestmark = pytest.mark.browser


# Runs before any page script (Playwright init scripts are not subject to the page's CSP).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def open_page(browser: Browser, url: str, *, javascript: bool = True) -> tuple[Page, list[str]]:
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1024, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in {"error", "warning"} else None
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "requestfailed", lambda r: None if _superseded(r) else problems.append(f"request failed: {r.url} {r.failure}")
    )
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.add_init_script(CSP_LISTENER)
    page.goto(url, wait_until="load")
    return page, problems


def _superseded(request: Request) -> bool:
    """A lazy static chart image that the browser stops loading once the interactive chart replaced it."""
    return request.resource_type == "image" and request.failure == "net::ERR_ABORTED" and "/charts/" in request.url


def csp_violations(page: Page) -> list[str]:
    violations: list[str] = page.evaluate("window.__cspViolations || []")
    return violations


def test_area_page_renders_interactive_charts_without_errors(browser: Browser, base_url: str) -> None:
    page, problems = open_page(browser, base_url + "areas/comprehensive-support/index.html")
    views = page.locator(".chart-view")
    count = views.count()
    assert count >= 3
    wait_for_at_least(page.locator(".chart-view.is-interactive svg"), count)
    first_svg_text = page.locator(".chart-view.is-interactive svg").first.inner_html()
    assert re.search(r"<text[^>]*>[^<]*[\u3040-\u30ff\u4e00-\u9fff]", first_svg_text), "no Japanese text in the chart"
    assert problems == []
    assert csp_violations(page) == []
    page.context.close()


def test_every_page_type_loads_cleanly(browser: Browser, base_url: str) -> None:
    for path in (
        "index.html",
        "datasets/index.html",
        "datasets/jusou-implementation/index.html",
        "areas/hikikomori/index.html",
        "areas/guardianship/index.html",
        "404.html",
    ):
        page, problems = open_page(browser, base_url + path)
        page.wait_for_load_state("networkidle")
        assert problems == [], path
        assert csp_violations(page) == [], path
        assert page.locator("h1").count() == 1, path
        page.context.close()


def test_without_javascript_static_svg_and_table_show(browser: Browser, base_url: str) -> None:
    page, problems = open_page(browser, base_url + "areas/comprehensive-support/index.html", javascript=False)
    image = page.locator(".chart-view img").first
    image.scroll_into_view_if_needed()
    wait_for_images(page)
    assert image.is_visible() and image.evaluate("i => i.naturalWidth") > 0
    # On an area page a table is one click away (a <details>, which needs no JavaScript).
    table = page.locator("details.table-details").first
    assert not table.locator("table").is_visible()
    table.locator("summary").click()
    assert table.locator("table").is_visible()
    assert page.locator(".chart-view svg").count() == 0
    assert problems == []
    page.context.close()


def test_csv_download_link_resolves(browser: Browser, base_url: str) -> None:
    page, _ = open_page(browser, base_url + "datasets/jusou-implementation/index.html")
    href = page.locator("a[href$='implementing-municipalities.csv']").first.get_attribute("href")
    assert href
    response = page.request.get(base_url + "datasets/jusou-implementation/" + href)
    assert response.ok and response.text().startswith("programme,fiscal_year")
    page.context.close()


def test_catalogue_filters_by_area_and_topic(browser: Browser, base_url: str) -> None:
    page, problems = open_page(browser, base_url + "datasets/index.html")
    everything = page.locator("li[data-topics]").count()
    page.select_option("#filter-area", "hikikomori")
    visible = page.locator("li[data-topics]:visible").count()
    assert 0 < visible < everything
    assert page.locator("li[data-topics][data-area='guardianship']:visible").count() == 0
    page.select_option("#filter-area", "")
    page.select_option("#filter-topic", index=1)
    assert 0 < page.locator("li[data-topics]:visible").count() < everything
    assert "件のデータセット" in page.locator("#filter-count").inner_text()
    assert problems == [] and csp_violations(page) == []
    page.context.close()


def test_every_kind_of_download_has_the_right_content_type(browser: Browser, base_url: str) -> None:
    page, _ = open_page(browser, base_url + "datasets/jusou-implementation/index.html")
    expected = {
        ".excel.csv": "text/csv",
        ".csv": "text/csv",
        "datapackage.json": "application/json",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".vl.json": "application/json",
    }
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    seen: set[str] = set()
    for href in hrefs:
        suffix = next((s for s in expected if href.endswith(s)), None)
        if suffix is None or suffix in seen:
            continue
        seen.add(suffix)
        response = page.request.get(href)
        assert response.ok, href
        assert response.headers["content-type"].startswith(expected[suffix]), (href, response.headers["content-type"])
        body = response.body()
        if suffix.endswith("csv"):
            # The program CSV keeps the field names; the Excel CSV heads its columns with their Japanese titles.
            header = "事業," if suffix == ".excel.csv" else "programme,"
            assert body.decode("utf-8-sig").startswith(header), href
    assert seen == set(expected)
    archive = page.request.get(base_url + "downloads/all-data.zip")
    assert archive.ok and archive.headers["content-type"] == "application/zip" and archive.body()[:2] == b"PK"
    page.context.close()


# --- charts on a phone (issue 14): text at 11 px or more, no label cut, JavaScript on and off ----------------------

PHONE_PAGES = (
    "index.html",
    "areas/comprehensive-support/index.html",
    "areas/hikikomori/index.html",
    "areas/guardianship/index.html",
    "programmes/hikikomori-consultations.html",
    "programmes/adult-guardianship-system.html",
    "datasets/hikikomori-consultations/index.html",
)
MIN_TEXT_PX = 11
# Every text of every interactive chart: its size on screen (font size times the SVG's scale), whether it is cut
# ("…") and whether it lies outside its chart (clipped).
INTERACTIVE_TEXTS = """() => Array.from(document.querySelectorAll(".chart-view.is-interactive svg"))
  .flatMap((svg, index) => {
    const box = svg.getBoundingClientRect();
    return Array.from(svg.querySelectorAll("text")).filter(t => t.textContent.trim()).map(t => {
      const m = t.getScreenCTM(), r = t.getBoundingClientRect();
      return {chart: index, text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b),
              outside: r.left < box.left - 1 || r.right > box.right + 1 ||
                       r.top < box.top - 1 || r.bottom > box.bottom + 1};
    });
  })"""
# The same for a chart's SVG file opened on its own (the static image): texts outside the image are clipped.
STANDALONE_TEXTS = """() => { const root = document.documentElement, box = root.getBoundingClientRect();
  return Array.from(root.querySelectorAll("text")).filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, outside: r.left < box.left - 1 || r.right > box.right + 1 ||
            r.top < box.top - 1 || r.bottom > box.bottom + 1};
  }); }"""


def phone_page(browser: Browser, url: str, *, javascript: bool) -> tuple[Page, list[str]]:
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 360, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.goto(url, wait_until="load")
    return page, problems


def static_chart_texts(page: Page, base_url: str) -> list[tuple[str, float, str]]:
    """(image, size on screen, text) for every text of every static chart image the page shows."""
    from tests.test_charts import SVG_SIZE, svg_texts

    found: list[tuple[str, float, str]] = []
    images = page.locator(".chart-view img")
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()  # the images load lazily
        expect(image).to_have_js_property("complete", True, timeout=30_000)
        source: str = image.evaluate("i => i.currentSrc")
        shown: float = image.evaluate("i => i.getBoundingClientRect().width")
        svg = page.request.get(source).text()
        width = float(SVG_SIZE.search(svg).group(1))  # type: ignore[union-attr]
        found += [(source.removeprefix(base_url), size * shown / width, text) for size, text in svg_texts(svg)]
    return found


def test_at_360px_without_javascript_every_chart_image_is_the_narrow_one_with_legible_uncut_text(
    browser: Browser, base_url: str
) -> None:
    problems: list[str] = []
    sizes: list[float] = []
    for path in PHONE_PAGES:
        page, errors = phone_page(browser, base_url + path, javascript=False)
        texts = static_chart_texts(page, base_url)
        assert texts, path
        sizes += [size for _, size, _ in texts]
        problems += errors
        problems += [
            f"{path}: {image} is not the narrow layout"
            for image in {i for i, _, _ in texts}
            if ".narrow." not in image and "/indicators/" not in image
        ]
        problems += [f"{path}: {image}: {text!r} at {size:.1f} px" for image, size, text in texts if size < MIN_TEXT_PX]
        problems += [f"{path}: {image}: cut label {text!r}" for image, _, text in texts if "…" in text]
        page.context.close()
    assert problems == [], "\n".join(problems)
    assert min(sizes) >= MIN_TEXT_PX


def test_at_360px_with_javascript_every_interactive_chart_fills_its_column_with_legible_uncut_text(
    browser: Browser, base_url: str
) -> None:
    problems: list[str] = []
    for path in PHONE_PAGES:
        page, errors = phone_page(browser, base_url + path, javascript=True)
        views = page.locator(".chart-view")
        count = views.count()
        assert count, path
        wait_for_at_least(page.locator(".chart-view.is-interactive svg"), count)
        texts = page.evaluate(INTERACTIVE_TEXTS)
        problems += errors
        problems += [
            f"{path}: chart {t['chart']}: {t['text']!r} at {t['px']:.1f} px" for t in texts if t["px"] < MIN_TEXT_PX
        ]
        problems += [f"{path}: chart {t['chart']}: cut label {t['text']!r}" for t in texts if "…" in t["text"]]
        problems += [f"{path}: chart {t['chart']}: {t['text']!r} outside the chart" for t in texts if t["outside"]]
        widths = page.eval_on_selector_all(
            ".chart-view.is-interactive",
            "views => views.map(v => [v.clientWidth, v.querySelector('svg').getBoundingClientRect().width])",
        )
        problems += [
            f"{path}: chart {i} is {svg:.0f} px wide in a {view} px column"
            for i, (view, svg) in enumerate(widths)
            if abs(view - svg) > 2
        ]
        page.context.close()
    assert problems == [], "\n".join(problems)


def test_no_static_chart_image_draws_text_outside_itself(browser: Browser, base_url: str, real_site: Path) -> None:
    page = browser.new_page(viewport={"width": 800, "height": 600})
    clipped: list[str] = []
    images = sorted(p.relative_to(real_site).as_posix() for p in real_site.glob("charts/*/*.svg"))
    assert len(images) >= 60  # 30 declared charts, wide and narrow
    for image in images:
        page.goto(base_url + image)
        clipped += [f"{image}: {t['text']!r}" for t in page.evaluate(STANDALONE_TEXTS) if t["outside"]]
    page.close()
    assert clipped == []


def test_the_home_page_finds_a_local_government_and_links_to_its_page(browser: Browser, base_url: str) -> None:
    page, problems = open_page(browser, base_url + "index.html")
    page.fill("#lg-query", "さっぽろ")
    result = page.locator("#lg-results a").first
    expect(result).to_have_text("札幌市", timeout=30_000)
    result.click()
    expect(page).to_have_url(re.compile(r"local-governments/011002\.html$"))
    assert problems == [] and csp_violations(page) == []
    page.context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_phone_the_navigation_folds_behind_a_menu_button_and_opens_on_a_tap(
    browser: Browser, base_url: str, javascript: bool
) -> None:
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(base_url + "index.html")
    navigation = page.get_by_role("navigation", name="サイト")
    local_governments = navigation.get_by_role("link", name="自治体", exact=True)
    expect(local_governments).to_be_hidden()
    # Folded, the header leaves the first screen to the page: the heading starts in its top fifth.
    heading = page.locator("main h1")
    expect(heading).to_be_in_viewport()
    box = heading.bounding_box()
    assert box is not None and box["y"] < 800 / 5, box
    navigation.get_by_text("メニュー", exact=True).click()
    expect(local_governments).to_be_visible()
    local_governments.click()
    expect(page).to_have_url(re.compile(r"local-governments/index\.html$"))
    context.close()


def test_on_a_wide_screen_the_navigation_is_open_without_a_tap(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "index.html")
    navigation = page.get_by_role("navigation", name="サイト")
    expect(navigation.get_by_role("link", name="自治体", exact=True)).to_be_visible()
    expect(navigation.get_by_text("メニュー", exact=True)).to_be_hidden()
    context.close()
