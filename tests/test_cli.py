from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GOLDEN_DATA, ROOT, copy_golden, run_cli, tree_digest


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_cli(["--no-such-option"], capsys)
    assert exit_info.value.code == 2


def test_check_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["--data", str(GOLDEN_DATA), "--out", str(tmp_path / "site"), "--check"], capsys)
    assert code == 0 and "nothing written" in out
    assert not (tmp_path / "site").exists()


def test_summary_lists_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["--data", str(GOLDEN_DATA), "--out", str(tmp_path / "site")], capsys)
    assert code == 0
    labels = ("packages   3", "resources  13", "review     7 pass", "pages      ", "charts     4", "seconds    ")
    for label in (*labels, "make serve"):
        assert label in out


@pytest.mark.slow
def test_real_cli_broken_cell_exits_1_without_traceback_and_keeps_site(tmp_path: Path) -> None:
    """The issue's acceptance check, through a real process: a copy with one CSV cell broken."""
    data = copy_golden(tmp_path / "golden")
    out = tmp_path / "site"
    command = [sys.executable, str(ROOT / "build.py"), "--data", str(data), "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    assert subprocess.run(command, env=env, capture_output=True, check=False).returncode == 0
    before = tree_digest(out)
    csv = data / "sample-consultations" / "data" / "consultations.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("来所,50", "来所,5O"), encoding="utf-8")

    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    assert result.returncode == 1
    assert 'consultations.csv:3: field "count": cannot read "5O"' in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(out) == before


def test_source_date_epoch_sets_footer_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert run_cli(["--data", str(GOLDEN_DATA), "--out", str(tmp_path / "s")], capsys)[0] == 0
    assert "最終ビルド：2026-01-01" in (tmp_path / "s" / "index.html").read_text(encoding="utf-8")


def test_bad_source_date_epoch_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    code, _, err = run_cli(["--check", "--data", str(GOLDEN_DATA)], capsys)
    assert code == 2 and "SOURCE_DATE_EPOCH" in err
