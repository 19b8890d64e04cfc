"""Local-government pages, this site's own peer groups, and maps of any table keyed by a local government.

Everything here is derived from data packages:

- ``ref-local-governments`` lists the 1,788 governments (47 prefectures, 1,741 municipalities); each gets
  a page ``local-governments/<code>.html``.
- ``ref-peer-groups`` declares the comparison axes and the band tables; membership is computed here from
  ``ref-population-2020`` (速報 counts) and ``ref-fiscal-strength-2021``. These are the site's own groups,
  never the ministry's 類似団体.
- Any resource in any package whose schema declares a foreign key into ``ref-local-governments``
  (``prefectures`` or ``local-governments``) is *linked*: with no extra code it gets a choropleth map page,
  a peer comparison and a line on each government's page. The key may carry two optional hints:
  ``"measure"`` (the field to show) and ``"presence": {"listed": ..., "unlisted": ...}`` (labels for a table
  that lists every government it concerns, so that a government without a row is a fact, not a gap).
- National and band benchmarks (e.g. 55.0 % beside 68.2 %) are read from the guardianship package, never
  retyped.
"""

from __future__ import annotations

import bisect
import json
import math
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from markupsafe import Markup, escape

from . import maps
from .charts import PALETTE, RenderedChart
from .model import Package, Resource, Site, fiscal_year_label

REF = "ref-local-governments"
PEERS = "ref-peer-groups"
POPULATION = ("ref-population-2020", "population", "population")
FISCAL = ("ref-fiscal-strength-2021", "fiscal-strength", "fiscal_strength_index")
# Where the document's benchmarks are: national shares, and shares for a population band named by the
# band table's ``document_label``.
BENCHMARK_PACKAGE = "guardianship-core-agencies-plans"
NATIONAL = ("status-2024", "status", ("整備済", "策定済"))
BY_BAND = ("small-municipalities-2024", "population_group")

PREFECTURE_TYPE = "都道府県"
TYPE_SLUGS = {
    "都道府県": "prefecture",
    "政令市": "designated-city",
    "特別区": "special-ward",
    "市": "city",
    "町": "town",
    "村": "village",
}
NO_DATA = "データなし"
OWN_GROUPS = "このサイト独自の比較グループ"
LISTED_DEFAULT = "掲載あり"
SKIPPED_FIELDS = {"era_label", "reconstructed", "note", "source", "url"}
EXTRA_FIELDS = ("source", "note", "url")  # shown beside a government's value when the table has them
MAX_VIEWS = 8  # maps per linked table (one per combination of its other key fields)

Outputs = dict[str, bytes]
Page = Callable[..., bytes]
Level = Literal["prefecture", "municipality"]
HOME = ("トップ", "index.html")
INDEX = ("自治体のページ", "local-governments/index.html")
GROUPS_INDEX = (OWN_GROUPS, "local-governments/groups/index.html")
MAPS_INDEX = ("地図", "maps/index.html")


# --- the model ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Government:
    code: str
    code5: str
    pref_code: str
    pref_name: str
    name: str
    kana: str
    type: str
    url: str | None
    population: int | None
    fiscal: float | None

    @property
    def is_prefecture(self) -> bool:
        return self.type == PREFECTURE_TYPE

    @property
    def href(self) -> str:
        return f"local-governments/{self.code}.html"

    @property
    def level(self) -> Level:
        return "prefecture" if self.is_prefecture else "municipality"


@dataclass(frozen=True)
class Band:
    band: str
    label: str
    lower: float | None
    upper: float | None
    document_label: str | None

    def holds(self, value: float) -> bool:
        return (self.lower is None or value >= self.lower) and (self.upper is None or value < self.upper)


@dataclass(frozen=True)
class Grouping:
    id: str
    title: str
    title_en: str
    applies_to: str
    basis: tuple[str, str, str]
    description: str
    bands: tuple[Band, ...] | None
    band_resource: Resource | None


@dataclass(frozen=True)
class Group:
    grouping: Grouping
    key: str
    label: str
    title: str
    href: str
    members: tuple[str, ...]
    band: Band | None = None

    @property
    def is_prefecture_page(self) -> bool:
        return self.href.startswith("local-governments/") and not self.href.startswith("local-governments/groups/")


