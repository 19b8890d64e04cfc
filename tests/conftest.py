from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from datasite import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN_DATA = FIXTURES / "golden" / "datapackages"


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="session")
def golden_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden fixture built once per session (read-only for tests)."""
    out = tmp_path_factory.mktemp("golden") / "site"
    assert cli.main(["--data", str(GOLDEN_DATA), "--out", str(out), "--strict", "--no-cache"]) == 0
    return out


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site from datapackages/, built once per session."""
    out = tmp_path_factory.mktemp("real") / "site"
    cache = tmp_path_factory.mktemp("cache")
    assert cli.main(["--data", str(ROOT / "datapackages"), "--out", str(out), "--strict", "--cache", str(cache)]) == 0
    return out


def copy_case(case: Path, destination: Path) -> Path:
    shutil.copytree(case, destination, symlinks=True)
    return destination
