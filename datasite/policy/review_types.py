"""The review's vocabulary: statuses, the values of the data the checks compare with, and the shapes of a result
(review.py reviews, review_items and review_model check with these). The words of the checklist and of the
findings are the catalogue's (templates/strings.toml, [ja.checklist])."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["pass", "finding", "needs-judgement"]
Row = Mapping[str, Any]
Tables = Mapping[str, Sequence[Row]]

STATUSES: tuple[Status, ...] = ("pass", "finding", "needs-judgement")
ITEMS = range(1, 12)  # the checklist's items, numbered as printed; their words are the catalogue's checklist.item_<n>
# The values of the indicators table's ``kind`` column the checks compare with (data, not the words they show).
OUTPUT = "アウトプット"
OUTCOME = "アウトカム"
REFERENCE = "参考"
JSON_FORMAT = 2  # 2: each item says what its result rests on (rests_on)


@dataclass(frozen=True)
class Evidence:
    """One fact behind a result. ``link`` points at a resource ("<package>/<resource>") or a row ("indicator:<id>").

    Evidence that quotes a statement of the sheet gives its ``standing`` and the ``statement`` it quotes
    ("<package>/<resource>#<key>"), so that the page can say where the words come from.
    """

    label: str
    detail: str
    link: str | None = None
    standing: str = ""
    statement: str = ""
    basis: str = ""  # how (or why) when the standing is not 資料の記載


@dataclass(frozen=True)
class RestsOn:
    """Statements a result depends on whose standing is not 資料の記載 (e.g. the site's inferred links)."""

    standing: str
    what: str


@dataclass(frozen=True)
class ItemResult:
    """The review of one checklist item."""

    number: int
    text: str
    status: Status
    mechanical: bool
    summary: str
    evidence: tuple[Evidence, ...]
    rests_on: tuple[RestsOn, ...] = ()


@dataclass(frozen=True)
class ReviewOptions:
    """The site's own parameters of the review, shown with the results they decide.

    ``current_fiscal_year`` is the sheet's year (the goal's ``fiscal_year`` in site.toml); ``package`` names
    the logic-model package in resource links (``<package>/targets``); ``max_measures_per_target`` is a
    threshold the checklist does not state (None: no threshold, item 11 needs judgement).
    """

    current_fiscal_year: int
    package: str
    max_measures_per_target: int | None = None
