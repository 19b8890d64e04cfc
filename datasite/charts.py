"""Stage 4: Vega-Lite specs from chart declarations (altair), and their static SVG/PNG (vl-convert).

Specs are built with altair (``alt.Chart``, layers, encodings) and exported without altair's schema validation,
which cost more than it checked while building; tests/test_charts.py validates every published spec against the
Vega-Lite schema instead. They carry their data inline (``data.url`` fails silently over file://) and a Japanese
``description``, which Vega uses as the chart's ARIA label. The words a chart draws (legends, credits, the year
style) come from the catalogue's ``[charts]`` texts (chart_words), sent with each job and part of its cache key.
Expressions are avoided so that the browser can render under a strict Content-Security-Policy.
Each declared chart has a wide and a narrow layout (see "the specs" below); only the wide one has a PNG.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, ParamSpec

from . import chart_worker, urls
from .cache import Cache, code_fingerprint, digest
from .chart_worker import ChartJob, ChartResult, ImageRenderer, Pending, run_job
from .integrity import Row
from .model import Chart, Field, Package, Resource, SeriesBreak, Site
from .strings import Strings
from .typeset import display_value, text_width, unify_years, wrap, year_label

P = ParamSpec("P")
FONT = chart_worker.FONT
# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"  # altair's SCHEMA_URL (tests/test_charts.py checks)


@dataclass(frozen=True)
class RenderedChart:
    """A declared chart as pages refer to it. Its files (spec, SVG, PNG) are made by ChartFiles; its page and its
    embeddable view (``page``, ``embed``) are rendered with the other pages."""

    package: str
    resource: str
    chart: Chart
    embed_height: int = 480  # px an embedding frame should take: the wide image with its credit lines, estimated
    text_alternative: str = ""  # the images' alt text after the title (text_alternative below)

    @property
    def slug(self) -> str:
        return f"{self.resource}-{self.chart.name}"

    @property
    def narrow_slug(self) -> str:
        """The narrow layout's files: ``<slug>.narrow.svg`` and ``.narrow.vl.json`` (no slug has a dot)."""
        return self.slug + NARROW.suffix

    @property
    def folder(self) -> str:
        return urls.chart_folder(self.package)

    @property
    def page(self) -> str:
        """The chart's own page, from the site's top: its stable address."""
        return f"{self.folder}{self.slug}.html"

    @property
    def embed(self) -> str:
        """The chart alone, with its source and licence, for other sites' frames."""
        return f"{self.folder}{self.slug}.embed.html"


@dataclass(frozen=True)
class ProgressChart:
    """An indicator's actual value against its target, drawn on the indicator's page."""

    indicator: str
    title: str
    unit: str
    actual_label: str  # 実績（2024-04-01時点）
    actual: float
    target_label: str
    target: float
    actual_name: str = ""  # the short name the bar carries (実績); the label when empty
    target_name: str = ""  # the short name the rule carries (目標)
    credits: tuple[str, ...] = ()  # what the image says of its source and licence (credit_lines)
    folder: str = urls.progress_folder()  # each goal's indicators have their own on a site of several goals

    @property
    def path(self) -> str:
        return urls.progress_chart(self.folder, self.indicator)


@dataclass(frozen=True)
class _Planned:
    path: str  # the files' path without the extension
    title: str
    description: str
    with_png: bool
    spec_key: str
    spec_cached: bool
    drawn: bool  # the images are new: the cache gets them
    footer: tuple[str, ...]  # the credit lines drawn under the chart
    result: Pending[ChartResult]


class _Ready:
    """A result already at hand (taken from the cache)."""

    def __init__(self, result: ChartResult) -> None:
        self._result = result

    def get(self) -> ChartResult:
        return self._result


class ChartFiles:
    """Chart files being made in worker processes while the pages render; ``collect`` waits for them."""

    def __init__(self, cache: Cache, planned: list[_Planned], words: Strings) -> None:
        self._cache = cache
        self._planned = planned
        self._words = words

    def collect(self) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        for item in self._planned:
            text, svg, png = item.result.get()
            if not item.spec_cached:
                self._cache.put("specs", item.spec_key, text.encode("utf-8"))
            if item.drawn:
                key = _images_key(text, item.footer)
                self._cache.put("charts", key + ".svg", svg.encode("utf-8"))
                self._cache.put("charts", key + ".png", png)
            title, description = unify_years(item.title, self._words), unify_years(item.description, self._words)
            files[f"{item.path}.svg"] = _label_svg(svg, title, description).encode("utf-8")
            if item.with_png:
                files[f"{item.path}.png"] = png
            files[f"{item.path}.vl.json"] = text.encode("utf-8")
        return files


