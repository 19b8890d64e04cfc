"""``--out`` replaces only a folder the build owns: never the user's files (issue 19, point 1).

Each case runs the real command line in a small project folder (a git repository with data,
content, templates and a user's own file) and proves two things: the exit status and its one line,
and that every file of the project is still there, byte for byte.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from datasite import cli, write
from tests.conftest import SAMPLE, config_beside, run_cli, tree_digest


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's project: the working directory for the test, with HOME pointing beside it."""
    root = tmp_path / "project"
    shutil.copytree(SAMPLE, root / "datapackages" / SAMPLE.name)
    config_beside(root / "datapackages")
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (root / "content").mkdir()
    (root / "content" / "about.md").write_text("---\ntitle: About\n---\n\nOur notes.\n", encoding="utf-8")
    (root / "my-templates").mkdir()
    (root / "my-templates" / "footer.html").write_text("<p>ours</p>\n", encoding="utf-8")
    (root / "important.txt").write_text("the user's own notes\n", encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    (home / "diary.txt").write_text("private\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(root)
    return root


def _everything(tmp_path: Path) -> dict[str, str]:
    return tree_digest(tmp_path)


def _refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run_cli(["--no-cache", *args], capsys)
    lines = err.strip().splitlines()
    assert code == cli.EXIT_USAGE, err
    assert len(lines) == 1 and lines[0].startswith("build.py: error: "), err
    assert out == ""
    return lines[0]


@pytest.mark.parametrize(
    ("out", "says"),
    [
        (".", "is the current folder"),
        ("..", "contains the current folder"),
        ("datapackages", "is the data folder"),
        ("datapackages/site", "lies inside the data folder"),
        ("datapackages/sample-consultations", "lies inside the data folder"),
        ("content", "is the content folder"),
        ("content/site", "lies inside the content folder"),
        ("my-templates", "is a templates folder"),
        ("my-templates/site", "lies inside a templates folder"),
    ],
)
def test_refuses_the_project_and_its_inputs(
    project: Path, out: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _everything(project.parent)
    line = _refused(["--data", "datapackages", "--templates", "my-templates", "--out", out], capsys)
    assert says in line or (out == ".." and "contains" in line), line
    assert "Choose a folder of its own" in line
    assert _everything(project.parent) == before


def test_refuses_an_empty_out_as_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _everything(project.parent)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--data", "datapackages", "--out", ""])
    assert stopped.value.code == cli.EXIT_USAGE
    assert "argument --out: is empty" in capsys.readouterr().err
    assert _everything(project.parent) == before


def test_refuses_a_repository_even_from_outside_it(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    before = _everything(tmp_path)
    line = _refused(["--data", str(project / "datapackages"), "--out", str(project)], capsys)
    assert "is a git repository" in line
    assert _everything(tmp_path) == before


def test_refuses_the_home_folder(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _everything(tmp_path)
    line = _refused(["--data", "datapackages", "--out", str(tmp_path / "home")], capsys)
    assert "is the home folder" in line
    assert _everything(tmp_path) == before


@pytest.mark.parametrize("out", ["/", "/usr", "/etc/site", "/tmp", "/var/lib", "/usr/local/share/site"])
def test_refuses_system_folders(project: Path, out: str, capsys: pytest.CaptureFixture[str]) -> None:
    line = _refused(["--data", "datapackages", "--out", out], capsys)
    assert "system folder" in line


def test_refuses_a_folder_of_someone_elses_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "docs").mkdir()
    (project / "docs" / "important.txt").write_text("keep me\n", encoding="utf-8")
    before = _everything(project.parent)
    line = _refused(["--data", "datapackages", "--out", "docs"], capsys)
    assert f"did not write (no {write.MANIFEST})" in line
    assert _everything(project.parent) == before


def test_refuses_a_symbolic_link(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "real").mkdir()
    (project / "link").symlink_to(project / "real")
    line = _refused(["--data", "datapackages", "--out", "link"], capsys)
    assert "symbolic link" in line


@pytest.mark.slow
def test_rebuilds_its_own_site_but_keeps_a_file_added_to_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--no-cache", "--data", "datapackages", "--out", "site"], capsys)[0] == cli.EXIT_OK
    manifest = json.loads((project / "site" / write.MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == set(tree_digest(project / "site")) - {write.MANIFEST}
    # its own site: replaced without a word
    (project / "datapackages" / "sample-consultations" / "datapackage.json").touch()
    assert run_cli(["--no-cache", "--data", "datapackages", "--out", "site"], capsys)[0] == cli.EXIT_OK
    # a file the user put there: the build refuses and the file stays
    (project / "site" / "CNAME").write_text("example.org\n", encoding="utf-8")
    before = _everything(project.parent)
    line = _refused(["--data", "datapackages", "--out", "site"], capsys)
    assert "holds 1 file(s) that build.py did not write (CNAME)" in line
    assert _everything(project.parent) == before


@pytest.mark.slow
def test_builds_into_an_empty_or_absent_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "empty").mkdir()
    assert run_cli(["--no-cache", "--data", "datapackages", "--out", "empty"], capsys)[0] == cli.EXIT_OK
    assert run_cli(["--no-cache", "--data", "datapackages", "--out", "new/site"], capsys)[0] == cli.EXIT_OK
    assert (project / "empty" / "index.html").is_file() and (project / "new" / "site" / "index.html").is_file()
    assert (project / "important.txt").read_text(encoding="utf-8") == "the user's own notes\n"


def test_serve_refuses_before_it_builds(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _everything(project.parent)
    code = cli.main(["serve", "--data", "datapackages", "--out", ".", "--port", "0"])
    assert code == cli.EXIT_USAGE
    assert "is the current folder" in capsys.readouterr().err
    assert _everything(project.parent) == before


def test_the_library_refuses_too(tmp_path: Path) -> None:
    """Without the command line: ``write_site`` itself refuses a folder it does not own."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "mine.txt").write_text("x", encoding="utf-8")
    with pytest.raises(write.UnsafeOutputError):
        write.write_site({"index.html": b"<p>"}, tmp_path / "site")
    assert (tmp_path / "site" / "mine.txt").read_text(encoding="utf-8") == "x"
    assert os.listdir(tmp_path / "site") == ["mine.txt"]
