"""``build.py new``: a package from a CSV that fails ``--check --strict`` until a person fills it in,
and docs/adding-data.md, whose worked example is run here against a copy of the real data."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from datasite import cli
from datasite.scaffold import ScaffoldError, decode, field_names, parse, primary_key, scaffold, split_unit, unfilled
from datasite.strings import Strings
from tests.conftest import ROOT, WORDS, config_beside, run_cli, tree_digest

ROWS = """2022,令和4年度,電話,100,66.7,011002
2022,令和4年度,来所,50,33.3,011002
2023,令和5年度,電話,120,60.0,011002
2023,令和5年度,来所,80,40.0,011002
"""
CSV = "年度,和暦,区分,件数,割合（％）,市区町村コード\n" + ROWS
EVERY_FIELD_TO_FILL = [
    'field "title": still marked to fill in',
    'field "title_en": still marked to fill in',
    'field "description": still marked to fill in',
    'field "topics": should list',
    'field "licenses": required',
    'field "sources": required',
    'field "resources[0].title": still marked to fill in',
    'field "resources[0].title_en": still marked to fill in',
    'field "resources[0].description": still marked to fill in',
    'field "resources[0].sources": should name the slide',
    'field "count": resources[0]: numeric field needs a "unit"',
]


def new(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(["new", *args], capsys)


def check(data: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(["--data", str(data), "--check", "--strict", "--no-cache"], capsys)


def fill_in(descriptor: dict[str, Any]) -> dict[str, Any]:
    """What a person writes into a fresh package."""
    source = {"title": "〇〇市「相談実績」", "slide": "p.2 相談件数", "reference_date": "各年度末"}
    resource = descriptor["resources"][0]
    descriptor |= {
        "title": "相談件数",
        "title_en": "Consultations",
        "description": "相談方法別の相談件数。",
        "topics": ["相談件数"],
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "sources": [{"title": source["title"]}],
    }
    resource |= {"title": "相談方法別の相談件数", "title_en": "Consultations by channel", "description": "説明。"}
    resource["sources"] = [source]
    for field in resource["schema"]["fields"]:
        if field.get("unit") == "":
            field["unit"] = "件"
    return descriptor


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "datapackages"
    folder.mkdir()
    config_beside(folder)  # its areas are 1, 2, 3, 0 and 4
    return folder


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_fresh_scaffold_fails_strict_check_until_filled_in(
    encoding: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "相談件数.csv"
    source.write_bytes(CSV.replace("\n", "\r\n").encode(encoding))

    code, out, err = new(["consultations", "--csv", str(source), "--data", str(data), "--area", "2"], capsys)

    assert code == 0, err
    package = data / "consultations"
    converted = "converted from Shift_JIS (cp932) to UTF-8"
    assert (converted in out) == (encoding == "cp932")
    assert "(4 rows" in out and "resources[0].schema.fields[3].unit (件数)" in out and "--check --strict" in out
    written = (package / "data" / "consultations.csv").read_bytes()
    assert written.decode("utf-8") == "fiscal_year,era_label,category,count,percent,col_6\n" + ROWS
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    fields = descriptor["resources"][0]["schema"]["fields"]
    assert [(f["name"], f["type"], f["title"], f.get("unit")) for f in fields] == [
        ("fiscal_year", "integer", "年度", None),
        ("era_label", "string", "和暦", None),
        ("category", "string", "区分", None),
        ("count", "integer", "件数", ""),
        ("percent", "number", "割合（％）", "%"),
        ("col_6", "string", "市区町村コード", None),  # leading zeros: a code, not a number
    ]
    assert descriptor["resources"][0]["schema"]["primaryKey"] == ["fiscal_year", "category"]
    assert (descriptor["policy_area"], descriptor["version"]) == (2, "0.1.0")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", descriptor["updated"])

    code, _, err = check(data, capsys)
    assert code == 1
    for line in EVERY_FIELD_TO_FILL:
        assert f"consultations/datapackage.json: {'' if 'required' in line else 'warning: '}{line}" in err, line
    assert "Traceback" not in err

    (package / "datapackage.json").write_text(json.dumps(fill_in(descriptor), ensure_ascii=False), encoding="utf-8")
    code, out, err = check(data, capsys)
    assert code == 0, err
    assert "packages   1" in out and "0 warning(s)" in out


def test_without_area_the_policy_area_is_1_and_marked(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "t.csv"
    source.write_text(CSV, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    code, out, _ = new(["t", "--csv", str(source), "--data", str(data)], capsys)
    assert code == 0 and "policy_area is 1 for now" in out
    descriptor = json.loads((data / "t" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["policy_area"] == 1 and "policy_area" in descriptor["description"]
    assert "要記入（TODO）" in descriptor["description"] and descriptor["updated"] == "2026-01-01"


def test_refuses_to_overwrite_an_existing_package(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "t.csv"
    source.write_text(CSV, encoding="utf-8")
    assert new(["t", "--csv", str(source), "--data", str(data)], capsys)[0] == 0
    (data / "t" / "datapackage.json").write_text("{}", encoding="utf-8")  # the person's work
    before = tree_digest(data)

    code, out, err = new(["t", "--csv", str(source), "--data", str(data)], capsys)

    assert code == 1 and out == ""
    assert err.startswith("build.py new: error: ") and "t: already exists; nothing was changed" in err
    assert tree_digest(data) == before
    assert [p.name for p in data.iterdir()] == ["t"]  # no staging folder left behind


@pytest.mark.parametrize("name", ["Bad_Name", "_x", "ひきこもり", "a b", "../escape", ""])
def test_a_bad_name_is_a_usage_error(name: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "t.csv"
    source.write_text(CSV, encoding="utf-8")
    code, _, err = new([name, "--csv", str(source), "--data", str(data)], capsys)
    assert code == 2 and "is not a package name" in err
    assert list(data.iterdir()) == []


def test_other_usage_errors_exit_2(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = new(["t", "--csv", str(tmp_path / "missing.csv"), "--data", str(data)], capsys)
    assert code == 2 and "missing.csv: file not found" in err
    source = tmp_path / "t.csv"
    source.write_text(CSV, encoding="utf-8")
    code, _, err = new(["t", "--csv", str(source), "--data", str(tmp_path / "nowhere")], capsys)
    assert code == 2 and "data folder not found" in err
    with pytest.raises(SystemExit) as exit_info:
        new(["t", "--data", str(data)], capsys)
    assert exit_info.value.code == 2
    code, _, err = new(["t", "--csv", str(source), "--area", "9", "--data", str(data)], capsys)
    assert code == 2 and "--area must be one of the site's policy areas: 0, 1, 2, 3, 4" in err
    assert list(data.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        ("年度,,件数\n2022,a,1\n".encode(), "column 2 has no header"),
        ("年度,件数\n".encode(), "the file has a header row but no data rows"),
        (b"\x81\x39,\xff\n", "not readable as UTF-8 or Shift_JIS (cp932)"),
    ],
)
def test_unusable_csv_exits_1_with_the_reason(
    content: bytes, message: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "t.csv"
    source.write_bytes(content)
    code, _, err = new(["t", "--csv", str(source), "--data", str(data)], capsys)
    assert code == 1 and f"t.csv: {message}" in err
    assert list(data.iterdir()) == []


def test_pure_helpers() -> None:
    assert decode("a\n".encode("utf-8-sig")) == ("a\n", "UTF-8")
    assert decode("年度\n".encode("cp932")) == ("年度\n", "Shift_JIS (cp932)")
    with pytest.raises(ScaffoldError):
        decode(b"\x81\x39")
    assert split_unit("件数（件）") == ("件数", "件")
    assert split_unit("割合(％)") == ("割合", "%")
    assert split_unit("人口（推計）") == ("人口(推計)", "")
    types = ["string", "integer", "string", "string", "string", "integer", "string"]
    headers = ["年度", "Number of Cases", "区分", "区分", "2024", "件数（件）", "ひきこもり"]
    assert field_names(headers, types) == [
        "era_label",  # 年度 written as text, e.g. 令和5年度
        "number_of_cases",
        "category",
        "category_2",
        "col_2024",
        "count",
        "col_7",
    ]
    table = parse("a,b,c\n1,x,5\n1,y,6\n,,\n2,x,7\n")
    assert table.rows == [["1", "x", "5"], ["1", "y", "6"], ["2", "x", "7"]] and table.blank_rows == 1
    assert primary_key(["a", "b", "c"], ["integer", "string", "integer"], table.rows) == ["a", "b"]
    assert primary_key(
        ["y", "era", "c", "n"],
        ["integer", "string", "string", "integer"],
        [["2022", "令和4年度", "x", "1"], ["2022", "令和4年度", "y", "2"], ["2023", "令和5年度", "x", "3"]],
    ) == ["y", "c"]  # the era label adds nothing to the year
    assert primary_key(["a", "b"], ["integer", "integer"], [["1", "5"], ["1", "6"]]) == []  # never every column
    assert primary_key(["a", "b", "c"], ["string", "string", "integer"], [["", "x", "1"]]) == []
    assert unfilled({"a": "", "b": [], "c": {"d": "要記入"}, "e": ["TODO"], "f": [""], "g": "ok"}) == [
        "a",
        "b",
        "c.d",
        "e[0]",
    ]


# --- docs/adding-data.md: its commands are real and its worked example runs as written ---

GUIDE = (ROOT / "docs" / "adding-data.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def marked(kind: str, label: str) -> str:
    """The fenced block right after ``<!-- kind: label -->`` in the guide."""
    match = re.search(rf"<!-- {kind}: {re.escape(label)} -->\n```[a-z]*\n(.*?)```", GUIDE, flags=re.S)
    assert match, f"{kind}: {label}"
    return match.group(1)


def commands(text: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    # A trailing "# comment" explains the command in the guide's language; the command is what is compared.
    lines = (re.sub(r"\s+#\s.*$", "", line).strip() for block in blocks for line in block.splitlines())
    return [line for line in lines if line]


def argv(command: str, home: Path) -> list[str]:
    """A guide command as the test runs it: this interpreter, this checkout's build.py, ``~`` as ``home``."""
    words = [word.replace("~", str(home), 1) if word.startswith("~/") else word for word in shlex.split(command)]
    assert words[:2] == [".venv/bin/python", "build.py"], command
    return [sys.executable, str(ROOT / "build.py"), *words[2:]]