def start_charts(
    site: Site,
    progress: list[ProgressChart],
    cache: Cache,
    renderer: ImageRenderer,
    site_name: str,
    words: Strings,
    base_url: str | None = None,
) -> tuple[list[RenderedChart], ChartFiles]:
    """Every declared chart, for the pages, and its files, from the cache or started in the workers. Each image
    carries its credits (source, reference date, unit, licence, the caveat that matters most, the site's name and,
    when the published address is known, the chart page's address): an image copied alone keeps them."""
    drawn_words = chart_words(words)
    refs: list[RenderedChart] = []
    planned: list[_Planned] = []
    packages = {package.name: package for package in site.packages}
    for resource in site.resources:
        for chart in resource.charts:
            ref = RenderedChart(resource.package, resource.name, chart)
            address = base_url + ref.page if base_url else ""
            unit = resource.field(chart.y).unit
            credits = credit_lines(packages[resource.package], resource, unit, site_name, address, words=words)
            footers = {name: footer_lines(credits, layout) for name, layout in LAYOUTS.items()}
            height = embed_height(resource, chart, len(footers[WIDE.name]), drawn_words)
            text = text_alternative(chart, words)
            refs.append(replace(ref, embed_height=height, text_alternative=text))
            for layout in LAYOUTS.values():
                path = f"{ref.folder}{ref.slug}{layout.suffix}"
                job = ChartJob(
                    None,
                    chart_spec,
                    (resource, chart, layout.name, drawn_words),
                    with_png=layout is WIDE,
                    label=path,
                    footer=footers[layout.name],
                )
                key = digest(
                    "chart-spec",
                    code_fingerprint(),
                    resource.package,
                    resource.name,
                    resource.text,
                    repr(resource.fields),
                    repr(chart),
                    layout.name,
                    repr(drawn_words),  # a changed word draws the chart again
                )
                planned.append(_plan(path, chart.title, text, key, job, cache, renderer))
    for item in progress:
        labels = (item.actual_label, item.actual, item.target_label, item.target, item.actual_name, item.target_name)
        arguments = (item.title, item.unit, *labels, drawn_words)
        footer = footer_lines(item.credits, NARROW)
        job = ChartJob(None, progress_spec, arguments, with_png=False, label=item.path, footer=footer)
        key = digest("progress-spec", code_fingerprint(), repr(arguments))
        description = words("charts.progress_description", actual=item.actual_label, target=item.target_label)
        planned.append(_plan(item.path, item.title, description, key, job, cache, renderer))
    return refs, ChartFiles(cache, planned, drawn_words)


def text_alternative(chart: Chart, words: Strings) -> str:
    """The description, and every series break (a caveat a reader of the image must not miss)."""
    breaks = (words("charts.break_alternative", label=b.label, note=b.note) for b in chart.breaks)
    return words("charts.alternative_separator").join([chart.description, *breaks])


def chart_words(words: Strings) -> Strings:
    """The catalogue's texts a chart draws (its ``charts.`` ones, the year style among them): sent with each job and
    part of its cache key, so that a changed word draws the charts again and a word of another page does not."""
    return Strings(words.language, {key: text for key, text in words.texts.items() if key.startswith("charts.")})


def _plan(
    path: str, title: str, description: str, spec_key: str, job: ChartJob, cache: Cache, renderer: ImageRenderer
) -> _Planned:
    def planned(spec_cached: bool, drawn: bool, result: Pending[ChartResult]) -> _Planned:
        return _Planned(path, title, description, job.with_png, spec_key, spec_cached, drawn, job.footer, result)

    spec = cache.get("specs", spec_key)
    if spec is None:  # the worker builds the spec too (altair is slow to import and to build specs)
        return planned(False, True, renderer.submit(run_job, job))
    text = spec.decode("utf-8")
    images_key = _images_key(text, job.footer)
    svg, png = cache.get("charts", images_key + ".svg"), cache.get("charts", images_key + ".png")
    if svg is not None and png is not None:
        return planned(True, False, _Ready((text, svg.decode("utf-8"), png)))
    return planned(True, True, renderer.submit(run_job, replace(job, spec_text=text, arguments=())))


