from __future__ import annotations

import json
from pathlib import Path

import pytest

from datasite import load


def package(root: Path, path: str, content: bytes = b"a\n1\n") -> Path:
    folder = root / "p"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "t.csv").write_bytes(content)
    descriptor = {"name": "p", "resources": [{"name": "t", "path": path}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return root


def messages(root: Path, max_file_bytes: int = load.DEFAULT_MAX_FILE_BYTES) -> list[str]:
    return [p.message for p in load.load(root, [], max_file_bytes=max_file_bytes).problems]


def test_reads_resource_bytes(tmp_path: Path) -> None:
    loaded = load.load(package(tmp_path, "data/t.csv"), [])
    assert loaded.problems == [] and loaded.packages[0].resources[0].data == b"a\n1\n"


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
