"""Prose pages in Markdown (programme pages, about, methodology) and the glossary.

Figures in prose come from the data through directives, so the prose cannot disagree with a CSV:

* ``{{value <package>/<resource> <field> key=value ...}}`` — one cell, chosen by filters that must match
  exactly one row; shown with its unit and linked to its table;
* ``{{chart <package>/<resource> <chart>}}`` — a declared chart, on a line of its own;
* ``{{table <package>/<resource>}}`` — a link to the table.

A directive that names a missing package, resource, field or chart, or whose filters do not match
exactly one row, is a build error naming the Markdown file and line. Markdown is rendered with raw
HTML off, plus two fixes for Japanese text that CommonMark gets wrong (emphasis next to full-width
punctuation; line breaks between Japanese characters), and links each glossary term on first use.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from . import config
from .errors import Problem
from .model import Resource, Site
from .standing import INFERRED, OTHER_DOCUMENT, PRINTED

# One whitespace after the kind, not "\s+": with "\s+([^{}]*?)" a line of spaces took quadratic time.
DIRECTIVE = re.compile(r"\{\{(value|chart|table)\s([^{}]*?)\}\}")
MARKER = "\ue000{}\ue001"
MARKER_PATTERN = re.compile("\ue000(\\d+)\ue001")
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
GLOSSARY_FILE = "glossary.csv"
# A definition the source gives (資料の記載), or the site's own explanation of a general term (このサイトによる整理).
# 資料の記載: the sheet's slide named in ``source`` defines the term; 他の公的資料の記載: another public document,
# named in ``source``, does (a law, a guideline); このサイトによる整理: the site's own explanation.
GLOSSARY_STANDINGS = ("", PRINTED, OTHER_DOCUMENT, INFERRED)


@dataclass(frozen=True)
class Directive:
    kind: str
    resource: Resource
    field_name: str = ""
    chart: str = ""
    row: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    source: str
    slug: str
    kind: str  # "programme" or "page"
    title: str
    title_en: str
    area: int
    order: int
    summary: str
    body: str  # Markdown with each directive replaced by a marker
    directives: tuple[Directive, ...]
    goal: str = ""  # the goal of its area, as the front matter names it (needed on a site of several goals)
    lead: str = ""  # inline Markdown: the home page's opening sentence (content/home.md)


@dataclass(frozen=True)
class Term:
    term: str
    reading: str
    definition: str
    programme: str
    source: str  # the slide that defines the term; for the site's own explanation, where the term appears
    anchor: str
    standing: str = ""  # one of GLOSSARY_STANDINGS


@dataclass(frozen=True)
class Content:
    pages: tuple[Page, ...] = ()
    glossary: tuple[Term, ...] = ()


def parse_content(files: dict[str, str], site: Site) -> tuple[Content, list[Problem]]:
    problems: list[Problem] = []
    pages: list[Page] = []
    glossary: tuple[Term, ...] = ()
    resources = {f"{r.package}/{r.name}": r for r in site.resources}
    for path, text in sorted(files.items()):
        if path.endswith("/" + GLOSSARY_FILE):
            glossary, found = _parse_glossary(path, text)
        elif path.endswith(".md"):
            page, found = _parse_page(path, text, resources)
            if page is not None:
                pages.append(page)
                found += _area_problems(page, site)
        else:
            continue
        problems.extend(found)
    slugs = {p.slug for p in pages if p.kind == "programme"}
    for term in glossary:
        if term.programme and term.programme not in slugs:
            problems.append(
                Problem(
                    path_of(files, GLOSSARY_FILE),
                    None,
                    "programme",
                    f'"{term.term}": no programme page "{term.programme}"',
                )
            )
    return Content(tuple(sorted(pages, key=lambda p: (p.area, p.order, p.slug))), glossary), problems


def path_of(files: dict[str, str], name: str) -> str:
    return next((p for p in files if p.endswith("/" + name)), name)


def _parse_page(path: str, text: str, resources: dict[str, Resource]) -> tuple[Page | None, list[Problem]]:
    lines = text.split("\n")
    meta: dict[str, str] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            return None, [Problem(path, 1, None, "front matter is not closed by a line '---'")]
        for number, line in enumerate(lines[1:end], start=2):
            key, sep, value = line.partition(":")
            if not sep:
                return None, [Problem(path, number, None, "front matter lines are 'key: value'")]
            meta[key.strip()] = value.strip()
        start = end + 1
    if not meta.get("title"):
        return None, [Problem(path, 1, "title", "the front matter needs a title")]
    problems: list[Problem] = []
    directives: list[Directive] = []

    def replace(match: re.Match[str], number: int) -> str:
        directive, message = _resolve(match.group(1), match.group(2), resources)
        if directive is None:
            problems.append(Problem(path, number, None, f"{match.group(0)}: {message}"))
            return match.group(0)
        directives.append(directive)
        return MARKER.format(len(directives) - 1)

    body_lines: list[str] = []
    for number, line in enumerate(lines[start:], start=start + 1):

        def on_match(match: re.Match[str], number: int = number) -> str:
            return replace(match, number)

        body_lines.append(DIRECTIVE.sub(on_match, line))
    body = "\n".join(body_lines)
    slug = path.rsplit("/", 1)[-1].removesuffix(".md")
    kind = "programme" if "/programmes/" in f"/{path}" else "page"
    area = int(meta["area"]) if meta.get("area", "").isdigit() else 0
    order = int(meta["order"]) if meta.get("order", "").isdigit() else 0
    page = Page(
        path,
        slug,
        kind,
        meta["title"],
        meta.get("title_en", ""),
        area,
        order,
        meta.get("summary", ""),
        body,
        tuple(directives),
        meta.get("goal", ""),
        meta.get("lead", ""),
    )
    return page, problems


def _area_problems(page: Page, site: Site) -> list[Problem]:
    """A programme page is listed under its area: the area (and on a site of several goals, its goal) must be
    one the site configuration declares."""
    if page.kind != "programme":
        return []
    problem = config.area_problem(site.config, page.source, 1, page.area, page.goal)
    return [] if problem is None else [problem]


def _resolve(kind: str, arguments: str, resources: dict[str, Resource]) -> tuple[Directive | None, str]:
    try:
        words = shlex.split(arguments)
    except ValueError as error:
        return None, f"cannot read the arguments ({error})"
    if not words or words[0] not in resources:
        return None, f'no resource "{words[0] if words else ""}" (write <package>/<resource>)'
    resource = resources[words[0]]
    if kind == "table":
        return Directive(kind, resource), ""
    if len(words) < 2:
        return None, f"{kind} needs a {'field' if kind == 'value' else 'chart'} name"
    if kind == "chart":
        if words[1] not in {c.name for c in resource.charts}:
            return None, f'{words[0]} has no chart "{words[1]}"'
        return Directive(kind, resource, chart=words[1]), ""
    names = {f.name for f in resource.fields}
    if words[1] not in names:
        return None, f'{words[0]} has no field "{words[1]}"'
    filters: dict[str, str] = {}
    for word in words[2:]:
        key, sep, value = word.partition("=")
        if not sep or key not in names:
            return None, f'"{word}" is not a filter of the form field=value'
        filters[key] = value
    rows = [row for row in resource.rows if all(str(row.get(k)) == v for k, v in filters.items())]
    if len(rows) != 1:
        return None, f"the filters match {len(rows)} rows of {words[0]}; they must match exactly one"
    if rows[0].get(words[1]) is None:
        return None, f"the value is missing in {words[0]} (a declared missing value)"
    return Directive(kind, resource, field_name=words[1], row=rows[0]), ""


def resolve_directive(kind: str, arguments: str, resources: dict[str, Resource]) -> tuple[Directive | None, str]:
    """A directive's arguments resolved against the site's tables (chart captions use it too)."""
    return _resolve(kind, arguments, resources)


def _parse_glossary(path: str, text: str) -> tuple[tuple[Term, ...], list[Problem]]:
    reader = csv.DictReader(io.StringIO(text))
    expected = ["term", "reading", "definition", "programme", "source"]
    if reader.fieldnames not in (expected, [*expected, "standing"]):
        return (), [Problem(path, 1, None, f"the header must be {','.join(expected)}[,standing]")]
    terms: list[Term] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):
        term = (row.get("term") or "").strip()
        if not term or not (row.get("definition") or "").strip():
            problems.append(Problem(path, number, "term" if not term else "definition", "required"))
            continue
        if term in seen:
            problems.append(Problem(path, number, "term", f'"{term}" is defined twice'))
            continue
        seen.add(term)
        standing = (row.get("standing") or "").strip()
        if standing not in GLOSSARY_STANDINGS:
            allowed = " / ".join(s for s in GLOSSARY_STANDINGS if s)
            problems.append(Problem(path, number, "standing", f'"{standing}" is not one of {allowed} (or empty)'))
            continue
        terms.append(
            Term(
                term,
                row.get("reading") or "",
                row["definition"].strip(),
                row.get("programme") or "",
                row.get("source") or "",
                "",
                standing,
            )
        )
    ordered = sorted(terms, key=lambda t: (t.reading or t.term, t.term))
    return tuple(replace(t, anchor=f"term-{i + 1}") for i, t in enumerate(ordered)), problems


class JapaneseMarkdown:
    """markdown-it-py ("js-default": raw HTML off) with fixes for Japanese and glossary links.

    ``glossary_href`` gives the link for a term's anchor; ``seen`` holds the terms already linked on the
    page being rendered, so that each term is linked only on its first use.
    """

    def __init__(self, glossary: tuple[Term, ...] = ()) -> None:
        self.md = MarkdownIt("js-default")
        self.terms = sorted(glossary, key=lambda t: -len(t.term))
        self.pattern = re.compile("|".join(re.escape(t.term) for t in self.terms)) if self.terms else None
        self.md.core.ruler.push("cjk_softbreak", _join_cjk_softbreaks)
        self.md.core.ruler.push("cjk_emphasis", _fix_cjk_emphasis)
        self.md.core.ruler.push("md_links", _markdown_links_to_pages)

    def render(
        self, text: str, glossary_href: Callable[[Term], str] | None = None, seen: set[str] | None = None
    ) -> str:
        env: dict[str, Any] = {}
        tokens = self.md.parse(text, env)
        if self.pattern is not None and glossary_href is not None:
            self._link_terms(tokens, glossary_href, set() if seen is None else seen)
        rendered: str = self.md.renderer.render(tokens, self.md.options, env)
        return rendered

    def _link_terms(self, tokens: list[Token], href: Callable[[Term], str], seen: set[str]) -> None:
        by_term = {t.term: t for t in self.terms}
        assert self.pattern is not None
        for block in tokens:
            if block.type != "inline" or not block.children:
                continue
            children: list[Token] = []
            depth = 0
            for child in block.children:
                depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
                if child.type != "text" or depth:
                    children.append(child)
                    continue
                children.extend(self._split(child, by_term, href, seen))
            block.children = children

    def _split(
        self, token: Token, by_term: dict[str, Term], href: Callable[[Term], str], seen: set[str]
    ) -> list[Token]:
        assert self.pattern is not None
        out: list[Token] = []
        rest = token.content
        while rest:
            match = next((m for m in self.pattern.finditer(rest) if m.group(0) not in seen), None)
            if match is None:
                break
            term = by_term[match.group(0)]
            seen.add(term.term)
            if match.start():
                out.append(_text(rest[: match.start()]))
            link = Token("link_open", "a", 1, attrs={"href": href(term), "class": "term"})
            out += [link, _text(term.term), Token("link_close", "a", -1)]
            rest = rest[match.end() :]
        if rest:
            out.append(_text(rest))
        return out


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _markdown_links_to_pages(state: StateCore) -> None:
    """Links between Markdown pages (``other.md``) point at the pages built from them."""
    for block in state.tokens:
        for token in block.children or []:
            href = token.attrGet("href") if token.type == "link_open" else None
            if isinstance(href, str) and ":" not in href and re.match(r"^[\w./-]+\.md(#.*)?$", href):
                token.attrSet("href", re.sub(r"\.md(?=#|$)", ".html", href))


def _join_cjk_softbreaks(state: StateCore) -> None:
    """A line break between two Japanese characters is not a space in Japanese: drop it."""
    for block in state.tokens:
        children = block.children or []
        for index, token in enumerate(children):
            if token.type != "softbreak" or index == 0 or index + 1 >= len(children):
                continue
            before, after = children[index - 1].content, children[index + 1].content
            if before and after and CJK.match(before[-1]) and CJK.match(after[0]):
                token.type, token.tag, token.content = "text", "", ""


def emphasis_spans(text: str) -> Iterator[tuple[int, int, str, str]]:
    r"""(start, end, "strong" or "em", inner text) for each ``**strong**``, ``__strong__`` and ``*em*`` left in text.

    The rules are those of the regular expression
    ``(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)``, found left to right, which took
    quadratic time on text with many unclosed ``**`` (158 KB: 176 s); this scan takes linear time: every
    closer is looked up in a list of the candidates made once.
    """
    size = len(text)
    newlines = [index for index, char in enumerate(text) if char == "\n"]
    closers: dict[str, list[int]] = {}
    for delimiter in ("**", "__"):
        found, index = [], text.find(delimiter, 1)
        while index != -1:
            if not text[index - 1].isspace():
                found.append(index)
            index = text.find(delimiter, index + 1)
        closers[delimiter] = found
    position = 0
    while position < size:
        pair = text[position : position + 2]
        if pair in closers and position + 2 < size and not text[position + 2].isspace():
            candidates = closers[pair]
            first = bisect.bisect_left(candidates, position + 3)
            next_newline = bisect.bisect_left(newlines, position + 2)
            line_end = newlines[next_newline] if next_newline < len(newlines) else size
            if first < len(candidates) and candidates[first] < line_end:
                close = candidates[first]
                yield position, close + 2, "strong", text[position + 2 : close]
                position = close + 2
                continue
        before = text[position - 1] if position else ""
        if (
            text[position] == "*"
            and not (before == "*" or before.isalnum() or before == "_")
            and position + 1 < size
            and not text[position + 1].isspace()
        ):
            close = text.find("*", position + 1)
            if (
                close >= position + 2
                and not text[close - 1].isspace()
                and (close + 1 >= size or text[close + 1] != "*")
            ):
                yield position, close + 1, "em", text[position + 1 : close]
                position = close + 1
                continue
        position += 1


def _fix_cjk_emphasis(state: StateCore) -> None:
    """CommonMark's flanking rules leave `**「東京都」**の` unemphasised; emphasise what is left in text."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        for child in block.children:
            if child.type != "text" or ("*" not in child.content and "__" not in child.content):
                children.append(child)
                continue
            rest = child.content
            position = 0
            for start, end, tag, inner in emphasis_spans(rest):
                children.append(_text(rest[position:start]))
                children.append(Token(f"{tag}_open", tag, 1))
                children.append(_text(inner))
                children.append(Token(f"{tag}_close", tag, -1))
                position = end
            children.append(_text(rest[position:]))
        block.children = [c for c in children if c.type != "text" or c.content]
