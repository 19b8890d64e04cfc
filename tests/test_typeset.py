"""Years in one style, kept on one line; chart labels wrapped between words (datasite/typeset.py)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from datasite.formatting import empty_meaning, format_cell, format_count, rounds_counts, typeset
from datasite.model import Field
from datasite.typeset import (
    _TOKEN,
    date_label,
    display_value,
    fiscal_year_label,
    keep_together,
    text_width,
    typeset_html,
    unify_years,
    wrap,
    year_label,
)
from tests.conftest import WORDS


def test_years_and_dates_in_the_site_style() -> None:
    assert fiscal_year_label(2019, WORDS) == "2019（令和元）年度"
    assert fiscal_year_label(2018, WORDS) == "2018（平成30）年度"
    assert year_label(2023, WORDS) == "2023（令和5）年"
    assert date_label(date(2023, 12, 31), WORDS) == "2023（令和5）年12月31日"
    assert date_label(date(2019, 4, 30), WORDS) == "2019（平成31）年4月30日"  # the era of the day itself
    assert date_label(date(2019, 5, 1), WORDS) == "2019（令和元）年5月1日"


def test_text_written_with_the_era_or_the_western_year_alone_is_unified() -> None:
    assert unify_years("令和５年度の相談", WORDS) == "2023（令和5）年度の相談"
    assert unify_years("令和元年度～令和5年度", WORDS) == "2019（令和元）年度～2023（令和5）年度"
    assert unify_years("計画期間 令和４～８年度", WORDS) == "計画期間 2022～2026（令和4～8）年度"
    assert unify_years("平成30年12月末日", WORDS) == "2018（平成30）年12月末日"
    assert unify_years("2023年度と2020年10月1日", WORDS) == "2023（令和5）年度と2020（令和2）年10月1日"
    assert unify_years("2026-11-26 更新", WORDS) == "2026（令和8）年11月26日 更新"
    assert unify_years("2023（令和5）年度", WORDS) == "2023（令和5）年度"  # already in style: unchanged


def test_quotes_of_the_source_are_left_verbatim() -> None:
    text = "厚生労働省「令和７年度事前分析表（案）」の令和7年度の値（『令和5年度調査』）"
    assert (
        unify_years(text, WORDS)
        == "厚生労働省「令和７年度事前分析表（案）」の2025（令和7）年度の値（『令和5年度調査』）"
    )


def test_years_dates_and_counts_are_kept_on_one_line_in_html() -> None:
    html = typeset_html(
        '<p>令和5年度に<a href="x">1,741市区町村</a>の「令和７年度<em>事前</em>分析表」</p><code>令和5年度</code>',
        WORDS,
    )
    assert html == (
        '<p><span class="nw">2023（令和5）年度</span>に<a href="x"><span class="nw">1,741市区町村</span></a>'
        "の「令和７年度<em>事前</em>分析表」</p><code>令和5年度</code>"
    )
    assert keep_together("約18％と2024（令和6）年4月1日") == (
        '<span class="nw">約18％</span>と<span class="nw">2024（令和6）年4月1日</span>'
    )
    assert typeset("a<b 令和5年", words=WORDS) == Markup('a&lt;b <span class="nw">2023（令和5）年</span>')


def test_display_values_of_year_fields() -> None:
    assert display_value("fiscal_year", "integer", 2021, WORDS) == "2021（令和3）年度"
    assert display_value("target_fiscal_year", "integer", 2026, WORDS) == "2026（令和8）年度"
    assert display_value("year", "integer", 2018, WORDS) == "2018（平成30）年"
    assert display_value("reference_date", "date", date(2024, 4, 1), WORDS) == "2024（令和6）年4月1日"
    assert display_value("era_label", "string", "令和6年度", WORDS) == "2024（令和6）年度"
    assert display_value("note", "string", None, WORDS) == ""


UNBREAKABLE = re.compile(r"\d{4}（(?:令和|平成)(?:元|\d+)）年度|\d[\d,]*(?:市区町村|件|人)")


@given(
    st.lists(
        st.sampled_from(
            ["ひきこもり", "支援", "（都道府県・指定都市）", "2023（令和5）年度", "1,741市区町村", "、", "の", "SNS"]
        ),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from([96, 124, 280]),
)
def test_wrapping_keeps_the_text_and_never_breaks_a_year_or_a_count(parts: list[str], width: int) -> None:
    text = "".join(parts)
    lines = wrap(text, width, 12)
    assert "".join(lines) == text.strip()
    for line in lines:
        # Too wide only when it cannot be broken: one token (a year, a count, a Latin word), perhaps with the
        # punctuation that may not start the next line.
        tokens = [match.group(0) for match in _TOKEN.finditer(line.rstrip("、。）・"))]
        assert text_width(line, 12) <= width or len(tokens) == 1
        assert not line.startswith(("、", "）", "・")) or line == lines[0]
    whole = set(UNBREAKABLE.findall(text))
    assert whole <= {token for line in lines for token in UNBREAKABLE.findall(line)}


def value_field(name: str = "cases", kind: str = "integer", unit: str | None = "件") -> Field:
    return Field(name, kind, name, unit, "", {}, False)


def test_missing_is_shown_only_in_value_columns() -> None:
    assert str(format_cell(None, value_field(), words=WORDS)) == '<span class="missing">欠測</span>'
    assert format_cell(None, value_field("note", "string", None), words=WORDS) == ""
    assert format_cell(None, value_field("reconstructed", "boolean", None), words=WORDS) == ""
    assert format_cell(None, value_field("component", "string", None), words=WORDS) == ""
    assert empty_meaning(value_field()) == "missing"
    assert empty_meaning(value_field("note", "string", None)) == "nothing-to-note"
    assert empty_meaning(value_field("component", "string", None)) == "not-given"
    assert empty_meaning(Field("fiscal_year", "integer", "年度", None, "", {}, True)) == "never-empty"


def test_a_value_column_left_empty_because_its_row_holds_another_kind_of_figure_is_not_missing() -> None:
    places = value_field("places", "integer", "か所")
    year = Field("fiscal_year", "integer", "年度", None, "", {}, False)  # not a key, still not a value
    values = ("places", "persons")
    assert format_cell(None, places, {"places": None, "persons": 12, "fiscal_year": 2023}, values, words=WORDS) == ""
    assert "欠測" in str(
        format_cell(None, places, {"places": None, "persons": None, "fiscal_year": 2023}, values, words=WORDS)
    )
    rows = [{"places": None, "persons": 12}, {"places": 3, "persons": None}]
    assert empty_meaning(places, rows, values) == "missing-or-not-applicable"
    assert empty_meaning(places, [{"places": None, "persons": None}], values) == "missing"
    assert empty_meaning(year) == "not-given"


def test_cells_write_years_in_the_site_style_without_a_line_break() -> None:
    assert str(format_cell(2019, Field("fiscal_year", "integer", "年度", None, "", {}, True), words=WORDS)) == (
        '<span class="nw">2019（令和元）年度</span>'
    )
    assert str(format_cell("令和6年4月1日時点", value_field("as_of", "string", None), words=WORDS)) == (
        '<span class="nw">2024（令和6）年4月1日</span>時点'
    )


def test_non_integer_counts_are_rounded_half_up_to_one_decimal_and_the_table_says_so() -> None:
    assert format_count(63431.45) == "63,431.5"
    assert format_count(2.25) == "2.3"
    assert format_count(1200.0) == "1,200"
    count = value_field("median", "number", "人")
    assert format_cell(431.25, count, words=WORDS) == "431.3"
    assert format_cell(68.25, value_field("percent", "number", "%"), words=WORDS) == "68.25"  # not a count: as printed
    assert rounds_counts([{"median": 431.25}], [count])
    assert not rounds_counts([{"median": 431.0}], [count])


def test_an_edition_without_eras_changes_the_catalogue_only() -> None:
    english = {
        "charts.fiscal_year": "FY{year}",
        "charts.calendar_year": "{year}",
        "charts.date": "{day}/{month}/{year}",
    }
    words = replace(WORDS, texts={**WORDS.texts, **english})
    assert fiscal_year_label(2023, words) == "FY2023"
    assert date_label(date(2024, 4, 1), words) == "1/4/2024"
    assert unify_years("令和5年度", words) == "FY2023"  # the source's years, recognised, in the edition's style