def _images_key(spec_text: str, footer: tuple[str, ...]) -> str:
    return digest("chart-images", code_fingerprint(), spec_text, *footer)


# --- the credits drawn into every image -------------------------------------------------------------------------
#
# An image saved from the site (or its PNG, printed) must say where its figures come from without the page around
# it: under the chart, in 12 px text, its source with the slide and reference date, the original survey, the unit,
# the licence, a contradiction the source holds (a series break is drawn in the chart itself, as a dashed rule and
# in the subtitle), and the site's name with the chart page's address when it is known.

CREDIT_LINE_PX = chart_worker.FOOTER_LINE_PX
CREDIT_TOP_PX = chart_worker.FOOTER_TOP_PX


def credit_lines(
    package: Package,
    resource: Resource | None,
    unit: str | None,
    site_name: str,
    address: str = "",
    *,
    words: Strings,
) -> tuple[str, ...]:
    """The paragraphs an image (a chart, a map) carries about itself (footer_lines wraps them for a layout)."""
    paragraphs: list[str] = []
    for source in (resource.sources if resource is not None else ()) or package.sources:
        parts = [
            words("charts.credit_source_at", title=source.title, slide=source.slide)
            if source.slide
            else words("charts.credit_source", title=source.title)
        ]
        if source.survey:
            parts.append(words("charts.credit_survey", survey=source.survey))
        if source.reference_date:
            parts.append(words("charts.credit_date", date=unify_years(source.reference_date, words)))
        paragraphs.append(words("charts.credit_separator").join(parts))
    facts = [words("charts.credit_unit", unit=unit)] if unit else []
    licences = words("list_separator").join(licence.name or licence.title for licence in package.licenses)
    if licences:
        facts.append(words("charts.credit_licence", licences=licences))
    if facts:
        paragraphs.append(words("charts.credit_facts_separator").join(facts))
    contradicted = resource.findings if resource is not None else ()
    if contradicted:
        note = unify_years(contradicted[0].note, words)
        more = len(contradicted) - 1
        paragraphs.append(
            words("charts.credit_discrepancies", note=note, count=more)
            if more
            else words("charts.credit_discrepancy", note=note)
        )
    paragraphs.append(site_name)
    if address:
        paragraphs.append(address)
    return tuple(paragraphs)


def footer_lines(paragraphs: tuple[str, ...], layout: Layout) -> tuple[str, ...]:
    """The credit paragraphs wrapped to the width of ``layout`` (an address is never broken)."""
    return tuple(line for paragraph in paragraphs for line in wrap_credit(paragraph, layout.width - 10))


def wrap_credit(paragraph: str, max_px: float) -> list[str]:
    """A credit paragraph in lines of 12 px text no wider than ``max_px``; an address is broken only after a "/"."""
    if paragraph.startswith(("https://", "http://")):
        return _wrap_address(paragraph, max_px)
    return wrap(paragraph, max_px, LABEL_PX)


