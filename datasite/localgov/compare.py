"""Comparing a government with its peers: statistics per group computed once and shared by every page,
the small SVG strips (numbers) and bars (categories) that show them, and the lines of figures published
about one government."""

from __future__ import annotations

import bisect
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from markupsafe import Markup, escape

from ..strings import Strings
from .model import Government, Group, Level, Linked, LocalGov, Measure, SourceFigure, View, format_number

EXTRA_FIELDS = ("source", "note", "url")  # shown beside a government's value when the table has them
MAX_NAMED_WITHOUT = 5  # members without a value named on the page, when a comparison counts fewer than its group
PEERS = 5  # nearest peers named on each page


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
    missing: int  # members without a value
    missing_names: str  # the first MAX_NAMED_WITHOUT of them, as 「福島県双葉町」, joined by the list separator


class Comparisons:
    """Peer statistics, computed once per (group, measure or view) and reused on every page, and the sentences
    that describe them (``words``: the string catalogue)."""

    def __init__(self, data: LocalGov, words: Strings) -> None:
        self.data = data
        self.words = words
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
            missing = [self.data.governments[c] for c in group.members if c not in values]
            names = self.words("list_separator").join(
                ("" if g.is_prefecture else g.pref_name) + g.name for g in missing[:MAX_NAMED_WITHOUT]
            )
            self._ranked[key] = Ranked(
                chosen,
                statistics.median(chosen) if chosen else None,
                _strip_peers(chosen, scale),
                len(missing),
                names,
            )
        return self._ranked[key]

    def counts(self, group: Group, link: Linked, index: int) -> list[tuple[str, int, str]]:
        key = (group.href, link.slug, index)
        if key not in self._counts:
            self._counts[key] = group_counts(group, link, link.views[index])
        return self._counts[key]


class ComparisonRow(NamedTuple):
    """One group's line of a comparison (a tuple: page-cache keys pickle it without field names)."""

    group: Group
    n: int  # governments with a value in the group
    svg: Markup
    rank: int | None = None
    median: str = ""
    missing: int = 0  # members without a value
    missing_names: str = ""
    more_missing: bool = False
    counts: tuple[tuple[str, int], ...] = ()


class ComparisonSection(NamedTuple):
    title: str
    kind: str  # "number" or "category"
    own: str
    rows: list[ComparisonRow]
    axis: str
    link: Linked | None


class PublishedFigure(NamedTuple):
    link: Linked
    view: str
    value: str
    listed: bool
    extras: list[tuple[str, str]]


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
) -> list[ComparisonRow]:
    scale = comparisons.scale(measure_id, values, government.level, log)
    own = values.get(government.code)
    rows = []
    for group in groups:
        ranked = comparisons.ranked(group, measure_id, values, scale)
        if not ranked.values:
            continue
        n = len(ranked.values)
        rank = None if own is None else 1 + n - bisect.bisect_right(ranked.values, own)
        if own is None:
            summary = comparisons.words("localgov.strip_without", measure=title, group=group.title, count=n)
        else:
            summary = comparisons.words("localgov.strip", measure=title, group=group.title, count=n, rank=rank)
        rows.append(
            ComparisonRow(
                group=group,
                n=n,
                svg=_strip_svg(ranked.peers, None if own is None else scale.x(own), summary),
                rank=rank,
                median=format_number(ranked.median, unit, decimals) if ranked.median is not None else "",
                missing=ranked.missing,
                missing_names=ranked.missing_names,
                more_missing=ranked.missing > MAX_NAMED_WITHOUT,
            )
        )
    return rows


def _axis(comparisons: Comparisons, key: str, unit: str, decimals: int | None) -> str:
    scale = comparisons.scales.get(key)
    if scale is None:
        return ""
    low, high = format_number(scale.low, unit, decimals), format_number(scale.high, unit, decimals)
    return comparisons.words("localgov.axis_log" if scale.log else "localgov.axis_linear", low=low, high=high)


def comparison_sections(data: LocalGov, comparisons: Comparisons, government: Government) -> list[ComparisonSection]:
    groups = data.groups_of[government.code]
    out: list[ComparisonSection] = []
    for measure in data.measures:
        # A measure is not ranked inside the groups made from it (population inside a population band).
        rows = _numeric_rows(
            comparisons,
            government,
            [g for g in groups if g.grouping.basis != measure.basis],
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
                ComparisonSection(
                    measure.title,
                    "number",
                    data.no_data if own is None else format_number(own, measure.unit, measure.decimals),
                    rows,
                    _axis(comparisons, f"{measure.id}:{government.level}", measure.unit, measure.decimals),
                    None,
                )
            )
    for link in data.linked:
        if link.level != government.level:
            continue
        for index, view in enumerate(link.views):
            title = (
                comparisons.words("view_title", table=link.resource.title, view=view.label)
                if view.label
                else link.resource.title
            )
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
                    summary = comparisons.words("localgov.bar", table=title, group=group.title, count=n, value=own_text)
                    rows.append(
                        ComparisonRow(
                            group=group,
                            n=n,
                            svg=_bar_svg(counts, own_text, summary),
                            counts=tuple((name, count) for name, count, _ in counts if count),
                        )
                    )
            out.append(
                ComparisonSection(
                    title,
                    "number" if link.kind == "number" else "category",
                    own_text,
                    rows,
                    _axis(comparisons, f"{link.slug}:{index}:{government.level}", link.unit, None),
                    link,
                )
            )
    return out


