from __future__ import annotations

import json
from pathlib import Path

import pytest

from datasite import load
from datasite.cache import Cache
from datasite.chart_worker import ImageRenderer
from datasite.localgov import maps
from tests.conftest import MINIMAL_CONFIG, WORDS


def package(root: Path, path: str, content: bytes = b"a\n1\n") -> Path:
    folder = root / "p"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "t.csv").write_bytes(content)
    descriptor = {"name": "p", "resources": [{"name": "t", "path": path}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return root


def messages(root: Path, max_file_bytes: int = load.DEFAULT_MAX_FILE_BYTES) -> list[str]:
    return [p.message for p in load.load(root, [], max_file_bytes=max_file_bytes, config_path=MINIMAL_CONFIG).problems]


def test_reads_resource_bytes(tmp_path: Path) -> None:
    loaded = load.load(package(tmp_path, "data/t.csv"), [], config_path=MINIMAL_CONFIG)
    assert loaded.problems == [] and loaded.packages[0].resources[0].data == b"a\n1\n"
    assert loaded.config == MINIMAL_CONFIG.read_text(encoding="utf-8")


def test_the_site_configuration_is_read_beside_the_data_folder_or_where_named(tmp_path: Path) -> None:
    data = tmp_path / "project" / "datapackages"
    data.mkdir(parents=True)
    missing = load.load(data, [])
    assert missing.config is None
    assert [str(p) for p in missing.problems] == [
        f"{tmp_path / 'project' / 'site.toml'}: no site configuration: write one (the site's name, goals and areas; "
        "see docs/site-configuration.md) or name it with --site FILE"
    ]
    (data.parent / "site.toml").write_text("[site]\n", encoding="utf-8")
    assert load.load(data, []).config == "[site]\n"
    named = tmp_path / "elsewhere.toml"
    named.write_bytes("\ufeff[site]\nname = 'x'\n".encode())
    assert load.load(data, [], config_path=named).config == "[site]\nname = 'x'\n"  # without its BOM
    named.write_bytes(b"\xff[site]")
    assert "not UTF-8" in str(load.load(data, [], config_path=named).problems[0])


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("http://example.com/t.csv", "remote or URL paths are refused"),
        ("file:///etc/passwd", "remote or URL paths are refused"),
        ("/etc/passwd", "absolute paths are refused"),
        ("../p/data/t.csv", "the path leaves the package folder"),
        ("data/missing.csv", "file not found"),
    ],
)
def test_refuses_unsafe_or_missing_paths(tmp_path: Path, path: str, message: str) -> None:
    assert message in messages(package(tmp_path, path))[0]


def test_size_limit(tmp_path: Path) -> None:
    assert "over the limit of 3 bytes" in messages(package(tmp_path, "data/t.csv"), max_file_bytes=3)[0]


def test_templates_later_folders_override(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, text in ((first, "built-in"), (second, "override")):
        (folder / "static").mkdir(parents=True)
        (folder / "base.html").write_text(text, encoding="utf-8")
    (first / "static" / "x.css").write_text("x", encoding="utf-8")
    loaded = load.load(tmp_path / "none", [first, second])
    assert loaded.templates["base.html"] == "override"
    assert loaded.static == {"x.css": b"x"}


def test_map_boundaries_are_read_here_as_text() -> None:
    loaded = load.load(Path("no-such-data-folder"), [])
    assert sorted(loaded.topologies) == sorted(b.path for b in maps.BOUNDARIES.values())
    for path, text in loaded.topologies.items():
        assert text == (load.TOPOJSON_DIR / path).read_text(encoding="utf-8")
        assert json.loads(text)["type"] == "Topology", path


def test_boundaries_come_from_the_given_folder(tmp_path: Path) -> None:
    (tmp_path / "s0001").mkdir()
    (tmp_path / "s0001" / "prefectures.json").write_text('{"type": "Topology"}', encoding="utf-8")
    (tmp_path / "SOURCE.md").write_text("not a boundary", encoding="utf-8")
    (tmp_path / "datapackage.json").write_text('{"credit": "c"}', encoding="utf-8")
    loaded = load.load(tmp_path / "none", [], topojson_dir=tmp_path)
    assert loaded.topologies == {"s0001/prefectures.json": '{"type": "Topology"}'}
    assert loaded.boundaries == (load.display(tmp_path / "datapackage.json"), '{"credit": "c"}')
    missing = load.load(tmp_path / "none", [], topojson_dir=tmp_path / "missing")
    assert (missing.topologies, missing.boundaries[1]) == ({}, None)


def test_maps_say_which_boundaries_were_not_loaded() -> None:
    drawing = maps.categorical_map("prefecture", {}, [("なし", "#ccc")], "なし", "題", "", "説明")
    map_files = maps.MapFiles(Cache(None), ImageRenderer(0), {}, {"prefecture": "a credit"}, WORDS)
    with pytest.raises(LookupError, match=r"reference/topojson/s0001/prefectures\.json"):
        map_files.request("maps/x.svg", drawing)
