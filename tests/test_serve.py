"""``build.py serve``: builds once, serves on 127.0.0.1, rebuilds on change, shows failed builds in the browser."""

from __future__ import annotations

import shutil
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from markupsafe import escape

from datasite import cli
from datasite.pipeline import BUILTIN_TEMPLATES, BuildOptions
from datasite.serve import Preview, error_page, is_page, snapshot
from tests.conftest import GOLDEN_DATA, SAMPLE, config_beside, run_cli

TIMEOUT = 120.0


def fetch(url: str) -> tuple[int, str, str]:
    """Status, Content-Type and body, also for error statuses."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode("utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Preview, Path, list[str]]]:
    data = tmp_path / "datapackages"
    shutil.copytree(SAMPLE, data / SAMPLE.name)
    config_beside(data)
    options = BuildOptions(data_dir=data, out_dir=tmp_path / "site", cache_dir=tmp_path / "cache")
    said: list[str] = []
    running = Preview(
        partial(cli.preview_build, options), options.out_dir, [data], port=0, interval=0.1, report=said.append
    )
    running.start()
    yield running, data, said
    running.stop()


# slow: four builds of its own (each change draws the charts again) and the preview's polling; `make test` runs it.
@pytest.mark.slow
def test_rebuilds_on_change_and_shows_a_failed_build_instead_of_the_stale_site(
    preview: tuple[Preview, Path, list[str]],
) -> None:
    running, data, said = preview
    package = data / "sample-consultations"
    page = running.url + "datasets/sample-consultations/index.html"
    assert running.url.startswith("http://127.0.0.1:") and running.builds == 1 and running.problems == ()
    status, kind, body = fetch(page)
    assert status == 200 and kind.startswith("text/html") and "相談件数（テスト用）" in body

    edit(package / "datapackage.json", "相談件数（テスト用）", "相談件数（更新後）")
    assert running.wait_for_build(2, TIMEOUT)
    status, _, body = fetch(page)
    assert status == 200 and "相談件数（更新後）" in body and "相談件数（テスト用）" not in body

    edit(package / "data" / "consultations.csv", "来所,50", "来所,5O")
    assert running.wait_for_build(3, TIMEOUT)
    expected = 'consultations.csv:3: field "count": cannot read "5O"'
    assert expected in "\n".join(running.problems)
    for url in (running.url, page, running.url + "datasets/"):
        status, kind, body = fetch(url)
        assert status == 503 and kind == "text/html; charset=utf-8", url
        assert escape(expected) in body and "site" in body and "相談件数（更新後）" not in body
    assert fetch(running.url + "assets/site.css")[0] == 200  # the last good site's files are still served
    assert any(expected in line for line in said) and any(line.startswith("build failed: 1 problem") for line in said)
    assert (running.site / "datasets" / "sample-consultations" / "index.html").is_file()  # left as it was

    edit(package / "data" / "consultations.csv", "来所,5O", "来所,50")
    assert running.wait_for_build(4, TIMEOUT)
    status, _, body = fetch(page)
    assert status == 200 and running.problems == () and "相談件数（更新後）" in body


def test_stop_closes_the_port(tmp_path: Path) -> None:
    running = Preview(list, tmp_path / "site", [tmp_path], port=0, interval=0.1, report=print)
    running.start()
    port = int(running.url.rsplit(":", 1)[1].strip("/"))
    running.stop()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_a_crashing_build_is_shown_not_fatal(tmp_path: Path) -> None:
    def crash() -> list[str]:
        raise RuntimeError("<boom>")

    said: list[str] = []
    running = Preview(crash, tmp_path / "site", [tmp_path], port=0, interval=0.1, report=said.append)
    running.start()
    try:
        status, _, body = fetch(running.url)
        assert status == 503 and "build crashed: RuntimeError: &lt;boom&gt;" in body
        assert any("Traceback" in line for line in said)
    finally:
        running.stop()


def test_serve_reports_a_port_in_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ["serve", "--port", str(port), "--data", str(GOLDEN_DATA), "--out", str(tmp_path / "site")]
        code, _, err = run_cli(args, capsys)
    assert code == 1 and f"cannot listen on 127.0.0.1:{port}" in err
    assert not (tmp_path / "site").exists()  # nothing was built


def test_serve_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_cli(["serve", "--port", "eighty"], capsys)
    assert exit_info.value.code == 2


def test_snapshot_sees_content_and_size_changes_and_skips_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n1\n", encoding="utf-8")
    before = snapshot([tmp_path, tmp_path / "missing"])
    assert list(before) == [str(tmp_path / "a.csv")]
    (tmp_path / ".a.csv.swp").write_text("editor", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "index").write_text("x", encoding="utf-8")
    assert snapshot([tmp_path]) == before
    (tmp_path / "a.csv").write_text("x\n12\n", encoding="utf-8")
    assert snapshot([tmp_path]) != before


def test_page_requests_and_error_page_escaping() -> None:
    for path in ("/", "/datasets/", "/datasets", "/index.html", "/a/b.html?x=1", "/%E3%83%87/"):
        assert is_page(path), path
    for path in ("/assets/site.css", "/datasets/x/data.csv", "/charts/a.svg", "/review.json"):
        assert not is_page(path), path
    page = error_page(['x.csv:3: field "n": cannot read "<script>"'], "site", [BUILTIN_TEMPLATES])
    assert "<script>" not in page and "&lt;script&gt;" in page and escape('"n"') in page
    assert 'lang="ja"' in page and 'http-equiv="refresh"' in page
    assert "<li><code>x.csv:3:" in page and "1 件の問題があります" in page and "<code>site</code>" in page


def test_the_failed_build_page_is_a_template_a_site_may_replace_and_shows_without_it(tmp_path: Path) -> None:
    problems = ['x.csv:3: field "n": cannot read "<b>"']
    override = tmp_path / "override"
    override.mkdir()
    (override / "build_failed.html").write_text(
        '<html lang="en"><p>{{ problems | length }} in {{ site }}</p>{% for p in problems %}{{ p }}{% endfor %}',
        encoding="utf-8",
    )
    page = error_page(problems, "site", [BUILTIN_TEMPLATES, override])
    assert page == '<html lang="en"><p>1 in site</p>x.csv:3: field &#34;n&#34;: cannot read &#34;&lt;b&gt;&#34;'
    (override / "build_failed.html").write_text("<p>{{ problems | length }", encoding="utf-8")  # broken
    for folders in ([BUILTIN_TEMPLATES, override], [tmp_path]):  # a broken template, or none at all
        page = error_page(problems, "site", folders)
        assert "TemplateSyntaxError" in page if folders[-1] == override else "build_failed.html not found" in page
        assert 'http-equiv="refresh"' in page and "&lt;b&gt;" in page and "<b>" not in page
        assert f"<li><code>{escape(problems[0])}</code></li>" in page
