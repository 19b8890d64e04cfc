"""The benchmark's synthetic packages are valid data packages (timing belongs in bench/run.py only)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import run
from bench.run import change_one_csv, generate, write_site_config
from tests.conftest import run_cli, tree_digest


def check_strict(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    write_site_config(data)
    out = tmp_path / "site"
    return run_cli(["--data", str(data), "--out", str(out), "--check", "--strict", "--no-cache"], capsys)


def test_generated_packages_pass_check_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "datapackages"
    generated = generate(data, 3)
    code, out, err = check_strict(data, tmp_path, capsys)
    assert (code, err) == (0, "")
    assert f"packages   3\nresources  {generated.resources}\n" in out
    assert generated.local_government_resources >= 1  # the first resource is always keyed by a code
    for name in generated.packages:
        descriptor = json.loads((data / name / "datapackage.json").read_text("utf-8"))
        assert 1 <= len(descriptor["resources"]) <= 3
        for resource in descriptor["resources"]:
            rows = (data / name / resource["path"]).read_text("utf-8").splitlines()[1:]
            assert 5 <= len(rows) <= 50
            assert [chart["type"] for chart in resource["charts"]] in (["line"], ["stacked-bar"], ["grouped-bar"])


def test_one_csv_change_keeps_the_packages_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "datapackages"
    generated = generate(data, 3)
    before = tree_digest(data)
    changed, text = change_one_csv(data, generated.packages[1])
    after = tree_digest(data)
    assert [name for name in after if before[name] != after[name]] == [changed.relative_to(data).as_posix()]
    assert changed.read_text("utf-8") == text
    code, _, err = check_strict(data, tmp_path, capsys)
    assert (code, err) == (0, "")


def test_generation_is_deterministic_and_sets_nest(tmp_path: Path) -> None:
    generate(tmp_path / "a", 3)
    generate(tmp_path / "b", 3)
    generate(tmp_path / "c", 5)
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
    bigger = tree_digest(tmp_path / "c")
    assert {name: digest for name, digest in bigger.items() if name < "bench-00003"} == tree_digest(tmp_path / "a")


@pytest.mark.slow
def test_first_view_counts_the_page_its_stylesheets_and_images(golden_site: Path) -> None:
    page = "datasets/sample-consultations/index.html"
    html = (golden_site / page).read_text("utf-8")
    references = set(re.findall(r'<link rel="stylesheet" href="([^"]+)"', html))
    references |= set(re.findall(r'<img src="([^"]+)"', html))
    assert references, "the page shows images and a stylesheet"
    expected = len(html.encode("utf-8")) + sum(
        ((golden_site / page).parent / ref).resolve().stat().st_size for ref in references
    )
    raw, compressed = run.first_view_bytes(golden_site, page)
    assert raw == expected
    assert 0 < compressed < raw


@pytest.mark.slow
def test_chart_floor_renders_every_published_spec(golden_site: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(Path(run.__file__)), "--chart-floor", str(golden_site)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["charts"] == len(list(golden_site.glob("charts/*/*.vl.json"))) > 0
    assert figures["render_s"] > 0
