"""Words on pages live in templates and the string catalogue (templates/strings.toml), not in Python: an edition
in another language replaces those files, not code."""

from __future__ import annotations

import re

from tests.conftest import ROOT
from tests.test_site_specific import _value, tokens

MODULES = sorted(
    path.relative_to(ROOT / "datasite").with_suffix("").as_posix() for path in (ROOT / "datasite").rglob("*.py")
)
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]")
# Values of the data that the code compares with or recognises, not words it shows: (module, text).
DATA_VALUES = {
    ("localgov/pages", '"都道府県"'),  # the source-figures table's applies_to for prefectures
    # The values of the tables' standing column (and the glossary's): datapackage-conventions.md, "Standing".
    ("standing", '"資料の記載"'),
    ("standing", '"資料からの再構成"'),
    ("standing", '"このサイトによる整理"'),
    ("standing", '"他の公的資料の記載"'),
    # The values of the indicators table's kind column; the review shows the catalogue's words for them.
    ("policy/review_types", '"アウトプット"'),
    ("policy/review_types", '"アウトカム"'),
    ("policy/review_types", '"参考"'),
    ("policy/review_items", '"施策目標"'),  # the goals table's level of the policy goal itself
    ("policy/review_model", '"参照"'),  # the checklist table's note_reference as printed: 注２参照
    ("rules", 'r"TODO|要記入|FIXME"'),  # the markers of a field still to fill in, found in any text of a package
    ("validate", '"－"'),  # placeholders for a missing value that a cell may hold: a number cell with one
    ("validate", '"ー"'),  # gets a problem saying to declare it in schema.missingValues
    ("captions", 'r"[0-9０-９][0-9０-９,，.．]*"'),  # digits typed into a caption, full-width ones too
    # English problem messages of the CLI, with the Japanese input they are about as an example.
    ("validate", '"; write half-width digits without separators (1234, not １，２３４)"'),
    ("config", '"required with a logic model: the fiscal year of the sheet (2025 for 令和7年度)"'),
}
# Modules whose words are still being moved to the catalogue (issue 18, point 5). Each line goes when its module is
# done; the list only shrinks.
NOT_YET = {
    "chart_worker",
    "charts",
    "formatting",
    "localgov/compare",
    "localgov/gather",
    "localgov/maps",
    "localgov/model",
    "model",  # Chart.text_alternative's "{label}：{note}": its readers are charts.py and test_charts.py (words-charts)
    "pages/discovery",
    "pages/downloads",
    "scaffold",
    "serve",
    "typeset",
}


def test_no_module_holds_japanese_words() -> None:
    found = [
        f"datasite/{name}.py:{token.line}: {token.text}"
        for name in MODULES
        if name not in NOT_YET
        for token in tokens(ROOT / "datasite" / f"{name}.py")
        if token.kind == "code" and JAPANESE.search(_value(token.text)) and (name, token.text) not in DATA_VALUES
    ]
    assert found == [], "put these words in templates/strings.toml or a template:\n" + "\n".join(found)


def test_the_list_of_modules_still_to_do_names_only_modules_that_exist() -> None:
    assert set(MODULES) >= NOT_YET
