from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import pickle
import shutil
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from datasite import cache, cli, config, load, pipeline, strings, validate
from datasite.errors import Problem

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


# One chart worker per build, for the builds of tests that are about something else than the pool: `make unit`
# already runs two test processes on the two cores, and a second worker per build only adds its start-up (Python,
# altair and vl-convert's engine: about 1 s of CPU). Pooled and serial output are the same
# (test_incremental.py::test_parallel_build_equals_serial_build).
ONE_CHART_WORKER = ["--jobs", "1"]


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder that ``make`` fills once per test session, even when pytest-xdist runs the session in several
    processes (`make unit`): the first process to ask makes it in the session's shared temporary folder while the
    others wait for it, then all read it. ``make`` must fail (raise) rather than leave a half-made folder."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:  # one process: its own temporary folder
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent  # this session's, shared by its workers
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, also if make() raises
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


def kept_cache(name: str) -> Path | None:
    """The fast lane's cache that outlives a session (DATASITE_TEST_CACHE, set by `make unit`), or None: a cache is
    keyed by content and by the code's fingerprint, so a hit is byte for byte what a fresh build makes
    (test_incremental proves it), and an edit of datasite/ empties it. `make test` leaves it unset: every build of
    the full suite starts from nothing."""
    root = os.environ.get("DATASITE_TEST_CACHE")
    if not root:
        return None
    # One folder per version of the code: the entries of an older version can never be hit again, so they go.
    version = cache.code_fingerprint()[:16]
    for old in Path(root).glob("*"):
        if old.name != version:
            shutil.rmtree(old, ignore_errors=True)
    folder = Path(root).resolve() / version / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def golden_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The golden fixture built once per session, fresh (into an empty cache folder, which it fills; in the fast
    lane, with its kept cache), and that cache: (site, cache), both read-only for tests. A test that wants the
    golden build's cache copies it."""

    kept = kept_cache("golden")

    def build(folder: Path) -> None:
        cache = kept or folder / "cache"
        args = ["--data", str(GOLDEN_DATA), "--out", str(folder / "site"), "--strict", "--cache", str(cache)]
        assert cli.main(args) == 0

    folder = made_once(tmp_path_factory, "golden", build)
    return folder / "site", kept or folder / "cache"


@pytest.fixture(scope="session")
def golden_site(golden_build: tuple[Path, Path]) -> Path:
    """The golden fixture built once per session (read-only for tests)."""
    return golden_build[0]


@pytest.fixture
def golden_cache(golden_build: tuple[Path, Path], tmp_path: Path) -> Path:
    """This test's own copy of the cache the session's golden build filled: a build of the golden fixture with
    it draws no chart again (the cache is keyed by content, so a hit is what a fresh build would produce)."""
    return Path(shutil.copytree(golden_build[1], tmp_path / "golden-cache"))


@pytest.fixture(scope="session")
def build_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder the tests own, shared by the builds of tests whose subject is neither the cache nor a fresh
    build (pages, words, downloads): the second build of the same package draws no chart again. Shared by the
    session's processes too (the cache writes each entry whole, by renaming)."""
    return kept_cache("shared") or made_once(tmp_path_factory, "build-cache", lambda folder: None)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site from datapackages/, built once per session."""
    out = tmp_path_factory.mktemp("real") / "site"
    cache = tmp_path_factory.mktemp("cache")
    assert cli.main(["--data", str(ROOT / "datapackages"), "--out", str(out), "--strict", "--cache", str(cache)]) == 0
    return out


@pytest.fixture(scope="session")
def real_validation(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[validate.ValidPackage], list[Problem]]:
    """The real data packages (datapackages/) loaded and validated once per session, and the problems found
    (read-only for tests): the tests that read them do not each validate them again (about 2 s each). The other
    processes of the session read the result as the build's cache keeps it (pickled)."""

    def validate_real(folder: Path) -> None:
        packages = load.load(ROOT / "datapackages", []).packages
        # In the fast lane the result is kept between runs, under the packages' own cache keys (their bytes and
        # the code's fingerprint, as the build keys them): an edit of the data or of datasite/ validates again.
        kept = kept_cache("real-validation")
        stored = kept / f"{cache.digest(*(pipeline._package_key(p) for p in packages))}.pickle" if kept else None
        if stored is not None and stored.is_file():
            shutil.copyfile(stored, folder / "validated.pickle")
            return
        outcome = validate.validate(packages)
        (folder / "validated.pickle").write_bytes(pickle.dumps(outcome, protocol=5))
        if stored is not None:
            shutil.copyfile(folder / "validated.pickle", stored)

    folder = made_once(tmp_path_factory, "real-validation", validate_real)
    outcome: tuple[list[validate.ValidPackage], list[Problem]] = pickle.loads(
        (folder / "validated.pickle").read_bytes()
    )
    return outcome


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
