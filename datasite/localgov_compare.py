"""Comparing a government with its peers: statistics per group computed once and shared by every page,
the small SVG strips (numbers) and bars (categories) that show them, and the lines of figures published
about one government."""

from __future__ import annotations

import bisect
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from .localgov_model import NO_DATA, Government, Group, Level, Linked, LocalGov, View, format_number

EXTRA_FIELDS = ("source", "note", "url")  # shown beside a government's value when the table has them


# --- small inline charts ---------------------------------------------------------------------------------------------

STRIP_WIDTH, STRIP_HEIGHT, STRIP_PAD = 200, 18, 7
OWN_COLOUR = "#D55E00"
PEER_COLOUR = "#767676"


@dataclass(frozen=True)
class Scale:
    low: float
    high: float
    log: bool

    def x(self, value: float) -> float:
        low, high, v = self.low, self.high, value
        if self.log:
            low, high, v = math.log10(low), math.log10(high), math.log10(max(value, self.low))
        share = 0.5 if high <= low else (v - low) / (high - low)
        return STRIP_PAD + share * (STRIP_WIDTH - 2 * STRIP_PAD)


def _strip_peers(values: Iterable[float], scale: Scale) -> str:
    xs = sorted({round(scale.x(v)) for v in values})
    return "".join(f"M{x} 9h0" for x in xs)


def _strip_svg(peers: str, own: float | None, label: str) -> Markup:
    marker = "" if own is None else f'<circle cx="{own:.1f}" cy="9" r="6" fill="{OWN_COLOUR}" stroke="#000"/>'
    return Markup(
        f'<svg width="{STRIP_WIDTH}" height="{STRIP_HEIGHT}" viewBox="0 0 {STRIP_WIDTH} {STRIP_HEIGHT}" role="img" '
        f'aria-label="{escape(label)}"><path d="M{STRIP_PAD} 9H{STRIP_WIDTH - STRIP_PAD}" stroke="#bbb"/>'
        f'<path d="{peers}" stroke="{PEER_COLOUR}" stroke-width="5" stroke-linecap="round"/>{marker}</svg>'
    )


def _bar_svg(counts: list[tuple[str, int, str]], own: str | None, label: str) -> Markup:
    total = sum(c for _, c, _ in counts) or 1
    width = STRIP_WIDTH - 2
    x = 1.0
    parts: list[str] = []
    outline = ""
    for name, count, colour in counts:
        w = width * count / total
        if w > 0:
            parts.append(f'<rect x="{x:.1f}" y="3" width="{w:.1f}" height="12" fill="{colour}"/>')
            if name == own:
                outline = (
                    f'<rect x="{x + 1:.1f}" y="2" width="{max(w - 2, 1):.1f}" height="14" fill="none" '
                    'stroke="#000" stroke-width="2"/>'
                )
        x += w
    return Markup(
        f'<svg width="{STRIP_WIDTH}" height="{STRIP_HEIGHT}" viewBox="0 0 {STRIP_WIDTH} {STRIP_HEIGHT}" role="img" '
        f'aria-label="{escape(label)}">{"".join(parts)}{outline}</svg>'
    )


# --- peer comparisons -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """A group's values of one measure, sorted once and shared by every member's page."""

    values: list[float]  # ascending
    median: float | None
    peers: str  # the strip's path


class Comparisons:
    """Peer statistics, computed once per (group, measure or view) and reused on every page."""

    def __init__(self, data: LocalGov) -> None:
        self.data = data
        self._ranked: dict[tuple[str, str], Ranked] = {}
        self._counts: dict[tuple[str, str, int], list[tuple[str, int, str]]] = {}
        self.scales: dict[str, Scale] = {}

    def scale(self, measure_id: str, values: dict[str, float], level: Level, log: bool) -> Scale:
        key = f"{measure_id}:{level}"
        if key not in self.scales:
            chosen = [v for code, v in values.items() if self.data.governments[code].level == level]
            low = min(chosen, default=0.0)
            high = max(chosen, default=1.0)
            self.scales[key] = Scale(low if log else min(low, 0.0), high, log)
        return self.scales[key]

    def ranked(self, group: Group, measure_id: str, values: dict[str, float], scale: Scale) -> Ranked:
        key = (group.href, measure_id)
        if key not in self._ranked:
            chosen = sorted(values[c] for c in group.members if c in values)
            self._ranked[key] = Ranked(
                chosen, statistics.median(chosen) if chosen else None, _strip_peers(chosen, scale)
            )
        return self._ranked[key]

    def counts(self, group: Group, link: Linked, index: int) -> list[tuple[str, int, str]]:
        key = (group.href, link.slug, index)
        if key not in self._counts:
            self._counts[key] = group_counts(group, link, link.views[index])
        return self._counts[key]


