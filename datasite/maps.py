"""Choropleth maps of Japan as static SVG: a Vega-Lite geoshape spec over the TopoJSON in
``reference/topojson/`` (read by ``load``, handed down as text), rendered at build time by vl-convert.

The TopoJSON goes into the spec inline (``data.values`` with ``format: topojson``) and never into a
page: each map is one SVG file shown with ``<img>``. Vega writes coordinates to three decimals, which
makes the municipality map 3.5 MB; the outlines are rounded to half a pixel of the drawn map and
repeated points dropped, which keeps it near half a megabyte (about 45 KB gzipped) with no visible
change. Rounding is a further processing of the boundaries, so the credit line says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any, Literal

import vl_convert

from .cache import Cache, code_fingerprint, digest
from .chart_worker import ImageRenderer, Pending
from .charts import FONT

Level = Literal["prefecture", "municipality"]
Topologies = Mapping[str, str]  # TopoJSON text by its path under reference/topojson (load.LoadedInput.topologies)


@dataclass(frozen=True)
class Boundaries:
    path: str  # under reference/topojson
    feature: str
    key: str  # the property that joins a feature to our rows
    description: str


BOUNDARIES: dict[Level, Boundaries] = {
    "prefecture": Boundaries("s0001/prefectures.json", "prefectures", "N03_001", "都道府県名（N03_001）"),
    "municipality": Boundaries(
        "s0010/N03-21_210101_designated_city.json", "N03-21_210101", "N03_007", "行政区域コード5桁（N03_007）"
    ),
}
CREDIT = (
    "出典：国土数値情報（行政区域データ）（国土交通省）（https://nlftp.mlit.go.jp/ksj/gml/datalist/KsjTmplt-N03-v3_0.html）"
    "をスマートニュース メディア研究所が加工したもの（smartnews-smri/japan-topography）を利用"
)
FURTHER_PROCESSING = "（本プロジェクトがさらに加工：地図画像として描画し、境界線の座標を丸めた）"
CREDIT_LINES = (
    "出典：国土数値情報（行政区域データ）（国土交通省）",
    "（https://nlftp.mlit.go.jp/ksj/gml/datalist/KsjTmplt-N03-v3_0.html）",
    "をスマートニュース メディア研究所が加工したもの（smartnews-smri/japan-topography）を利用",
    FURTHER_PROCESSING,
)
NO_DATA_COLOUR = "#c8c8c8"
SIZE = 520
QUANTUM = 0.5  # px: outlines are rounded to this


@dataclass(frozen=True)
class MapDrawing:
    """A map to draw: its spec (the TopoJSON left out, as "TOPOJSON") and the boundaries it needs."""

    spec_text: str
    boundaries: str  # the TopoJSON's path under reference/topojson
    title: str
    description: str


def credit() -> str:
    return CREDIT + FURTHER_PROCESSING


def topology_text(topologies: Topologies, boundaries: str) -> str:
    """The boundaries' TopoJSON as loaded (read-only reference data, checked by its SHA-256 in
    tests/test_reference_data.py)."""
    if boundaries not in topologies:
        raise LookupError(f"the map boundaries reference/topojson/{boundaries} were not loaded")
    return topologies[boundaries]


def categorical_map(
    level: Level,
    values: dict[str, str],
    categories: list[tuple[str, str]],
    default: str,
    title: str,
    legend_title: str,
    description: str,
) -> MapDrawing:
    """Every feature filled by its category; features without a value get ``default`` (which must be
    one of ``categories``, given as (label, colour) in legend order)."""
    colour: dict[str, Any] = {
        "field": "v",
        "type": "nominal",
        "title": legend_title or None,
        "scale": {"domain": [c for c, _ in categories], "range": [c for _, c in categories]},
        "legend": {"orient": "top-left", "labelLimit": 300, "symbolType": "square"},
    }
    return _drawing(level, values, default, colour, title, description)


def numeric_map(level: Level, values: dict[str, float], title: str, legend_title: str, description: str) -> MapDrawing:
    """A sequential fill; features without a value are grey (not in the legend: say so beside the map)."""
    colour: dict[str, Any] = {
        "condition": {
            "test": "isValid(datum.v)",
            "field": "v",
            "type": "quantitative",
            "title": legend_title or None,
            "scale": {"scheme": "blues"},
            "legend": {"orient": "top-left", "format": ",~f"},
        },
        "value": NO_DATA_COLOUR,
    }
    return _drawing(level, values, None, colour, title, description)


def _drawing(
    level: Level,
    values: dict[str, Any],
    default: str | None,
    colour: dict[str, Any],
    title: str,
    description: str,
) -> MapDrawing:
    boundaries = BOUNDARIES[level]
    rows = [{"k": key, "v": value} for key, value in sorted(values.items())]
    lookup: dict[str, Any] = {"lookup": f"properties.{boundaries.key}", "from": {"data": {"values": rows}, "key": "k"}}
    lookup["from"]["fields"] = ["v"]
    if default is not None:
        lookup["default"] = default
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": title, "subtitle": list(CREDIT_LINES), "anchor": "start"},
        "description": description,
        "width": SIZE,
        "height": SIZE,
        "data": {"values": "TOPOJSON", "format": {"type": "topojson", "feature": boundaries.feature}},
        "transform": [lookup],
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.4 if level == "prefecture" else 0.15},
        "encoding": {"color": colour},
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "title": {"fontSize": 15, "color": "#111", "subtitleFontSize": 10, "subtitleColor": "#333"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#222", "titleColor": "#222"},
            "mark": {"invalid": None},
        },
    }
    return MapDrawing(json.dumps(spec, ensure_ascii=False, sort_keys=True), boundaries.path, title, description)


def draw(job: tuple[MapDrawing, str]) -> str:
    """The map's labelled SVG from the drawing and its boundaries' TopoJSON text (run in chart workers)."""
    drawing, topology = job
    spec = json.loads(drawing.spec_text)
    spec["data"]["values"] = json.loads(topology)
    svg: str = vl_convert.vegalite_to_svg(spec, format_locale="ja-JP")
    return _label(shrink(svg), drawing.title, drawing.description)


class MapFiles:
    """Maps requested while the pages render, drawn in the chart workers (or taken from the cache);
    ``collect`` waits for them."""

    def __init__(self, cache: Cache, renderer: ImageRenderer, topologies: Topologies) -> None:
        self._cache, self._renderer, self._topologies = cache, renderer, topologies
        self._requested: dict[str, tuple[str, bytes | None, Pending[str] | None]] = {}

    def request(self, path: str, drawing: MapDrawing) -> None:
        topology = topology_text(self._topologies, drawing.boundaries)
        key = digest("map", code_fingerprint(), drawing.spec_text, drawing.title, drawing.description, topology)
        cached = self._cache.get("maps", key)
        pending = None if cached is not None else self._renderer.submit(draw, (drawing, topology))
        self._requested[path] = (key, cached, pending)

    def collect(self) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        for path, (key, cached, pending) in sorted(self._requested.items()):
            if cached is None and pending is not None:
                cached = pending.get().encode("utf-8")
                self._cache.put("maps", key, cached)
            files[path] = cached or b""
        return files


_GEOSHAPE = re.compile(
    r'<path aria-label="[^"]*" role="graphics-symbol" aria-roledescription="geoshape" transform="translate\(0,0\)"'
)
_PATH_DATA = re.compile(r' d="([MLZ0-9.,e\-]+)"')
_SEGMENT = re.compile(r"([MLZ])([^MLZ]*)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def shrink(svg: str) -> str:
    """Smaller outlines: per-feature ARIA attributes dropped (the <img> has the text alternative),
    coordinates rounded to QUANTUM px and written relative, repeated points dropped."""
    svg = _GEOSHAPE.sub("<path", svg)
    return _PATH_DATA.sub(lambda m: f' d="{_path(m.group(1))}"', svg)


def _path(d: str) -> str:
    out: list[str] = []
    current: tuple[float, float] = (0.0, 0.0)
    start = current
    relative = False
    for command, body in _SEGMENT.findall(d):
        if command == "Z":
            out.append("z")
            current, relative = start, False
            continue
        numbers = [float(n) for n in _NUMBER.findall(body)]
        for index, (x, y) in enumerate(zip(numbers[0::2], numbers[1::2], strict=False)):
            point = (round(x / QUANTUM) * QUANTUM, round(y / QUANTUM) * QUANTUM)
            if command == "M" and index == 0:
                out.append("M" + _pair(*point))
                current = start = point
                relative = False
                continue
            if point == current:
                continue
            pair = _pair(point[0] - current[0], point[1] - current[1])
            out.append(pair if relative and pair.startswith("-") else (" " if relative else "l") + pair)
            current, relative = point, True
    return "".join(out)


def _pair(x: float, y: float) -> str:
    a, b = _number(x), _number(y)
    return a + (b if b.startswith("-") else "," + b)


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _label(svg: str, title: str, description: str) -> str:
    head, sep, rest = svg.partition(">")
    heading = f"<title>{escape(title)}</title><desc>{escape(description)} {escape(credit())}</desc>"
    return f'{head} role="img" aria-label="{escape(title, quote=True)}"{sep}{heading}{rest}'