@dataclass(frozen=True)
class Measure:
    """A number per government compared among peers (population, 財政力指数, or a linked numeric field)."""

    id: str
    title: str
    unit: str
    values: dict[str, float]
    log: bool
    decimals: int | None


@dataclass
class View:
    """One map of a linked table: the rows sharing one combination of the table's other key fields."""

    key: tuple[Any, ...]
    label: str
    rows: dict[str, dict[str, Any]]
    values: dict[str, Any]  # code → label (categories) or number
    image: str = ""
    alt: str = ""
    counts: list[tuple[str, int, str]] = field(default_factory=list)  # label, count, colour


@dataclass
class Linked:
    package: Package
    resource: Resource
    field: str
    level: Level
    kind: Literal["presence", "category", "number"]
    measure: str | None
    categories: list[tuple[str, str]]  # (label, colour) in legend order, the unlisted label last
    unlisted: str
    exhaustive: bool
    facets: tuple[str, ...]
    views: list[View]
    dropped_views: int = 0

    @property
    def slug(self) -> str:
        return f"{self.package.name}-{self.resource.name}"

    @property
    def href(self) -> str:
        return f"maps/{self.slug}.html"

    @property
    def dataset_href(self) -> str:
        return f"datasets/{self.package.name}/index.html#{self.package.name}-{self.resource.name}"

    @property
    def unit(self) -> str:
        if self.kind != "number" or self.measure is None:
            return ""
        return self.resource.field(self.measure).unit or ""

    def colour(self, label: str) -> str:
        return next((c for name, c in self.categories if name == label), maps.NO_DATA_COLOUR)

    def shown(self, value: Any) -> str:
        if value is None:
            return NO_DATA
        if self.kind == "number":
            return _number(value, self.unit)
        return str(value)


@dataclass(frozen=True)
class Benchmark:
    indicator: str
    national: float
    national_label: str
    when: str
    by_band: dict[str, float]
    national_source: Resource
    band_source: Resource | None


@dataclass
class LocalGov:
    governments: dict[str, Government]
    prefectures: list[Government]
    municipalities_of: dict[str, list[Government]]
    groupings: list[Grouping]
    groups: list[Group]
    groups_of: dict[str, list[Group]]
    measures: list[Measure]
    linked: list[Linked]
    benchmarks: list[Benchmark]

    def prefecture_of(self, government: Government) -> Government:
        return next(p for p in self.prefectures if p.pref_code == government.pref_code)


def gather(site: Site) -> LocalGov | None:
    """Everything the pages need, or None when the site has no local-government list."""
    packages = {p.name: p for p in site.packages}
    ref = packages.get(REF)
    table = _resource(ref, "local-governments")
    if ref is None or table is None:
        return None
    population = _values(packages, *POPULATION)
    fiscal = _values(packages, *FISCAL)
    governments: dict[str, Government] = {}
    for row in table.rows:
        code = str(row["code"])
        governments[code] = Government(
            code=code,
            code5=str(row["code5"]),
            pref_code=str(row["pref_code"]),
            pref_name=str(row["pref_name"]),
            name=str(row["name"]),
            kana=str(row["name_kana"]),
            type=str(row["type"]),
            url=row.get("url"),
            population=_int_or_none(population.get(code)),
            fiscal=_float_or_none(fiscal.get(code)),
        )
    prefectures = [g for g in governments.values() if g.is_prefecture]
    municipalities_of: dict[str, list[Government]] = {p.pref_code: [] for p in prefectures}
    for g in governments.values():
        if not g.is_prefecture:
            municipalities_of.setdefault(g.pref_code, []).append(g)
    groupings = _groupings(packages)
    groups = _groups(groupings, governments, packages)
    groups_of: dict[str, list[Group]] = {code: [] for code in governments}
    for group in groups:
        for code in group.members:
            groups_of[code].append(group)
    measures = [
        m
        for m in (
            _measure("population", "人口（令和2年国勢調査 速報値）", "人", population, True, None),
            _measure("fiscal", "財政力指数（令和3年度）", "", fiscal, False, 2),
        )
        if m.values
    ]
    linked = [link for p in site.packages for r in p.resources if (link := _linked(p, r, ref, governments))]
    return LocalGov(
        governments=governments,
        prefectures=prefectures,
        municipalities_of=municipalities_of,
        groupings=groupings,
        groups=groups,
        groups_of=groups_of,
        measures=measures,
        linked=linked,
        benchmarks=_benchmarks(packages),
    )


