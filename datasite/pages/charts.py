"""A page for every declared chart, at a stable address, and its embeddable view.

``charts/<package>/<resource>-<chart>.html`` shows the chart (the static image, made interactive by charts.js),
its notes and caveats, source, licence and reference date, its data table, its downloads and how to cite it,
with links back to its dataset and policy area. ``….embed.html`` beside it is the chart alone for another
site's frame: the image (which carries its own credits, see charts.credit_lines), one line of source and licence
and a link back; no script, so it shows the same without JavaScript.
"""

from __future__ import annotations

from .. import urls
from ..charts import RenderedChart
from ..model import Resource, Site
from ..strings import Strings
from .record import PageRecord, Renderer

Outputs = dict[str, bytes]
Page = Renderer

TABLE_ROWS = (100, 50, 20)  # rows of the chart's table on its page, fewer while the page is over its budget


def chart_pages(site: Site, charts: list[RenderedChart], page: Page, budget: int, words: Strings) -> Outputs:
    out: Outputs = {}
    packages = {package.name: package for package in site.packages}
    for rendered in charts:
        package = packages[rendered.package]
        resource = next(r for r in package.resources if r.name == rendered.resource)
        area = site.area_of(package)  # validated: every package names an area of the configuration
        assert area is not None, package.name
        title = rendered.chart.title
        description = " ".join(rendered.chart.description.split())[:160] or title
        context = {"rendered": rendered, "resource": resource, "package": package, "area": area}
        crumbs: list[tuple[str, str | None]] = [
            (words("home"), urls.HOME),
            (area.title, urls.area(area.slug)),
            (package.title, urls.dataset(package.name)),
            (title, None),
        ]
        for rows in TABLE_ROWS:
            out[rendered.page] = page(
                PageRecord(
                    rendered.page,
                    "chart.html",
                    title,
                    description,
                    crumbs,
                    {
                        "table_rows": rows,
                        "unit": _unit(resource, rendered),
                        "og_chart": rendered,
                        "has_charts": True,
                        **context,
                    },
                )
            )
            if len(out[rendered.page]) <= budget:
                break
        out[rendered.embed] = page(PageRecord(rendered.embed, "chart_embed.html", title, description, [], context))
    return out


def _unit(resource: Resource, rendered: RenderedChart) -> str:
    return resource.field(rendered.chart.y).unit or ""
