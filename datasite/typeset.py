"""How years, dates and numbers are written, and where a line of Japanese text may break.

One style for a year everywhere (prose, tables, chart axes, tooltips): the Western year with the era
year in brackets, ``2023（令和5）年度`` for a fiscal year, ``2023（令和5）年`` for a calendar year and
``2023（令和5）年12月31日`` for a date. Text written with the era alone (``令和5年度``, from the source
document) or the Western year alone (``2023年度``) is shown in that style, except inside 「」 and 『』,
which quote the source verbatim (a document title such as 「令和元年度事前分析表」 stays as printed).

The style is words of the site's language, in the catalogue (templates/strings.toml, ``[ja.charts]``:
``fiscal_year = "{year}（{era}{era_year}）年度"``; an English edition writes ``"FY{year}"``): every function that
writes a year takes the catalogue (``words``). What this module holds itself is data of the Japanese calendar and
script, which it recognises in the text it is given: the eras and their first days, how a year, a counter or a
number is written in Japanese, and which characters may not start or end a line.

A year, a date, and a number with its counter or unit are kept on one line: on pages they are wrapped
in ``<span class="nw">`` (white-space: nowrap), and chart labels are wrapped only between them.
Pure functions of the standard library only: chart workers import this module.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from html import escape
from typing import Any, Protocol


class Words(Protocol):
    """The catalogue of the site's words (strings.Strings): a text by key, its placeholders filled in."""

    def __call__(self, key: str, /, **values: Any) -> str: ...


# (era, first Western year, first day) — newest first: the Japanese calendar, which the source's years are
# written in (令和5年度) and which the site's year style names.
ERAS = (("令和", 2019, date(2019, 5, 1)), ("平成", 1989, date(1989, 1, 8)), ("昭和", 1926, date(1926, 12, 25)))
ERA_BASE = {name: first - 1 for name, first, _ in ERAS}
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _era_number(n: int, words: Words) -> str:
    """An era's year as written: its first year has a name of its own (元)."""
    return words("charts.first_era_year") if n == 1 else str(n)


def _era_of_year(year: int) -> tuple[str, int]:
    """The era a (fiscal or calendar) year is named by: 2019 is 令和元 (its fiscal year is 令和元年度)."""
    for name, first, _ in ERAS:
        if year >= first:
            return name, year - first + 1
    return "", 0


def _year_in(key: str, year: int, era: str, words: Words) -> str:
    """``year`` in the catalogue's pattern ``key`` (fiscal_year, calendar_year), named in ``era`` (or without an
    era when it has none)."""
    if not era:
        return words(f"charts.{key}_without_era", year=year)
    return words(f"charts.{key}", year=year, era=era, era_year=_era_number(year - ERA_BASE[era], words))


def era_label(fiscal_year: int, words: Words) -> str:
    """The era label of a Japanese fiscal year (April–March): 2019 → 令和元年度."""
    name, n = _era_of_year(fiscal_year)
    if not name:
        return words("charts.fiscal_year_without_era", year=fiscal_year)
    return words("charts.era_fiscal_year", era=name, era_year=_era_number(n, words))


def fiscal_year_label(fiscal_year: int, words: Words) -> str:
    """2023 → 2023（令和5）年度."""
    return _year_in("fiscal_year", fiscal_year, _era_of_year(fiscal_year)[0], words)


def year_label(year: int, words: Words) -> str:
    """A calendar year: 2023 → 2023（令和5）年."""
    return _year_in("calendar_year", year, _era_of_year(year)[0], words)


def date_label(day: date, words: Words) -> str:
    """2023-12-31 → 2023（令和5）年12月31日 (the era of the day itself: 2019-04-30 is 平成31年)."""
    for name, first, start in ERAS:
        if day >= start:
            era_year = _era_number(day.year - first + 1, words)
            return words("charts.date", year=day.year, era=name, era_year=era_year, month=day.month, day=day.day)
    return words("charts.date_without_era", year=day.year, month=day.month, day=day.day)


# --- free text ------------------------------------------------------------------------------------------------------

# How a year is written in Japanese text: with its era (令和5年度, 令和4～8年度) or the Western year (2023年度).
_ERA = r"(令和|平成|昭和)\s*(元|[0-9０-９]{1,2})"
_FISCAL_OR_CALENDAR = r"(?:(?P<fiscal>年度)|年)"  # the group "fiscal" says which
_FIRST_YEAR = "元"  # an era's first year (令和元年度)
_ERA_RANGE = re.compile(_ERA + r"\s*[~〜～]\s*([0-9０-９]{1,2})\s*" + _FISCAL_OR_CALENDAR)
_ERA_YEAR = re.compile(_ERA + r"\s*" + _FISCAL_OR_CALENDAR)
_WESTERN_YEAR = re.compile(r"(?<![0-9０-９.,])(19[89][0-9]|20[0-9]{2})" + _FISCAL_OR_CALENDAR)
_ISO_DATE = re.compile(r"(?<![0-9])(\d{4})-(\d{2})-(\d{2})(?![0-9])")


