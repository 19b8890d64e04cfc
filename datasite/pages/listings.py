"""Listing pages that grow with the data: each policy area's datasets, and the data catalogue.

Both are split by size (``pagination``) so that no page passes about 100 KB however many packages
there are. The catalogue also gets ``datasets/catalogue.json``, so that its filter can search every
page at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from .. import urls
from ..charts import RenderedChart
from ..config import Goal
from ..memo import RenderMemo
from ..model import Area, Package, Site
from ..strings import Strings
from . import pagination
from .discovery import json_bytes
from .record import PageRecord, Renderer

Outputs = dict[str, bytes]
Page = Renderer
ChartsByResource = dict[tuple[str, str], list[RenderedChart]]

AREA_PAGE_BUDGET = 80 * 1024  # bytes of dataset sections per area page; the frame (its table of contents) adds 5-15 KB
CATALOGUE_PAGE_BUDGET = 80 * 1024  # bytes of catalogue entries per page


def area_pages(
    area: Area,
    packages: list[Package],
    page: Page,
    macros: Any,
    by_resource: ChartsByResource,
    memo: RenderMemo,
    words: Strings,
    measures: Sequence[Any] = (),
    goal: Goal | None = None,
) -> Outputs:
    """An area's datasets with their charts and tables, over as many pages as keep each page light; the first
    page also lists the area's measures (達成手段), so that every measure page is reached from its area. On a
    site of several goals, its breadcrumbs lead through its ``goal``."""
    root = "../../"
    charts_of: dict[str, ChartsByResource] = {}
    for key, refs in by_resource.items():
        charts_of.setdefault(key[0], {})[key] = refs

    def section(package: Package) -> Markup:
        charts = charts_of.get(package.name, {})
        html = memo.get_or_render(
            "area_package", (package, charts, root), lambda: str(macros.area_package(package, charts, root)).encode()
        )
        return Markup(html.decode("utf-8"))

    sections = [(package, section(package)) for package in packages]
    chunks = pagination.chunk_by_size(sections, lambda section: len(section[1].encode("utf-8")), AREA_PAGE_BUDGET)
    out: Outputs = {}
    for chunk, pages in zip(chunks, pagination.paginations(len(chunks), words.counting), strict=True):
        path = f"{urls.area_folder(area.slug)}{pagination.page_file(pages.number)}"
        on_page = [package for package, _ in chunk]
        crumbs: list[tuple[str, str | None]] = [(words("home"), urls.HOME)]
        if goal is not None and goal.path:
            crumbs.append((goal.title, urls.goal(goal.path)))
        if pages.number == 1:
            crumbs.append((area.title, None))
        else:
            crumbs += [(area.title, urls.area(area.slug)), (pages.crumb, None)]
        out[path] = page(
            PageRecord(
                path,
                "area.html",
                area.title + pages.label,
                words("area_description", area=area.title, pages=pages.label),
                crumbs,
                {
                    "area": area,
                    "sections": chunk,
                    "pagination": pages,
                    "og_chart": first_chart(on_page, by_resource),
                    "measures": measures if pages.number == 1 else (),
                    "has_charts": any(r.charts for p in on_page for r in p.resources),
                    "goal_path": goal.path if goal is not None else "",
                    "goal": goal,
                },
            )
        )
    return out


def catalogue_pages(
    site: Site, areas: list[Area], page: Page, macros: Any, memo: RenderMemo, words: Strings
) -> Outputs:
    """Every dataset by policy area (datasets/index.html, page-2.html …) and the catalogue's JSON index."""
    listed = [(area, package) for area in areas for package in site.packages_in(area)]

    def entry(area: Area, package: Package) -> Markup:
        html = memo.get_or_render(
            "catalogue_entry", (package, area), lambda: str(macros.catalogue_entry(package, area, "../")).encode()
        )
        return Markup(html.decode("utf-8"))

    entries = [(area, entry(area, package)) for area, package in listed]
    chunks = pagination.chunk_by_size(entries, lambda entry: len(entry[1].encode("utf-8")), CATALOGUE_PAGE_BUDGET)
    with_packages = [area for area in areas if site.packages_in(area)]
    topics = sorted({topic for package in site.packages for topic in package.topics})
    out: Outputs = {}
    for chunk, pages in zip(chunks, pagination.paginations(len(chunks), words.counting), strict=True):
        path = urls.datasets_page(pagination.page_file(pages.number))
        sections = [(area, [html for a, html in chunk if a == area]) for area in with_packages]
        crumbs: list[tuple[str, str | None]] = [(words("home"), urls.HOME)]
        if pages.number == 1:
            crumbs.append((words("datasets"), None))
        else:
            crumbs += [(words("datasets"), urls.DATASETS), (pages.crumb, None)]
        out[path] = page(
            PageRecord(
                path,
                "datasets.html",
                words("datasets") + pages.label,
                words("datasets_description", pages=pages.label),
                crumbs,
                {
                    "sections": [(area, html) for area, html in sections if html],
                    "areas": with_packages,
                    "topics": topics,
                    "pagination": pages,
                    "total": len(listed),
                },
            )
        )
    out[urls.CATALOGUE_JSON] = json_bytes(
        [
            {
                "name": package.name,
                "title": package.title,
                "area": area.slug,
                "topics": list(package.topics),
                "resources": [{"title": r.title, "csv": f"{package.name}/{r.name}.csv"} for r in package.resources],
            }
            for area, package in listed
        ],
        sort_keys=False,
    )
    return out


def first_chart(packages: list[Package], by_resource: ChartsByResource) -> RenderedChart | None:
    return next((c for p in packages for r in p.resources for c in by_resource.get((p.name, r.name), [])), None)