def _resource(package: Package | None, name: str) -> Resource | None:
    if package is None:
        return None
    return next((r for r in package.resources if r.name == name), None)


def _values(packages: dict[str, Package], package: str, resource: str, name: str) -> dict[str, Any]:
    table = _resource(packages.get(package), resource)
    if table is None or not any(f.name == name for f in table.fields):
        return {}
    return {str(row["code"]): row.get(name) for row in table.rows if row.get("code") is not None}


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float_or_none(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _groupings(packages: dict[str, Package]) -> list[Grouping]:
    peers = packages.get(PEERS)
    table = _resource(peers, "groupings")
    if table is None:
        return []
    out: list[Grouping] = []
    for row in table.rows:
        band_table = _resource(peers, f"{row['grouping']}-bands")
        bands = None
        if band_table is not None:
            bands = tuple(
                Band(
                    band=str(b["band"]),
                    label=str(b["label"]),
                    lower=b.get("lower"),
                    upper=b.get("upper"),
                    document_label=b.get("document_label") or None,
                )
                for b in band_table.rows
            )
        out.append(
            Grouping(
                id=str(row["grouping"]),
                title=str(row["title"]),
                title_en=str(row["title_en"]),
                applies_to=str(row["applies_to"]),
                basis=(str(row["basis_package"]), str(row["basis_resource"]), str(row["basis_field"])),
                description=str(row["description"]),
                bands=bands,
                band_resource=band_table,
            )
        )
    return out


def _groups(groupings: list[Grouping], governments: dict[str, Government], packages: dict[str, Package]) -> list[Group]:
    out: list[Group] = []
    for grouping in groupings:
        values = _values(packages, *grouping.basis)
        members: dict[str, list[str]] = {}
        for g in governments.values():
            if grouping.applies_to == "市区町村" and g.is_prefecture:
                continue
            value = values.get(g.code)
            if value is None:
                continue
            if grouping.bands is not None:
                band = next((b for b in grouping.bands if b.holds(float(value))), None)
                if band is not None:
                    members.setdefault(band.band, []).append(g.code)
            else:
                members.setdefault(str(value), []).append(g.code)
        if grouping.bands is not None:
            for band in grouping.bands:
                codes = tuple(members.get(band.band, []))
                out.append(
                    Group(
                        grouping,
                        band.band,
                        band.label,
                        f"{grouping.title}：{band.label}",
                        f"local-governments/groups/{grouping.id}-{band.band}.html",
                        codes,
                        band,
                    )
                )
            continue
        ordered = sorted(members, key=lambda v: (list(TYPE_SLUGS).index(v) if v in TYPE_SLUGS else 99, v))
        prefectures = {g.pref_code: g for g in governments.values() if g.is_prefecture}
        for index, value in enumerate(ordered):
            codes = tuple(members[value])
            if grouping.basis[2] == "pref_code" and value in prefectures:
                pref = prefectures[value]
                out.append(Group(grouping, value, pref.name, f"{pref.name}の市区町村", pref.href, codes))
            else:
                slug = TYPE_SLUGS.get(value, str(index + 1)) if grouping.basis[2] == "type" else str(index + 1)
                href = f"local-governments/groups/{grouping.id}-{slug}.html"
                out.append(Group(grouping, value, value, f"{grouping.title}：{value}", href, codes))
    return out


def _measure(
    id_: str,
    title: str,
    unit: str,
    values: dict[str, Any],
    log: bool,
    decimals: int | None,
) -> Measure:
    numbers = {code: float(v) for code, v in values.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if log:
        numbers = {code: v for code, v in numbers.items() if v > 0}
    return Measure(id_, title, unit, numbers, log, decimals)


def _linked(package: Package, resource: Resource, ref: Package, governments: dict[str, Government]) -> Linked | None:
    """The resource's first foreign key into the local-government list, as a linked table."""
    if package.name == REF:
        return None
    entries: list[dict[str, Any]] = package.descriptor.get("resources", [])
    descriptor: dict[str, Any] = next((r for r in entries if r.get("name") == resource.name), {})
    schema = descriptor.get("schema", {})
    keys = [key for name in ("foreignKeys", "externalForeignKeys") for key in (schema.get(name) or [])]
    for key in keys:
        reference = key.get("reference", {}) if isinstance(key, dict) else {}
        fields, targets = _names(key.get("fields")), _names(reference.get("fields"))
        if reference.get("package") != REF or len(fields) != 1 or len(targets) != 1:
            continue
        target = _resource(ref, str(reference.get("resource")))
        if target is None or reference.get("resource") not in {"prefectures", "local-governments"}:
            continue
        level: Level = "prefecture" if target.name == "prefectures" else "municipality"
        to_code = {str(row[targets[0]]): str(row["code"]) for row in target.rows if row.get(targets[0]) is not None}
        return _link(package, resource, key, fields[0], level, to_code, governments)
    return None


def _link(
    package: Package,
    resource: Resource,
    key: dict[str, Any],
    name: str,
    level: Level,
    to_code: dict[str, str],
    governments: dict[str, Government],
) -> Linked:
    primary = [f.name for f in resource.fields if f.is_key]
    facets = tuple(f for f in primary if f != name)
    presence: dict[str, Any] = key["presence"] if isinstance(key.get("presence"), dict) else {}
    listed = str(presence.get("listed") or LISTED_DEFAULT)
    exhaustive = bool(presence.get("unlisted"))
    unlisted = str(presence.get("unlisted") or NO_DATA)
    measure = key.get("measure") if key.get("measure") in {f.name for f in resource.fields} else None
    kind: Literal["presence", "category", "number"] = "presence"
    candidates = [f for f in resource.fields if not f.is_key and f.name != name and f.name not in SKIPPED_FIELDS]
    chosen = next((f for f in resource.fields if f.name == measure), None)
    if chosen is None:
        chosen = next((f for f in candidates if f.type in {"integer", "number"} and f.unit), None)
    if chosen is None:
        chosen = next((f for f in candidates if f.type == "string" and f.constraints.get("enum")), None)
    if chosen is not None:
        kind = "number" if chosen.type in {"integer", "number"} else "category"
    rows_by_view: dict[tuple[Any, ...], dict[str, dict[str, Any]]] = {}
    for row in resource.rows:
        code = to_code.get(str(row.get(name)))
        if code is None:
            continue
        rows_by_view.setdefault(tuple(row.get(f) for f in facets), {}).setdefault(code, row)
    ordered = sorted(rows_by_view, key=lambda k: tuple(("" if v is None else str(v)) for v in k))
    varying = [i for i, f in enumerate(facets) if len({k[i] for k in ordered}) > 1]
    if chosen is not None and kind == "category":
        enum = [str(v) for v in chosen.constraints.get("enum", [])]
        seen = {str(r.get(chosen.name)) for by_code in rows_by_view.values() for r in by_code.values()}
        labels = [v for v in enum if v in seen] + sorted(seen - set(enum) - {"None"})
    else:
        labels = [listed] if kind == "presence" else []
    categories = [(label, PALETTE[i % len(PALETTE)]) for i, label in enumerate(labels)]
    if kind != "number":
        categories.append((unlisted, maps.NO_DATA_COLOUR))
    link = Linked(
        package=package,
        resource=resource,
        field=name,
        level=level,
        kind=kind,
        measure=chosen.name if chosen is not None else None,
        categories=categories,
        unlisted=unlisted,
        exhaustive=exhaustive,
        facets=facets,
        views=[],
        dropped_views=max(0, len(ordered) - MAX_VIEWS),
    )
    members = [g.code for g in governments.values() if g.level == level]
    for view_key in ordered[-MAX_VIEWS:]:
        view_rows = rows_by_view[view_key]
        label = "・".join(_facet_label(resource, facets[i], view_key[i]) for i in varying)
        values: dict[str, Any] = {}
        for code in members:
            found = view_rows.get(code)
            if kind == "presence":
                values[code] = listed if found is not None else unlisted
            elif kind == "category":
                value = None if found is None or chosen is None else found.get(chosen.name)
                values[code] = unlisted if value is None else str(value)
            elif found is not None and chosen is not None and isinstance(found.get(chosen.name), (int, float)):
                values[code] = found[chosen.name]
        view = View(view_key, label, view_rows, values)
        if kind != "number":
            view.counts = [(c, sum(1 for v in values.values() if v == c), colour) for c, colour in categories]
        link.views.append(view)
    return link


def _facet_label(resource: Resource, name: str, value: Any) -> str:
    if name == "fiscal_year" and isinstance(value, int):
        return fiscal_year_label(value)
    return f"{resource.field(name).title}：{value}"


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _benchmarks(packages: dict[str, Package]) -> list[Benchmark]:
    package = packages.get(BENCHMARK_PACKAGE)
    national = _resource(package, NATIONAL[0])
    if national is None:
        return []
    banded = _resource(package, BY_BAND[0])
    out: list[Benchmark] = []
    for row in national.rows:
        if row.get(NATIONAL[1]) not in NATIONAL[2] or not isinstance(row.get("percent"), (int, float)):
            continue
        by_band = {
            str(b[BY_BAND[1]]): float(b["percent"])
            for b in (banded.rows if banded is not None else ())
            if b.get("indicator") == row["indicator"] and isinstance(b.get("percent"), (int, float))
        }
        when = row.get("reference_date")
        out.append(
            Benchmark(
                indicator=str(row["indicator"]),
                national=float(row["percent"]),
                national_label=str(row[NATIONAL[1]]),
                when=_date_label(when) if isinstance(when, date) else str(when or ""),
                by_band=by_band,
                national_source=national,
                band_source=banded,
            )
        )
    return out


def _date_label(value: date) -> str:
    era = f"令和{value.year - 2018}年" if value.year >= 2019 else f"{value.year}年"
    return f"{era}{value.month}月{value.day}日"


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
            self._counts[key] = _group_counts(group, link, link.views[index])
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
                "median": _number(ranked.median, unit, decimals) if ranked.median is not None else "",
                "svg": _strip_svg(ranked.peers, None if own is None else scale.x(own), summary),
            }
        )
    return rows


