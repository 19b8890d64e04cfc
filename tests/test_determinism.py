from __future__ import annotations

from pathlib import Path

import pytest

from datasite import write
from tests.conftest import GOLDEN_DATA, ONE_CHART_WORKER, run_cli, tree_digest


# slow: a second fresh build of the golden fixture, every chart drawn again; `make test` runs it. In `make unit`,
# test_golden.py compares the session's golden build with the committed bytes.
@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path: Path, golden_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Both fresh; this one with one chart worker, the session's with the default pool."""
    again = tmp_path / "again"
    assert run_cli(["--data", str(GOLDEN_DATA), "--out", str(again), "--no-cache", *ONE_CHART_WORKER], capsys)[0] == 0
    assert tree_digest(again) == tree_digest(golden_site)


def test_rebuild_over_existing_site_replaces_it(
    tmp_path: Path, golden_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A page an earlier build wrote and this one does not is removed (the manifest says the build wrote it)."""
    out = tmp_path / "site"
    write.write_site({"stale.html": b"old"}, out)
    assert run_cli(["--data", str(GOLDEN_DATA), "--out", str(out), "--cache", str(golden_cache)], capsys)[0] == 0
    assert not (out / "stale.html").exists()
    assert (out / "index.html").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.new-")] == []
