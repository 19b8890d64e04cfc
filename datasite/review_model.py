"""The policy tables as the review's checks read them: look-ups by id, labels as the sheet prints them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .review import DEFAULT_TEXTS, REFERENCE, Evidence, ReviewOptions, Row, Tables


def cell_text(value: Any) -> str:
    """A cell as text: ``None`` is blank, everything else its ``str`` without surrounding space."""
    return "" if value is None else str(value).strip()


def number_text(value: Any) -> str:
    """A number with thousands separators, as the sheet prints them."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return cell_text(value)
    return f"{value:,}"


def jp_list(items: Iterable[str]) -> str:
    return "、".join(items)


class ReviewModel:
    """The policy tables with the look-ups the checks share."""

    def __init__(self, tables: Tables, options: ReviewOptions) -> None:
        self.options = options

        def rows(name: str) -> list[Row]:
            return list(tables.get(name) or [])

        self.goals = rows("goals")
        self.issues = rows("issues")
        self.situations = sorted(rows("issue-situations"), key=lambda r: (cell_text(r.get("issue_id")), order_of(r)))
        self.targets = rows("targets")
        self.indicators = rows("indicators")
        self.measures = {cell_text(r.get("id")): r for r in rows("measures")}
        self.links = rows("measure-links")
        self.checklist = {as_int(r.get("number")): r for r in rows("checklist")}
        self.issue_ids = {cell_text(r.get("id")) for r in self.issues}
        self.target_ids = {cell_text(r.get("id")) for r in self.targets}
        self.indicator_by_id = {cell_text(r.get("id")): r for r in self.indicators}
        self.measuring = [r for r in self.indicators if cell_text(r.get("kind")) != REFERENCE]
        self.reference = [r for r in self.indicators if cell_text(r.get("kind")) == REFERENCE]

    def res(self, resource: str) -> str:
        return f"{self.options.package}/{resource}"

    def item_text(self, number: int) -> str:
        row = self.checklist.get(number)
        return cell_text(row.get("text")) if row is not None and cell_text(row.get("text")) else DEFAULT_TEXTS[number]

    def notes_for(self, number: int) -> tuple[Evidence, ...]:
        """The note printed under an item (注１–３) and the note an item refers to (項目11 → 注２)."""
        row = self.checklist.get(number)
        if row is None:
            return ()
        notes: list[Evidence] = []
        if cell_text(row.get("note_label")) and cell_text(row.get("note_text")):
            notes.append(
                Evidence(cell_text(row.get("note_label")), cell_text(row.get("note_text")), self.res("checklist"))
            )
        reference = cell_text(row.get("note_reference")).removesuffix("参照").strip()
        if reference:
            for other in self.checklist.values():
                if cell_text(other.get("note_label")) == reference and cell_text(other.get("note_text")):
                    detail = f"{cell_text(other.get('note_text'))}（項目{cell_text(other.get('number'))}の注）"
                    notes.append(Evidence(reference, detail, self.res("checklist")))
        return tuple(notes)

    def issue_label(self, row: Row) -> str:
        number = cell_text(row.get("number_as_printed")) or cell_text(row.get("id"))
        title = cell_text(row.get("title"))
        return f"課題{number}「{title}」" if title else f"課題{number}"

    def target_label(self, row: Row) -> str:
        return f"達成目標{cell_text(row.get('number_as_printed')) or cell_text(row.get('id'))}"

    def indicator_label(self, row: Row) -> str:
        prefix = "参考指標" if cell_text(row.get("kind")) == REFERENCE else "測定指標"
        return f"{prefix}{cell_text(row.get('number_as_printed')) or cell_text(row.get('id'))}"

    def indicator_short(self, row: Row) -> str:
        return f"{self.indicator_label(row)}（{cell_text(row.get('id'))}）"

    def targets_of(self, issue_id: str) -> list[Row]:
        return [t for t in self.targets if cell_text(t.get("issue_id")) == issue_id]

    def indicators_of(self, target_id: str) -> list[Row]:
        return [i for i in self.indicators if cell_text(i.get("target_id")) == target_id]

    def links_of_indicator(self, indicator_id: str) -> list[Row]:
        return [link for link in self.links if cell_text(link.get("indicator_id")) == indicator_id]

    def measures_of_target(self, target_id: str) -> list[str]:
        """Distinct measures linked to a target, in link order."""
        seen: dict[str, None] = {}
        for link in self.links:
            if cell_text(link.get("target_id")) == target_id and cell_text(link.get("measure_id")):
                seen.setdefault(cell_text(link.get("measure_id")), None)
        return list(seen)

    def measure_name(self, measure_id: str) -> str:
        row = self.measures.get(measure_id)
        return cell_text(row.get("name")) if row is not None and cell_text(row.get("name")) else measure_id

    def measure_root(self, measure_id: str) -> str:
        """The top-level programme a breakdown (内訳) belongs to, following ``parent_id``."""
        seen = {measure_id}
        current = measure_id
        while True:
            row = self.measures.get(current)
            parent = cell_text(row.get("parent_id")) if row is not None else ""
            if not parent or parent in seen:
                return current
            seen.add(parent)
            current = parent


def as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def order_of(row: Row) -> int:
    return as_int(row.get("order"))
