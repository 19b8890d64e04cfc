"""The site configuration (site.toml): parsed into the site's identity, every mistake a line naming its line and
field, and the catalogue of words Python puts on pages. The bad-input cases under fixtures/invalid/site-config-*
show the lines as a user sees them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from datasite import config, strings
from tests.conftest import GOLDEN_CONFIG, MINIMAL_CONFIG, REAL_CONFIG, ROOT, SAMPLE, config_beside, run_cli, site_config

STRINGS = ROOT / "templates" / "strings.toml"


def test_the_real_site_is_declared_in_its_configuration() -> None:
    site = site_config(REAL_CONFIG)
    assert site.name == "施策目標Ⅶ-1-3 オープンデータ"
    (goal,) = site.goals
    assert (goal.slug, goal.title, goal.logic_model, goal.fiscal_year, goal.path) == (
        "vii-1-3",
        "施策目標Ⅶ-1-3",
        "policy",
        2025,
        "",  # the only goal: its pages keep the addresses they have always had
    )
    assert (goal.source.publisher, goal.source.title, goal.source.url) == (
        "厚生労働省",
        "令和７年度事前分析表（案）（施策目標Ⅶ-１-３）",
        "",  # the sheet names no address of its own
    )
    assert [(a.number, a.slug, a.goal) for a in site.areas] == [
        (1, "comprehensive-support", "vii-1-3"),
        (2, "hikikomori", "vii-1-3"),
        (3, "guardianship", "vii-1-3"),
        (0, "policy", "vii-1-3"),
        (4, "reference", ""),
    ]
    assert [a.always_listed for a in site.areas] == [True, True, True, False, False]
    assert site.roles.local_governments == "ref-local-governments"
    assert site.roles.population == config.Table(
        "ref-population-2020", "population", "population", "人口（令和2年国勢調査 速報値）", "人"
    )
    assert [item.page or item.section for item in site.footer] == [
        "about",
        "methodology",
        "feed",
        "all-data",
        "catalog",
    ]


def test_areas_and_goals_are_found_by_number_and_slug() -> None:
    site = site_config(GOLDEN_CONFIG)
    assert site.goal_of_number(2, "") == "t-1" and site.goal_of_number(4, "") == ""  # 4 is the site's own
    area = site.area_of(2, "t-1")
    assert area is not None and area.slug == "hikikomori"
    assert site.area_of(2, "") is None and site.area_of(7, "t-1") is None


def test_several_goals_have_pages_of_their_own() -> None:
    site = site_config(ROOT / "tests" / "fixtures" / "two-goals" / "site.toml")
    assert [(g.slug, g.path) for g in site.goals] == [("first", "goals/first/"), ("second", "goals/second/")]
    assert site.goal_of_number(1, "") == ""  # ambiguous without the goal: a package must name it
    assert site.goal_of_number(1, "second") == "second" and site.goal_of_number(9, "") == ""


def test_navigation_defaults_to_every_section() -> None:
    site = site_config(MINIMAL_CONFIG)
    assert [item.section for item in site.header] == list(config.DEFAULT_HEADER)
    assert [item.section for item in site.footer] == list(config.DEFAULT_FOOTER)


def test_each_field_is_located_at_its_line() -> None:
    text = REAL_CONFIG.read_text(encoding="utf-8")
    lines = config.locate(text)
    numbered = text.split("\n")
    assert numbered[lines["goals[0].areas[2].slug"] - 1] == 'slug = "guardianship"'
    assert numbered[lines["goals[0].source.publisher"] - 1] == 'publisher = "厚生労働省"'
    assert numbered[lines["areas[0]"] - 1] == "[[areas]]"
    assert numbered[lines["roles.fiscal_strength.field"] - 1] == 'field = "fiscal_strength_index"'
    assert numbered[lines["navigation.footer"] - 1].startswith("footer = ")
    assert numbered[lines["roles.benchmarks"] - 1] == "benchmarks = ["  # a value over several lines
    assert lines["goals[0]"] < lines["goals[0].slug"] < lines["goals[0].areas[0]"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ['site.toml: field "goals": required', 'site.toml: field "site": required']),
        ("[site\n", ["site.toml:1: not valid TOML"]),
        (
            '[site]\nname = "n"\npublisher = "p"\ndescription = "d"\n[[goals]]\nslug = "g"\nnumber = "1"\n'
            'title = "t"\nstatement = "s"\nfiscal_year = "2025"\n[goals.source]\ntitle = "t"\npublisher = "p"\n'
            '[[goals.areas]]\nnumber = 1\nslug = "a"\ntitle = "x"\n[[goals.areas]]\nnumber = true\nslug = "a"\n'
            'title = "y"\n',
            [
                'site.toml:10: field "goals[0].fiscal_year": must be a whole number of 0 or more, not "2025"',
                'site.toml:19: field "goals[0].areas[1].number": must be a whole number of 0 or more, not true',
                'site.toml:20: field "goals[0].areas[1].slug": "a" is the slug of another area',
            ],
        ),
    ],
)
def test_problems_name_the_line_and_the_field(text: str, expected: list[str]) -> None:
    parsed, problems = config.parse(text)
    lines = [str(problem) for problem in problems]
    assert len(lines) == len(expected), lines
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), (line, start)
    assert (parsed is None) == text.startswith("[site\n")


def test_the_catalogue_has_every_word_the_code_asks_for() -> None:
    words, problems = strings.parse(STRINGS.read_text(encoding="utf-8"), "ja")
    assert problems == []
    assert words("cited_document", publisher="厚生労働省", title="資料") == "厚生労働省「資料」"
    assert words("home") == "トップ"


def test_a_catalogue_without_a_word_or_with_a_wrong_placeholder_is_a_problem() -> None:
    text = STRINGS.read_text(encoding="utf-8")
    text = text.replace('home = "トップ"\n', "").replace("{publisher}「{title}」", "{publisher}「{name}」")
    _, problems = strings.parse(text, "ja")
    assert [str(p) for p in problems] == [
        'templates/strings.toml: field "ja.home": required: a text',
        'templates/strings.toml: field "ja.cited_document": {name} cannot be filled in (it may use: {publisher}, '
        "{title})",
    ]
    _, problems = strings.parse(text, "en")
    assert [str(p) for p in problems] == ['templates/strings.toml: field "en": no texts for this language (it has: ja)']


def test_the_site_option_names_a_configuration_anywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data / SAMPLE.name)
    named = tmp_path / "sites" / "prefecture.toml"
    named.parent.mkdir()
    shutil.copyfile(MINIMAL_CONFIG, named)
    code, out, err = run_cli(["--data", str(data), "--site", str(named), "--check"], capsys)
    assert (code, err) == (0, "") and "packages   1" in out
    code, _, err = run_cli(["--data", str(data), "--check"], capsys)  # none beside the data folder
    assert code == 1
    assert err.splitlines() == [
        f"{tmp_path / 'site.toml'}: no site configuration: write one (the site's name, goals and areas; see "
        "docs/site-configuration.md) or name it with --site FILE",
        "build failed: 1 problem(s); nothing was written",
    ]


def test_texts_of_the_configuration_are_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "datapackages"
    shutil.copytree(SAMPLE, data / SAMPLE.name)
    path = config_beside(data)
    hostile = "<script>alert(1)</script>"
    text = path.read_text(encoding="utf-8").replace('name = "テスト用サイト"', f'name = "{hostile}"')
    text = text.replace('title = "相談の周知"', f'title = "{hostile}"')
    path.write_text(text.replace("[site]\n", f'[site]\nnotice = "{hostile}"\n', 1), encoding="utf-8")
    assert run_cli(["--data", str(data), "--out", str(tmp_path / "site")], capsys)[0] == 0
    for page in ("index.html", "areas/hikikomori/index.html", "datasets/sample-consultations/index.html"):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, page
