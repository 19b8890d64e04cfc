"""The policy tables as the review's checks read them: look-ups by id, labels as the sheet prints them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .. import standing
from ..strings import Strings
from .review_types import REFERENCE, Evidence, RestsOn, ReviewOptions, Row, Tables

# The checklist's note_reference column names the note an item refers to as the sheet prints it: 注２参照.
NOTE_REFERENCE_SUFFIX = "参照"


def cell_text(value: Any) -> str:
    """A cell as text: ``None`` is blank, everything else its ``str`` without surrounding space."""
    return "" if value is None else str(value).strip()


def number_text(value: Any) -> str:
    """A number with thousands separators, as the sheet prints them."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return cell_text(value)
    return f"{value:,}"


class ReviewModel:
    """The policy tables with the look-ups the checks share, and the words of the findings (``say``)."""

    def __init__(self, tables: Tables, options: ReviewOptions, words: Strings) -> None:
        self.options = options
        self.words = words
        self.present = {name for name in tables}  # a link to a table the package lacks would lead nowhere

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
        self.inferred_links = [r for r in self.links if standing.of_row(r) != standing.PRINTED]

    def say(self, key: str, /, **values: Any) -> str:
        """The checklist's text ``key`` of the catalogue ([ja.checklist]), filled in."""
        return self.words(f"checklist.{key}", **values)

    def listed(self, items: Iterable[str]) -> str:
        return self.words("list_separator").join(items)

    def clauses(self, clauses: list[str]) -> str:
        """A finding of several clauses, as one sentence."""
        return self.say("clauses", clauses=self.listed(clauses))

    def on_links(self, summary: str) -> str:
        """A summary, saying so when it rests on links the site inferred."""
        return self.say("on_inferred_links", summary=summary) if self.links_inferred else summary

    @property
    def links_inferred(self) -> bool:
        """True when the links between measures and targets/indicators are not printed in the sheet."""
        return bool(self.inferred_links)

    def rests_on(self, number: int) -> tuple[RestsOn, ...]:
        """What a checklist item's result depends on that the sheet does not print (see review.RestsOn)."""
        out: list[RestsOn] = []
        if number in (1, 2):
            out += self._not_printed(self.issues, self.issue_label, self.say("rests_on_issue_numbers"))
        if number == 1:
            situations = [s for s in self.situations if standing.of_row(s) != standing.PRINTED]
            for label in dict.fromkeys(standing.of_row(s) for s in situations):
                count = sum(1 for s in situations if standing.of_row(s) == label)
                out.append(RestsOn(label, self.say("rests_on_situations", count=count)))
        if number in (3, 4, 5):
            out += self._not_printed(self.indicators, self.indicator_label, self.say("rests_on_indicator_targets"))
        if number in (3, 10, 11) and self.inferred_links:
            for label in dict.fromkeys(standing.of_row(r) for r in self.inferred_links):
                count = sum(1 for r in self.inferred_links if standing.of_row(r) == label)
                out.append(RestsOn(label, self.say("rests_on_links", count=count)))
        return tuple(out)

    def _not_printed(self, rows: list[Row], label: Callable[[Row], str], aspect: str) -> list[RestsOn]:
        out: list[RestsOn] = []
        off = [r for r in rows if standing.of_row(r) != standing.PRINTED]
        for kind in dict.fromkeys(standing.of_row(r) for r in off):
            members = [r for r in off if standing.of_row(r) == kind]
            out.append(
                RestsOn(kind, self.say("rests_on_rows", rows=self.listed(label(r) for r in members), aspect=aspect))
            )
        return out

    def res(self, resource: str) -> str | None:
        """A link to one of the package's tables (None when the package has no such table)."""
        return self.statement(resource) if resource in self.present else None

    def statement(self, resource: str) -> str:
        return f"{self.options.package}/{resource}"

    def quote(self, label: str, detail: str, link: str | None, resource: str, row: Row, *key: str) -> Evidence:
        """Evidence quoting a row of the sheet, with the row's standing (and its basis when not printed)."""
        values = "|".join(cell_text(row.get(k)) for k in key)
        kind = standing.of_row(row)
        basis = standing.basis_of(row) if kind != standing.PRINTED else ""
        return Evidence(label, detail, link, kind, f"{self.statement(resource)}#{values}", basis)

    def item_text(self, number: int) -> str:
        """The item as the package's checklist table gives it, else as the sheet prints it (the catalogue's)."""
        row = self.checklist.get(number)
        text = cell_text(row.get("text")) if row is not None else ""
        return text or self.say(f"item_{number}")

    def notes_for(self, number: int) -> tuple[Evidence, ...]:
        """The note printed under an item (注１–３) and the note an item refers to (項目11 → 注２)."""
        row = self.checklist.get(number)
        if row is None:
            return ()
        notes: list[Evidence] = []
        link = self.res("checklist")
        if cell_text(row.get("note_label")) and cell_text(row.get("note_text")):
            notes.append(
                self.quote(
                    cell_text(row.get("note_label")), cell_text(row.get("note_text")), link, "checklist", row, "number"
                )
            )
        reference = cell_text(row.get("note_reference")).removesuffix(NOTE_REFERENCE_SUFFIX).strip()
        if reference:
            for other in self.checklist.values():
                if cell_text(other.get("note_label")) == reference and cell_text(other.get("note_text")):
                    note, item = cell_text(other.get("note_text")), cell_text(other.get("number"))
                    detail = self.say("note_of_item", note=note, number=item)
                    notes.append(self.quote(reference, detail, link, "checklist", other, "number"))
        return tuple(notes)

    def issue_label(self, row: Row) -> str:
        number = cell_text(row.get("number_as_printed")) or cell_text(row.get("id"))
        title = cell_text(row.get("title"))
        return self.say("issue_titled", number=number, title=title) if title else self.say("issue", number=number)

    def target_label(self, row: Row) -> str:
        return self.words("target_label", number=cell_text(row.get("number_as_printed")) or cell_text(row.get("id")))

    def indicator_label(self, row: Row) -> str:
        key = "reference_indicator_label" if cell_text(row.get("kind")) == REFERENCE else "indicator_label"
        return self.words(key, number=cell_text(row.get("number_as_printed")) or cell_text(row.get("id")))

    def indicator_short(self, row: Row) -> str:
        """The indicator as the sheet numbers it, with its name when the table gives one."""
        name = cell_text(row.get("name"))
        return (
            self.say("indicator_named", indicator=self.indicator_label(row), name=name)
            if name
            else self.indicator_label(row)
        )

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
