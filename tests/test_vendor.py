"""The vendored chart scripts are exactly what the pinned vl-convert produces, and ship with their licences."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "templates" / "static" / "vendor"


def _vendor_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vendor_vega", ROOT / "scripts" / "vendor_vega.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_vendored_bundle_is_what_the_pinned_vl_convert_produces() -> None:
    vendored = (VENDOR / "vega.js").read_text(encoding="utf-8")
    assert vendored == _vendor_script().expected_bundle(), "stale: run scripts/vendor_vega.py"


def test_licence_notice_covers_the_main_libraries_and_is_published(real_site: Path) -> None:
    notice = (VENDOR / "LICENSES-vega.txt").read_text(encoding="utf-8")
    for name in ("vega", "vega-lite", "vega-embed"):
        assert re.search(rf"^{re.escape(name)} \d", notice, re.MULTILINE), name
    assert "BSD" in notice and "Redistribution and use" in notice
    published = real_site / "assets" / "vendor"
    assert (published / "LICENSES-vega.txt").read_bytes() == (VENDOR / "LICENSES-vega.txt").read_bytes()
    assert (published / "vega.js").read_bytes().startswith(b"/*! Vega")
    chart_page = (real_site / "datasets" / "hikikomori-consultations" / "index.html").read_text(encoding="utf-8")
    assert 'src="../../assets/vendor/vega.js"' in chart_page