def test_every_command_in_the_guide_is_real() -> None:
    shown = commands(GUIDE)
    targets = set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE, flags=re.M))
    assert {"make site", "make serve"} <= set(shown)
    for command in shown:
        words = shlex.split(command)
        if words[0] == "make":
            assert words[1:] and set(words[1:]) <= targets, command
        elif words[0] == "git":
            assert words[1] in {"switch", "add", "commit", "push"}, command
        else:
            assert words[:2] == [".venv/bin/python", "build.py"], command
            rest = words[2:]
            if rest[:1] == ["new"]:
                cli.new_parser().parse_args(rest[1:])
            elif rest[:1] == ["serve"]:
                cli.serve_parser().parse_args(rest[1:])
            else:
                cli.parser().parse_args(rest)
    japanese, english = GUIDE.split("\n## English\n")
    assert sorted(set(commands(japanese))) == sorted(set(commands(english)))


@pytest.mark.slow
def test_the_worked_example_runs_as_written(tmp_path: Path) -> None:
    work, home = tmp_path / "repo", tmp_path / "home"
    shutil.copytree(ROOT / "datapackages", work / "datapackages")
    shutil.copyfile(ROOT / "site.toml", work / "site.toml")
    if (ROOT / "content").is_dir():
        shutil.copytree(ROOT / "content", work / "content")
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"} | {"HOME": str(home)}

    def run(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv(command, home), cwd=work, env=env, capture_output=True, text=True, check=False)

    csv_path = home / "Downloads" / "相談件数.csv"
    csv_path.parent.mkdir(parents=True)
    # Saved from Excel as "CSV (comma delimited)": Shift_JIS with CRLF line ends.
    csv_path.write_bytes(marked("example-file", "~/Downloads/相談件数.csv").replace("\n", "\r\n").encode("cp932"))

    created = run(marked("example-command", "new").strip())
    assert created.returncode == 0, created.stderr
    assert created.stdout == marked("example-output", "new")

    check_command = marked("example-command", "check").strip()
    first = run(check_command)
    assert first.returncode == 1
    shown = marked("example-output", "check").splitlines()
    assert about_example(first.stderr) == about_example("\n".join(shown))
    assert shown[-1] == f"build failed: {len(shown) - 1} problem(s); nothing was written"

    descriptor_path = work / "datapackages" / "example-consultations" / "datapackage.json"
    scaffolded = json.loads(descriptor_path.read_text(encoding="utf-8"))["resources"][0]["schema"]
    filled = marked("example-file", "datapackages/example-consultations/datapackage.json")
    descriptor_path.write_text(filled, encoding="utf-8")
    schema = json.loads(filled)["resources"][0]["schema"]
    assert [f["name"] for f in schema["fields"]] == [f["name"] for f in scaffolded["fields"]]
    assert schema["primaryKey"] == scaffolded["primaryKey"]
    second = run(check_command)
    assert about_example(second.stderr) == [], second.stderr
    assert second.returncode == 0, second.stderr  # (fails too when another package in datapackages/ is broken)

    csv_in_package = "datapackages/example-consultations/data/example-consultations.csv"
    typo = marked("example-typo", csv_in_package).strip()
    table = work / csv_in_package
    good = table.read_text(encoding="utf-8")
    wrong_line = next(line for line in good.splitlines() if line.rsplit(",", 1)[0] == typo.rsplit(",", 1)[0])
    table.write_text(good.replace(wrong_line, typo), encoding="utf-8")
    third = run(check_command)
    assert third.returncode == 1
    assert marked("example-output", "typo").strip() in third.stderr.splitlines()
    assert f"`{wrong_line}`" in GUIDE  # the guide shows the corrected line


def about_example(output: str) -> list[str]:
    """The problem lines about the example package (the rest of the copied data is checked elsewhere)."""
    return [line for line in output.splitlines() if "datapackages/example-consultations/" in line]


def test_a_catalogue_mark_the_build_would_not_report_creates_nothing(tmp_path: Path) -> None:
    data, table = tmp_path / "datapackages", tmp_path / "table.csv"
    data.mkdir()
    table.write_text(CSV, encoding="utf-8")
    words = Strings(WORDS.language, {**WORDS.texts, "new_mark": "ここに記入"})
    with pytest.raises(ScaffoldError, match="must contain one of TODO, 要記入, FIXME"):
        scaffold("sample", table, data, words=words)
    assert list(data.iterdir()) == []
