"""Each folder under fixtures/invalid is one bad input with the exact lines users must see."""

from __future__ import annotations

from pathlib import Path

import pytest

from datasite import write
from tests.conftest import FIXTURES, copy_case, run_cli, tree_digest

INVALID = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())
ACCEPTED = sorted(p for p in (FIXTURES / "accepted").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_bad_input_fails_with_expected_lines_and_keeps_site(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    work = copy_case(case, tmp_path / case.name)
    site = work / "site"
    write.write_site({"index.html": b"previously published\n", "datasets/a.csv": b"x,y\n1,2\n"}, site)
    before = tree_digest(site)
    args_file = work / "args.txt"
    extra = args_file.read_text().split() if args_file.exists() else []
    monkeypatch.chdir(work)

    code, out, err = run_cli(["--out", "site", *extra], capsys)

    assert code == 1
    assert err == (case / "expected.txt").read_text(encoding="utf-8")
    assert "Traceback" not in err and out == ""
    assert tree_digest(site) == before


@pytest.mark.parametrize("case", ACCEPTED, ids=[p.name for p in ACCEPTED])
def test_accepted_variants_validate(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(copy_case(case, tmp_path / case.name))
    code, _, err = run_cli(["--check", "--strict"], capsys)
    assert (code, err) == (0, "")


def test_every_invalid_case_has_expected_lines() -> None:
    for case in INVALID:
        lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
        assert lines and lines[-1].startswith("build failed: "), case.name