def _axis(comparisons: Comparisons, key: str, unit: str, decimals: int | None) -> str:
    scale = comparisons.scales.get(key)
    if scale is None:
        return ""
    span = f"{_number(scale.low, unit, decimals)}〜{_number(scale.high, unit, decimals)}"
    return f"分布の横軸：{span}（{'対数目盛' if scale.log else '等間隔'}。両端は全国の最小・最大）"


def _comparisons(data: LocalGov, comparisons: Comparisons, government: Government) -> list[dict[str, Any]]:
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
                    "own": NO_DATA if own is None else _number(own, measure.unit, measure.decimals),
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


def _figures(data: LocalGov, government: Government) -> list[dict[str, Any]]:
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


def _benchmark_rows(data: LocalGov, government: Government) -> tuple[list[dict[str, Any]], str | None]:
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


# --- pages ------------------------------------------------------------------------------------------------------------


def render_localgov(
    site: Site, page: Page, charts_by_resource: dict[tuple[str, str], list[RenderedChart]]
) -> dict[str, bytes]:
    """Every output file of the local-government part of the site, keyed by its path."""
    data = gather(site)
    if data is None:
        return {}
    out: Outputs = {}
    out.update(_maps(data, page))
    out.update(_index(data, page))
    out.update(_group_pages(data, page))
    comparisons = Comparisons(data)
    for government in data.governments.values():
        out[government.href] = _government_page(data, comparisons, government, page)
    return out


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [HOME, *items]


