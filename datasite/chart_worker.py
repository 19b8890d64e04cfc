"""Runs in pool processes: turns a Vega-Lite spec (JSON text) into SVG text and PNG bytes.

Kept free of the rest of the build so that spawned workers import only vl-convert.
"""

from __future__ import annotations

import json

import vl_convert


def render_images(spec_json: str) -> tuple[str, bytes]:
    spec = json.loads(spec_json)
    svg: str = vl_convert.vegalite_to_svg(spec, format_locale="ja-JP")
    png: bytes = vl_convert.vegalite_to_png(spec, scale=2, format_locale="ja-JP")
    return svg, png