def _western(era: str, number: str) -> int:
    n = 1 if number == _FIRST_YEAR else int(number.translate(_DIGITS))
    return ERA_BASE[era] + n


def _unify_unquoted(text: str, words: Words) -> str:
    def era_range(match: re.Match[str]) -> str:
        era, first, last = match.group(1, 2, 3)
        start, end = _western(era, first), _western(era, last)
        return words(
            "charts.fiscal_year_range" if match.group("fiscal") else "charts.calendar_year_range",
            first=start,
            last=end,
            era=era,
            first_era_year=_era_number(start - ERA_BASE[era], words),
            last_era_year=end - ERA_BASE[era],
        )

    def era_year(match: re.Match[str]) -> str:
        era, number = match.group(1, 2)
        return _year_in("fiscal_year" if match.group("fiscal") else "calendar_year", _western(era, number), era, words)

    def western_year(match: re.Match[str]) -> str:
        year = int(match.group(1))
        return fiscal_year_label(year, words) if match.group("fiscal") else year_label(year, words)

    def iso_date(match: re.Match[str]) -> str:
        try:
            return date_label(date(int(match.group(1)), int(match.group(2)), int(match.group(3))), words)
        except ValueError:
            return match.group(0)

    text = _ERA_RANGE.sub(era_range, text)
    text = _ERA_YEAR.sub(era_year, text)
    text = _WESTERN_YEAR.sub(western_year, text)
    return _ISO_DATE.sub(iso_date, text)


OPENING_QUOTES = "「『"
CLOSING_QUOTES = "」』"


def unify_years(text: str, words: Words, depth: int = 0) -> str:
    """Every year and date of ``text`` in the site's style, except inside quotes (see the module)."""
    return _unify(text, depth, words)[0]


def _unify(text: str, depth: int, words: Words) -> tuple[str, int]:
    """``text`` with its unquoted years unified, and the quote depth at its end (quotes span HTML tags)."""
    out: list[str] = []
    plain: list[str] = []
    for char in text:
        if char in OPENING_QUOTES:
            if depth == 0:
                out.append(_unify_unquoted("".join(plain), words))
                plain = []
            depth += 1
            out.append(char)
        elif char in CLOSING_QUOTES and depth > 0:
            depth -= 1
            out.append(char)
        elif depth == 0:
            plain.append(char)
        else:
            out.append(char)
    out.append(_unify_unquoted("".join(plain), words))
    return "".join(out), depth


# A year (with its month and day), a range of years, or a number with its counter or unit: never broken.
_UNIFIED_YEAR = (
    r"\d{4}(?:～\d{4})?（(?:令和|平成|昭和)(?:元|\d{1,2})(?:～\d{1,2})?）年(?:度)?(?:\d{1,2}月(?:\d{1,2}日|末日|末)?)?"
)
COUNTERS = (
    "市区町村|市町村|都道府県|府県|自治体|団体|か所|ヵ所|カ所|箇所|件|人|回|千円|万円|億円|円|％|%|ポイント|"
    "か月|ヶ月|カ月|月|日|歳代|歳|倍|名|機関|分野|時間"
)
_NUMBER = r"[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?"
KEEP_TOGETHER = re.compile(
    # 約/計/全/第 join the number only as a word of their own: 合計225,052件 is not broken inside 合計
    rf"{_UNIFIED_YEAR}|(?:(?<![\u4e00-\u9fff])(?:約|計|全|第))?{_NUMBER}\s?(?:{COUNTERS})(?:[/／]{_NUMBER}?(?:{COUNTERS}))?"
)


def keep_together(text: str) -> str:
    """Escaped ``text`` with every year, date and number-with-counter in a no-wrap span."""
    out: list[str] = []
    last = 0
    for match in KEEP_TOGETHER.finditer(text):
        out.append(escape(text[last : match.start()], quote=False))
        out.append(f'<span class="nw">{escape(match.group(0), quote=False)}</span>')
        last = match.end()
    out.append(escape(text[last:], quote=False))
    return "".join(out)


_TAG = re.compile(r"(<[^>]*>)")
_SKIPPED = re.compile(r"<(/?)(code|pre|script|style|title|textarea|span class=\"nw\")\b", re.IGNORECASE)