# --- figures published about one government ---------------------------------------------------------------------------


def published_figures(data: LocalGov, government: Government) -> list[PublishedFigure]:
    """One line per linked table and view at this government's level: its row, or the table's label
    for a government it does not list."""
    out: list[PublishedFigure] = []
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
                PublishedFigure(
                    link,
                    view.label,
                    link.shown(value) if value is not None or link.kind == "number" else link.unlisted,
                    row is not None,
                    extras,
                )
            )
    return out


def figures_for(data: LocalGov, government: Government) -> list[SourceFigure]:
    """The source's figures that apply to this government: national ones, its population band's, and
    the counts of prefectures for a prefecture."""
    groups = data.groups_of[government.code]
    return [f for f in data.figures if f.applies(government, groups)]


# --- nearest peers ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Peer:
    government: Government
    distance: float


@dataclass(frozen=True)
class PeerRule:
    """How near two governments are: the difference of log10(population) and of 財政力指数, each divided by
    its standard deviation among the governments of that level, combined as a Euclidean distance. Only
    governments of the same type are compared; a government without one of the two measures is compared
    on the other alone."""

    spreads: dict[str, float]  # measure id → standard deviation (of log10 for population)


def nearest_peers(data: LocalGov, count: int = PEERS) -> tuple[dict[str, list[Peer]], PeerRule]:
    """For every government, the ``count`` nearest of the same type (ties by code)."""
    by_id = {m.id: m for m in data.measures}
    axes = [m for m in (by_id.get("population"), by_id.get("fiscal")) if m is not None]
    spreads: dict[str, float] = {}
    coordinates: dict[str, list[float | None]] = {code: [] for code in data.governments}
    for measure in axes:
        transformed = {c: _axis_value(measure, v) for c, v in measure.values.items()}
        for level in ("prefecture", "municipality"):
            chosen = [v for c, v in transformed.items() if v is not None and data.governments[c].level == level]
            spread = statistics.pstdev(chosen) if len(chosen) > 1 else 0.0
            spreads[f"{measure.id}:{level}"] = spread
        for code, government in data.governments.items():
            value = transformed.get(code)
            spread = spreads[f"{measure.id}:{government.level}"]
            coordinates[code].append(None if value is None or spread == 0 else value / spread)
    by_type: dict[str, list[str]] = {}
    for code, government in data.governments.items():
        by_type.setdefault(government.type, []).append(code)
    out: dict[str, list[Peer]] = {}
    for codes in by_type.values():
        for code, found in _nearest(codes, coordinates, count).items():
            out[code] = [Peer(data.governments[c], d) for d, c in found]
    return out, PeerRule(spreads)


def _nearest(
    codes: list[str], coordinates: dict[str, list[float | None]], count: int
) -> dict[str, list[tuple[float, str]]]:
    """The ``count`` nearest of ``codes`` to each of them, as (distance, code), nearest first. Points with
    every coordinate are searched by a sweep along the first axis; the others against all."""
    complete = sorted((c for c in codes if all(v is not None for v in coordinates[c])), key=lambda c: coordinates[c])
    # Two axes at most (population, 財政力指数); a missing second axis counts as 0 for everyone.
    xs = [float(coordinates[c][0] or 0) for c in complete]
    ys = [float(coordinates[c][1] or 0) if len(coordinates[c]) > 1 else 0.0 for c in complete]
    out: dict[str, list[tuple[float, str]]] = {}
    for i, code in enumerate(complete):
        x, y = xs[i], ys[i]
        best: list[tuple[float, str]] = []  # squared distance, code; sorted
        worst = math.inf
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(complete):
                dx = xs[j] - x
                if dx * dx > worst:
                    break
                dy = ys[j] - y
                entry = (dx * dx + dy * dy, complete[j])
                if len(best) < count or entry < best[-1]:
                    bisect.insort(best, entry)
                    del best[count:]
                    if len(best) == count:
                        worst = best[-1][0]
                j += step
        out[code] = [(math.sqrt(d), c) for d, c in best]
    for code in codes:
        if code in out:
            continue
        own_partial = coordinates[code]
        used = [i for i, v in enumerate(own_partial) if v is not None]
        scored = sorted(
            (math.sqrt(sum((float(own_partial[i] or 0) - float(coordinates[other][i] or 0)) ** 2 for i in used)), other)
            for other in codes
            if other != code and all(coordinates[other][i] is not None for i in used)
        )
        out[code] = scored[:count]
    return out


def _axis_value(measure: Measure, value: float) -> float | None:
    if measure.log:
        return math.log10(value) if value > 0 else None
    return value


def group_counts(group: Group, link: Linked, view: View) -> list[tuple[str, int, str]]:
    return [
        (name, sum(1 for c in group.members if view.values.get(c) == name), colour) for name, colour in link.categories
    ]