def _wrap_address(address: str, max_px: float) -> list[str]:
    """An address broken only after a "/" (or, for a part longer than a line, anywhere), so that it can be read
    and typed back."""
    lines = [""]
    for part in re.findall(r"[^/]*/?", address):
        if lines[-1] and text_width(lines[-1] + part, LABEL_PX) > max_px:
            lines.append("")
        while text_width(part, LABEL_PX) > max_px:
            fits = int(max_px // text_width("a", LABEL_PX))
            lines[-1] += part[:fits]
            part = part[fits:]
            lines.append("")
        lines[-1] += part
    return [line for line in lines if line]


# --- the specs ------------------------------------------------------------------------------------------------------
#
# Every chart is drawn twice: "wide" for screens of 48em and more, and "narrow", laid out for a phone's column
# (at most NARROW_WIDTH px, drawn 1:1, so that its 12 px text stays 12 px). Pages choose between the two static
# images with <picture>/<source media>, and charts.js between the two specs, which it fits to its container.
# Category labels are wrapped (chart_labels), never truncated: Vega draws "\n" as a line break (lineBreak).

LABEL_PX = 12
TITLE_PX = 15
LINE_PX = 15  # the height of a line of 12 px text


@dataclass(frozen=True)
class Layout:
    name: str
    width: int  # the whole chart, axes, labels and legend included: Vega fits the plot into it (autosize fit-x)
    height: int  # the plot's height, for charts whose categories run along the x axis
    side_labels: int  # px for the category labels beside horizontal bars
    suffix: str  # of the files' names


WIDE = Layout("wide", 720, 300, 280, "")
NARROW = Layout("narrow", 320, 240, 124, ".narrow")
LAYOUTS = {layout.name: layout for layout in (WIDE, NARROW)}


def _built_with_altair(builder: Callable[P, dict[str, Any]]) -> Callable[P, dict[str, Any]]:
    """Run a spec builder with altair's checks off: its debug mode validates every object as it is made (a third
    of a chart's cost), and its default theme adds settings the site did not choose."""

    @functools.wraps(builder)
    def build(*args: P.args, **kwargs: P.kwargs) -> dict[str, Any]:
        import altair as alt
        from altair.utils.schemapi import debug_mode

        with debug_mode(False), alt.theme.enable("none"):
            return builder(*args, **kwargs)

    return build


@_built_with_altair
def progress_spec(
    title: str,
    unit: str,
    actual_label: str,
    actual: float,
    target_label: str,
    target: float,
    actual_name: str,
    target_name: str,
    words: Strings,
) -> dict[str, Any]:
    """A bar for the actual value and a rule for the target: how far an indicator is from its target.
    One narrow layout (a single bar reads as well at any width), so that its text is legible on a phone: the bar
    and the rule carry short names (実績, 目標), the subtitle the full labels."""
    import altair as alt

    width = NARROW.width
    actual_label, target_label = unify_years(actual_label, words), unify_years(target_label, words)
    actual_name, target_name = actual_name or actual_label, target_name or target_label
    bar = (
        alt.Chart()
        .mark_bar(color=PALETTE[0], size=36)
        .encode(
            y=alt.Y(field="label", type="nominal", title=None, axis=alt.Axis(labelLimit=width)),
            x=alt.X(
                field="value",
                type="quantitative",
                title=words("charts.progress_unit", unit=unit),
                axis=alt.Axis(titleAnchor="end", labelOverlap=True, labelFlush=True),
                scale=alt.Scale(domain=[0, max(actual, target) * 1.1]),
            ),
            tooltip=[alt.Tooltip(field="value", type="quantitative", title=actual_label, format=",")],
        )
    )
    target_values = _inline([{"target": target, "label": target_name}])
    at_target = alt.X(field="target", type="quantitative")
    rule = alt.Chart(target_values).mark_rule(color=PALETTE[5], strokeWidth=3, strokeDash=[6, 3]).encode(x=at_target)
    text = (
        alt.Chart(target_values)
        .mark_text(color=PALETTE[5], align="right", dx=-4, dy=-28, fontSize=LABEL_PX)
        .encode(x=at_target, text=alt.Text(field="label"))
    )
    subtitle = [line for label in (actual_label, target_label) for line in wrap(label, width, LABEL_PX)]
    description = words("charts.progress_description", actual=actual_label, target=target_label)
    size = {"width": width, "height": 70, "description": description}
    values = [{"label": actual_name, "value": actual}]
    return _finish([bar, rule, text], values, size, wrap(title, width, TITLE_PX), subtitle, width)


@dataclass(frozen=True)
class _Categories:
    """A category field as a chart shows it: each row's label (years in the site's style), their order, a title."""

    labels: list[str]
    order: list[str]
    title: str
    temporal: bool


def _categories(field: Field, rows: list[Row], words: Strings) -> _Categories:
    values = [row.get(field.name) for row in rows]
    labels = [display_value(field.name, field.type, value, words) for value in values]
    title = field.title
    days = {(value.month, value.day) for value in values if isinstance(value, date)}
    years = {value.year for value in values if isinstance(value, date)}
    if len(days) == 1 and len(years) > 1 and all(isinstance(value, date) for value in values):
        # Dates that all fall on the same day of the year (year-end counts) read as years; the day is said once.
        ((month, day),) = days
        labels = [year_label(value.year, words) for value in values if isinstance(value, date)]
        title = words("charts.every_year", title=title, month=month, day=day)
    order: list[str] = list(dict.fromkeys(labels))  # the CSV's order
    if field.type in {"integer", "number"}:
        number_of = {
            label: float(value)
            for label, value in zip(labels, values, strict=True)
            if isinstance(value, (int, float)) and not isinstance(value, bool)
        }
        order.sort(key=lambda label: number_of.get(label, 0.0))
    temporal = field.type in {"date", "year"} or field.name in {"fiscal_year", "year", "era_label"}
    return _Categories(labels, order, title, temporal or field.name.endswith(("_year", "_date")))


@dataclass(frozen=True)
class _Plan:
    """How a chart is laid out in one layout: its categories, their labels as drawn, which way the bars run."""

    layout: Layout
    rows: list[Row]
    x: _Categories
    color: _Categories | None
    horizontal: bool
    fits_flat: bool  # the category labels fit side by side, level
    widest: float  # px of the widest category label
    plot_width: int
    axis_of: dict[str, str]  # a category's label as the axis draws it (wrapped with "\n")
    legend_of: dict[str, str]  # a colour's label as the legend draws it
    legend_columns: int
    height: int  # of the plot


def _plan_layout(resource: Resource, chart: Chart, layout: Layout, words: Strings) -> _Plan:
    rows = charted_rows(resource, chart)
    x = _categories(resource.field(chart.x), rows, words)
    color_field = resource.field(chart.color) if chart.color else None
    color = _categories(color_field, rows, words) if color_field else None
    # Bars whose labels do not fit side by side are turned (horizontal), except over time, where the labels
    # (years, never broken) lean instead.
    plot_width = layout.width - 80  # the value axis's labels and title take about 80 px
    widest = max((text_width(label, LABEL_PX) for label in x.order), default=0)
    fits_flat = len(x.order) * (widest + 12) <= plot_width
    horizontal = chart.type == "horizontal-bar" or (chart.type != "line" and not x.temporal and not fits_flat)
    # Wrapped labels ("\n") for the axis and legend; the full ones for tooltips.
    axis_of = {
        label: "\n".join(wrap(label, layout.side_labels, LABEL_PX)) if horizontal else label for label in x.order
    }
    legend_of = {label: "\n".join(wrap(label, layout.width - 72, LABEL_PX)) for label in (color.order if color else [])}
    columns = max(1, min(len(color.order), int((layout.width - 10) // (_widest(color.order) + 60)))) if color else 0
    if horizontal:
        bars = len(color.order) if color and chart.type in {"grouped-bar", "horizontal-bar"} else 1
        lines = max((axis_of[label].count("\n") + 1 for label in x.order), default=1)
        # A fixed height rather than a step: Vega-Lite warns about "fit" with a step size (a console warning).
        height = len(x.order) * max(bars * 18 + 8, lines * LINE_PX + 8)
    else:
        height = layout.height
    return _Plan(layout, rows, x, color, horizontal, fits_flat, widest, plot_width, axis_of, legend_of, columns, height)


def embed_height(resource: Resource, chart: Chart, footer_lines: int, words: Strings) -> int:
    """The height, in px, of a frame that shows the wide image and the embed's line of source and licence: an
    estimate from the layout (the images are drawn while the pages that print it render). The embedded page fits
    the image into whatever frame it gets, so an estimate a little off costs only some white space."""
    plan = _plan_layout(resource, chart, WIDE, words)
    title = len(wrap(unify_years(chart.title, words), WIDE.width, TITLE_PX)) * 19 + 10
    subtitle = sum(len(wrap(_break_subtitle(b, words), WIDE.width, LABEL_PX)) for b in chart.breaks)
    below = 24 if plan.horizontal else 24 + LINE_PX  # the value axis, or the category axis and its title
    if not plan.horizontal and not plan.fits_flat:
        below += round(plan.widest * (0.71 if len(plan.x.order) <= 8 else 1.0))
    legend = 0
    if plan.color is not None:
        rows = -(-len(plan.color.order) // max(1, plan.legend_columns))
        legend = 28 + rows * 18
    if any(row.get("reconstructed") is True for row in plan.rows):
        legend += 60
    image = 10 + title + subtitle * LINE_PX + plan.height + below + legend
    image += CREDIT_TOP_PX + footer_lines * CREDIT_LINE_PX
    return image + EMBED_CAPTION_PX


EMBED_CAPTION_PX = 56  # the embedded page's line of source, licence and link, and its margins


@_built_with_altair
def chart_spec(resource: Resource, chart: Chart, layout_name: str, words: Strings) -> dict[str, Any]:
    """The Vega-Lite spec of a declared chart in one layout (``wide`` or ``narrow``), built with altair."""
    import altair as alt

    layout = LAYOUTS[layout_name]
    plan = _plan_layout(resource, chart, layout, words)
    printed, reconstructed_kind = words("charts.printed_value"), words("charts.reconstructed_value")
    rows, x, color, horizontal = plan.rows, plan.x, plan.color, plan.horizontal
    plot_width, axis_of, legend_of = plan.plot_width, plan.axis_of, plan.legend_of
    color_field = resource.field(chart.color) if chart.color else None
    y_field = resource.field(chart.y)
    y_title = value_title(y_field, words)
    y_format = ",d" if y_field.type == "integer" else ",~f"
    line_like = chart.type == "line"
    reconstructed = any(row.get("reconstructed") is True for row in rows)

    data: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        entry: dict[str, Any] = {
            "x": axis_of[x.labels[index]],
            "x_label": x.labels[index],
            "y": _json_value(row[chart.y]),
        }
        if color:
            label = color.labels[index]
            entry.update(color=legend_of[label], color_label=label, color_rank=color.order.index(label))
        if reconstructed:
            entry["kind"] = reconstructed_kind if row.get("reconstructed") is True else printed
        for number, item in enumerate(chart.breaks):
            entry[f"break_{number}"] = unify_years(item.note, words)
        data.append(entry)

    category_channel, value_channel = ("y", "x") if horizontal else ("x", "y")
    category_axis: dict[str, Any] = {"labelLimit": layout.width, "titleLimit": layout.width}
    padding_left = 0.0
    if not horizontal and plan.fits_flat:
        category_axis["labelAngle"] = 0
    elif not horizontal:
        category_axis["labelAngle"] = -45 if len(x.order) <= 8 else -90
        if len(x.order) <= 8:
            # The first label leans left past the value axis (about 70 px): room for it, or Vega would clip it.
            padding_left = max(0.0, plan.widest * 0.71 - plot_width / len(x.order) / 2 - 70)
    # Bands touch (no padding): the bars take part of their band (BAR_BAND), so that a band's edge, where a
    # series break is drawn, falls midway between two bars or two points.
    band: dict[str, Any] = {"type": "band", "paddingInner": 0, "paddingOuter": 0} if line_like else {"paddingInner": 0}
    channel = {"x": alt.X, "y": alt.Y}
    encoding: dict[str, Any] = {
        category_channel: channel[category_channel](
            field="x",
            type="nominal",
            title=None if horizontal else wrap(x.title, plot_width, LABEL_PX),
            scale=alt.Scale(domain=[axis_of[label] for label in x.order], **band),
            axis=alt.Axis(**category_axis),
        ),
        value_channel: channel[value_channel](
            field="y",
            type="quantitative",
            title=wrap(y_title, plot_width if horizontal else layout.height, LABEL_PX),
            axis=alt.Axis(format=y_format, titleLimit=layout.width, labelOverlap=True, labelFlush=True),
        ),
    }
    tooltip = [alt.Tooltip(field="x_label", type="nominal", title=x.title)]
    if color and color_field:
        columns = plan.legend_columns
        legend_domain = [legend_of[label] for label in color.order]
        encoding["color"] = alt.Color(
            field="color",
            type="nominal",
            title=color.title,
            scale=alt.Scale(domain=legend_domain, range=_palette(len(color.order))),
            legend=alt.Legend(orient="bottom", direction="horizontal", columns=columns, labelLimit=layout.width),
        )
        tooltip.append(alt.Tooltip(field="color_label", type="nominal", title=color.title))
        if chart.type in {"grouped-bar", "horizontal-bar"}:
            offset = alt.YOffset if category_channel == "y" else alt.XOffset
            encoding[f"{category_channel}Offset"] = offset(
                field="color",
                type="nominal",
                scale=alt.Scale(domain=legend_domain, paddingOuter=(1 - BAR_BAND) * 2),
            )
        if chart.type == "stacked-bar":
            encoding["order"] = alt.Order(field="color_rank", type="quantitative")
    tooltip.append(alt.Tooltip(field="y", type="quantitative", title=y_title, format=y_format))
    if reconstructed:
        tooltip.append(alt.Tooltip(field="kind", type="nominal", title=words("charts.value_kind")))
    tooltip += [alt.Tooltip(field=f"break_{n}", type="nominal", title=b.label) for n, b in enumerate(chart.breaks)]
    encoding["tooltip"] = tooltip

    kinds = [kind for kind in (printed, reconstructed_kind) if any(entry.get("kind") == kind for entry in data)]
    layers = _data_layers(chart, encoding, kinds, words, single_colour=color is None, horizontal=horizontal)
    subtitle: list[str] = []
    for item in chart.breaks:
        before = axis_of.get(_display_break(resource.field(chart.x), item.before, words), "")
        layers += _break_layers(item, before, category_channel, horizontal, layout, words)
        subtitle += wrap(_break_subtitle(item, words), layout.width, LABEL_PX)

    size: dict[str, Any] = {"width": layout.width, "height": plan.height, "description": chart.description}
    if padding_left:
        size["padding"] = {"left": round(padding_left) + 5, "top": 5, "right": 5, "bottom": 5}
    title = wrap(unify_years(chart.title, words), layout.width, TITLE_PX)
    return _finish(layers, data, size, title, subtitle, layout.width)


def _break_subtitle(item: SeriesBreak, words: Strings) -> str:
    return words("charts.break_subtitle", note=unify_years(item.note, words))


BAR_BAND = 0.8  # the share of its band that a bar (or a group of bars) takes


def charted_rows(resource: Resource, chart: Chart) -> list[Row]:
    """The rows a chart draws: the table's, without those its ``exclude`` names (totals, usually)."""
    return [
        row
        for row in resource.rows
        if not any(str(row.get(k)) in {str(v) for v in values} for k, values in chart.exclude.items())
    ]


def value_title(field: Field, words: Strings) -> str:
    """A value field's title with its unit, as a chart's axis names it: 相談件数（件）."""
    title = words("charts.value_title", title=field.title, unit=field.unit) if field.unit else field.title
    return unify_years(title, words)


def _data_layers(
    chart: Chart, encoding: dict[str, Any], kinds: list[str], words: Strings, *, single_colour: bool, horizontal: bool
) -> list[Any]:
    """The bars, or the line and its points; rows reconstructed from a garbled chart are drawn differently
    (pale outlined bars, triangular points) and a legend above the plot says so."""
    import altair as alt

    colour: dict[str, Any] = {"color": PALETTE[0]} if single_colour else {}
    # Two legends at the bottom would not fit a phone's width side by side: this one goes on top.
    legend: dict[str, Any] = {"orient": "top", "direction": "vertical", "title": words("charts.value_kind")}
    printed, reconstructed = words("charts.printed_value"), words("charts.reconstructed_value")
    kind_scale: dict[str, Any] = {"domain": kinds, "type": "ordinal"}
    if chart.type == "line":
        points = dict(encoding)
        if kinds and reconstructed in kinds:
            shapes = ["circle" if kind == printed else "triangle-up" for kind in kinds]
            points["shape"] = alt.Shape(
                field="kind", type="nominal", scale=alt.Scale(**kind_scale, range=shapes), legend=alt.Legend(**legend)
            )
        line_encoding = {key: value for key, value in encoding.items() if key != "tooltip"}
        return [
            alt.Chart().mark_line(strokeWidth=2.5, **colour).encode(**line_encoding),
            alt.Chart().mark_point(filled=True, size=64, opacity=1, **colour).encode(**points),
        ]
    bars = dict(encoding)
    grouped = "xOffset" in encoding or "yOffset" in encoding
    thickness = "height" if horizontal else "width"
    mark: dict[str, Any] = {**colour, thickness: {"band": 0.85 if grouped else BAR_BAND}}
    if kinds and reconstructed in kinds:
        square = alt.Legend(**legend, symbolType="square", symbolFillColor="#666", symbolStrokeColor="#000")
        opacity = [1 if kind == printed else 0.55 for kind in kinds]
        outline = [0 if kind == printed else 2 for kind in kinds]
        bars["opacity"] = alt.Opacity(
            field="kind", type="ordinal", scale=alt.Scale(**kind_scale, range=opacity), legend=square
        )
        bars["strokeWidth"] = alt.StrokeWidth(
            field="kind", type="ordinal", scale=alt.Scale(**kind_scale, range=outline), legend=square
        )
        mark["stroke"] = "#000"
    return [alt.Chart().mark_bar(**mark).encode(**bars)]


def _break_layers(
    item: SeriesBreak, before: str, channel: str, horizontal: bool, layout: Layout, words: Strings
) -> list[Any]:
    """A dashed rule in the gap before the category ``before``, with the break's label beside it."""
    import altair as alt

    if not before:
        return []
    # Bands touch and their bars and points are centred: a band's start is the midpoint between two categories.
    position = {"x": alt.X, "y": alt.Y}[channel]
    at = position(field="x", type="nominal", bandPosition=0)
    note = unify_years(item.note, words)
    tooltip = [
        alt.Tooltip(field="label", type="nominal", title=words("charts.break_rule")),
        alt.Tooltip(field="note", type="nominal", title=item.label),
    ]
    text: dict[str, Any] = {"color": "#222", "fontSize": LABEL_PX, "lineBreak": "\n"}
    if horizontal:
        text.update(align="right", baseline="bottom", dy=-2, x="width")
    else:
        text.update(align="left", baseline="bottom", dx=4, y=-4)
    label = "\n".join(wrap(item.label, layout.width / 2, LABEL_PX))
    rule = (
        alt.Chart(_inline([{"x": before, "label": item.label, "note": note}]))
        .mark_rule(color="#333", strokeWidth=1.5, strokeDash=[5, 4])
        .encode(**{channel: at, "tooltip": tooltip})
    )
    label_text = alt.Chart(_inline([{"x": before, "text": label}])).mark_text(**text)
    return [rule, label_text.encode(**{channel: at, "text": alt.Text(field="text")})]


def _finish(
    layers: list[Any],
    values: list[dict[str, Any]],
    properties: dict[str, Any],
    title: list[str],
    subtitle: list[str],
    width: int,
) -> dict[str, Any]:
    """The layers as one chart with the shared look: fonts and sizes (12 px text at least), no truncation, wrapped
    labels, and the whole chart (axes and legend included) fitted into ``width``. The rows (``values``) are put in
    after altair's export: altair deep-copies a chart's data at every step, which made a spec cost 30 ms."""
    import altair as alt

    config = alt.Config(
        font=FONT,
        style={"guide-label": {"lineBreak": "\n"}, "guide-title": {"lineBreak": "\n"}},
        axis=alt.AxisConfig(labelFontSize=LABEL_PX, titleFontSize=LABEL_PX, labelColor="#222", titleColor="#222"),
        legend=alt.LegendConfig(labelFontSize=LABEL_PX, titleFontSize=LABEL_PX, labelLimit=width, titleLimit=width),
        title=alt.TitleConfig(
            fontSize=TITLE_PX,
            subtitleFontSize=LABEL_PX,
            subtitleColor="#222",
            anchor="start",
            color="#111",
            limit=width,
            subtitlePadding=6,
        ),
        view=alt.ViewConfig(stroke=None),
    )
    layered = alt.layer(
        *layers,
        data=_inline([]),  # a place for the rows (no data would make altair name an empty data set)
        title=alt.TitleParams(text=title, subtitle=subtitle) if subtitle else alt.TitleParams(text=title),
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        config=config,
        **properties,
    )
    spec: dict[str, Any] = layered.to_dict(validate=False)  # the tests validate every published spec
    spec["data"] = {"values": values}
    return spec


def _inline(values: list[dict[str, Any]]) -> Any:
    """Data carried in the spec itself (``data.url`` fails silently over file://)."""
    import altair as alt

    return alt.Data(values=values)  # type: ignore[no-untyped-call]


def _display_break(field: Field, before: Any, words: Strings) -> str:
    return display_value(field.name, field.type, before, words)


def _widest(labels: list[str]) -> float:
    return max((text_width(label, LABEL_PX) for label in labels), default=0.0)


def _palette(count: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(count)]


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _label_svg(svg: str, title: str, description: str) -> str:
    """Give the standalone SVG a role and a Japanese accessible name."""
    from html import escape

    head, sep, rest = svg.partition(">")
    element = f"<title>{escape(title)}: {escape(description)}</title>"
    return f'{head} role="img" aria-label="{escape(title, quote=True)}"{sep}{element}{rest}'
