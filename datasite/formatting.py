"""How values read on the pages: table cells, field constraints, glossary links, empty cells, years."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from markupsafe import Markup, escape

from .content import Term
from .model import Field
from .strings import Strings
from .typeset import date_label, display_value, keep_together, typeset_html

# Fields that annotate a row rather than hold one of its values: an empty cell there means "nothing to note".
ANNOTATION_FIELDS = {"note", "notes", "reconstructed", "approx", "source", "url", "remarks"}
# Units of things counted one by one: a count that is not a whole number (a median, an average) is shown
# rounded to one decimal place, half up; the table that shows one says so (templates/_partials.html). These are
# values of the data (a field's "unit", as the source prints it), recognised, not words the site writes.
COUNT_UNITS = {"件", "人", "名", "回", "か所", "箇所", "市町村", "市区町村", "都道府県", "自治体", "団体", "機関"}
COUNT_DECIMALS = 1


def glossary_href(term: Term, root: str) -> str:
    return f"{root}glossary/index.html#{term.anchor}"


def is_value_field(field: Field) -> bool:
    """A column holding a figure the source gives (or should give): where an empty cell can mean a missing value.
    Years and dates say which figure a row holds, even when they are not part of the key."""
    dimension = field.name in {"fiscal_year", "year"} or field.name.endswith(("_year", "_date"))
    return (
        field.type in {"integer", "number"}
        and field.name not in ANNOTATION_FIELDS
        and not field.is_key
        and not dimension
    )


def value_names(fields: Any) -> tuple[str, ...]:
    return tuple(f.name for f in fields if is_value_field(f))


def is_missing(field: Field, row: Any, values: tuple[str, ...]) -> bool:
    """An empty value cell is missing (欠測) unless its row holds its figure in another value column: tables that
    put each kind of figure in a column of its own (自治体数, か所数, 人数 ...) leave the other columns empty."""
    if not is_value_field(field):
        return False
    return row is None or not any(row.get(name) is not None for name in values if name != field.name)


def empty_meaning(field: Field, rows: Any = (), values: tuple[str, ...] = ()) -> str:
    """What an empty cell of ``field`` means, for the data dictionary (the words: templates/dataset.html)."""
    if field.is_key:
        return "never-empty"
    if is_value_field(field):
        empty = [row for row in rows if row.get(field.name) is None]
        elsewhere = any(not is_missing(field, row, values) for row in empty)
        return "missing-or-not-applicable" if elsewhere else "missing"
    if field.type == "boolean" or field.name in ANNOTATION_FIELDS:
        return "nothing-to-note"
    return "not-given"


def format_count(value: float) -> str:
    """A count as shown: whole numbers with thousands separators, others rounded (COUNT_ROUNDING)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-COUNT_DECIMALS), rounding=ROUND_HALF_UP)
    return f"{rounded:,}"


def rounds_counts(rows: Any, fields: Any) -> bool:
    """Whether a table shows a count rounded by format_count (its note then states the rule)."""
    counted = [f.name for f in fields if f.type == "number" and f.unit in COUNT_UNITS]
    return any(isinstance(row.get(name), float) and not row[name].is_integer() for row in rows for name in counted)


def format_cell(
    value: Any, field: Field, row: Any = None, values: tuple[str, ...] = (), *, words: Strings
) -> Markup | str:
    """A cell as a table shows it; with its row, an empty value cell is told apart as missing or not applicable."""
    if value is None:
        return (
            Markup('<span class="missing">{}</span>').format(words("charts.missing"))
            if is_missing(field, row, values)
            else ""
        )
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, int) and (field.name in {"fiscal_year", "year"} or field.name.endswith("_year")):
        return Markup(f'<span class="nw">{escape(display_value(field.name, field.type, value, words))}</span>')
    if isinstance(value, date):
        return Markup(f'<span class="nw">{escape(date_label(value, words))}</span>')
    if field.type in {"integer", "number"} and isinstance(value, (int, float)):
        return format_count(value) if field.unit in COUNT_UNITS else f"{value:,}"
    if isinstance(value, str):
        return Markup(keep_together(display_value(field.name, field.type, value, words)))
    return str(value)


def typeset(value: Any, words: Strings) -> Markup:
    """Text or HTML with the site's years and no break inside a year, a date or a number with its counter."""
    if isinstance(value, Markup):
        return Markup(typeset_html(str(value), words))
    return Markup(typeset_html(str(escape(str(value))), words))


CONSTRAINTS = ("required", "unique", "minimum", "maximum", "pattern", "enum")  # named by the catalogue


def format_constraints(field: Field, words: Strings) -> str:
    """A field's constraints as the data dictionary lists them: 主キー、必須、最小: 0."""
    parts = []
    for key, value in sorted(field.constraints.items()):
        label = words(f"charts.constraint_{key}") if key in CONSTRAINTS else key
        if value is True:
            parts.append(label)
        elif isinstance(value, list):
            parts.append(f"{label}: {' / '.join(map(str, value))}")
        else:
            parts.append(f"{label}: {value}")
    if field.is_key:
        parts.insert(0, words("charts.primary_key"))
    return words("list_separator").join(parts)