def _government_page(data: LocalGov, comparisons: Comparisons, government: Government, page: Page) -> bytes:
    pref = data.prefecture_of(government)
    crumbs = _crumbs(INDEX, (government.name, None))
    if not government.is_prefecture:
        crumbs = _crumbs(INDEX, (pref.name, pref.href), (government.name, None))
    benchmarks, band_label = _benchmark_rows(data, government)
    municipalities = data.municipalities_of.get(government.pref_code, []) if government.is_prefecture else []
    description = (
        f"{government.pref_name if not government.is_prefecture else ''}{government.name}（{government.type}）の"
    )
    description += "人口・財政力指数・このサイト独自の比較グループと、資料の数値との比較。"
    return page(
        "localgov_page.html",
        government.href,
        government.name if government.is_prefecture else f"{government.name}（{government.pref_name}）",
        description,
        crumbs,
        gov=government,
        pref=pref,
        groups=data.groups_of[government.code],
        comparisons=_comparisons(data, comparisons, government),
        figures=_figures(data, government),
        pref_figures=[] if government.is_prefecture else _figures(data, pref),
        benchmarks=benchmarks,
        band_label=band_label,
        band_labels=sorted({label for b in data.benchmarks for label in b.by_band}),
        municipalities=municipalities,
        own_groups=OWN_GROUPS,
        fmt=_number,
    )


