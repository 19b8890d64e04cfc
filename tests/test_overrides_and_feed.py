"""A site's own templates take precedence; data updates are announced in the Atom feed."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import GOLDEN_DATA, SAMPLE, config_beside, run_cli

ATOM = "{http://www.w3.org/2005/Atom}"


def test_override_folder_replaces_a_built_in_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    overrides = tmp_path / "my-look"
    overrides.mkdir()
    (overrides / "404.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>県のページが見つかりません</h1>{% endblock %}', "utf-8"
    )
    out = tmp_path / "site"
    code, _, err = run_cli(["--data", str(GOLDEN_DATA), "--out", str(out), "--templates", str(overrides)], capsys)
    assert code == 0, err
    assert "県のページが見つかりません" in (out / "404.html").read_text(encoding="utf-8")
    assert "3つの政策分野" in (out / "index.html").read_text(encoding="utf-8")  # other pages keep the built-in look


def test_feed_lists_each_version_in_the_changelog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data / SAMPLE.name)
    config_beside(data)
    path = data / "sample-consultations" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["version"], descriptor["updated"] = "1.1.0", "2026-03-01"
    descriptor["changelog"] = [
        {"version": "1.1.0", "date": "2026-03-01", "changes": "令和5年度の値を追加"},
        {"version": "1.0.0", "date": "2026-01-01", "changes": "初版"},
    ]
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "site"
    assert run_cli(["--data", str(data), "--out", str(out)], capsys)[0] == 0
    feed = ET.parse(out / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}updated") for e in entries] == ["2026-03-01T00:00:00Z", "2026-01-01T00:00:00Z"]
    assert feed.findtext(f"{ATOM}updated") == "2026-03-01T00:00:00Z"
    assert "令和5年度の値を追加" in (entries[0].findtext(f"{ATOM}summary") or "")
    page = (out / "datasets" / "sample-consultations" / "index.html").read_text(encoding="utf-8")
    assert "1.1.0" in page and "令和5年度の値を追加" in page and "初版" in page
