"""An automatic review of the policy logic model against its own checklist.

A goal's logic-model package (``logic_model`` in site.toml) holds the logic model of a pre-analysis sheet
(事前分析表: issues, targets, indicators, means of achievement) and, in its ``checklist`` resource, the
sheet's own 11 review items 「確認すべき主な事項（事前分析表）」. :func:`review` checks the model against each item:

* items 2, 4, 5, 7, 9 and 10 are decided mechanically (``pass`` or ``finding``);
* item 1 (are the issues complete?), item 3 (are the targets concrete?) and item 8 (are the target levels
  appropriate given past actuals?) need a reviewer. Their mechanical part (an issue without a description,
  an empty or missing target) can still raise a ``finding``; otherwise they report ``needs-judgement``
  with the evidence a reviewer should read;
* item 6 is mechanical when every indicator says whether it is a main one; an indicator whose status the
  site could not read (``unknown``) is not a finding against the sheet but ``needs-judgement``;
* item 11 asks whether a target has "many" measures and states no number. Without a threshold the review
  shows the counts as ``needs-judgement``; a threshold (``ReviewOptions.max_measures_per_target``) is the
  site's own parameter, and a finding it raises says so.

The checklist is judged only by its own words. A result that rests on statements that are not printed in the
sheet (links between measures and indicators the site inferred, an assignment the site reconstructed) says so
in ``rests_on``, read from each row's standing (standing.py).

Everything here is a pure function of the rows: no disk or network access. ``tables`` maps a resource
name to its rows as Frictionless reads them (``row.to_dict()``); a missing resource counts as empty and
a missing column as blank, so small hand-written tables can be reviewed too.
"""

from __future__ import annotations

from typing import Any

from ..strings import Strings
from .review_items import CHECKS
from .review_model import ReviewModel
from .review_types import (
    ITEMS,
    JSON_FORMAT,
    OUTCOME,
    OUTPUT,
    REFERENCE,
    STATUSES,
    Evidence,
    ItemResult,
    RestsOn,
    ReviewOptions,
    Row,
    Status,
    Tables,
)

__all__ = [
    "ITEMS",
    "JSON_FORMAT",
    "OUTCOME",
    "OUTPUT",
    "REFERENCE",
    "STATUSES",
    "Evidence",
    "ItemResult",
    "RestsOn",
    "ReviewOptions",
    "Row",
    "Status",
    "Tables",
]


def review(tables: Tables, options: ReviewOptions, words: Strings) -> list[ItemResult]:
    """Review the logic model in ``tables`` against the 11 checklist items, in item order, in the catalogue's
    words (``words``: the findings and the printed checklist, [ja.checklist] of templates/strings.toml)."""

    model = ReviewModel(tables, options, words)
    results: list[ItemResult] = []
    for number, check in zip(ITEMS, CHECKS, strict=True):
        status, mechanical, summary, evidence = check(model)
        results.append(
            ItemResult(
                number=number,
                text=model.item_text(number),
                status=status,
                mechanical=mechanical,
                summary=summary,
                evidence=tuple(evidence) + model.notes_for(number),
                rests_on=model.rests_on(number),
            )
        )
    return results


def to_json(results: list[ItemResult]) -> dict[str, Any]:
    """A stable, machine-readable form of the results (dump it with ``sort_keys=True``)."""
    counts = {status: sum(1 for r in results if r.status == status) for status in STATUSES}
    return {
        "format": JSON_FORMAT,
        "counts": counts,
        "items": [
            {
                "number": r.number,
                "text": r.text,
                "status": r.status,
                "mechanical": r.mechanical,
                "summary": r.summary,
                "evidence": [
                    {"label": e.label, "detail": e.detail, "link": e.link, "standing": e.standing, "basis": e.basis}
                    for e in r.evidence
                ],
                "rests_on": [{"standing": b.standing, "what": b.what} for b in r.rests_on],
            }
            for r in sorted(results, key=lambda r: r.number)
        ],
    }
