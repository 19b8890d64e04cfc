"""The standing of a statement: printed in the source, reconstructed from it, or the site's own reading.

Every statement the site publishes has one of three standings (docs/datapackage-conventions.md, "Standing"):

* 資料の記載 — printed in the source document (its place is in ``source_lines`` / ``slide``);
* 資料からの再構成 — reassembled from the source's text (the method is in ``standing_basis``);
* このサイトによる整理 — the site's own inference or grouping (the reasoning is in ``standing_basis`` or ``basis``).

A table says it row by row in a ``standing`` field. A table without one follows the older convention: a row
whose ``reconstructed`` flag is true is 資料からの再構成, any other row 資料の記載. A table's description,
notes and the fields named in ``SITE_WORDS`` are the site's own words (このサイトによる整理): notes, the
method or reasoning of a standing, and ``pairing_basis``, why the site sets a row beside another.

Pages tag each statement with ``data-standing`` and ``data-statement`` (:func:`statement_id`), so that a test
can read every page against the data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import Problem

if TYPE_CHECKING:  # model.py asks this module whether a row is reconstructed
    from .model import Resource, Site

# The values of the data's ``standing`` column (and the glossary's), which the code compares with. Pages show them
# as they are, in the templates' tags (templates/_standing.html).
PRINTED = "資料の記載"
RECONSTRUCTED = "資料からの再構成"
INFERRED = "このサイトによる整理"
STANDINGS = (PRINTED, RECONSTRUCTED, INFERRED)
OTHER_DOCUMENT = "他の公的資料の記載"  # the glossary's only: another public document (a law, a guideline) defines it
FIELD = "standing"
BASIS_FIELDS = ("standing_basis", "basis")
SITE_WORDS = frozenset({"note", "notes", "basis", "standing_basis", "pairing_basis"})


def of_row(row: Mapping[str, Any]) -> str:
    """The standing of a table row (see the module docstring)."""
    value = row.get(FIELD)
    if isinstance(value, str) and value in STANDINGS:
        return value
    return RECONSTRUCTED if row.get("reconstructed") is True else PRINTED


def basis_of(row: Mapping[str, Any]) -> str:
    """The reader-facing method or reasoning behind a row's standing ('' when none is given)."""
    for name in BASIS_FIELDS:
        value = row.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def row_key(resource: Resource, row: Mapping[str, Any]) -> str:
    """The row's primary key values joined by '|', as in ``data-statement``."""
    keys = [f.name for f in resource.fields if f.is_key] or [resource.fields[0].name]
    return "|".join("" if row.get(k) is None else str(row.get(k)) for k in keys)


def statement_id(package: str, resource: str, key: str = "", field: str = "") -> str:
    """``<package>/<resource>`` (the table's own words), ``…#<key>`` (a row), ``…#<key>/<field>`` (one cell)."""
    out = f"{package}/{resource}"
    if key:
        out += f"#{key}"
        if field:
            out += f"/{field}"
    return out


def statement_of(resource: Resource, row: Mapping[str, Any]) -> str:
    """The ``data-statement`` of a table row."""
    return statement_id(resource.package, resource.name, row_key(resource, row))


def check(site: Site, tables: Mapping[tuple[str, str], tuple[str, Sequence[int]]]) -> list[Problem]:
    """Rows whose standing is not 資料の記載 must say how (or why); printed rows must say where.

    ``tables`` maps (package, resource) to the CSV's path as the build shows it and its row numbers.
    """
    problems: list[Problem] = []
    for resource in site.resources:
        names = {f.name for f in resource.fields}
        if FIELD not in names:
            continue
        path, numbers = tables.get((resource.package, resource.name), (f"{resource.package}/{resource.name}", ()))
        for index, row in enumerate(resource.rows):
            number = numbers[index] if index < len(numbers) else None
            standing = of_row(row)
            if standing != PRINTED and not basis_of(row):
                problems.append(
                    Problem(path, number, "standing_basis", f"{standing}: say how (or why) in standing_basis")
                )
            if standing == PRINTED and "source_lines" in names and not row.get("source_lines"):
                problems.append(Problem(path, number, "source_lines", f"{PRINTED}: say where it is printed"))
    return problems