def _index(data: LocalGov, page: Page) -> Outputs:
    rows = [[g.code, g.name, g.kana, g.pref_name, g.type] for g in data.governments.values()]
    index = {"fields": ["code", "name", "kana", "pref", "type"], "rows": rows}
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    counts = {p.pref_code: len(data.municipalities_of.get(p.pref_code, [])) for p in data.prefectures}
    return {
        "local-governments/index.json": (text + "\n").encode("utf-8"),
        INDEX[1]: page(
            "localgov_index.html",
            INDEX[1],
            INDEX[0],
            "47都道府県と1,741市区町村のページ。団体名（漢字・かな）で探せます。",
            _crumbs((INDEX[0], None)),
            prefectures=data.prefectures,
            counts=counts,
            total=len(data.governments),
            linked=data.linked,
            has_groups=bool(data.groups),
            own_groups=OWN_GROUPS,
        ),
    }


def _group_pages(data: LocalGov, page: Page) -> Outputs:
    if not data.groups:
        return {}
    out: Outputs = {}
    out[GROUPS_INDEX[1]] = page(
        "localgov_groups.html",
        GROUPS_INDEX[1],
        OWN_GROUPS,
        "自治体を比べるためにこのサイトが独自に定めた比較グループ（総務省の類似団体区分ではない）。",
        _crumbs(INDEX, (OWN_GROUPS, None)),
        groupings=[(g, [x for x in data.groups if x.grouping is g]) for g in data.groupings],
        own_groups=OWN_GROUPS,
        benchmarks=data.benchmarks,
    )
    for group in data.groups:
        if group.is_prefecture_page:
            continue
        members = [data.governments[c] for c in group.members]
        level: Level = "prefecture" if members and members[0].is_prefecture else "municipality"
        columns = [(link, i, view) for link in data.linked if link.level == level for i, view in enumerate(link.views)]
        summaries = [
            {
                "link": link,
                "view": view,
                "counts": [(name, n) for name, n, _ in _group_counts(group, link, view)]
                if link.kind != "number"
                else [],
            }
            for link, _, view in columns
        ]
        label = group.band.document_label if group.band is not None else None
        out[group.href] = page(
            "localgov_group.html",
            group.href,
            f"{group.title}（{OWN_GROUPS}）",
            f"{group.title}の{len(members)}団体の一覧（{OWN_GROUPS}）。",
            _crumbs(INDEX, GROUPS_INDEX, (group.title, None)),
            group=group,
            members=members,
            columns=columns,
            summaries=summaries,
            benchmarks=[(b, b.by_band.get(label) if label else None) for b in data.benchmarks] if label else [],
            band_label=label,
            show_fiscal=any(m.fiscal is not None for m in members),
            own_groups=OWN_GROUPS,
            fmt=_number,
        )
    return out


def _group_counts(group: Group, link: Linked, view: View) -> list[tuple[str, int, str]]:
    return [
        (name, sum(1 for c in group.members if view.values.get(c) == name), colour) for name, colour in link.categories
    ]


