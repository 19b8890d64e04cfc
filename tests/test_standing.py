"""Issue 16: the pages say only what the sheet says, read against the data the site publishes.

Every statement of the logic model is tagged on the page with ``data-standing`` (資料の記載, 資料からの再構成
or このサイトによる整理) and ``data-statement`` (the row it comes from). These tests read the built pages and
the published CSVs (``datasets/<package>/``) side by side:

* a tag's standing equals its row's standing in the data, and the reader sees the label;
* every mention of 「資料」 on the logic-model, indicator, measure and review pages (and the home page's
  headlines) sits in a tagged statement — a 「資料の記載」 claim only in a statement printed in the sheet;
  a claim that the sheet lacks something (「資料に目標値なし」) only where the data is empty;
* no page says 「資料上」 or 「資料のとおり」;
* the build's own vocabulary (extraction, line numbers, resource names, true/false) stays off those pages.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

PRINTED, RECONSTRUCTED, INFERRED = "資料の記載", "資料からの再構成", "このサイトによる整理"
STANDINGS = (PRINTED, RECONSTRUCTED, INFERRED)
SITE_WORDS = {"note", "notes", "basis", "standing_basis", "pairing_basis"}  # the site's own words (standing.py)
STATEMENT_PAGES = ("logic-model/*.html", "indicators/*.html", "measures/*.html", "review/index.html", "index.html")


# --------------------------------------------------------------------------- a small DOM


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def visible_label(self) -> str:
        """What a reader sees of a standing tag: a <details> shows its <summary> until opened."""
        if self.tag == "details":
            summary = next((c for c in self.children if isinstance(c, Node) and c.tag == "summary"), None)
            return summary.text() if summary else ""
        return self.text()

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def texts(self) -> Iterator[tuple[Node, str]]:
        for child in self.children:
            if isinstance(child, str):
                yield self, child
            elif child.tag not in ("script", "style"):
                yield from child.texts()

    def ancestor_with(self, attribute: str) -> Node | None:
        node: Node | None = self
        while node is not None and attribute not in node.attrs:
            node = node.parent
        return node


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(path: Path) -> Node:
    builder = _Builder()
    builder.feed(path.read_text(encoding="utf-8"))
    return builder.root


def main_of(page: Node) -> Node:
    return next(n for n in page.walk() if n.tag == "main")


# --------------------------------------------------------------------------- the published data


@dataclass
class Table:
    keys: list[str]
    rows: dict[str, dict[str, str]]


def published_tables(site: Path) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for descriptor_path in sorted((site / "datasets").glob("*/datapackage.json")):
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        for resource in descriptor["resources"]:
            key = resource["schema"].get("primaryKey") or [resource["schema"]["fields"][0]["name"]]
            keys = [key] if isinstance(key, str) else list(key)
            with (descriptor_path.parent / resource["path"]).open(encoding="utf-8-sig") as stream:
                rows = {"|".join(row[k] for k in keys): row for row in csv.DictReader(stream)}
            tables[f"{descriptor['name']}/{resource['name']}"] = Table(keys, rows)
    return tables


def row_standing(row: dict[str, str]) -> str:
    if row.get("standing") in STANDINGS:
        return row["standing"]
    return RECONSTRUCTED if row.get("reconstructed") == "true" else PRINTED


def standing_of(statement: str, tables: dict[str, Table], review: dict[int, object]) -> str:
    """The standing the published data gives the statement a page cites (an AssertionError if it is not there)."""
    if statement.startswith("review.json#"):
        assert int(statement.removeprefix("review.json#")) in review, statement
        return INFERRED  # the review's results are the site's own judgement
    resource, _, rest = statement.partition("#")
    assert resource in tables, f"{statement}: no published table {resource}"
    if not rest:
        return INFERRED  # a table's description and notes are the site's words
    key, _, field_name = rest.partition("/")
    row = tables[resource].rows.get(key)
    assert row is not None, f"{statement}: no row {key!r} in {resource}"
    if field_name:
        assert field_name in row, f"{statement}: no field {field_name}"
        if field_name in SITE_WORDS:
            return INFERRED
    return row_standing(row)


@pytest.fixture(scope="module")
def tables(real_site: Path) -> dict[str, Table]:
    return published_tables(real_site)


@pytest.fixture(scope="module")
def review(real_site: Path) -> dict[int, object]:
    data = json.loads((real_site / "review.json").read_text(encoding="utf-8"))
    return {item["number"]: item for item in data["items"]}


def statement_pages(site: Path) -> list[Path]:
    return sorted(path for pattern in STATEMENT_PAGES for path in site.glob(pattern))


# --------------------------------------------------------------------------- every page against the data


def test_every_tag_matches_the_data(real_site: Path, tables: dict[str, Table], review: dict[int, object]) -> None:
    """A tagged statement's standing is its row's standing, and a standing tag shows its label to the reader."""
    checked = 0
    for path in statement_pages(real_site):
        for node in main_of(parse(path)).walk():
            claimed = node.attrs.get("data-standing")
            if claimed is None:
                continue
            where = f"{path.relative_to(real_site)}: {node.attrs.get('data-statement')}"
            assert claimed in STANDINGS, where
            assert standing_of(node.attrs.get("data-statement", ""), tables, review) == claimed, where
            if "standing" in node.attrs.get("class", "").split():
                assert node.visible_label().startswith(claimed), f"{where}: the label is not shown"
            checked += 1
    assert checked > 300, f"only {checked} tagged statements: the pages lost their tags"


def test_every_mention_of_the_source_is_a_tagged_statement(
    real_site: Path, tables: dict[str, Table], review: dict[int, object]
) -> None:
    """「資料」 on these pages appears only in a statement whose standing the reader sees and the data confirms."""
    for path in statement_pages(real_site):
        main = main_of(parse(path))
        for parent, text in main.texts():
            if "資料" not in text:
                continue
            where = f"{path.relative_to(real_site)}: {text.strip()[:60]}"
            if any("source" in a.attrs.get("class", "").split() for a in [parent, *_ancestors(parent)]):
                continue  # a citation (出典：…／原資料：…) names a document; it says nothing about its content
            holder = parent.ancestor_with("data-standing") or parent.ancestor_with("data-absent")
            legend = parent.ancestor_with("data-standing-legend")
            if legend is not None and (holder is None or any(a is legend for a in _ancestors(holder))):
                continue  # the legend explains the three standings; it states nothing about the sheet
            assert holder is not None, f"{where}: 「資料」 outside any tagged statement"
            if "data-absent" in holder.attrs and "data-standing" not in holder.attrs:
                _assert_absent(holder, tables, where)
                continue
            standing = holder.attrs["data-standing"]
            if PRINTED in text:
                assert standing == PRINTED, f"{where}: 「資料の記載」 said of a statement that is {standing}"
            if standing != PRINTED:
                assert standing in holder.text(), f"{where}: a {standing} statement that does not say so"


def _ancestors(node: Node) -> list[Node]:
    out: list[Node] = []
    current = node.parent
    while current is not None:
        out.append(current)
        current = current.parent
    return out


def _assert_absent(holder: Node, tables: dict[str, Table], where: str) -> None:
    """「資料に…なし」: the fields are empty in the row the statement names (or no row refers to it)."""
    resource, _, key = holder.attrs["data-statement"].partition("#")
    row = tables[resource].rows[key]
    for token in holder.attrs["data-absent"].split():
        if token.startswith("rows:"):
            _, other, field_name = token.split(":")
            package = resource.split("/")[0]
            referring = [r for r in tables[f"{package}/{other}"].rows.values() if r[field_name] == key]
            assert not referring, f"{where}: {len(referring)} rows of {other} refer to {key}"
        else:
            assert not row[token], f"{where}: {token} is {row[token]!r}, not absent"


def test_no_page_says_shiryoujou_or_shiryou_no_toori(real_site: Path) -> None:
    """Phrases that attribute a statement to the source wholesale are not used anywhere (issue 16, deliver 1)."""
    offending = [
        path.relative_to(real_site).as_posix()
        for path in real_site.rglob("*.html")
        if re.search("資料上|資料のとおり", path.read_text(encoding="utf-8"))
    ]
    assert not offending, offending[:10]


BUILD_WORDS = re.compile(
    r"抽出|\d+(?:[-−–]\d+)?行(?![政き])|\b[a-z]+(?:-[a-z0-9]+)+\b|\b(?:true|false|unknown|null)\b|reconstructed"
)


def prose_of(node: Node) -> str:
    """The text of ``node`` without the addresses and code that a chart offers to copy (.chart-share): those are
    addresses, not words."""
    if "chart-share" in node.attrs.get("class", "").split():
        return ""
    return "".join(c if isinstance(c, str) else prose_of(c) for c in node.children)


def test_logic_pages_speak_plainly(real_site: Path) -> None:
    """Issue 14, point 4 on these pages: no extraction, line numbers, resource or field names, true/false —
    in the visible text and in the collapsed details alike (provenance is on the dataset page)."""
    for pattern in ("logic-model/*.html", "indicators/*.html", "measures/*.html", "review/index.html"):
        for path in sorted(real_site.glob(pattern)):
            text = re.sub(r"\d{4}-\d{2}(?:-\d{2})?", "", prose_of(main_of(parse(path))))  # dates: another issue
            text = re.sub(r"先頭\d+行", "", text)  # "the first 25 rows" of a long table
            found = sorted({m.group(0) for m in BUILD_WORDS.finditer(text)})
            assert not found, f"{path.relative_to(real_site)}: {found}"
