"""How values read on the pages: table cells, field constraints, glossary links."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from .content import Term
from .model import Field, fiscal_year_label


def glossary_href(term: Term, root: str) -> str:
    return f"{root}glossary/index.html#{term.anchor}"


def format_cell(value: Any, field: Field) -> Markup | str:
    if value is None:
        return Markup('<span class="missing">欠測</span>')
    if isinstance(value, bool):
        return "○" if value else ""
    if field.name == "fiscal_year" and isinstance(value, int) and not isinstance(value, bool):
        return fiscal_year_label(value)
    if field.type == "integer" and isinstance(value, int) and field.name not in {"fiscal_year", "year"}:
        return f"{value:,}"
    if field.type == "number" and isinstance(value, (int, float)):
        return f"{value:,}"
    return str(value)


def format_constraints(field: Field) -> str:
    parts = []
    labels = {
        "required": "必須",
        "unique": "一意",
        "minimum": "最小",
        "maximum": "最大",
        "pattern": "形式",
        "enum": "値",
    }
    for key, value in sorted(field.constraints.items()):
        label = labels.get(key, key)
        if value is True:
            parts.append(label)
        elif isinstance(value, list):
            parts.append(f"{label}: {' / '.join(map(str, value))}")
        else:
            parts.append(f"{label}: {value}")
    if field.is_key:
        parts.insert(0, "主キー")
    return "、".join(parts)
