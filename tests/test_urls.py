"""One URL scheme (datasite/urls.py): Python builds every published address with it, templates call the same
functions, and each function names a file the golden site publishes."""

from __future__ import annotations

import re
from pathlib import Path

from datasite import urls
from tests.conftest import FIXTURES, ROOT
from tests.test_site_specific import tokens

PUBLISHED = set((FIXTURES / "golden" / "expected" / "_files.txt").read_text(encoding="utf-8").split())
# The site's folders: a string literal of datasite/ that starts a path in one of them builds an address by hand.
FOLDERS = ("datasets", "areas", "charts", "indicators", "measures", "programmes", "goals", "local-governments", "maps")
BY_HAND = re.compile(rf"""^[rbfu]*["'](?:\{{[^}}]*\}})?(?:{"|".join(FOLDERS)})/""")


def test_each_address_is_one_the_golden_site_publishes() -> None:
    examples = [
        urls.HOME,
        urls.DATASETS,
        urls.CATALOGUE_JSON,
        urls.PROGRAMMES,
        urls.GLOSSARY,
        urls.LOCAL_GOVERNMENTS,
        urls.GOVERNMENTS_JSON,
        urls.FEED,
        urls.ALL_DATA,
        urls.CATALOG,
        urls.dataset("sample-consultations"),
        urls.dataset_file("sample-consultations", "consultations.csv"),
        urls.area("hikikomori"),
        urls.logic_model(""),
        urls.review(""),
        urls.indicator("", "indicator-1"),
        urls.measure("", "measure-1"),
        urls.programme("consultation-desk"),
        urls.prose_page("page", "about"),
        urls.government("312011"),
        urls.chart_image("sample-consultations", "consultations-trend", ".svg"),
        urls.progress_chart(urls.progress_folder(), "indicator-1") + ".vl.json",
    ]
    assert [address for address in examples if address not in PUBLISHED] == []
    assert urls.table("p", "r") == "datasets/p/index.html#p-r"
    assert urls.goal("goals/first/") == "goals/first/index.html"
    assert urls.GROUPS == "local-governments/groups/index.html"  # the golden site has no peer groups
    assert urls.MAPS == "maps/index.html"  # nor maps
    assert urls.SELF_CHECK == "local-governments/self-check.html"  # nor source figures to check oneself against
    assert urls.progress_folder("first") == "indicators/first"


def test_no_address_is_built_by_hand_outside_the_url_module() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{token.line}: {token.text}"
        for path in sorted((ROOT / "datasite").rglob("*.py"))
        if path.name != "urls.py"
        for token in tokens(path)
        if token.kind == "code" and BY_HAND.match(token.text)
    ]
    assert found == [], "\n".join(found)


def test_the_check_sees_an_address_built_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "x.py"
    path.write_text('A = f"datasets/{name}/index.html"\nB = "maps/index.html"\nC = "a datasets/ word"\n')
    assert [t.text for t in tokens(path) if t.kind == "code" and BY_HAND.match(t.text)] == [
        'f"datasets/{name}/index.html"',
        '"maps/index.html"',
    ]


def test_scripts_take_addresses_from_the_page() -> None:
    """A script fills a code or a name into an address the page gives it (data-page, data-dataset), never
    joins one itself."""
    scripts = sorted((ROOT / "templates" / "static").glob("*.js"))
    joined = re.compile(r"""\+\s*["'][^"']*\.html["']|["']/index\.html["']""")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in scripts
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1)
        if joined.search(line)
    ]
    assert len(scripts) >= 5 and found == [], "\n".join(found)
