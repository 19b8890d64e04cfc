"""The generator holds nothing of the sites it builds: no name, slug, package name or sentence of a site.

The terms come from the sites themselves (each site's configuration and the names of its data packages), so the
list cannot go stale: a site that gains an area or a package is checked for it at once. Every Python file of
``datasite/`` is read token by token:

* a text of a site (its name, description, a goal's number or sentence, an area's title, a document's title)
  may appear nowhere: not in code, not in a comment or a docstring;
* a distinctive name (with "-" or "_": ``ref-local-governments``, ``fiscal_strength_index``) may appear
  nowhere either;
* a name of one word (``hikikomori``, ``policy``) is a plain English word in the generator's prose, so it is
  looked for where code would use it as a name: a string literal that is the name, or holds it as a path
  segment (``"policy"``, ``"policy/targets"``).

Names that are also the generator's own vocabulary (a role, a section, a resource every logic model has, a
folder of the repository, a property of the Data Package standard) cannot be told apart from it: they are left
out, and a test lists them so that the choice is visible.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import tokenize
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from datasite import config
from tests.conftest import ROOT

CODE = sorted((ROOT / "datasite").rglob("*.py"))
# The sites the repository publishes or shows: the real one and the examples.
SITES = [ROOT / "site.toml", *sorted((ROOT / "examples").glob("*/site.toml"))]
# Keys of the configuration that are the generator's own vocabulary or numbers, not a site's words.
NOT_TERMS = {"language", "fiscal_year", "unit", "header", "footer", "section", "page", "label"}
# The names of the sites that are the generator's own words too (test_the_names_left_out_…).
LEFT_OUT = {"population", "reference"}


def _descriptor_keys() -> set[str]:
    """Every property name the data packages use (the Data Package standard's words and the project's)."""
    keys: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            keys.update(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for site in SITES:
        for descriptor in (site.parent / "datapackages").glob("*/datapackage.json"):
            walk(json.loads(descriptor.read_text(encoding="utf-8")))
    return keys


def vocabulary() -> set[str]:
    """The generator's own names, which a site may happen to use too."""
    own = set(config.SECTIONS) | set(config.LOGIC_RESOURCES)
    own |= {f.name for f in dataclasses.fields(config.Roles)}
    own |= {"local-governments", "prefectures", "groupings", "source-figures"}  # resources a role's package holds
    own |= {path.name for path in ROOT.iterdir() if path.is_dir() and not path.name.startswith(".")}
    return own | _descriptor_keys()


def site_terms(path: Path) -> tuple[set[str], set[str]]:
    """(texts, names) of one site: the texts of its configuration, and its slugs and package names."""
    texts: set[str] = set()
    names: set[str] = {p.name for p in (path.parent / "datapackages").iterdir() if p.is_dir()}

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for child, item in value.items():
                walk(item, child)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and key not in NOT_TERMS and value.strip():
            is_name = key in {"slug", "package", "resource", "field", "logic_model", "benchmarks"} or key in {
                f.name for f in dataclasses.fields(config.Roles)
            }
            (names if is_name else texts).add(value)

    walk(tomllib.loads(path.read_text(encoding="utf-8")))
    return texts, names


def all_terms() -> tuple[set[str], set[str], set[str]]:
    """(texts, names, names left out because they are the generator's vocabulary too)."""
    texts: set[str] = set()
    names: set[str] = set()
    for site in SITES:
        site_texts, site_names = site_terms(site)
        texts |= site_texts
        names |= site_names
    own = vocabulary()
    return texts, names - own, names & own


@dataclasses.dataclass(frozen=True)
class Token:
    line: int
    text: str  # the token as written (a literal with its quotes and prefix)
    kind: str  # "code" (a string literal in code), "doc" (a docstring) or "comment"


def tokens(path: Path) -> Iterator[Token]:
    """The string literals and comments of a Python file."""
    previous = tokenize.NEWLINE
    source = path.read_text(encoding="utf-8")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield Token(token.start[0], token.string, "comment")
        elif token.type == tokenize.STRING:
            starts_statement = previous in {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL}
            yield Token(token.start[0], token.string, "doc" if starts_statement else "code")
        if token.type not in {tokenize.COMMENT, tokenize.NL}:
            previous = token.type


def _value(literal: str) -> str:
    """A literal's text without its prefix and quotes (an f-string keeps its {fields})."""
    body = literal.lstrip("rRbBuUfF")
    quote = body[:3] if body[:3] in {'"""', "'''"} else body[:1]
    return body[len(quote) : len(body) - len(quote)]


def findings(paths: list[Path], texts: set[str], names: set[str], root: Path = ROOT) -> list[str]:
    out: list[str] = []
    distinctive = {n for n in names if re.search(r"[-_0-9]", n) or not n.isascii()}
    plain = names - distinctive
    anywhere = [(t, re.compile(re.escape(t))) for t in sorted(texts)]
    anywhere += [(n, re.compile(rf"(?<![\w-]){re.escape(n)}(?![\w-])")) for n in sorted(distinctive)]
    as_name = [(n, re.compile(rf"(?:^|[/#]){re.escape(n)}(?:$|[/#.])")) for n in sorted(plain)]
    for path in paths:
        where = path.relative_to(root).as_posix()
        lines = path.read_text(encoding="utf-8").split("\n")
        for number, line in enumerate(lines, start=1):
            out += [f"{where}:{number}: {term!r}" for term, pattern in anywhere if pattern.search(line)]
        for token in tokens(path):
            if token.kind == "code":
                value = _value(token.text)
                out += [f"{where}:{token.line}: {term!r}" for term, pattern in as_name if pattern.search(value)]
    return sorted(set(out))


def test_datasite_holds_nothing_specific_to_a_site() -> None:
    texts, names, _ = all_terms()
    assert len(texts) > 20 and len(names) > 20, (len(texts), len(names))  # the sites were read
    found = findings(CODE, texts, names)
    assert found == [], "site-specific words in datasite/ (put them in site.toml, content/ or templates/):\n" + (
        "\n".join(found)
    )


def test_the_names_left_out_are_only_the_generators_own_words() -> None:
    """Which names of the sites the check cannot look for, because the generator uses them as its own words."""
    _, _, left_out = all_terms()
    assert left_out == LEFT_OUT, left_out


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('NAME = "ref-local-governments"\n', ["x.py:1: 'ref-local-governments'"]),
        ("# read from ref-local-governments\n", ["x.py:1: 'ref-local-governments'"]),
        ('TITLE = "施策目標Ⅶ-1-3 オープンデータ"\n', ["x.py:1: '施策目標Ⅶ-1-3 オープンデータ'"]),
        ('"""Docstring about hikikomori support."""\n', []),  # a plain word in prose
        ('PACKAGE = "hikikomori"\n', ["x.py:1: 'hikikomori'"]),
        ('LINK = f"{root}hikikomori/index.html"\n', []),  # not a segment of its own: {root}hikikomori
        ('LINK = f"areas/hikikomori/index.html"\n', ["x.py:1: 'hikikomori'"]),
        ('MESSAGE = "the hikikomori pages"\n', []),
        ('KEY = "ref-local-governments-x"\n', []),
    ],
)
def test_the_check_finds_what_it_should(tmp_path: Path, source: str, expected: list[str]) -> None:
    path = tmp_path / "x.py"
    path.write_text(source, encoding="utf-8")
    names = {"ref-local-governments", "hikikomori"}
    assert findings([path], {"施策目標Ⅶ-1-3 オープンデータ"}, names, tmp_path) == expected
