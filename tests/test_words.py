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
    # The warm-up drawing each chart worker makes and throws away (never shown): Japanese text, so that the fonts
    # are loaded before the first chart.
    ("chart_worker", '"相談件数 2023年度"'),
    # Units of counts as the data packages declare them (a field's "unit"), recognised to round a count: data.
    ("formatting", '"件"'),
    ("formatting", '"人"'),
    ("formatting", '"名"'),
    ("formatting", '"回"'),
    ("formatting", '"か所"'),
    ("formatting", '"箇所"'),
    ("formatting", '"市町村"'),
    ("formatting", '"市区町村"'),
    ("formatting", '"都道府県"'),
    ("formatting", '"自治体"'),
    ("formatting", '"団体"'),
    ("formatting", '"機関"'),
    # The Japanese calendar and script as typeset recognises them in the text it is given (the source's years,
    # counters, numbers, and the characters that may not start or end a line); the year style it writes is in the
    # catalogue ([ja.charts]).
    ("typeset", '"令和"'),
    ("typeset", '"平成"'),
    ("typeset", '"昭和"'),
    ("typeset", '"０１２３４５６７８９"'),
    ("typeset", 'r"(令和|平成|昭和)\\s*(元|[0-9０-９]{1,2})"'),
    ("typeset", 'r"(?:(?P<fiscal>年度)|年)"'),
    ("typeset", '"元"'),
    ("typeset", 'r"\\s*[~〜～]\\s*([0-9０-９]{1,2})\\s*"'),
    ("typeset", 'r"(?<![0-9０-９.,])(19[89][0-9]|20[0-9]{2})"'),
    (
        "typeset",
        'r"\\d{4}(?:～\\d{4})?（(?:令和|平成|昭和)(?:元|\\d{1,2})(?:～\\d{1,2})?）年(?:度)?(?:\\d{1,2}月(?:\\d{1,2}日|末日|末)?)?"',
    ),
    (
        "typeset",
        '"市区町村|市町村|都道府県|府県|自治体|団体|か所|ヵ所|カ所|箇所|件|人|回|千円|万円|億円|円|％|%|ポイント|"',
    ),
    ("typeset", '"か月|ヶ月|カ月|月|日|歳代|歳|倍|名|機関|分野|時間"'),
    ("typeset", 'r"[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?"'),
    (
        "typeset",
        'rf"{_UNIFIED_YEAR}|(?:(?<![\\u4e00-\\u9fff])(?:約|計|全|第))?{_NUMBER}\\s?(?:{COUNTERS})(?:[/／]{_NUMBER}?(?:{COUNTERS}))?"',
    ),
    ("typeset", '"、。，．,.）)」』】〕］｝〉》・：；！？!?ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ～〜%％"'),
    ("typeset", '"（(「『【〔［｛〈《"'),
    ("typeset", '"、。・）)」』／/ \u3000"'),
    ("typeset", '"（(「『"'),
    ("typeset", '"市区町村|市町村|都道府県|指定都市|中核市|自治体"'),
    (
        "typeset",
        'rf"{_UNIFIED_YEAR}|{_ERA}\\s*(?:年度|年)|{WORDS}|{_NUMBER}\\s?(?:{COUNTERS})?|[A-Za-z][A-Za-z\'’\\-]*|\\s+|."',
    ),
    # The reference data's government types (ref-local-governments, field "type", its schema's enum), which the code
    # recognises (the prefectures) and orders and names the peer-group pages by (groups/type-town.html).
    ("localgov/model", '"都道府県"'),
    ("localgov/gather", '"都道府県"'),
    ("localgov/gather", '"政令市"'),
    ("localgov/gather", '"特別区"'),
    ("localgov/gather", '"市"'),
    ("localgov/gather", '"町"'),
    ("localgov/gather", '"村"'),
    # The peer groups' applies_to (ref-peer-groups, tables groupings and source-figures, their schemas' enums).
    ("localgov/model", '"すべて"'),
    ("localgov/model", '"市区町村"'),
    # A benchmark row's status (e.g. jusou-implementation, field "status"): the planned year, not a result.
    ("localgov/gather", '"予定"'),
    # How a Japanese source labels a total row, recognised in a table's key column to mark it in the Excel CSV
    # (docs/datapackage-conventions.md); a table labelled otherwise declares its total in a sum or share check.
    ("pages/downloads", '"計"'),
    ("pages/downloads", '"合計"'),
    ("pages/downloads", '"総計"'),
}
# The vocabulary of a Japanese CSV that build.py new recognises (scaffold.KNOWN_NAMES' headers, UNITS' units), to
# name its fields and units: input, not words it writes (those are the catalogue's new_* texts).
SCAFFOLD_HEADERS = (
    "年度 和暦 年度(和暦) 都道府県 市区町村 市町村 自治体 団体コード コード 区分 項目 件数 人数 金額 割合 備考 注"
)
SCAFFOLD_UNITS = "件 人 千円 百万円 億円 円 回 世帯 か所 箇所 団体"
DATA_VALUES |= {("scaffold", f'"{text}"') for text in (SCAFFOLD_HEADERS + " " + SCAFFOLD_UNITS).split()}


def test_no_module_holds_japanese_words() -> None:
    found = [
        f"datasite/{name}.py:{token.line}: {token.text}"
        for name in MODULES
        for token in tokens(ROOT / "datasite" / f"{name}.py")
        if token.kind == "code" and JAPANESE.search(_value(token.text)) and (name, token.text) not in DATA_VALUES
    ]
    assert found == [], "put these words in templates/strings.toml or a template:\n" + "\n".join(found)


def test_every_data_value_listed_is_still_in_its_module() -> None:
    """The list of data values cannot hide a word: an entry whose text has left its module is removed with it."""
    present = {(name, token.text) for name in MODULES for token in tokens(ROOT / "datasite" / f"{name}.py")}
    assert sorted(DATA_VALUES - present) == []
