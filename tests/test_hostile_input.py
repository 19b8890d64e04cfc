"""Hostile input, second round (issue 19): no network, bounded work, numbers, downloads, chart workers.

The cases with fixed expected lines are folders under fixtures/invalid/ (test_invalid_cases.py); these
tests need a live listener, inputs too large to keep in the repository (ten times over each limit),
worker processes that die, or a look inside the files written. The time bounds below are guards
against a hang (each case takes a second or two), not speed targets: those are in bench/.
"""

from __future__ import annotations

import json
import shutil
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from datasite import chart_worker, limits, ownership, validate
from datasite.chart_worker import ChartJob, ImageRenderer, JobFailed, run_job, spec_text_of
from datasite.content import JapaneseMarkdown, emphasis_spans
from datasite.pages import downloads
from tests.conftest import MINIMAL_CONFIG, ONE_CHART_WORKER, ROOT, SAMPLE, WORDS, config_beside, run_cli

HANG_GUARD = 60.0  # seconds: far above what each case takes, far below "forever"
Change = Callable[[dict[str, Any], Path], None]


def make_case(root: Path, change: Change) -> Path:
    """A copy of the golden package under ``root``/datapackages, changed by ``change``."""
    shutil.copytree(SAMPLE, root / "datapackages" / SAMPLE.name)
    config_beside(root / "datapackages")
    package = root / "datapackages" / "sample-consultations"
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    change(descriptor, package)
    (package / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return root


def build(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, float]:
    monkeypatch.chdir(root)
    started = time.monotonic()
    code, _, err = run_cli(["--out", "site", "--no-cache", *ONE_CHART_WORKER, *args], capsys)
    return code, err, time.monotonic() - started


# --- No network, ever ------------------------------------------------------------------------------


class _Recorder(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.settimeout(2)
        try:
            data = self.request.recv(1024)
        except OSError:
            data = b""
        self.server.received.append(data)  # type: ignore[attr-defined]


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A local TCP listener: its address, and whatever any connection sent it."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Recorder)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", server.received  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


def _network_cases(url: str) -> dict[str, Change]:
    def resource(index: int, **values: Any) -> Change:
        return lambda d, _: d["resources"][index].update(values)

    return {
        "package profile": lambda d, _: d.update(profile=url + "profile.json"),
        "package profiles": lambda d, _: d.update(profiles=[url + "profile.json"]),
        "package $schema": lambda d, _: d.update({"$schema": url + "datapackage.json"}),
        "resource profile": resource(0, profile=url + "resource.json"),
        "resource $schema": resource(0, **{"$schema": url + "resource.json"}),
        "schema as a URL": resource(0, schema=url + "schema.json"),
        "schema $schema": lambda d, _: d["resources"][0]["schema"].update({"$schema": url + "ts.json"}),
        "dialect as a URL": resource(1, dialect=url + "dialect.json"),
        "dialect $schema": resource(1, dialect={"$schema": url + "dialect.json"}),
        "data as a URL": resource(1, path=url + "shares.csv"),
        "$ref in a field": lambda d, _: d["resources"][0]["schema"]["fields"][0].update({"$ref": url + "f.json"}),
        "fiscal-data-package": lambda d, _: d.update(profile="fiscal-data-package"),
    }


@pytest.mark.parametrize("check", [True, False], ids=["check", "build"])
def test_no_descriptor_makes_the_build_fetch_anything(
    listener: tuple[str, list[bytes]],
    check: bool,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, received = listener
    for name, change in _network_cases(url).items():
        root = make_case(tmp_path / name.replace(" ", "-").replace("$", ""), change)
        code, err, _ = build(root, capsys, monkeypatch, *(["--check"] if check else []))
        assert code == 1, name
        assert "never" in err and "Traceback" not in err, (name, err)
    assert received == []


def test_frictionless_itself_is_offline(
    listener: tuple[str, list[bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a reference the rules let through is not fetched: frictionless only gets an offline session."""
    from datasite import load, rules

    url, received = listener
    monkeypatch.setattr(rules, "check_references", lambda path, descriptor: [])
    root = make_case(tmp_path, lambda d, _: d.update(profile=url + "profile.json"))
    loaded = load.load(root / "datapackages", [], config_path=MINIMAL_CONFIG)
    valid, problems = validate.validate_package(loaded.packages[0])
    assert valid is None
    assert any("never reads from the network" in p.message for p in problems), problems
    assert received == []


def test_a_package_that_cannot_be_read_is_never_dropped_silently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """frictionless's package-level errors are lines; the build fails (it counted 21 of 22 packages)."""
    shutil.copytree(ROOT / "datapackages" / "hikikomori-prevalence", tmp_path / "datapackages" / "a")
    config_beside(tmp_path / "datapackages")
    descriptor = tmp_path / "datapackages" / "a" / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["name"] = "a"
    data["resources"][0]["encoding"] = {"name": "utf-8"}
    descriptor.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, err, _ = build(tmp_path, capsys, monkeypatch, "--check", "--strict")
    assert code == 1
    assert "datapackages/a/datapackage.json: not a valid Data Package descriptor: " in err
    assert "at property 'encoding'" in err


# --- Bounded work: ten times over each limit ---------------------------------------------------------


def _replace_in(package: Path, name: str, old: str, new: str) -> None:
    path = package / "data" / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def _long_cell(d: dict[str, Any], package: Path) -> None:
    _replace_in(package, "consultations.csv", "令和4年度,電話", "令" * (10 * limits.MAX_CELL_CHARS) + ",電話")


def _long_label(d: dict[str, Any], package: Path) -> None:
    _replace_in(package, "shares.csv", "はい", "は" * (10 * limits.MAX_LABEL_CHARS))


def _many_rows(d: dict[str, Any], package: Path) -> None:
    rows = "".join(f"回答{i},283,0.01\n" for i in range(10 * limits.MAX_CHART_ROWS))
    (package / "data" / "shares.csv").write_text("answer,respondents,percent\n" + rows, encoding="utf-8")
    d["resources"][1]["checks"] = []


def _big_descriptor(d: dict[str, Any], package: Path) -> None:
    d["description"] = "あ" * (10 * limits.MAX_DESCRIPTOR_BYTES // 3)


def _deep_descriptor(d: dict[str, Any], package: Path) -> None:
    d["custom"] = _nested(10 * limits.MAX_DESCRIPTOR_DEPTH)


def _slow_pattern(d: dict[str, Any], package: Path) -> None:
    d["resources"][0]["schema"]["fields"][1]["constraints"] = {"pattern": "(a|aa)+"}
    _replace_in(package, "consultations.csv", "令和4年度,電話", "a" * 100 + "b,電話")


TEN_TIMES_OVER: dict[str, tuple[Change, str]] = {
    "cell": (_long_cell, f'field "era_label": the cell is {10 * limits.MAX_CELL_CHARS:,} characters'),
    "charted label": (
        _long_label,
        'shares.csv:2: field "answer": the value is 1,000 characters and the field is charted',
    ),
    "rows of a charted table": (
        _many_rows,
        f'field "charts": resources "shares": the table has {10 * limits.MAX_CHART_ROWS:,} rows',
    ),
    "descriptor size": (_big_descriptor, f"over the limit of {limits.MAX_DESCRIPTOR_BYTES:,} bytes for a descriptor"),
    "descriptor depth": (_deep_descriptor, f"nested more than {limits.MAX_DESCRIPTOR_DEPTH} levels deep"),
    "schema pattern": (
        _slow_pattern,
        f'field "era_label": the pattern "(a|aa)+" took over {limits.PATTERN_SECONDS} s on this cell',
    ),
}


def _nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize("limit", sorted(TEN_TIMES_OVER))
def test_ten_times_over_a_limit_is_a_line_in_seconds(
    limit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    change, expected = TEN_TIMES_OVER[limit]
    code, err, seconds = build(make_case(tmp_path, change), capsys, monkeypatch)
    assert code == 1
    assert expected in err, err[:2000]
    assert "Traceback" not in err
    assert seconds < HANG_GUARD


def test_a_descriptor_nested_ten_thousand_levels_is_a_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_case(tmp_path, lambda d, p: None)
    descriptor = root / "datapackages" / "sample-consultations" / "datapackage.json"
    descriptor.write_text('{"a": ' * 10_000 + "1" + "}" * 10_000, encoding="utf-8")
    code, err, _ = build(root, capsys, monkeypatch)
    assert code == 1
    assert err.startswith("datapackages/sample-consultations/datapackage.json: objects and lists are nested more")


def test_markdown_emphasis_fix_takes_linear_time() -> None:
    """A 158 kB description of unclosed ** took 176 s (a quadratic regular expression); twice that now takes
    a fraction of a second (quadratic time would take about 700 s, far over the guard), and the rules are those of
    the old expression (see content.emphasis_spans)."""
    text = " **a" * 80_000  # 320 kB
    started = time.monotonic()
    assert list(emphasis_spans(text)) == []
    assert list(emphasis_spans("これは**「東京都」**の例で、*強調*もある")) == [
        (3, 12, "strong", "「東京都」"),
        (16, 20, "em", "強調"),
    ]
    JapaneseMarkdown().render(" **a" * 40_000)  # the 160 kB case, through markdown-it and the fix
    assert time.monotonic() - started < HANG_GUARD


@pytest.mark.slow
def test_a_long_description_builds_and_warns_about_the_page_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_case(tmp_path, lambda d, p: d.update(description=" **a" * 40_000))
    code, err, seconds = build(root, capsys, monkeypatch)
    assert code == 0, err
    assert "datapackages/sample-consultations/datapackage.json: warning: the page datasets/sample-consultations/" in err
    assert "over the budget of 102,400" in err
    assert seconds < HANG_GUARD


def test_a_page_over_the_limit_is_an_error_naming_its_source() -> None:
    owner = ownership.Owner("content/about.md", None, None, "content/about.md")
    outputs = {"about.html": b"x" * (10 * limits.MAX_PAGE_BYTES), "small.html": b"ok"}
    problems = ownership.page_sizes(outputs, {"about.html": owner})
    assert [str(p) for p in problems] == [
        f"content/about.md: the page about.html is {10 * limits.MAX_PAGE_BYTES:,} bytes, over the limit of "
        f"{limits.MAX_PAGE_BYTES:,}: shorten its texts or split the table"
    ]


# --- Chart workers that die or hang ------------------------------------------------------------------


def sleep_forever(_: object) -> None:
    time.sleep(3600)


def double(value: int) -> int:
    return 2 * value


@pytest.mark.slow
def test_a_dying_or_hanging_chart_job_fails_alone_and_names_the_chart() -> None:
    # A control character in a label made vl-convert abort its process ("panic in a function that
    # cannot unwind"); validation now refuses it, and a worker that dies all the same is reported.
    spec = {
        "data": {"values": [{"a": "x\x01y", "v": 1}]},
        "mark": "bar",
        "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "v", "type": "quantitative"}},
    }
    started = time.monotonic()
    with ImageRenderer(2, timeout=5) as renderer:
        dying = renderer.submit(run_job, ChartJob(spec_text_of(spec), None, (), label="charts/p/r-c"))
        hanging = renderer.submit(sleep_forever, None, label="charts/p/slow")
        others = [renderer.submit(double, number) for number in range(6)]
        with pytest.raises(JobFailed) as died:
            dying.get()
        with pytest.raises(JobFailed) as hung:
            hanging.get()
        assert [pending.get() for pending in others] == [0, 2, 4, 6, 8, 10]
    assert died.value.label == "charts/p/r-c"
    assert died.value.reason.startswith("the worker process drawing it stopped (exit code -6")
    assert str(hung.value) == "charts/p/slow: drawing it took longer than 5 s"
    assert time.monotonic() - started < HANG_GUARD


def test_a_failed_chart_job_is_one_line_of_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Failed:
        def __init__(self, label: str) -> None:
            self.label = label

        def get(self) -> None:
            raise JobFailed(self.label, "the worker process drawing it stopped (exit code -6)")

    def submit(
        self: ImageRenderer, function: Any, argument: Any, label: str | None = None, *, first: bool = False
    ) -> Failed:
        return Failed(label or chart_worker.label_of(argument))

    monkeypatch.setattr(ImageRenderer, "submit", submit)
    root = make_case(tmp_path, lambda d, p: None)
    code, err, _ = build(root, capsys, monkeypatch)
    assert code == 1
    assert err.splitlines() == [
        "charts/sample-consultations/consultations-trend: could not be drawn: the worker process drawing it "
        "stopped (exit code -6)",
        "build failed: 1 problem(s); site was left as it was",
    ]


# --- Downloads ---------------------------------------------------------------------------------------


def test_excel_csv_neutralises_formulas_and_the_program_csv_stays_exact() -> None:
    text = 'name,value,note\n=HYPERLINK("x"),-5,+1\n@SUM(A1),3,"a\nb"\n-x,-1.5,\tt\n'
    assert downloads.program_csv(text) == text.encode("utf-8")
    excel = downloads.excel_csv(text, WORDS, numeric_columns={"value"}).decode("utf-8")
    assert excel == (
        '\ufeffname,value,note\r\n"\'=HYPERLINK(""x"")",-5,\'+1\r\n\'@SUM(A1),3,"a\nb"\r\n\'-x,-1.5,\'\tt\r\n'
    )


def test_line_ends_are_normalised_in_both_csvs() -> None:
    for text in ("a,b\r1,2\r", "a,b\r\n1,2\r\n", "a,b\n1,2\n"):
        assert downloads.program_csv(text) == b"a,b\n1,2\n", repr(text)
        assert downloads.excel_csv(text, WORDS, ()) == "\ufeffa,b\r\n1,2\r\n".encode(), repr(text)


# slow: a build of its own with every chart drawn (about 2 s of CPU); `make test` runs it, `make unit` does not.
@pytest.mark.slow
def test_formula_cells_are_published_safely_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_case(tmp_path, lambda d, p: _replace_in(p, "shares.csv", "いいえ", "=1+1"))
    code, err, _ = build(root, capsys, monkeypatch)
    assert code == 0
    assert "shares.csv:3: warning: field \"answer\": starts with '=', which spreadsheets run as a formula" in err
    folder = root / "site" / "datasets" / "sample-consultations"
    assert "\n=1+1,283,39.9\n" in (folder / "shares.csv").read_text(encoding="utf-8")
    assert "\r\n'=1+1,283,39.9\r\n" in (folder / "shares.excel.csv").read_bytes().decode("utf-8-sig")


# slow: a build of its own with every chart drawn (about 2 s of CPU); `make test` runs it, `make unit` does not.
@pytest.mark.slow
def test_cr_only_line_ends_are_published_as_line_feeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def cr_only(d: dict[str, Any], package: Path) -> None:
        path = package / "data" / "shares.csv"
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))

    code, err, _ = build(make_case(tmp_path, cr_only), capsys, monkeypatch)
    assert code == 0, err
    published = (tmp_path / "site" / "datasets" / "sample-consultations" / "shares.csv").read_bytes()
    assert published == "answer,respondents,percent\nはい,283,60.1\nいいえ,283,39.9\n".encode()


# --- Tracebacks that became lines -------------------------------------------------------------------


def test_build_new_with_a_128_kb_cell_is_a_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "datapackages").mkdir()
    (tmp_path / "big.csv").write_text("a,b\n" + "x" * 140_000 + ",1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["new", "big", "--csv", "big.csv"], capsys)
    assert (code, out) == (1, "")
    assert err == (
        "build.py new: error: big.csv: row 2, column 1: the cell is 140,000 characters, over the limit of 2,000 "
        "for a cell\n"
    )
    assert list((tmp_path / "datapackages").iterdir()) == []


@pytest.mark.parametrize("epoch", ["99999999999999999", "253402300800", "١٢٣"])
def test_a_source_date_epoch_beyond_the_year_9999_is_a_usage_error(
    epoch: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    code, err, _ = build(make_case(tmp_path, lambda d, p: None), capsys, monkeypatch)
    assert code == 2
    assert err.startswith("build.py: error: SOURCE_DATE_EPOCH must be ") and "Traceback" not in err


def test_an_indicator_id_that_leaves_its_folder_is_a_line_with_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "datapackages" / "policy"
    shutil.copytree(ROOT / "datapackages" / "policy", policy)
    config_beside(tmp_path / "datapackages", logic_model="policy")
    for name in ("indicators.csv", "measure-links.csv"):
        path = policy / "data" / name
        text = path.read_text(encoding="utf-8")
        lines = [line.replace("indicator-1,", "../../evil,") for line in text.split("\n")]
        path.write_text("\n".join(lines), encoding="utf-8")
    code, err, _ = build(tmp_path, capsys, monkeypatch, "--check")
    assert code == 1
    assert err.splitlines() == [
        'datapackages/policy/data/indicators.csv:2: field "id": "../../evil" cannot be part of a file name: '
        'use letters, digits, "-" and "_"',
        "build failed: 1 problem(s); nothing was written",
    ]