def _numeric_rows(
    comparisons: Comparisons,
    government: Government,
    groups: list[Group],
    measure_id: str,
    title: str,
    unit: str,
    decimals: int | None,
    values: dict[str, float],
    log: bool,
) -> list[dict[str, Any]]:
    scale = comparisons.scale(measure_id, values, government.level, log)
    own = values.get(government.code)
    rows = []
    for group in groups:
        ranked = comparisons.ranked(group, measure_id, values, scale)
        if not ranked.values:
            continue
        n = len(ranked.values)
        rank = None if own is None else 1 + n - bisect.bisect_right(ranked.values, own)
        summary = f"{title}：{group.title}（{n}団体）の分布"
        summary += "。この団体の値はありません" if own is None else f"。この団体は{n}団体中{rank}位"
        rows.append(
            {
                "group": group,
                "n": n,
                "rank": rank,
                "median": format_number(ranked.median, unit, decimals) if ranked.median is not None else "",
                "svg": _strip_svg(ranked.peers, None if own is None else scale.x(own), summary),
            }
        )
    return rows


def _axis(comparisons: Comparisons, key: str, unit: str, decimals: int | None) -> str:
    scale = comparisons.scales.get(key)
    if scale is None:
        return ""
    span = f"{format_number(scale.low, unit, decimals)}〜{format_number(scale.high, unit, decimals)}"
    return f"分布の横軸：{span}（{'対数目盛' if scale.log else '等間隔'}。両端は全国の最小・最大）"


def comparison_sections(data: LocalGov, comparisons: Comparisons, government: Government) -> list[dict[str, Any]]:
    groups = data.groups_of[government.code]
    out: list[dict[str, Any]] = []
    for measure in data.measures:
        rows = _numeric_rows(
            comparisons,
            government,
            groups,
            measure.id,
            measure.title,
            measure.unit,
            measure.decimals,
            measure.values,
            measure.log,
        )
        if rows:
            own = measure.values.get(government.code)
            out.append(
                {
                    "title": measure.title,
                    "kind": "number",
                    "own": NO_DATA if own is None else format_number(own, measure.unit, measure.decimals),
                    "rows": rows,
                    "axis": _axis(comparisons, f"{measure.id}:{government.level}", measure.unit, measure.decimals),
                    "link": None,
                }
            )
    for link in data.linked:
        if link.level != government.level:
            continue
        for index, view in enumerate(link.views):
            title = link.resource.title + (f"（{view.label}）" if view.label else "")
            if link.kind == "number":
                values = {c: float(v) for c, v in view.values.items()}
                rows = _numeric_rows(
                    comparisons, government, groups, f"{link.slug}:{index}", title, link.unit, None, values, False
                )
                own_value: Any = view.values.get(government.code)
                own_text = link.shown(own_value)
            else:
                own_text = str(view.values.get(government.code, link.unlisted))
                rows = []
                for group in groups:
                    counts = comparisons.counts(group, link, index)
                    n = sum(c for _, c, _ in counts)
                    summary = f"{title}：{group.title}（{n}団体）の内訳。この団体は「{own_text}」"
                    rows.append(
                        {
                            "group": group,
                            "n": n,
                            "counts": [(name, count) for name, count, _ in counts if count],
                            "svg": _bar_svg(counts, own_text, summary),
                        }
                    )
            out.append(
                {
                    "title": title,
                    "kind": "number" if link.kind == "number" else "category",
                    "own": own_text,
                    "rows": rows,
                    "axis": _axis(comparisons, f"{link.slug}:{index}:{government.level}", link.unit, None),
                    "link": link,
                }
            )
    return out


# --- figures published about one government ---------------------------------------------------------------------------


def published_figures(data: LocalGov, government: Government) -> list[dict[str, Any]]:
    """One line per linked table and view at this government's level: its row, or the table's label
    for a government it does not list."""
    out: list[dict[str, Any]] = []
    for link in data.linked:
        if link.level != government.level:
            continue
        for view in link.views:
            row = view.rows.get(government.code)
            value = view.values.get(government.code)
            extras = []
            if row is not None:
                for name in EXTRA_FIELDS:
                    if any(f.name == name for f in link.resource.fields) and row.get(name) not in (None, ""):
                        extras.append((link.resource.field(name).title, str(row[name])))
            out.append(
                {
                    "link": link,
                    "view": view.label,
                    "value": link.shown(value) if value is not None or link.kind == "number" else link.unlisted,
                    "listed": row is not None,
                    "extras": extras,
                }
            )
    return out


def benchmark_rows(data: LocalGov, government: Government) -> tuple[list[dict[str, Any]], str | None]:
    """The document's national figure for each benchmark, and the figure for this government's population
    band when the document gives one (matched through the band table's document_label)."""
    if government.is_prefecture or not data.benchmarks:
        return [], None
    band = next((g.band for g in data.groups_of[government.code] if g.band and g.band.document_label), None)
    label = band.document_label if band is not None else None
    rows = []
    for b in data.benchmarks:
        rows.append(
            {
                "benchmark": b,
                "band": b.by_band.get(label) if label else None,
            }
        )
    shown = label if label and any(r["band"] is not None for r in rows) else None
    return rows, shown


def group_counts(group: Group, link: Linked, view: View) -> list[tuple[str, int, str]]:
    return [
        (name, sum(1 for c in group.members if view.values.get(c) == name), colour) for name, colour in link.categories
    ]
