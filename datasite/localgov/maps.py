"""Maps of Japan as static SVG, drawn here from the TopoJSON in ``reference/topojson/`` (read by ``load``,
handed down as text): choropleths of any table keyed by a local government, and locator maps.

Drawing is plain string work, so that all the maps of the site cost well under a second (in a chart worker,
while the pages render: ``MapFiles``); the pages themselves need only the layout, which comes from the polygons'
bounding boxes:

- the TopoJSON's arcs are decoded and projected (Mercator) once per process (``Atlas``);
- a *frame* (the whole country, or one part of a prefecture) rounds each arc it shows to half a pixel
  once, and every feature's outline is assembled from its rounded arcs (relative commands, repeated
  points dropped);
- a choropleth is those outlines with a fill each; a prefecture border is drawn from the arcs that two
  prefectures share, so it matches the municipal outlines exactly.

Locator maps reuse drawings instead of drawing one map per page. Each prefecture is cut into *sheets*
(its mainland and its far islands, found by clustering the polygons), and each sheet is one SVG in
which every municipality is a group with an ``id``. A page shows ``sheet.svg#c012025``: the CSS inside
the SVG (``:target``) fills that municipality, in an ``<img>``, without JavaScript. One map of the 47
prefectures does the same for prefecture pages; a municipality's page adds a ring at its place in Japan
with a tiny inline SVG laid over that map.

The boundaries' credit line (required by 国土交通省, see ``reference/topojson/SOURCE.md``) is declared in their
descriptor (``reference/topojson/datapackage.json``, ``credit``; read by ``boundary_credits``, a map without one is a
problem of the build) and written in the catalogue's pattern (``localgov.map_source``), followed by the catalogue's
``localgov.map_processed`` because the outlines are rounded and re-drawn here. It is in every SVG (visible on
choropleths, in ``<desc>`` on locator sheets) and beside every map on the pages.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Literal

from .. import urls
from ..cache import Cache, code_fingerprint, digest
from ..chart_worker import ImageRenderer, Pending
from ..charts import wrap_credit
from ..errors import Problem
from ..strings import Strings
from ..typeset import wrap

Level = Literal["prefecture", "municipality"]
Topologies = Mapping[str, str]  # TopoJSON text by its path under reference/topojson (load.LoadedInput.topologies)


@dataclass(frozen=True)
class Boundaries:
    path: str  # under reference/topojson
    feature: str
    key: str  # the property that joins a feature to our rows


BOUNDARIES: dict[Level, Boundaries] = {
    # N03_001: the prefecture's name (the file has no code).
    "prefecture": Boundaries("s0001/prefectures.json", "prefectures", "N03_001"),
    # N03_007: the 5-digit 行政区域コード, the first five digits of a government's code.
    "municipality": Boundaries("s0010/N03-21_210101_designated_city.json", "N03-21_210101", "N03_007"),
}
CREDIT_FIELD = "credit"  # in the boundaries' descriptor, or in one of its resources for that file alone
TITLE_PX = 15  # the map's title, drawn above it
TITLE_LINE_PX = 20
CREDIT_LINE_PX = 16  # a line of the 12 px data credits under the map
FONT = "Hiragino Sans, Hiragino Kaku Gothic ProN, Meiryo, Yu Gothic, IPAexGothic, Noto Sans CJK JP, sans-serif"
NO_DATA_COLOUR = "#c8c8c8"
OUTSIDE_LIST_COLOUR = "#ededed"  # land the list of governments does not cover (the six villages of 北方領土)
LAND_COLOUR = "#dcdcdc"
HIGHLIGHT_COLOUR = "#D55E00"  # the same vermilion as the peer strips' own-government dot
# Five classes, light to dark (ColorBrewer YlGnBu), for numbers and ordered bands.
SEQUENTIAL = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")

QUANTUM = 0.5  # px: outlines are rounded to this
CHOROPLETH_SIZE = 600  # px, the longer side of a map of Japan
OVERVIEW_SIZE = 240  # px, the small map of the 47 prefectures on government pages
SHEET_SIZE = 440  # px, the longer side of a locator sheet
PAD = 6  # px around the drawn land
# Polygons closer than this (km, gap between their bounding boxes) are drawn on the same sheet of a
# prefecture; farther islands get sheets of their own. Across the country, a cluster of a single polygon
# farther than COUNTRY_GAP_KM from all others (南鳥島) is left outside the frame, and the page says so.
SHEET_GAP_KM = 30.0
COUNTRY_GAP_KM = 300.0
SMALL_FEATURE_PX = 14.0  # a feature smaller than this on its sheet also gets a ring when highlighted
EARTH_KM = 6371.0


# --- decoding and projecting ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Polygon:
    rings: tuple[tuple[int, ...], ...]  # arc indices as in TopoJSON (negative = reversed)
    box: tuple[float, float, float, float]  # projected x0, y0, x1, y1


@dataclass(frozen=True)
class Feature:
    key: str  # N03_007 (5 digits) or the prefecture's name
    pref: str  # N03_001
    polygons: tuple[Polygon, ...]

    @property
    def box(self) -> tuple[float, float, float, float]:
        return _union(p.box for p in self.polygons)


class Topology:
    """One TopoJSON object: its features with the bounding box of each polygon, and, decoded only when a map
    is drawn, its arcs projected to Mercator (x east, y south, in radians).

    The boxes need no projection of each point: an arc's box is taken in the file's integer coordinates
    (running sums of the deltas) and only its corners are projected, Mercator being monotonic; laying out the
    locator sheets therefore costs little, and the drawing can happen elsewhere."""

    def __init__(self, text: str, boundaries: Boundaries) -> None:
        data = json.loads(text)
        transform = data.get("transform")
        self._quantized = transform is not None
        scale, translate = (transform["scale"], transform["translate"]) if transform else ((1.0, 1.0), (0.0, 0.0))
        self._sx, self._sy = float(scale[0]), float(scale[1])
        self._tx, self._ty = float(translate[0]), float(translate[1])
        self._raw: list[list[list[float]]] = data["arcs"]
        self._arcs: list[list[tuple[float, float]]] | None = None
        self._arc_boxes = [self._arc_box(arc) for arc in self._raw]
        self.features: list[Feature] = []
        for geometry in data["objects"][boundaries.feature]["geometries"]:
            properties = geometry.get("properties") or {}
            key = properties.get(boundaries.key)
            if key is None or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
                continue  # 所属未定地 have no code: nobody's value, drawn by nobody
            polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
            shapes = tuple(Polygon(tuple(tuple(r) for r in p), self._box(p[0])) for p in polygons)
            self.features.append(Feature(str(key), str(properties.get("N03_001", "")), shapes))
        self.by_key = {f.key: f for f in self.features}

    def project(self, x: float, y: float) -> tuple[float, float]:
        """A point in the file's coordinates, projected."""
        lat = math.radians(y * self._sy + self._ty)
        return math.radians(x * self._sx + self._tx), -math.log(math.tan(math.pi / 4 + lat / 2))

    def _arc_box(self, arc: list[list[float]]) -> tuple[float, float, float, float]:
        if self._quantized:
            xs = list(itertools.accumulate(point[0] for point in arc))
            ys = list(itertools.accumulate(point[1] for point in arc))
        else:
            xs, ys = [point[0] for point in arc], [point[1] for point in arc]
        return min(xs), min(ys), max(xs), max(ys)

    def _box(self, ring: list[int]) -> tuple[float, float, float, float]:
        """The projected box of a polygon's outer ring (y grows southwards: the north is the smaller y)."""
        boxes = [self._arc_boxes[i if i >= 0 else ~i] for i in ring]
        west, north = self.project(min(b[0] for b in boxes), max(b[3] for b in boxes))
        east, south = self.project(max(b[2] for b in boxes), min(b[1] for b in boxes))
        return west, north, east, south

    @property
    def arcs(self) -> list[list[tuple[float, float]]]:
        """Every arc's points, projected (decoded when first needed)."""
        if self._arcs is None:
            radians, log, tan, quarter = math.radians, math.log, math.tan, math.pi / 4
            sx, sy, tx, ty = self._sx, self._sy, self._tx, self._ty
            arcs = []
            for arc in self._raw:
                if self._quantized:
                    xs = itertools.accumulate(point[0] for point in arc)
                    ys = itertools.accumulate(point[1] for point in arc)
                else:
                    xs, ys = (point[0] for point in arc), (point[1] for point in arc)  # type: ignore[assignment]
                arcs.append(
                    [
                        (radians(x * sx + tx), -log(tan(quarter + radians(y * sy + ty) / 2)))
                        for x, y in zip(xs, ys, strict=True)
                    ]
                )
            self._arcs = arcs
        return self._arcs


