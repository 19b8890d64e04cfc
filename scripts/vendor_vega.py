#!/usr/bin/env python3
"""Regenerate the vendored chart scripts: templates/static/vendor/vega.js.

    .venv/bin/python scripts/vendor_vega.py          # rewrite the file
    .venv/bin/python scripts/vendor_vega.py --check  # exit 1 when the file is not what vl-convert produces

The bundle (Vega, Vega-Lite and vega-embed with their dependencies) comes from the pinned
vl-convert-python's ``javascript_bundle()``. Producing it takes about 1.5 s, so it is made once here
and committed instead of on every build. Run this after changing the vl-convert-python pin; the
test suite fails while the file is stale (tests/test_vendor.py).
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

VENDORED = Path(__file__).resolve().parent.parent / "templates" / "static" / "vendor" / "vega.js"


def expected_bundle() -> str:
    import vl_convert

    bundle: str = vl_convert.javascript_bundle()  # type: ignore[call-arg]
    header = (
        "/*! Vega, Vega-Lite and vega-embed with their dependencies, bundled by vl-convert-python "
        f"{version('vl-convert-python')} (javascript_bundle()). "
        "Licences and copyright notices: LICENSES-vega.txt in this folder. */\n"
    )
    return header + bundle + "\n"


def main(argv: list[str]) -> int:
    expected = expected_bundle()
    if argv[1:] == ["--check"]:
        current = VENDORED.read_text(encoding="utf-8") if VENDORED.is_file() else ""
        if current != expected:
            print(f"{VENDORED}: stale; run scripts/vendor_vega.py", file=sys.stderr)
            return 1
        return 0
    VENDORED.parent.mkdir(parents=True, exist_ok=True)
    VENDORED.write_text(expected, encoding="utf-8")
    print(f"wrote {VENDORED} ({len(expected.encode('utf-8')):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
