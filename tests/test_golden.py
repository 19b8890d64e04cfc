"""The golden fixture site, file by file. Regenerate deliberately with `make golden` and review the diff."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from datasite import addresses
from tests.conftest import FIXTURES, tree_digest

EXPECTED = FIXTURES / "golden" / "expected"
ADDRESSES = FIXTURES / "golden" / "addresses.txt"  # the golden site's list of published addresses (docs/addresses.md)
# Rendered images depend on the machine's font rasteriser, and the Vega bundle on vl-convert:
# their presence is compared, their bytes are covered by the determinism test.
BINARY_SUFFIXES = (".png", ".svg")
OPAQUE = {"assets/vendor/vega.js"}
LISTING = "_files.txt"


def _comparable(name: str) -> bool:
    return not name.endswith(BINARY_SUFFIXES) and name not in OPAQUE


def test_golden_site_matches(golden_site: Path) -> None:
    built = sorted(tree_digest(golden_site))
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        EXPECTED.mkdir(parents=True)
        (EXPECTED / LISTING).write_text("\n".join(built) + "\n", encoding="utf-8")
        for name in filter(_comparable, built):
            target = EXPECTED / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((golden_site / name).read_bytes())
    assert built == (EXPECTED / LISTING).read_text(encoding="utf-8").split()
    for name in filter(_comparable, built):
        assert (golden_site / name).read_bytes() == (EXPECTED / name).read_bytes(), f"{name} differs from golden"


def test_golden_list_of_addresses_is_what_the_golden_site_publishes(golden_site: Path) -> None:
    """What `make addresses` would record for the golden site, regenerated with the fixture."""
    files = (path.relative_to(golden_site).as_posix() for path in golden_site.rglob("*") if path.is_file())
    text = addresses.list_text([], files)
    if os.environ.get("UPDATE_GOLDEN"):
        ADDRESSES.write_text(text, encoding="utf-8")
    assert ADDRESSES.read_text(encoding="utf-8") == text
