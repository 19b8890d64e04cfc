"""Runs in pool processes: turns a Vega-Lite spec (JSON text) into SVG text and PNG bytes.

Kept free of the rest of the build so that spawned workers import only vl-convert.
"""

from __future__ import annotations

import json

import vl_convert


def render_images(spec_json: str) -> tuple[str, bytes]:
    spec = json.loads(spec_json)
    svg: str = vl_convert.vegalite_to_svg(spec, format_locale="ja-JP")
    # Rasterising the SVG already laid out is about three times faster than rendering the spec again.
    png: bytes = vl_convert.svg_to_png(svg, scale=2)
    return svg, png