def _union(boxes: Iterable[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    items = list(boxes)
    return (
        min(b[0] for b in items),
        min(b[1] for b in items),
        max(b[2] for b in items),
        max(b[3] for b in items),
    )


def _latitude(y: float) -> float:
    return 2 * math.atan(math.exp(-y)) - math.pi / 2


def _clusters(polygons: Sequence[Polygon], gap_km: float) -> list[list[int]]:
    """Indices of ``polygons`` grouped so that polygons less than ``gap_km`` apart (bounding boxes) share a
    group; groups in order of their first polygon."""
    if not polygons:
        return []
    middle = sum((p.box[1] + p.box[3]) / 2 for p in polygons) / len(polygons)
    gap = gap_km / (EARTH_KM * math.cos(_latitude(middle)))
    parent = list(range(len(polygons)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(polygons)), key=lambda i: polygons[i].box[0])
    for position, i in enumerate(order):  # a sweep along x: only boxes that can be close are compared
        a = polygons[i].box
        for j in order[position + 1 :]:
            b = polygons[j].box
            if b[0] - a[2] >= gap:
                break
            dx = max(0.0, b[0] - a[2], a[0] - b[2])
            dy = max(0.0, b[1] - a[3], a[1] - b[3])
            if dx * dx + dy * dy < gap * gap:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(polygons)):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


# --- frames: rounding and outlines ------------------------------------------------------------------------------------


class Frame:
    """A projection of part of the map onto a canvas of ``width`` × ``height`` px. Arcs are rounded to
    QUANTUM once per frame and shared by every feature drawn in it."""

    def __init__(self, topology: Topology, box: tuple[float, float, float, float], size: int) -> None:
        x0, y0, x1, y1 = box
        span = max(x1 - x0, y1 - y0, 1e-9)
        self.scale = (size - 2 * PAD) / span
        self.x0, self.y0, self.box = x0, y0, box
        self.width = math.ceil((x1 - x0) * self.scale + 2 * PAD)
        self.height = math.ceil((y1 - y0) * self.scale + 2 * PAD)
        self.topology = topology
        self._rounded: dict[int, list[tuple[int, int]]] = {}
        self._texts: dict[int, tuple[tuple[int, int], str, int]] = {}

    def pixel(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.x0) * self.scale + PAD, (y - self.y0) * self.scale + PAD

    def _rounded_arc(self, forward: int) -> list[tuple[int, int]]:
        """The arc in QUANTUM units, repeated points dropped."""
        rounded = self._rounded.get(forward)
        if rounded is None:
            step = self.scale / QUANTUM
            ox, oy = self.x0 * step - PAD / QUANTUM, self.y0 * step - PAD / QUANTUM
            rounded = []
            last = None
            for x, y in self.topology.arcs[forward]:
                point = (round(x * step - ox), round(y * step - oy))
                if point != last:
                    rounded.append(point)
                    last = point
            self._rounded[forward] = rounded
        return rounded

    def _moves(self, index: int) -> tuple[tuple[int, int], str, int]:
        """The arc (forwards for ``index`` >= 0, else backwards) as its first point, its relative moves as
        path text, and how many moves: shared by both features the arc bounds."""
        found = self._texts.get(index)
        if found is None:
            points = self._rounded_arc(index if index >= 0 else ~index)
            if index < 0:
                points = points[::-1]
            moves = [_MOVE.get(d) or _move(d) for d in _deltas(points)]
            found = (points[0], "".join(moves), len(moves))
            self._texts[index] = found
        return found

    def visible(self, polygon: Polygon) -> bool:
        x0, y0, x1, y1 = self.box
        b = polygon.box
        return not (b[2] < x0 or b[0] > x1 or b[3] < y0 or b[1] > y1)

    def outline(self, feature: Feature) -> str:
        """The feature's path data: every visible polygon's rings; rings that round to less than a
        triangle are dropped."""
        parts: list[str] = []
        for polygon in feature.polygons:
            if not self.visible(polygon):
                continue
            for ring in polygon.rings:
                pieces = [self._moves(i) for i in ring]
                if sum(count for _, _, count in pieces) < 3:
                    continue
                x, y = pieces[0][0]
                parts.append("M" + _number(x) + "," + _number(y) + "l" + "".join(t for _, t, _ in pieces) + "z")
        return "".join(parts)

    def lines(self, arcs: Iterable[int]) -> str:
        out = []
        for index in arcs:
            (x, y), text, count = self._moves(index)
            if count:
                out.append("M" + _number(x) + "," + _number(y) + "l" + text)
        return "".join(out)


def _deltas(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(points)]


def _number(units: int) -> str:
    """A coordinate in QUANTUM units (half pixels) as short text: 3 → "1.5", 4 → "2", -1 → "-.5"."""
    if units % 2 == 0:
        return str(units // 2)
    text = f"{units / 2:.1f}"
    return "." + text[2:] if text.startswith("0.") else "-." + text[3:] if text.startswith("-0.") else text


def _move(delta: tuple[int, int]) -> str:
    """One relative move as path text, led by a space unless its minus sign separates it."""
    a, b = _number(delta[0]), _number(delta[1])
    text = a + (b if b.startswith("-") else "," + b)
    return text if text.startswith("-") else " " + text


# Most moves are a few half pixels long: their text is made once.
_MOVE = {(x, y): _move((x, y)) for x in range(-24, 25) for y in range(-24, 25)}


# --- the atlas: every map of the site ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """One locator sheet: a prefecture's mainland, or a group of its far islands."""

    path: str  # in the site
    pref: str
    number: int  # 1 is the sheet holding the most municipalities
    count: int  # municipalities on it
    width: int
    height: int
    box: tuple[float, float, float, float]  # projected; the frame it is drawn in


@dataclass(frozen=True)
class Place:
    """Where a municipality is: its sheet, its ring on the map of Japan, and its part of the prefecture."""

    sheet: Sheet
    ring: tuple[float, float]  # centre of its ring on the overview map, px
    part: tuple[int, int] | None  # (row, column) of the sheet's 3 × 3 grid it lies in; None on a sheet of islands
    outside: bool  # some of its islands lie outside its sheet's frame


@dataclass(frozen=True)
class Overview:
    path: str
    width: int
    height: int


@dataclass
class Locators:
    """Where every locator drawing goes and where each municipality is on it: what the pages need. The
    drawings themselves are made by ``draw_locators``."""

    overview: Overview
    sheets: dict[str, list[Sheet]]  # by prefecture name, main sheet first
    places: dict[str, Place]  # by N03_007
    prefecture_ids: dict[str, str]  # prefecture name → id in the overview
    members: dict[str, tuple[str, ...]]  # a sheet's path → the N03_007 of its municipalities, in code order


@dataclass(frozen=True)
class Region:
    """One feature of a choropleth: its fill and what its tooltip says."""

    key: str  # N03_007 or the prefecture's name
    fill: str
    code: str  # the 6-digit code of its page ("" for none)
    name: str
    value: str


@dataclass(frozen=True)
class MapDrawing:
    """A choropleth to draw: every region's fill, the legend, and its texts."""

    level: Level
    regions: tuple[Region, ...]
    legend: tuple[tuple[str, str], ...]  # (label, colour)
    title: str
    description: str
    default: str = OUTSIDE_LIST_COLOUR  # for features that no region names (not in the list of governments)
    # What the image says of its data, drawn under the map (charts.credit_lines): its source and reference date,
    # unit, licence, the site's name and the map page's address, so that a saved map keeps them.
    credits: tuple[str, ...] = ()
    # The boundaries' credit, in the lines drawn under the map (MapFiles.request gives it).
    boundary_credit: tuple[str, ...] = ()

    @property
    def boundaries(self) -> str:
        return BOUNDARIES[self.level].path


class Atlas:
    """The decoded boundaries and the frames drawn from them, made once per build."""

    def __init__(self, topologies: Topologies) -> None:
        self.topologies = {level: Topology(topology_text(topologies, b.path), b) for level, b in BOUNDARIES.items()}
        self._country: dict[Level, tuple[Frame, list[str]]] = {}
        self._box: tuple[float, float, float, float] | None = None

    # country-wide frames
    def country_box(self) -> tuple[float, float, float, float]:
        """The frame of every map of the whole country: all land but far, lone islands, found among the
        polygons of the prefecture boundaries (a few hundred, where the municipal ones are thousands)."""
        if self._box is None:
            polygons = [p for f in self.topologies["prefecture"].features for p in f.polygons]
            groups = _clusters(polygons, COUNTRY_GAP_KM)
            kept = [g for g in groups if len(g) > 1] or groups
            x0, y0, x1, y1 = _union(polygons[i].box for g in kept for i in g)
            margin = 0.01 * max(x1 - x0, y1 - y0)  # the municipal outlines are less simplified
            self._box = (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
        return self._box

    def country(self, level: Level, size: int = CHOROPLETH_SIZE) -> tuple[Frame, list[str]]:
        """The frame of the whole country, and the features with islands outside it."""
        if size == CHOROPLETH_SIZE and level in self._country:
            return self._country[level]
        topology = self.topologies[level]
        box = self.country_box()
        frame = Frame(topology, box, size)
        outside = sorted({f.key for f in topology.features for p in f.polygons if not _inside(p.box, box)})
        if size == CHOROPLETH_SIZE:
            self._country[level] = (frame, outside)
        return frame, outside

    def choropleth(self, drawing: MapDrawing) -> str:
        """The map, its title above it and, under it, its data's credits and the boundaries' credit."""
        frame, _ = self.country(drawing.level)
        topology = self.topologies[drawing.level]
        regions = {r.key: r for r in drawing.regions}
        legend_height = 24 + 22 * len(drawing.legend)
        title = wrap(drawing.title, frame.width - 2 * PAD, TITLE_PX)
        top = TITLE_LINE_PX * len(title) + 8
        credits = [line for paragraph in drawing.credits for line in wrap_credit(paragraph, frame.width - 2 * PAD)]
        credit_height = CREDIT_LINE_PX * len(credits) + 14 * len(drawing.boundary_credit) + 8
        width, height = frame.width, top + frame.height + credit_height
        parts = [_svg_head(width, height, drawing.title, drawing.description, "".join(drawing.boundary_credit))]
        parts.append(f'<rect width="{width}" height="{height}" fill="#fff"/>')
        parts += [
            f'<text x="{PAD}" y="{TITLE_LINE_PX * (i + 1) - 2}" font-size="{TITLE_PX}px" font-weight="bold" '
            f'fill="#111">{escape(line)}</text>'
            for i, line in enumerate(title)
        ]
        parts.append(f'<g transform="translate(0,{top})">')
        stroke = "0.6" if drawing.level == "prefecture" else "0.25"
        parts.append(f'<g stroke="#fff" stroke-width="{stroke}" stroke-linejoin="round">')
        for feature in topology.features:
            d = frame.outline(feature)
            if not d:
                continue
            region = regions.get(feature.key)
            if region is None:
                parts.append(f'<path d="{d}" fill="{drawing.default}"/>')
                continue
            attributes = f' data-c="{escape(region.code)}"' if region.code else ""
            attributes += f' data-n="{escape(region.name)}" data-v="{escape(region.value)}"'
            parts.append(f'<path d="{d}" fill="{region.fill}"{attributes}/>')
        parts.append("</g>")
        if drawing.level == "municipality":
            borders = _shared_arcs(topology)
            parts.append(f'<path d="{frame.lines(borders)}" fill="none" stroke="#333" stroke-width="0.7"/>')
        parts.append(f'<g font-size="14" fill="#111">{_legend(drawing.legend, legend_height)}</g></g>')
        y = top + frame.height + 14
        parts += [
            f'<text x="{PAD}" y="{y + CREDIT_LINE_PX * i}" font-size="12px" fill="#222">{escape(line)}</text>'
            for i, line in enumerate(credits)
        ]
        y += CREDIT_LINE_PX * len(credits)
        parts += [
            f'<text x="{PAD}" y="{y + 14 * i}" font-size="11" fill="#333">{escape(line)}</text>'
            for i, line in enumerate(drawing.boundary_credit)
        ]
        parts.append("</svg>\n")
        return "".join(parts)

    # locators
    def locators(self, names: Mapping[str, tuple[str, str]], prefecture_codes: Mapping[str, str]) -> Locators:
        """The layout of the overview of the 47 prefectures and of every prefecture's sheets. ``names``:
        N03_007 → (6-digit code, name) of the governments that have pages; ``prefecture_codes``: prefecture
        name → its code. Needs only the polygons' boxes, not their outlines."""
        municipalities = self.topologies["municipality"]
        overview_frame, _ = self.country("prefecture", OVERVIEW_SIZE)
        overview = Overview(urls.locator_sheet("japan"), overview_frame.width, overview_frame.height)
        ids = {name: f"c{code}" for name, code in prefecture_codes.items()}
        result = Locators(overview, {}, {}, ids, {})
        by_pref: dict[str, list[Feature]] = {}
        for feature in municipalities.features:
            if feature.key in names:
                by_pref.setdefault(feature.pref, []).append(feature)
        pref_code_of = {name: code[:2] for name, code in prefecture_codes.items()}
        for pref, features in by_pref.items():
            result.sheets[pref] = self._sheets(pref, pref_code_of.get(pref, "00"), features, overview_frame, result)
        return result

    def _sheets(
        self, pref: str, pref_code: str, features: list[Feature], overview: Frame, result: Locators
    ) -> list[Sheet]:
        topology = self.topologies["municipality"]
        polygons = [(f, p) for f in features for p in f.polygons]
        groups = _clusters([p for _, p in polygons], SHEET_GAP_KM)
        group_of = {id(polygons[i][1]): n for n, g in enumerate(groups) for i in g}
        # A municipality belongs to the sheet of its largest polygon (by bounding box).
        home: dict[int, list[Feature]] = {}
        for feature in features:
            largest = max(feature.polygons, key=lambda p: (p.box[2] - p.box[0]) * (p.box[3] - p.box[1]))
            home.setdefault(group_of[id(largest)], []).append(feature)
        ordered = sorted(home.items(), key=lambda item: (-len(item[1]), min(f.key for f in item[1])))
        sheets = []
        for number, (group, members) in enumerate(ordered, start=1):
            members.sort(key=lambda f: f.key)
            box = _union(p.box for f in members for p in f.polygons if group_of[id(p)] == group)
            frame = Frame(topology, box, SHEET_SIZE)
            sheet = Sheet(
                urls.locator_sheet(f"{pref_code}-{number}"),
                pref,
                number,
                len(members),
                frame.width,
                frame.height,
                box,
            )
            sheets.append(sheet)
            result.members[sheet.path] = tuple(f.key for f in members)
            for feature in members:
                cx, cy = (feature.box[0] + feature.box[2]) / 2, (feature.box[1] + feature.box[3]) / 2
                result.places[feature.key] = Place(
                    sheet,
                    overview.pixel(cx, cy),
                    _part(frame, cx, cy) if number == 1 else None,
                    any(not _inside(p.box, box) for p in feature.polygons),
                )
        return sheets

    def draw_locators(
        self, layout: Locators, names: Mapping[str, tuple[str, str]], texts: LocatorTexts
    ) -> dict[str, str]:
        """The SVG of the overview and of every sheet of ``layout``."""
        overview_frame, _ = self.country("prefecture", OVERVIEW_SIZE)
        title, credit = texts.titles[layout.overview.path], texts.credits["prefecture"]
        files = {layout.overview.path: self._overview_svg(overview_frame, layout.prefecture_ids, title, credit)}
        topology = self.topologies["municipality"]
        for sheets in layout.sheets.values():
            for sheet in sheets:
                files[sheet.path] = self._sheet_svg(topology, sheet, layout.members[sheet.path], names, texts)
        return files

    def _sheet_svg(
        self,
        topology: Topology,
        sheet: Sheet,
        keys: tuple[str, ...],
        names: Mapping[str, tuple[str, str]],
        texts: LocatorTexts,
    ) -> str:
        frame = Frame(topology, sheet.box, SHEET_SIZE)
        groups = []
        for key in keys:
            feature = topology.by_key[key]
            code, name = names[key]
            fx0, fy0 = frame.pixel(feature.box[0], feature.box[1])
            fx1, fy1 = frame.pixel(feature.box[2], feature.box[3])
            ring = ""
            if max(fx1 - fx0, fy1 - fy0) < SMALL_FEATURE_PX:
                ring = f'<circle class="r" cx="{(fx0 + fx1) / 2:.1f}" cy="{(fy0 + fy1) / 2:.1f}" r="10"/>'
            groups.append(f'<g id="c{code}" data-n="{escape(name)}"><path d="{frame.outline(feature)}"/>{ring}</g>')
        title = texts.titles[sheet.path]
        return (
            _svg_head(frame.width, frame.height, title, title, texts.credits["municipality"])
            + "<style>g path{fill:"
            + LAND_COLOUR
            + ";stroke:#fff;stroke-width:.8;stroke-linejoin:round}g:target path{fill:"
            + HIGHLIGHT_COLOUR
            + ";stroke:#000;stroke-width:1.2}.r{display:none;fill:none;stroke:#000;stroke-width:2.5}"
            + "g:target .r{display:inline}</style>"
            + "".join(groups)
            + "</svg>\n"
        )

    def _overview_svg(self, frame: Frame, ids: Mapping[str, str], title: str, credit: str) -> str:
        topology = self.topologies["prefecture"]
        parts = [_svg_head(frame.width, frame.height, title, title, credit)]
        parts.append(
            "<style>path{fill:"
            + LAND_COLOUR
            + ";stroke:#fff;stroke-width:.5;stroke-linejoin:round}path:target{fill:"
            + HIGHLIGHT_COLOUR
            + ";stroke:#000;stroke-width:.8}</style>"
        )
        for feature in topology.features:
            d = frame.outline(feature)
            if d:
                identifier = ids.get(feature.key)
                attributes = f' id="{identifier}" data-n="{escape(feature.key)}"' if identifier else ""
                parts.append(f'<path d="{d}"{attributes}/>')
        parts.append("</svg>\n")
        return "".join(parts)


def _inside(inner: tuple[float, float, float, float], outer: tuple[float, float, float, float]) -> bool:
    slack = 1e-9
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def _part(frame: Frame, x: float, y: float) -> tuple[int, int]:
    """The cell of a 3 × 3 grid over the frame that holds (x, y): (0, 0) is the north-west."""
    x0, y0, x1, y1 = frame.box
    column = min(2, max(0, int(3 * (x - x0) / max(x1 - x0, 1e-9))))
    row = min(2, max(0, int(3 * (y - y0) / max(y1 - y0, 1e-9))))
    return row, column


def _shared_arcs(topology: Topology) -> list[int]:
    """The arcs on a boundary between two prefectures."""
    users: dict[int, set[str]] = {}
    for feature in topology.features:
        for polygon in feature.polygons:
            for ring in polygon.rings:
                for index in ring:
                    users.setdefault(index if index >= 0 else ~index, set()).add(feature.pref)
    return sorted(i for i, prefs in users.items() if len(prefs) > 1)


def _svg_head(width: int, height: int, title: str, description: str, credit: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title, quote=True)}" font-family="{escape(FONT)}">'
        f"<title>{escape(title)}</title><desc>{escape(description)} {escape(credit)}</desc>"
    )


def _legend(entries: Sequence[tuple[str, str]], height: int) -> str:
    if not entries:
        return ""
    width = 12 + max(len(label) for label, _ in entries) * 14 + 28
    out = [f'<rect x="{PAD}" y="{PAD}" width="{width}" height="{height - 8}" fill="#fff" fill-opacity="0.85"/>']
    for i, (label, colour) in enumerate(entries):
        y = PAD + 10 + 22 * i
        out.append(f'<rect x="{PAD + 8}" y="{y}" width="16" height="16" fill="{colour}" stroke="#555"/>')
        out.append(f'<text x="{PAD + 30}" y="{y + 13}">{escape(label)}</text>')
    return "".join(out)


def categorical_map(
    level: Level,
    values: Mapping[str, str],
    categories: Sequence[tuple[str, str]],
    default: str,
    title: str,
    legend_title: str,
    description: str,
) -> MapDrawing:
    """A map of categories: ``values`` maps a feature's key (5-digit code or prefecture name) to a label of
    ``categories`` ((label, colour) in legend order); features without a value get ``default``'s colour."""
    del legend_title  # the legend names the categories; the page titles the map
    colour = dict(categories)
    regions = tuple(
        Region(key, colour.get(label, NO_DATA_COLOUR), "", key, label) for key, label in sorted(values.items())
    )
    return MapDrawing(level, regions, tuple(categories), title, description, colour.get(default, NO_DATA_COLOUR))


@dataclass(frozen=True)
class LocatorTexts:
    """What the locator drawings say besides their shapes: each drawing's title, by its path (the overview and every
    sheet), and the credit of each level's boundaries."""

    titles: dict[str, str]
    credits: dict[Level, str]


def boundary_credits(path: str, text: str | None) -> tuple[dict[Level, str], list[Problem]]:
    """The credit each level's boundaries must carry, as their descriptor (``path``, its ``text``) declares it: a
    resource's own ``credit``, else the package's. A level without one is a problem: the licence requires it."""
    if text is None:
        return {}, [Problem(path, None, None, "missing: the map boundaries' descriptor, with the credit they require")]
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as error:
        return {}, [Problem(path, error.lineno, None, f"invalid JSON: {error.msg} (column {error.colno})")]
    if not isinstance(descriptor, dict):
        return {}, [Problem(path, None, None, "descriptor must be a JSON object")]
    resources = descriptor.get("resources")
    by_path = {r.get("path"): r for r in (resources if isinstance(resources, list) else []) if isinstance(r, dict)}
    credits: dict[Level, str] = {}
    problems: list[Problem] = []
    for level, boundaries in BOUNDARIES.items():
        declared = by_path.get(boundaries.path, {}).get(CREDIT_FIELD) or descriptor.get(CREDIT_FIELD)
        if isinstance(declared, str) and declared.strip():
            credits[level] = declared.strip()
        else:
            message = f"required: the credit the licence of the map boundaries {boundaries.path} requires on every map"
            problems.append(Problem(path, None, CREDIT_FIELD, message))
    return credits, problems


# An address in brackets, half- or full-width: "(https://…)" or "\uff08https://…\uff09".
_BRACKETED_ADDRESS = re.compile(r"([(\uff08]https?://[^)\uff09\s]*[)\uff09])")


def credit_lines(credit: str, processed: str) -> tuple[str, ...]:
    """A boundaries' credit as drawn under a map: each address in brackets on a line of its own (it cannot be
    broken), the rest between them, and ``processed`` (what this site did to the boundaries) last."""
    pieces = _BRACKETED_ADDRESS.split(credit)
    return (*(piece for piece in pieces if piece), processed)


def topology_text(topologies: Topologies, boundaries: str) -> str:
    """The boundaries' TopoJSON as loaded (read-only reference data, checked by its SHA-256 in
    tests/test_reference_data.py)."""
    if boundaries not in topologies:
        raise LookupError(f"the map boundaries reference/topojson/{boundaries} were not loaded")
    return topologies[boundaries]


# --- classes for numbers ----------------------------------------------------------------------------------------------


def quantile_breaks(values: Iterable[float], classes: int = len(SEQUENTIAL)) -> list[float]:
    """Lower bounds of up to ``classes`` classes holding about as many values each (the first is the
    minimum); repeated bounds are merged."""
    ordered = sorted(values)
    if not ordered:
        return []
    breaks: list[float] = []
    for k in range(classes):
        bound = ordered[min(len(ordered) - 1, (k * len(ordered)) // classes)]
        if not breaks or bound > breaks[-1]:
            breaks.append(bound)
    return breaks


def class_of(value: float, breaks: Sequence[float]) -> int:
    index = 0
    for i, bound in enumerate(breaks):
        if value >= bound:
            index = i
    return index


def sequential_colours(count: int) -> list[str]:
    """``count`` colours spread over the sequential scale, light to dark."""
    if count <= 1:
        return [SEQUENTIAL[-2]]
    last = len(SEQUENTIAL) - 1
    return [SEQUENTIAL[round(i * last / (count - 1))] for i in range(count)]


# --- map files --------------------------------------------------------------------------------------------------------


class MapFiles:
    """The maps of a build. The pages need only their layout (``locators``, cheap, here); the drawings are
    requested while the pages render, handed to a chart worker in one batch by ``start`` (so that they are
    drawn while the government pages render), or drawn here by ``collect`` when no worker runs. Every drawing
    is cached by its content."""

    def __init__(
        self,
        cache: Cache,
        renderer: ImageRenderer | None,
        topologies: Topologies,
        credits: Mapping[Level, str],
        words: Strings,
        site_name: str = "",
        base_url: str | None = None,
    ) -> None:
        """``credits``: each level's boundaries' credit (``boundary_credits``); ``words``: the string catalogue."""
        self._cache, self._renderer, self._topologies = cache, renderer, topologies
        self._words = words
        processed = words("localgov.map_processed")
        self._credit_lines = {
            level: credit_lines(words("localgov.map_source", source=credit), processed)
            for level, credit in credits.items()
        }
        # What the maps' credits name (charts.credit_lines): the site, and the map page's address when known.
        self.site_name, self.base_url = site_name, base_url
        self._atlas: Atlas | None = None
        self._requested: dict[str, tuple[str, MapDrawing]] = {}
        self._locators: tuple[str, Locators, dict[str, tuple[str, str]], LocatorTexts] | None = None
        self._pending: Pending[dict[str, Any]] | None = None
        self._batch: set[str] = set()  # the paths the pending batch draws

    @property
    def atlas(self) -> Atlas:
        if self._atlas is None:
            self._atlas = Atlas(self._topologies)
        return self._atlas

    def _key(self, *parts: str) -> str:
        texts = [topology_text(self._topologies, b.path) for b in BOUNDARIES.values()]
        return digest("map", code_fingerprint(), *texts, *parts)

    def credit(self, *levels: Level) -> str:
        """The credit of the boundaries of ``levels``, as the pages print it beside a map (each different one once)."""
        texts = list(dict.fromkeys("".join(self._lines(level)) for level in levels))
        return self._words("list_separator").join(texts)

    def _lines(self, level: Level) -> tuple[str, ...]:
        if level not in self._credit_lines:
            raise LookupError(f"no credit declared for the map boundaries reference/topojson/{BOUNDARIES[level].path}")
        return self._credit_lines[level]

    def request(self, path: str, drawing: MapDrawing) -> None:
        topology_text(self._topologies, drawing.boundaries)  # a missing boundary file is named at once
        drawing = dataclasses.replace(drawing, boundary_credit=self._lines(drawing.level))
        self._requested[path] = (self._key(repr(drawing)), drawing)

    def locators(self, names: Mapping[str, tuple[str, str]], prefecture_codes: Mapping[str, str]) -> Locators:
        """The layout of the locator maps (see ``Atlas.locators``); their drawings come with ``collect``."""
        layout = self.atlas.locators(names, prefecture_codes)
        titles = {layout.overview.path: self._words("localgov.overview_title")}
        for sheets in layout.sheets.values():
            for sheet in sheets:
                titles[sheet.path] = self._words("localgov.sheet_title", prefecture=sheet.pref, count=sheet.count)
        texts = LocatorTexts(titles, {level: self.credit(level) for level in BOUNDARIES})
        key = self._key("locators", repr(sorted(names.items())), repr(sorted(prefecture_codes.items())), repr(texts))
        self._locators = (key, layout, dict(names), texts)
        return layout

    def country_outside(self, level: Level) -> list[str]:
        """The features with islands outside the frame of a map of the whole country."""
        return self.atlas.country(level)[1]

    def unlisted(self, level: Level, keys: Iterable[str]) -> int:
        """How many features of the boundaries have none of ``keys`` (drawn in OUTSIDE_LIST_COLOUR)."""
        known = set(keys)
        return sum(1 for f in self.atlas.topologies[level].features if f.key not in known)

    def start(self) -> None:
        """Hand every drawing requested so far and not in the cache to a worker, as one batch."""
        if self._renderer is None or self._pending is not None:
            return
        drawings = tuple((p, d) for p, (k, d) in sorted(self._requested.items()) if not self._cache.has("maps", k))
        layout = self._locators if self._locators and not self._cache.has("maps", self._locators[0]) else None
        if not drawings and layout is None:
            return
        job = (dict(self._topologies), drawings, None if layout is None else (layout[1], layout[2], layout[3]))
        self._pending = self._renderer.submit(draw_batch, job, first=True)  # the longest job: started next
        self._batch = {p for p, _ in drawings}

    def collect(self) -> dict[str, bytes]:
        """Every map: each choropleth as SVG and as PNG (twice its size, for print), and the locator drawings."""
        drawn = self._pending.get() if self._pending is not None else {}
        files: dict[str, bytes] = {}
        for path, (key, drawing) in sorted(self._requested.items()):
            svg, png = self._cache.get("maps", key), self._cache.get("maps", key + ".png")
            if svg is None or png is None:
                if path in self._batch:
                    svg, png = drawn[path].encode("utf-8"), drawn[path + PNG]
                else:
                    svg, png = draw_choropleth(self.atlas, drawing)
                self._cache.put("maps", key, svg)
                self._cache.put("maps", key + ".png", png)
            files[path] = svg
            files[path.removesuffix(".svg") + ".png"] = png
        if self._locators is not None:
            key, layout, names, texts = self._locators
            bundle = self._cache.get("maps", key)
            if bundle is None:
                svgs = (
                    {p: t for p, t in drawn.items() if p not in self._batch and not p.endswith(PNG)}
                    if drawn
                    else self.atlas.draw_locators(layout, names, texts)
                )
                bundle = json.dumps(svgs, ensure_ascii=False, sort_keys=True).encode("utf-8")
                self._cache.put("maps", key, bundle)
            files.update({p: t.encode("utf-8") for p, t in json.loads(bundle).items()})
        return files


PNG = "\0png"  # a drawing's PNG, in a batch's results: its path and this


def draw_choropleth(atlas: Atlas, drawing: MapDrawing) -> tuple[bytes, bytes]:
    """A choropleth's SVG, and its PNG rasterised from it at twice its size (vl-convert's resvg)."""
    import vl_convert

    svg = atlas.choropleth(drawing)
    return svg.encode("utf-8"), vl_convert.svg_to_png(svg, scale=2)


_WORKER_ATLAS: dict[str, Atlas] = {}  # in a chart worker: the atlas of the boundaries it was last given


def draw_batch(
    job: tuple[
        dict[str, str],
        tuple[tuple[str, MapDrawing], ...],
        tuple[Locators, dict[str, tuple[str, str]], LocatorTexts] | None,
    ],
) -> dict[str, Any]:
    """Every drawing of a batch, by path, SVG text; a choropleth's PNG at its path + PNG (run in a chart worker)."""
    topologies, drawings, locators = job
    key = digest("atlas", *(part for name, text in sorted(topologies.items()) for part in (name, text)))
    atlas = _WORKER_ATLAS.get(key)
    if atlas is None:
        _WORKER_ATLAS.clear()
        atlas = _WORKER_ATLAS[key] = Atlas(topologies)
    out: dict[str, Any] = {}
    for path, drawing in drawings:
        svg, out[path + PNG] = draw_choropleth(atlas, drawing)
        out[path] = svg.decode("utf-8")
    if locators is not None:
        out.update(atlas.draw_locators(*locators))
    return out
