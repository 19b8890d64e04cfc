"""Pages written in Markdown (content/): programme explanations, about, methodology, the glossary.

Data directives in the prose ({{value …}}, {{chart …}}, {{table …}}) become figures linked to their
table, charts and links, so the prose always shows the published numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from .. import urls
from ..charts import RenderedChart
from ..content import MARKER_PATTERN, Content, Directive, JapaneseMarkdown, Page
from ..formatting import format_cell, glossary_href
from ..model import Site
from ..strings import Strings
from ..typeset import typeset_html
from .record import PageRecord, Renderer

Outputs = dict[str, bytes]
HOME_CONTENT = "home"  # content/home.md: the home page's headline figures and trend charts


def content_pages(
    content: Content,
    page: Renderer,
    prose: Callable[[Page, str, set[str]], Markup],
    site: Site,
    words: Strings,
) -> Outputs:
    out: Outputs = {}
    config = site.config
    home = (words("home"), "index.html")
    programmes = [p for p in content.pages if p.kind == "programme"]
    listing = (words("programmes"), urls.PROGRAMMES)
    if programmes:
        subject = config.name if config.several_goals else config.goals[0].title
        out[urls.PROGRAMMES] = page(
            PageRecord(
                urls.PROGRAMMES,
                "programmes.html",
                listing[0],
                words("programmes_description", subject=subject),
                [home, (listing[0], None)],
                {
                    "groups": [
                        (
                            a,
                            [
                                p
                                for p in programmes
                                if p.area == a.number and config.goal_of_number(p.area, p.goal) == a.goal
                            ],
                        )
                        for a in config.areas
                    ],
                    "several_goals": config.several_goals,
                    "has_glossary": bool(content.glossary),
                    "goals": {g.slug: g for g in config.goals},
                },
            )
        )
    for item in content.pages:
        if item.kind == "page" and item.slug == HOME_CONTENT:
            continue  # shown on the home page itself
        path = urls.prose_page(item.kind, item.slug)
        root = "../" * path.count("/")
        seen: set[str] = set()
        body = prose(item, root, seen)
        crumbs = [home, listing, (item.title, None)] if item.kind == "programme" else [home, (item.title, None)]
        out[path] = page(
            PageRecord(
                path,
                "prose.html",
                item.title,
                item.summary or item.title,
                crumbs,
                {
                    "item": item,
                    "body": body,
                    "glossary_seen": seen,
                    "has_charts": any(d.kind == "chart" for d in item.directives),
                },
            )
        )
    if content.glossary:
        out["glossary/index.html"] = page(
            PageRecord(
                "glossary/index.html",
                "glossary.html",
                words("glossary"),
                words("glossary_description"),
                [home, (words("glossary"), None)],
                {"terms": content.glossary, "programmes": {p.slug: p for p in programmes}},
            )
        )
    return out


def prose_html(
    item: Page,
    markdown: JapaneseMarkdown,
    root: str,
    seen: set[str],
    charts: dict[tuple[str, str, str], RenderedChart],
    macros: Any,
    words: Strings,
) -> Markup:
    rendered = typeset_html(markdown.render(item.body, lambda t: glossary_href(t, root), seen), words)

    def snippet(directive: Directive) -> str:
        resource = directive.resource
        anchor = root + urls.table(resource.package, resource.name)
        if directive.kind == "chart":
            return str(macros.chart(charts[(resource.package, resource.name, directive.chart)], root))
        if directive.kind == "table":
            return f'<a href="{escape(anchor)}">{escape(resource.title)}</a>'
        field = resource.field(directive.field_name)
        value = directive.row[directive.field_name]
        shown = format_cell(value, field, words=words)
        unit = field.unit or ""
        # A figure the source contradicts carries the flag its row has in the table (the dataset page's note).
        dataset = root + urls.dataset(resource.package)
        flags = "".join(
            str(macros.discrepancy_flag(resource, position, finding, dataset))
            for position, finding in resource.findings_of_row(directive.row)
        )
        return (
            f'<a class="figure" href="{escape(anchor)}" title="{escape(resource.title)}">'
            f'<data value="{escape(str(value))}">{escape(shown)}{escape(unit)}</data></a>{flags}'
        )

    def block(match: re.Match[str]) -> str:
        return snippet(item.directives[int(match.group(1))])

    rendered = re.sub(r"<p>\ue000(\d+)\ue001</p>", block, rendered)
    return Markup(MARKER_PATTERN.sub(block, rendered))
