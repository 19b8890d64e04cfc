"""Caching and parallelism are optimisations only: their output is byte-identical to a plain build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from datasite import load
from tests.conftest import GOLDEN_DATA, REAL_CONFIG, ROOT, config_beside, copy_golden, run_cli, tree_digest


def many_charts(tmp_path: Path, copies: int = 4) -> Path:
    """The golden package several times over: enough charts to use the process pool."""
    data = tmp_path / "data"
    for index in range(copies):
        target = data / f"sample-{index}"
        shutil.copytree(GOLDEN_DATA / "sample-consultations", target)
        descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["name"] = f"sample-{index}"
        (target / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    config_beside(data)
    return data


def build(capsys: pytest.CaptureFixture[str], data: Path, out: Path, *extra: str) -> str:
    code, printed, err = run_cli(["--data", str(data), "--out", str(out), *extra], capsys)
    assert code == 0, err
    return printed


@pytest.mark.slow
def test_one_csv_change_with_cache_equals_a_full_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = many_charts(tmp_path, copies=2)
    cache = str(tmp_path / "cache")
    build(capsys, data, tmp_path / "site", "--cache", cache)
    csv = data / "sample-1" / "data" / "consultations.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("電話,120", "電話,125").replace("計,190", "計,195"), "utf-8")
    build(capsys, data, tmp_path / "site", "--cache", cache)
    build(capsys, data, tmp_path / "fresh", "--no-cache")
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "fresh")
    assert "125" in (tmp_path / "site" / "datasets" / "sample-1" / "consultations.csv").read_text(encoding="utf-8")


def test_no_change_rebuild_is_skipped_but_a_changed_site_is_rebuilt(
    tmp_path: Path, golden_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The session's golden build filled the cache (its packages and charts); this site folder is new, so the first
    # build here is not skipped: it writes the site from the cache.
    cache = str(golden_cache)
    site = tmp_path / "site"
    assert "nothing changed" not in build(capsys, GOLDEN_DATA, site, "--cache", cache)
    before = tree_digest(site)
    assert "nothing changed" in build(capsys, GOLDEN_DATA, site, "--cache", cache)
    (site / "index.html").write_text("tampered", encoding="utf-8")
    assert "nothing changed" not in build(capsys, GOLDEN_DATA, site, "--cache", cache)
    assert tree_digest(site) == before


@pytest.mark.slow
def test_an_edit_of_the_site_configuration_rebuilds_every_page_it_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = copy_golden(tmp_path / "golden")
    cache = str(tmp_path / "cache")
    build(capsys, data, tmp_path / "site", "--cache", cache)
    config = data.parent / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('name = "テスト用サイト"', 'name = "改名したサイト"'))
    assert "nothing changed" not in build(capsys, data, tmp_path / "site", "--cache", cache)
    build(capsys, data, tmp_path / "fresh", "--no-cache")
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "fresh")
    assert "改名したサイト" in (tmp_path / "site" / "measures" / "measure-1.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_parallel_build_equals_serial_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = many_charts(tmp_path)
    build(capsys, data, tmp_path / "serial", "--no-cache", "--jobs", "1")
    build(capsys, data, tmp_path / "parallel", "--no-cache", "--jobs", "2")
    assert tree_digest(tmp_path / "serial") == tree_digest(tmp_path / "parallel")


@pytest.mark.slow
def test_a_change_of_the_map_boundaries_rebuilds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    boundaries = tmp_path / "topojson"
    shutil.copytree(load.TOPOJSON_DIR, boundaries)
    monkeypatch.setattr(load, "TOPOJSON_DIR", boundaries)
    cache, site = str(tmp_path / "cache"), tmp_path / "site"
    build(capsys, GOLDEN_DATA, site, "--cache", cache)
    assert "nothing changed" in build(capsys, GOLDEN_DATA, site, "--cache", cache)
    prefectures = boundaries / "s0001" / "prefectures.json"
    prefectures.write_text(prefectures.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "nothing changed" not in build(capsys, GOLDEN_DATA, site, "--cache", cache)


@pytest.mark.slow
def test_a_cached_rebuild_of_the_real_site_after_edits_equals_a_fresh_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real site, built with the cache, then edited (a description, a note cell, a Markdown page, an area's
    title, two words of the catalogue) and rebuilt with the cache: byte for byte what a build without any cache
    makes of the edited input."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "datapackages", project / "datapackages")
    shutil.copytree(ROOT / "content", project / "content")
    shutil.copyfile(REAL_CONFIG, project / "site.toml")
    words = project / "templates" / "strings.toml"  # a template folder that overrides the catalogue of words
    words.parent.mkdir()
    shutil.copyfile(ROOT / "templates" / "strings.toml", words)
    data, cache, templates = project / "datapackages", str(tmp_path / "cache"), str(words.parent)
    build(capsys, data, tmp_path / "site", "--cache", cache, "--templates", templates)
    descriptor = data / "hikikomori-consultations" / "datapackage.json"
    text = descriptor.read_text(encoding="utf-8")
    descriptor.write_text(text.replace('"description": "', '"description": "（編集）', 1), encoding="utf-8")
    csv = data / "hikikomori-consultations" / "data" / "cases-trend.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("0件ではない", "0件ではない。編集", 1), encoding="utf-8")
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n編集した段落。\n", encoding="utf-8")
    config = project / "site.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('title = "ひきこもり支援の推進"', 'title = "編集した分野"')
    )
    # A word drawn into every chart image and one written on every local-government page.
    catalogue = words.read_text(encoding="utf-8")
    edited = catalogue.replace('credit_source_at = "出典：', 'credit_source_at = "出典（編集）：')
    words.write_text(edited.replace('own_groups = "', 'own_groups = "（編集）', 1), encoding="utf-8")
    assert words.read_text(encoding="utf-8").count("（編集）") == 2
    build(capsys, data, tmp_path / "site", "--cache", cache, "--templates", templates)
    build(capsys, data, tmp_path / "fresh", "--no-cache", "--templates", templates)
    cached, fresh = tree_digest(tmp_path / "site"), tree_digest(tmp_path / "fresh")
    assert sorted(cached) == sorted(fresh)
    assert [name for name in sorted(fresh) if cached[name] != fresh[name]] == []
    assert "編集した段落" in (tmp_path / "site" / "about.html").read_text(encoding="utf-8")
    chart = tmp_path / "site" / "charts" / "hikikomori-consultations" / "cases-trend-trend.svg"
    assert "出典（編集）：" in chart.read_text(encoding="utf-8")
    government = tmp_path / "site" / "local-governments" / "122041.html"
    assert "（編集）このサイト独自の比較グループ" in government.read_text(encoding="utf-8")
    assert "編集した分野" in (tmp_path / "site" / "datasets" / "hikikomori-consultations" / "index.html").read_text(
        "utf-8"
    )
