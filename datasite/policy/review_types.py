"""The review's vocabulary: statuses, the checklist's own words, and the shapes of a result (review.py reviews,
review_items and review_model check with these)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["pass", "finding", "needs-judgement"]
Row = Mapping[str, Any]
Tables = Mapping[str, Sequence[Row]]

STATUSES: tuple[Status, ...] = ("pass", "finding", "needs-judgement")
OUTPUT = "アウトプット"
OUTCOME = "アウトカム"
REFERENCE = "参考"
JSON_FORMAT = 2  # 2: each item says what its result rests on (rests_on)

# The checklist as printed (000_bd644042943772fa.txt, lines 6-43); used only when a table has no row for an item.
DEFAULT_TEXTS: dict[int, str] = {
    1: "施策目標の実現に向けて、どのような課題があるかを過不足なく記載できているか。",
    2: "課題に対応した達成目標を設定できているか。",
    3: "施策目標の実現に向け、適切にブレイクダウンできているか、抽象的なものとなっていないか。",
    4: (
        "達成目標の進捗度合いを測定する指標として、合理的な指標が設定されているか"
        "（達成目標と測定指標の関係性は明確か）。"
    ),
    5: "測定指標はアウトプットとアウトカムの双方が設定されているか。",
    6: (
        "測定指標のうち「主要な指標」とそれ以外の指標が区分されているか。"
        "また、「主要な指標」とする理由は明確で、適切に選定されているか。"
    ),
    7: "当該年度の目標値が記載されているか。",
    8: "目標値は過年度実績や最終目標年度の目標値を踏まえ、適切な水準に設定されているか。",
    9: (
        "目標値を設定することは困難だが、実績値を経年的に把握することで、"
        "評価の参考となる情報について、参考指標として設定されているか。"
    ),
    10: "測定指標と関連する達成手段数が０となっていないか。",
    11: ("達成目標と関連する達成手段が多数になっているなど、達成目標と達成手段との関係が複雑な構造となっていないか。"),
}


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