def _maps(data: LocalGov, page: Page) -> Outputs:
    out: Outputs = {}
    if not data.linked:
        return out
    for link in data.linked:
        for index, view in enumerate(link.views):
            suffix = "" if len(link.views) == 1 else f"-{index + 1}"
            view.image = f"maps/{link.slug}{suffix}.svg"
            title = link.resource.title + (f"（{view.label}）" if view.label else "")
            view.alt = _map_alt(data, link, view, title)
            keys = _map_keys(data, link, view)
            if link.kind == "number":
                image = maps.numeric_map(link.level, keys, title, link.unit, view.alt)
            else:
                image = maps.categorical_map(link.level, keys, link.categories, link.unlisted, title, "", view.alt)
            out[view.image] = image.svg.encode("utf-8")
        by_prefecture = _map_table(data, link)
        out[link.href] = page(
            "maps_page.html",
            link.href,
            f"{link.resource.title}（地図）",
            f"{link.resource.title}を{_level_word(link.level)}別に塗り分けた地図と表。",
            _crumbs(MAPS_INDEX, (link.resource.title, None)),
            link=link,
            level_word=_level_word(link.level),
            by_prefecture=by_prefecture,
            listed=_listed_governments(data, link),
            credit=maps.credit(),
        )
    out[MAPS_INDEX[1]] = page(
        "maps_index.html",
        MAPS_INDEX[1],
        "地図の一覧",
        "都道府県・市区町村ごとの数値を塗り分けた地図の一覧。",
        _crumbs((MAPS_INDEX[0], None)),
        linked=data.linked,
        level_words={link.slug: _level_word(link.level) for link in data.linked},
        credit=maps.credit(),
    )
    return out


def _level_word(level: Level) -> str:
    return "都道府県" if level == "prefecture" else "市区町村"


def _map_keys(data: LocalGov, link: Linked, view: View) -> dict[str, Any]:
    """Values keyed as the TopoJSON names its features: prefecture names, or 5-digit codes."""
    keys: dict[str, Any] = {}
    for code, value in view.values.items():
        g = data.governments[code]
        if link.kind != "number" and value == link.unlisted:
            continue  # drawn by the lookup's default
        keys[g.name if link.level == "prefecture" else g.code5] = value
    return keys


def _map_alt(data: LocalGov, link: Linked, view: View, title: str) -> str:
    word = _level_word(link.level)
    if link.kind == "number":
        shown = [v for v in view.values.values() if v is not None]
        if not shown:
            return f"{title}の地図。値のある{word}はありません。"
        low, high = min(shown), max(shown)
        return (
            f"{title}の地図。{len(shown)}{word}に値があり、"
            f"最小{_number(low, link.unit)}、最大{_number(high, link.unit)}。値のない{word}は灰色。"
        )
    parts = "、".join(f"{name}{count}" for name, count, _ in view.counts if count)
    return f"{title}の地図（{word}別）。{parts}。"


def _map_table(data: LocalGov, link: Linked) -> list[dict[str, Any]]:
    rows = []
    for pref in data.prefectures:
        if link.level == "prefecture":
            cells = [
                link.shown(v.values.get(pref.code)) if link.kind == "number" else v.values[pref.code]
                for v in link.views
            ]
        else:
            codes = [g.code for g in data.municipalities_of.get(pref.pref_code, [])]
            cells = []
            for view in link.views:
                if link.kind == "number":
                    count = sum(1 for c in codes if view.values.get(c) is not None)
                    cells.append(f"値あり{count}／{len(codes)}")
                else:
                    counts = [
                        (name, sum(1 for c in codes if view.values.get(c) == name)) for name, _ in link.categories
                    ]
                    cells.append("・".join(f"{name}{n}" for name, n in counts if n))
        rows.append({"pref": pref, "cells": cells})
    return rows


def _listed_governments(data: LocalGov, link: Linked) -> list[dict[str, Any]]:
    """For municipality maps: the governments the table has a row for, with their value in each view."""
    if link.level != "municipality":
        return []
    codes = sorted({code for view in link.views for code in view.rows}, key=list(data.governments).index)
    return [
        {
            "gov": data.governments[code],
            "cells": [link.shown(v.values.get(code)) if code in v.rows else "" for v in link.views],
        }
        for code in codes
    ]


def _number(value: float | None, unit: str = "", decimals: int | None = None) -> str:
    if value is None:
        return NO_DATA
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
    elif float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,}"
    return f"{text}{unit}" if unit and unit not in {"—", "-"} else text