def typeset_html(html: str, words: Words) -> str:
    """HTML (escaped text between tags, as jinja2 and markdown-it write it) with its years unified and
    kept on one line. Text inside <code>, <pre> and existing no-wrap spans is left alone."""
    import html as html_module

    out: list[str] = []
    depth = 0  # quotes 「」 can span inline tags
    skipped = 0
    for part in _TAG.split(html):
        if part.startswith("<") and part.endswith(">"):
            tag = _SKIPPED.match(part)
            if tag and not part.endswith("/>"):
                skipped += -1 if tag.group(1) else 1
                skipped = max(skipped, 0)
            elif skipped and part.lower().startswith("</span"):
                skipped = max(skipped - 1, 0)
            out.append(part)
        elif not part or skipped:
            out.append(part)
        else:
            text = html_module.unescape(part)
            unified, depth = _unify(text, depth, words)
            out.append(keep_together(unified))
    return "".join(out)


# --- chart labels ---------------------------------------------------------------------------------------------------

# Characters that may not start a line (closing brackets and punctuation, small kana) or end one (opening brackets).
NO_LINE_START = set("、。，．,.）)」』】〕］｝〉》・：；！？!?ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ～〜%％")
NO_LINE_END = set("（(「『【〔［｛〈《")
# After these a line may end naturally (a word or phrase boundary).
GOOD_BREAK_AFTER = set("、。・）)」』／/ 　")
GOOD_BREAK_BEFORE = set("（(「『")
WORDS = "市区町村|市町村|都道府県|指定都市|中核市|自治体"  # never broken in a chart label
_TOKEN = re.compile(
    rf"{_UNIFIED_YEAR}|{_ERA}\s*(?:年度|年)|{WORDS}|{_NUMBER}\s?(?:{COUNTERS})?|[A-Za-z][A-Za-z'’\-]*|\s+|.",
    re.DOTALL,
)


def text_width(text: str, font_px: float) -> float:
    """The width of ``text`` in pixels, near enough for line breaking: a full-width character is 1 em,
    others about 0.6 em (Latin letters and digits in the Japanese sans-serif fonts the charts name)."""
    return sum(font_px if unicodedata.east_asian_width(c) in "WFA" else font_px * 0.6 for c in text)


def wrap(text: str, max_px: float, font_px: float) -> list[str]:
    """``text`` broken into lines no wider than ``max_px`` where it can be: never inside a year, a date or a
    number with its counter, nor before closing or after opening punctuation; a phrase boundary in the
    second half of a line is preferred. A single token wider than the line stays whole."""
    tokens = [match.group(0) for match in _TOKEN.finditer(text.strip())]
    lines: list[list[str]] = [[]]
    for token in tokens:
        line = lines[-1]
        if not line or text_width("".join(line) + token.rstrip(), font_px) <= max_px:
            if line or not token.isspace():
                line.append(token)
            continue
        # Break before ``token``: move back to the last allowed (and preferably natural) break.
        following = [*line, token]
        cut = len(line)
        while cut > 1 and (following[cut - 1][-1] in NO_LINE_END or following[cut][0] in NO_LINE_START):
            cut -= 1
        half = max_px / 2
        for i in range(cut, 0, -1):
            if text_width("".join(line[:i]), font_px) < half:
                break
            if text_width("".join(following[i:]).strip(), font_px) > max_px:
                break  # what the natural break would carry over no longer fits the next line
            natural = following[i - 1][-1] in GOOD_BREAK_AFTER or following[i][0] in GOOD_BREAK_BEFORE
            if natural and following[i][0] not in NO_LINE_START and following[i - 1][-1] not in NO_LINE_END:
                cut = i
                break
        if following[cut][0] in NO_LINE_START:  # nothing to carry it with: it hangs at the end of the line
            line.append(token)
            continue
        carried = following[cut:]
        del line[cut:]
        while carried and carried[0].isspace():
            carried.pop(0)
        lines.append(carried)
    return ["".join(line).strip() for line in lines if "".join(line).strip()] or [""]


def display_value(name: str, kind: str, value: Any, words: Words) -> str:
    """A cell as a chart or a sentence shows it: years and dates in the site's style, other text unified."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) and (name == "fiscal_year" or name.endswith("_fiscal_year")):
        return fiscal_year_label(value, words)
    if isinstance(value, int) and (name == "year" or name.endswith("_year")):
        return year_label(value, words)
    if isinstance(value, date):
        return date_label(value, words)
    if kind == "date" and isinstance(value, str):
        return unify_years(value, words)
    if isinstance(value, str):
        return unify_years(value, words)
    return str(value)
