from __future__ import annotations

import contextlib
import functools
import hashlib
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from datasite import cli, config, strings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN_DATA = FIXTURES / "golden" / "datapackages"
GOLDEN_CONFIG = FIXTURES / "golden" / "site.toml"
SAMPLE = GOLDEN_DATA / "sample-consultations"  # the golden fixture's package with charts, on its own
MINIMAL_CONFIG = FIXTURES / "minimal-site.toml"  # the configuration of the sites tests build in temporary folders
REAL_CONFIG = ROOT / "site.toml"
# The words of the string catalogue (templates/strings.toml), for tests of functions that are given them.
WORDS = strings.parse((ROOT / "templates" / "strings.toml").read_text(encoding="utf-8"), "ja")[0]
CHROMIUM = "/usr/bin/chromium"  # Debian's Chromium: the tests never download a browser
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# Tests that need the real site built, a browser or a served site are slow by nature: `make unit` (the fast lane
# of the edit-test loop) leaves them out, with the ones marked ``slow`` by hand.
SLOW_FIXTURES = {"real_site", "base_url", "browser", "crowded_area", "big_catalogue", "dropin_site"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="session")
def golden_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden fixture built once per session (read-only for tests)."""
    out = tmp_path_factory.mktemp("golden") / "site"
    assert cli.main(["--data", str(GOLDEN_DATA), "--out", str(out), "--strict", "--no-cache"]) == 0
    return out


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site from datapackages/, built once per session."""
    out = tmp_path_factory.mktemp("real") / "site"
    cache = tmp_path_factory.mktemp("cache")
    assert cli.main(["--data", str(ROOT / "datapackages"), "--out", str(out), "--strict", "--cache", str(cache)]) == 0
    return out


@functools.cache
def site_config(path: Path = REAL_CONFIG) -> config.SiteConfig:
    """A site configuration, parsed (the real site's by default); it must have no problem."""
    parsed, problems = config.parse(path.read_text(encoding="utf-8"), str(path))
    assert parsed is not None and problems == [], problems
    return parsed


def config_beside(data: Path, source: Path = MINIMAL_CONFIG, logic_model: str = "") -> Path:
    """Put a site configuration where a build of the data folder ``data`` looks for it (site.toml beside it);
    with ``logic_model``, its first goal's logic model is that package (reviewed for fiscal year 2025)."""
    target = data.parent / "site.toml"
    text = source.read_text(encoding="utf-8")
    if logic_model:
        statement = next(line for line in text.split("\n") if line.startswith("statement = "))
        text = text.replace(statement, f'{statement}\nlogic_model = "{logic_model}"\nfiscal_year = 2025', 1)
    target.write_text(text, encoding="utf-8")
    return target


def copy_golden(destination: Path) -> Path:
    """A copy of the whole golden fixture (its data, content and configuration) in ``destination``; returns its
    data folder."""
    shutil.copytree(GOLDEN_DATA.parent, destination, ignore=shutil.ignore_patterns("expected"))
    return destination / "datapackages"


def copy_case(case: Path, destination: Path) -> Path:
    shutil.copytree(case, destination, symlinks=True)
    return destination


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` served on 127.0.0.1 (a free port): its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def base_url(real_site: Path) -> Iterator[str]:
    """The real site served on 127.0.0.1 (a free port) for the browser tests."""
    with served(real_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (scripts/system-deps.sh)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


# Waits are locator assertions: page.wait_for_function(string) polls with eval(), which the site's
# Content-Security-Policy forbids, so it failed whenever the condition was not already true.
WAIT_MS = 30_000


def wait_for_at_least(locator: Locator, count: int) -> None:
    """Until ``locator`` matches ``count`` elements or more."""
    if count > 0:
        expect(locator.nth(count - 1)).to_be_attached(timeout=WAIT_MS)


def wait_for_images(page: Page) -> None:
    """Until every image of the page has finished loading (or failing)."""
    images = page.locator("img")
    for index in range(images.count()):
        expect(images.nth(index)).to_have_js_property("complete", True, timeout=WAIT_MS)
