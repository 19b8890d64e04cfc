from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from datasite import write
from datasite.errors import OutputError
from tests.conftest import tree_digest


def test_swap_replaces_whole_tree(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write.write_site({"a.html": b"1", "d/b.csv": b"2"}, out)
    write.write_site({"c.html": b"3"}, out)
    assert tree_digest(out).keys() == {"c.html", write.MANIFEST}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


def test_refuses_paths_outside_the_site(tmp_path: Path) -> None:
    write.write_site({"a.html": b"1"}, tmp_path / "site")
    for bad in ("../escape.html", "/etc/x", "a/../../b"):
        with pytest.raises(OutputError, match="outside the site"):
            write.write_site({bad: b"x"}, tmp_path / "site")
    assert tree_digest(tmp_path / "site").keys() == {"a.html", write.MANIFEST}
    assert not (tmp_path / "escape.html").exists()


def test_concurrent_build_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with (tmp_path / ".site.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(OutputError, match="another build is writing"):
            write.write_site({"a.html": b"1"}, out)
    assert not out.exists()


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write the site"):
        write.write_site({"a.html": b"1"}, tmp_path / "file" / "site")


def test_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "site").write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError, match="not a folder"):
        write.write_site({"a.html": b"1"}, tmp_path / "site")


def test_stale_staging_folders_are_cleaned(tmp_path: Path) -> None:
    (tmp_path / ".site.new-abc").mkdir()
    write.write_site({"a.html": b"1"}, tmp_path / "site")
    assert not (tmp_path / ".site.new-abc").exists()
