"""Each folder under fixtures/invalid is one bad input with the exact lines users must see."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from datasite import write
from tests.conftest import FIXTURES, ONE_CHART_WORKER, config_beside, copy_case, run_cli, tree_digest

INVALID = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())
ACCEPTED = sorted(p for p in (FIXTURES / "accepted").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_bad_input_fails_with_expected_lines_and_keeps_site(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    work = copy_case(case, tmp_path / case.name)
    if not (case / "site.toml").exists():
        config_beside(work / "datapackages")  # the cases are about their data: they share one configuration
    site = work / "site"
    write.write_site({"index.html": b"previously published\n", "datasets/a.csv": b"x,y\n1,2\n"}, site)
    (work / "notes.txt").write_text("a user's own file beside the site\n", encoding="utf-8")
    before = tree_digest(site)
    inputs_before = files_and_links(work)
    args_file = work / "args.txt"
    extra = args_file.read_text().split() if args_file.exists() else []
    monkeypatch.chdir(work)

    code, out, err = run_cli(["--out", "site", *ONE_CHART_WORKER, *extra], capsys)

    assert code == 1
    assert err == (case / "expected.txt").read_text(encoding="utf-8")
    assert "Traceback" not in err and out == ""
    assert tree_digest(site) == before
    # Every user file (the inputs, and anything else beside the site) is as it was.
    assert files_and_links(work) == inputs_before


def files_and_links(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its bytes' SHA-256, and every symbolic link with its target
    (links are not followed: a hostile case links to /etc); the build's own files (the site, its
    lock and its cache) are left out."""
    found: dict[str, str] = {}
    for directory, folders, names in os.walk(folder):
        relative = os.path.relpath(directory, folder)
        if relative == ".":
            folders[:] = [f for f in folders if f not in {"site", ".cache"}]
            names = [n for n in names if not n.startswith(".site.")]
        for name in [*names, *(f for f in folders if os.path.islink(os.path.join(directory, f)))]:
            path = os.path.join(directory, name)
            key = os.path.normpath(os.path.join(relative, name))
            if os.path.islink(path):
                found[key] = "link to " + os.readlink(path)
            else:
                with open(path, "rb") as stream:
                    found[key] = hashlib.sha256(stream.read()).hexdigest()
    return found


@pytest.mark.parametrize("case", ACCEPTED, ids=[p.name for p in ACCEPTED])
def test_accepted_variants_validate(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    work = copy_case(case, tmp_path / case.name)
    config_beside(work / "datapackages")
    monkeypatch.chdir(work)
    code, _, err = run_cli(["--check", "--strict"], capsys)
    assert (code, err) == (0, "")


def test_every_invalid_case_has_expected_lines() -> None:
    for case in INVALID:
        lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
        assert lines and lines[-1].startswith("build failed: "), case.name
