"""The README tells the truth: its commands are the ones the Makefile and CLI provide."""

from __future__ import annotations

import re

from datasite.cli import new_parser, parser, serve_parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def code_lines() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    return [line.split("#")[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE, flags=re.M))


def recipe(target: str) -> str:
    match = re.search(rf"^{target}:.*?\n((?:\t.*\n)+)", MAKEFILE, flags=re.M)
    assert match, target
    return match.group(1)


def test_first_screen_shows_the_two_commands() -> None:
    first_screen = "\n".join(README.splitlines()[:25])
    assert "make site" in first_screen and "make test" in first_screen


def test_every_make_command_in_readme_is_a_target() -> None:
    shown = {line.split()[1] for line in code_lines() if line.startswith("make ")}
    shown |= set(re.findall(r"`make ([a-z-]+)`", README))
    assert shown >= {"site", "test", "serve"}
    assert shown <= make_targets()


def test_make_site_builds_and_make_test_runs_everything() -> None:
    assert "build.py" in recipe("site")
    test = recipe("test")
    assert "pytest" in test and "ruff" in test and "mypy" in test and "system-deps.sh browser" in test
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def options_of(line: str) -> set[str]:
    chosen = new_parser() if "build.py new" in line else serve_parser() if "build.py serve" in line else parser()
    return {option for action in chosen._actions for option in action.option_strings}


def test_cli_options_in_readme_exist() -> None:
    lines = [line for line in code_lines() if "build.py" in line]
    assert any("build.py new" in line for line in lines) and any("build.py serve" in line for line in lines)
    for line in lines:
        shown = set(re.findall(r"--[a-z-]+", line))
        assert shown <= options_of(line), line
