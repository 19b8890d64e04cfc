"""The real site in Debian's Chromium (never a downloaded browser), served on 127.0.0.1."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, Request

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
    assert page.locator("table").first.is_visible()
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
            assert body.decode("utf-8-sig").startswith("programme,"), href
    assert seen == set(expected)
    archive = page.request.get(base_url + "downloads/all-data.zip")
    assert archive.ok and archive.headers["content-type"] == "application/zip" and archive.body()[:2] == b"PK"
    page.context.close()
